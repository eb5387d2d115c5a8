/**
 * The one error type both HTTP clients throw (docs/design.md#one-http-client-per-api; after Octokit's
 * RequestError): method, path, status, the API's errorCode/message/debugId and issue
 * list, and no secret. It keeps no axios error, request, response or config, so
 * neither `util.inspect` nor `JSON.stringify` of it can show a header or a body, and
 * every text it holds went through `redact()` when it was built.
 */
import { STATUS_CODES } from "node:http";
import type { AxiosError } from "axios";
import { type ApiFailure, apiFailureMark } from "../core/apiFailure";
import { refusedBeforeActing, requestNeverSent } from "./retry";
import { redact } from "./redaction";

/** One entry of an `hpe.greenlake.bad_request` error detail. */
export interface ApiIssue {
  source?: string;
  subject?: string;
  description?: string;
}

export interface ApiErrorDetails {
  method: string;
  /** The request path; a query string is dropped (a filter may name a key). */
  path: string;
  /** HTTP status; undefined when no answer arrived (network error, timeout). */
  status?: number;
  statusText?: string;
  /** Network error code (ECONNRESET, ETIMEDOUT, ...). */
  code?: string;
  /** What the network layer said when no answer came ("socket hang up", "timeout of 30000ms exceeded"). */
  networkMessage?: string;
  errorCode?: string;
  /** The API's own message (Compute Ops Management `message`, Ops Manager `detail`). */
  apiMessage?: string;
  debugId?: string;
  issues?: ApiIssue[];
  /** How many times the request was repeated before giving up. */
  retries?: number;
  /**
   * True when a non-idempotent request (a POST) failed in a way that leaves it
   * unknown whether the server acted: the caller must look before creating again.
   */
  ambiguous?: boolean;
  /** What to check, appended to the message (e.g. the config keys of a refused credential). */
  hint?: string;
  /** Replaces the computed message (e.g. for configuration errors). */
  message?: string;
}

export class ApiError extends Error implements ApiFailure {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly errorCode?: string;
  readonly apiMessage?: string;
  readonly debugId?: string;
  readonly issues: readonly ApiIssue[];
  readonly retries: number;
  readonly ambiguous: boolean;

  constructor(details: ApiErrorDetails) {
    const path = details.path.split("?")[0];
    super(redact(details.message ?? describe({ ...details, path })));
    this.name = "ApiError";
    this.method = details.method.toUpperCase();
    this.path = redact(path);
    this.status = details.status;
    this.code = details.code;
    this.errorCode = details.errorCode === undefined ? undefined : redact(details.errorCode);
    this.apiMessage = details.apiMessage === undefined ? undefined : redact(details.apiMessage);
    this.debugId = details.debugId;
    this.issues = (details.issues ?? []).map(redactIssue);
    this.retries = details.retries ?? 0;
    this.ambiguous = details.ambiguous ?? false;
  }

  /**
   * What core recognises an API failure by (core/apiFailure.ts). A getter, so it
   * sits on the prototype: `util.inspect` of an error shows no extra field.
   */
  get [apiFailureMark](): true {
    return true;
  }

  /** True for a 404 answer: the object is gone (a caller's "read as deleted"). */
  static isNotFound(error: unknown): boolean {
    return error instanceof ApiError && error.status === 404;
  }

