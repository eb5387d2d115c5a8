/**
 * The retry policy both HTTP clients share, on axios-retry (docs/design.md#one-http-client-per-api;
 * rules after ky's): only 408, 429, 5xx and network errors are retried, with
 * exponential backoff and jitter, and `Retry-After` (seconds or an HTTP date) or the
 * API's `hpe.greenlake.retry_info` detail (docs/api-facts.md#error-body) wins over the backoff.
 *
 * GET, PATCH (a merge patch is idempotent) and DELETE are repeated freely. A POST
 * creates something, so it is repeated only when the answer proves the server did
 * not act (429; 503 with Retry-After; a refused connection), or when the caller
 * marks it idempotent. After a dropped connection, a timeout or another 5xx the
 * object may exist: the error is marked ambiguous and the resource looks before
 * creating again.
 */
import type { AxiosError, AxiosInstance } from "axios";
import axiosRetry from "axios-retry";

declare module "axios" {
  interface AxiosRequestConfig {
    /** A POST that can be repeated without creating a second object. */
    idempotent?: boolean;
  }
}

/** How the clients retry: how often, from which first backoff, and how they wait. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first backoff; each retry doubles it, up to 30 s. */
  baseDelayMs: number;
  /**
   * The wait between retries, told the delay the policy chose (a server's
   * Retry-After, or the backoff). Tests pass one that records it and returns at once.
   */
  sleep: (ms: number) => void | Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
const maxBackoffMs = 30_000;
/** A server asking for a longer pause than this gets an error instead of a silent wait. */
export const maxRetryAfterMs = 120_000;

// Errors raised before a byte of the request left: repeating cannot do the work twice.
const neverSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);
// Errors of a connection that broke or went quiet: the request may have arrived.
const brokenConnectionCodes = new Set([
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "ERR_NETWORK",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** True when the request may be sent again without risk of doing its work twice. */
export function isRepeatable(method: string | undefined, idempotent: boolean | undefined): boolean {
  return (method ?? "get").toLowerCase() !== "post" || idempotent === true;
}

/** True for a network error code that means the request never reached the server. */
export function requestNeverSent(code: string | undefined): boolean {
  return code !== undefined && neverSentCodes.has(code);
}

function isNetworkError(error: AxiosError): boolean {
  if (error.response || error.code === "ERR_CANCELED") return false;
  const code = error.code ?? "";
  return (
    neverSentCodes.has(code) ||
    brokenConnectionCodes.has(code) ||
    /socket hang up|timeout/i.test(error.message ?? "")
  );
}

function header(error: AxiosError, name: string): string | undefined {
  const headers = error.response?.headers as Record<string, unknown> | undefined;
  const value = headers?.[name];
  return typeof value === "string" ? value : undefined;
}

/** The pause the server asked for, in milliseconds, if it asked. */
export function requestedDelayMs(error: AxiosError): number | undefined {
  const retryAfter = header(error, "retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const details = (error.response?.data as { errorDetails?: unknown } | undefined)?.errorDetails;
  if (Array.isArray(details)) {
    for (const detail of details as { type?: unknown; retryAfterSeconds?: unknown }[]) {
      const seconds = detail?.retryAfterSeconds;
      if (detail?.type === "hpe.greenlake.retry_info" && typeof seconds === "number") {
        return Math.max(0, seconds * 1000);
      }
    }
  }
  return undefined;
}

/**
 * True when the answer proves the server turned the request away before doing
 * anything: 429, and 503 with a Retry-After (or retry_info) saying when to return.
 */
export function refusedBeforeActing(error: AxiosError): boolean {
  const status = error.response?.status;
  return status === 429 || (status === 503 && requestedDelayMs(error) !== undefined);
}

/** axios-retry's retryCondition. */
export function shouldRetry(error: AxiosError): boolean {
  const config = error.config;
  if (!config) return false;
  const asked = requestedDelayMs(error);
  if (asked !== undefined && asked > maxRetryAfterMs) return false;
  const repeatable = isRepeatable(config.method, config.idempotent);
  const status = error.response?.status;
  if (status === undefined) {
    return isNetworkError(error) && (repeatable || requestNeverSent(error.code));
  }
  if (refusedBeforeActing(error)) return true;
  if (status === 408 || status >= 500) return repeatable;
  return false;
}

/** What the server asked for, else backoff with jitter. */
export function retryDelayMs(
  retryNumber: number,
  error: AxiosError,
  baseDelayMs = defaultRetryPolicy.baseDelayMs,
): number {
  const asked = requestedDelayMs(error);
  const backoff = Math.min(maxBackoffMs, baseDelayMs * 2 ** (retryNumber - 1));
  // Half fixed, half random ("equal jitter"): never hammers at once, yet spreads the
  // retries of many resources that failed together.
  return asked ?? Math.round(backoff / 2 + Math.random() * (backoff / 2));
}

/**
 * Puts the retry policy on an axios instance; a policy's parts left out are the
 * defaults. `gateHolds429`: the instance's rate-limit gate pauses every request
 * after a 429 and the refused request's retry waits there (transport.ts), so the
 * policy adds no delay of its own for a 429.
 */
export function installRetries(
  instance: AxiosInstance,
  policy: Partial<RetryPolicy> = {},
  gateHolds429 = false,
): void {
  const { retries, baseDelayMs, sleep } = { ...defaultRetryPolicy, ...policy };
  // The delay retryDelay just chose, handed to onRetry: axios-retry calls the two
  // back to back, with no await in between, for one retry of this instance at a time.
  let chosenDelayMs: number | undefined = 0;
  axiosRetry(instance, {
    retries,
    retryCondition: shouldRetry,
    // axios-retry's own timer is told 0: the policy's sleep does the waiting.
    retryDelay: (retryNumber, error) => {
      const pausedByGate = gateHolds429 && error.response?.status === 429;
      chosenDelayMs = pausedByGate ? undefined : retryDelayMs(retryNumber, error, baseDelayMs);
      return 0;
    },
    onRetry: async () => {
      if (chosenDelayMs !== undefined) await sleep(chosenDelayMs);
    },
    // Each attempt gets the whole timeout.
    shouldResetTimeout: true,
  });
}

/** How many retries axios-retry made for the request behind this error. */
export function retriesMade(error: unknown): number {
  const config = (error as { config?: Record<string, unknown> } | undefined)?.config;
  const state = config?.["axios-retry"] as { retryCount?: number } | undefined;
  return state?.retryCount ?? 0;
}
