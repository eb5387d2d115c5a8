/**
 * The retry policy both HTTP clients share, on axios-retry (DESIGN.md decision 6;
 * rules after ky's): only 408/429/5xx and network errors are retried, with
 * exponential backoff and full jitter, and `Retry-After` (seconds or an HTTP
 * date) or the API's `hpe.greenlake.retry_info` detail wins over the backoff.
 *
 * A POST creates something: it is retried only when the answer proves the server
 * did not act (429, or 503 with Retry-After), or when the caller marks it
 * idempotent. After a dropped connection, a timeout or another 5xx the object may
 * exist, so the error is marked ambiguous and the resource looks before creating.
 */
import type { AxiosError, AxiosInstance } from "axios";
import axiosRetry from "axios-retry";

declare module "axios" {
  interface AxiosRequestConfig {
    /** A POST that can be repeated without creating a second object. */
    idempotent?: boolean;
  }
}

export const maxRetries = 4;
const baseDelayMs = 500;
const maxDelayMs = 30_000;

/** Test hook: scales every wait (0 makes retries instant) and reports each requested delay. */
let delayScale = 1;
let delayObserver: ((ms: number) => void) | undefined;
export function setRetryDelayForTests(scale: number, observer?: (ms: number) => void): void {
  delayScale = scale;
  delayObserver = observer;
}

/** True when the request may be sent again without risk of doing its work twice. */
export function isRepeatable(method: string | undefined, idempotent: boolean | undefined): boolean {
  return (method ?? "get").toLowerCase() !== "post" || idempotent === true;
}

/** The delay the server asked for, in milliseconds, if it asked. */
export function requestedDelayMs(error: AxiosError): number | undefined {
  const header = error.response?.headers?.["retry-after"];
  if (typeof header === "string" && header.trim() !== "") {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const details = (error.response?.data as { errorDetails?: unknown } | undefined)?.errorDetails;
  if (Array.isArray(details)) {
    for (const detail of details) {
      const seconds = (detail as { type?: string; retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (
        (detail as { type?: string }).type === "hpe.greenlake.retry_info" &&
        typeof seconds === "number"
      ) {
        return Math.max(0, seconds * 1000);
      }
    }
  }
  return undefined;
}

export function shouldRetry(error: AxiosError): boolean {
  const config = error.config;
  if (!config) return false;
  const repeatable = isRepeatable(config.method, config.idempotent);
  const status = error.response?.status;
  if (status === undefined) {
    // No answer: a connection dropped or timed out. Safe to repeat only if repeatable.
    return error.code !== "ERR_CANCELED" && repeatable;
  }
  // The server refused before acting: safe for every method.
  if (status === 429) return true;
  if (status === 503 && requestedDelayMs(error) !== undefined) return true;
  if (status === 408 || status >= 500) return repeatable;
  return false;
}

export function retryDelayMs(retryNumber: number, error: AxiosError): number {
  const asked = requestedDelayMs(error);
  const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (retryNumber - 1));
  // Full jitter spreads the retries of many resources updated at once.
  const delay =
    asked !== undefined ? asked : Math.round(backoff / 2 + Math.random() * (backoff / 2));
  delayObserver?.(delay);
  return delay * delayScale;
}

export function installRetries(instance: AxiosInstance): void {
  axiosRetry(instance, {
    retries: maxRetries,
    retryCondition: shouldRetry,
    retryDelay: retryDelayMs,
    shouldResetTimeout: true,
  });
}

/** How many retries axios-retry made for the request behind this error. */
export function retriesMade(error: AxiosError): number {
  const state = (error.config as { "axios-retry"?: { retryCount?: number } } | undefined)?.[
    "axios-retry"
  ];
  return state?.retryCount ?? 0;
}