  /** What JSON.stringify shows: the message too, which Error keeps non-enumerable. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      errorCode: this.errorCode,
      apiMessage: this.apiMessage,
      debugId: this.debugId,
      issues: this.issues,
      retries: this.retries,
      ambiguous: this.ambiguous,
    };
  }
}

function redactIssue(issue: ApiIssue): ApiIssue {
  const copy: ApiIssue = {};
  if (typeof issue.source === "string") copy.source = redact(issue.source);
  if (typeof issue.subject === "string") copy.subject = redact(issue.subject);
  if (typeof issue.description === "string") copy.description = redact(issue.description);
  return copy;
}

// `POST /compute-ops-mgmt/v1beta1/external-services failed: 400 Bad Request
// (errorCode HPE_GL_ERROR_BAD_REQUEST, debugId 5e...): Bad request;
// authentication.clientSecret: must be ...`, or
// `GET /x failed: ECONNRESET (socket hang up) after 4 retries`
function describe(d: ApiErrorDetails): string {
  const statusText = d.statusText || (d.status !== undefined ? STATUS_CODES[d.status] : undefined);
  let what =
    d.status !== undefined
      ? `${d.status}${statusText ? ` ${statusText}` : ""}`
      : `${d.code ?? "network error"} (${d.networkMessage || "no answer"})`;
  if (d.retries) what += ` after ${d.retries} ${d.retries === 1 ? "retry" : "retries"}`;
  const ids = [
    d.errorCode !== undefined ? `errorCode ${d.errorCode}` : undefined,
    d.debugId !== undefined ? `debugId ${d.debugId}` : undefined,
  ].filter(Boolean);
  let text = `${d.method.toUpperCase()} ${d.path} failed: ${what}`;
  if (ids.length > 0) text += ` (${ids.join(", ")})`;
  if (d.apiMessage) text += `: ${d.apiMessage}`;
  const issues = (d.issues ?? [])
    .map((i) => [i.subject, i.description].filter(Boolean).join(": "))
    // Some servers repeat the issues in their message; say each once.
    .filter((s) => s.length > 0 && !(d.apiMessage ?? "").includes(s));
  if (issues.length > 0) text += `; ${issues.join("; ")}`;
  if (d.ambiguous) text += "; the request may have been applied";
  if (d.hint) text += `; ${d.hint}`;
  return text;
}

interface ErrorBody {
  // Compute Ops Management: {httpStatusCode, errorCode, message, debugId, errorDetails}
  errorCode?: unknown;
  message?: unknown;
  debugId?: unknown;
  errorDetails?: unknown;
  // Ops Manager: {detail, error (the HTTP status), errorCode, reason}
  detail?: unknown;
  reason?: unknown;
  // An OAuth2 token endpoint (RFC 6749 section 5.2): {error, error_description}
  error?: unknown;
  error_description?: unknown;
}

/**
 * Builds the ApiError for a failed axios request, reading Compute Ops Management's,
 * Ops Manager's and an OAuth2 token endpoint's error bodies. Only plain values are
 * copied out of the axios error.
 */
export function apiErrorFromAxios(
  error: unknown,
  method: string,
  path: string,
  options: { repeatable: boolean; retries?: number; hint?: string },
): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as {
    response?: {
      status: number;
      statusText?: string;
      data?: unknown;
      headers?: Record<string, unknown>;
    };
    code?: string;
    message?: string;
  };
  const response = e.response;
  if (!response) {
    const code = e.code ?? e.message;
    const said = typeof e.message === "string" ? e.message.trim() : "";
    return new ApiError({
      method,
      path,
      code,
      networkMessage: said !== "" && said !== code ? said : undefined,
      retries: options.retries,
      // A refused connection never carried the request; anything else may have.
      ambiguous: !options.repeatable && !requestNeverSent(code),
      hint: options.hint,
    });
  }
  const data = response.data;
  const body: ErrorBody = typeof data === "object" && data !== null ? (data as ErrorBody) : {};
  const issues: ApiIssue[] = [];
  if (Array.isArray(body.errorDetails)) {
    for (const detail of body.errorDetails as { type?: unknown; issues?: unknown }[]) {
      if (detail?.type === "hpe.greenlake.bad_request" && Array.isArray(detail.issues)) {
        issues.push(...(detail.issues as ApiIssue[]).filter((i) => typeof i === "object" && i));
      }
    }
  }
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const apiMessage =
    text(body.message) ??
    text(body.detail) ??
    text(body.error_description) ??
    (typeof data === "string"
      ? textBodyMessage(data, response.headers?.["content-type"])
      : undefined);
  const errorCode =
    body.errorCode !== undefined && body.errorCode !== null
      ? String(body.errorCode)
      : text(body.error);
  return new ApiError({
    method,
    path,
    status: response.status,
    statusText: response.statusText || text(body.reason),
    errorCode,
    apiMessage,
    debugId: text(body.debugId),
    issues,
    retries: options.retries,
    // A 5xx after a POST leaves it unknown whether the object was created, unless
    // it is a 503 that said when to come back (the server turned it away).
    ambiguous:
      !options.repeatable && response.status >= 500 && !refusedBeforeActing(error as AxiosError),
    hint: options.hint,
  });
}

/**
 * What a text error body says, for the message: a short plain text as it is; an
 * HTML page (a proxy's or a gateway's) by its title only, never dumped whole.
 */
function textBodyMessage(body: string, contentType: unknown): string | undefined {
  const trimmed = body.trim();
  if (trimmed === "") return undefined;
  if (/html/i.test(String(contentType ?? "")) || trimmed.startsWith("<")) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.replace(/\s+/g, " ").trim();
    return title ? `an HTML page titled "${title.slice(0, 80)}"` : "an HTML page";
  }
  return trimmed.length < 500 ? trimmed : undefined;
}
