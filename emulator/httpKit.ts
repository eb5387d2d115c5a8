/** Small HTTP pieces the emulator's APIs share: parsed requests and replies. */
import { randomUUID } from "node:crypto";

export interface EmulatorRequest {
  method: string;
  path: string;
  /** The raw query string after `?`, undecoded. */
  rawQuery: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** The media type of the body, without parameters, lower case. */
  contentType: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Splits a query string and decodes it as the API does: a raw `+` is a space and
 * `%2B` is a `+` (docs/api-facts.md#percent-encoding: server ids contain `+`, which
 * clients must send as `%2B`), so a client that forgets to encode one finds nothing,
 * as it would against the real API.
 */
export function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (raw === "") return query;
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, " "));
    query[decode(key)] = decode(value);
  }
  return query;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

export interface Issue {
  subject: string;
  description: string;
  /**
   * Where the problem is. The spec's errorDetailBadRequest enumerates
   * `field | header | query.parameter`; body fields are "field" (the default).
   */
  source?: "field" | "header" | "query.parameter";
}

/** The Compute Ops Management error body: `{httpStatusCode, errorCode, message, debugId, errorDetails?}`. */
export function comError(
  status: number,
  errorCode: string,
  message: string,
  errorDetails?: unknown[],
  headers: Record<string, string> = {},
): Reply {
  return json(
    status,
    {
      httpStatusCode: status,
      errorCode,
      message,
      debugId: randomUUID(),
      ...(errorDetails ? { errorDetails } : {}),
    },
    headers,
  );
}

/**
 * A refused request, 400 by default; 422 for the operations that declare it
 * instead (the approval-policy reads and PATCH), with the same issue list.
 */
export function badRequest(issues: Issue[], status = 400): Reply {
  return comError(
    status,
    status === 422
      ? "HPE_GL_ERROR_UNPROCESSABLE_ENTITY"
      : status === 415
        ? "HPE_GL_ERROR_UNSUPPORTED_MEDIA_TYPE"
        : "HPE_GL_ERROR_BAD_REQUEST",
    `Bad request: ${issues.map((i) => `${i.subject}: ${i.description}`).join("; ")}`,
    [
      {
        type: "hpe.greenlake.bad_request",
        issues: issues.map((i) => ({
          source: i.source ?? "field",
          subject: i.subject,
          description: i.description,
        })),
      },
    ],
  );
}

export function notFound(what: string): Reply {
  return comError(404, "HPE_GL_ERROR_NOT_FOUND", `${what} not found`);
}

export function parseJsonBody(req: EmulatorRequest): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: req.rawBody === "" ? undefined : JSON.parse(req.rawBody) };
  } catch {
    return { ok: false };
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** RFC 7396 JSON merge patch: null deletes, objects merge, everything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
