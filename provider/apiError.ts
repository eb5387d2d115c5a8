/**
 * The one error type both HTTP clients throw (DESIGN.md decision 6): method,
 * path, status, the API's errorCode/message/debugId and issue list, and no
 * secret. It keeps no axios request or config object, so neither
 * `util.inspect` nor `JSON.stringify` of it can show a header or a body.
 */
import { redact } from "./redaction";

export interface ApiIssue {
  source?: string;
  subject?: string;
  description?: string;
}

export interface ApiErrorDetails {
  method: string;
  path: string;
  /** HTTP status; undefined when no answer arrived (network error, timeout). */
  status?: number;
  statusText?: string;
  /** Network error code (ECONNRESET, ETIMEDOUT, ...). */
  code?: string;
  errorCode?: string;
  apiMessage?: string;
  debugId?: string;
  issues?: ApiIssue[];
  retries?: number;
  /**
   * True when a non-idempotent request (a POST) failed in a way that leaves it
   * unknown whether the server acted: the caller must look before creating again.
   */
  ambiguous?: boolean;
  /** Replaces the computed message (e.g. for configuration errors). */
  message?: string;
}

export class ApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly errorCode?: string;
  readonly apiMessage?: string;
  readonly debugId?: string;
  readonly issues: ApiIssue[];
  readonly ambiguous: boolean;

  constructor(details: ApiErrorDetails) {
    super(redact(details.message ?? describe(details)));
    this.name = "ApiError";
    this.method = details.method;
    this.path = redact(details.path);
    this.status = details.status;
    this.code = details.code;
    this.errorCode = details.errorCode;
    this.apiMessage = details.apiMessage === undefined ? undefined : redact(details.apiMessage);
    this.debugId = details.debugId;
    this.issues = (details.issues ?? []).map((i) => ({
      ...i,
      description: i.description === undefined ? undefined : redact(i.description),
    }));
    this.ambiguous = details.ambiguous ?? false;
  }

  static isNotFound(error: unknown): boolean {
    return error instanceof ApiError && error.status === 404;
  }
}

function describe(d: ApiErrorDetails): string {
  const what =
    d.status !== undefined
      ? `${d.status}${d.statusText ? ` ${d.statusText}` : ""}`
      : `${d.code ?? "network error"} (no answer)`;
  const ids = [
    d.errorCode !== undefined ? `errorCode ${d.errorCode}` : undefined,
    d.debugId !== undefined ? `debugId ${d.debugId}` : undefined,
  ].filter(Boolean);
  let text = `${d.method} ${d.path} failed: ${what}`;
  if (ids.length > 0) text += ` (${ids.join(", ")})`;
  if (d.apiMessage) text += `: ${d.apiMessage}`;
  const issues = (d.issues ?? [])
    .map((i) => [i.subject, i.description].filter(Boolean).join(": "))
    .filter((s) => s.length > 0);
  if (issues.length > 0) text += `; ${issues.join("; ")}`;
  if (d.retries) text += ` (after ${d.retries} ${d.retries === 1 ? "retry" : "retries"})`;
  if (d.ambiguous) text += "; the request may have been applied";
  return text;
}

/**
 * Builds the ApiError for a failed axios request. Reads both APIs' error bodies:
 * Compute Ops Management's `{errorCode, message, debugId, errorDetails}` and
 * Ops Manager's `{detail, error, errorCode, reason}`.
 */
export function apiErrorFromAxios(
  error: unknown,
  method: string,
  path: string,
  options: { repeatable: boolean; retries: number },
): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as {
    response?: { status: number; statusText?: string; data?: unknown };
    code?: string;
    message?: string;
  };
  const response = e.response;
  if (!response) {
    return new ApiError({
      method,
      path,
      code: e.code ?? e.message,
      retries: options.retries,
      ambiguous: !options.repeatable,
    });
  }
  const body = (
    typeof response.data === "object" && response.data !== null ? response.data : {}
  ) as {
    errorCode?: unknown;
    message?: unknown;
    debugId?: unknown;
    errorDetails?: unknown;
    detail?: unknown;
    reason?: unknown;
  };
  const issues: ApiIssue[] = [];
  if (Array.isArray(body.errorDetails)) {
    for (const detail of body.errorDetails as { type?: string; issues?: ApiIssue[] }[]) {
      if (detail.type === "hpe.greenlake.bad_request" && Array.isArray(detail.issues)) {
        issues.push(...detail.issues);
      }
    }
  }
  const apiMessage =
    typeof body.message === "string"
      ? body.message
      : typeof body.detail === "string"
        ? body.detail
        : typeof response.data === "string" && response.data.length < 500
          ? response.data
          : undefined;
  return new ApiError({
    method,
    path,
    status: response.status,
    statusText: response.statusText || (typeof body.reason === "string" ? body.reason : undefined),
    errorCode: body.errorCode === undefined ? undefined : String(body.errorCode),
    apiMessage,
    debugId: typeof body.debugId === "string" ? body.debugId : undefined,
    issues,
    retries: options.retries,
    // A 5xx after a POST leaves it unknown whether the object was created.
    ambiguous: !options.repeatable && response.status >= 500,
  });
}
