/**
 * The axios instance every API client sends through, assembled here and nowhere
 * else (docs/design.md#one-http-client-per-api): the debug log, the rate-limit gate,
 * the client's authorization, the shared 429 hold and the retry policy. A client
 * brings only its authorization and its options; the order of the chain, which its
 * correctness depends on, is decided once, below.
 */
import axios, { type AxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from "axios";
import { type DebugLog, installDebugLog } from "./debugLog";
import type { RateLimitGate } from "./rateLimit";
import { defaultRetryPolicy, installRetries, type RetryPolicy } from "./retry";

export interface TransportOptions {
  /** Names the API in the debug log: "compute-ops", "ops-manager", "compute-ops token". */
  api: string;
  /** What request paths are relative to; none for a request to a full URL. */
  baseURL?: string;
  /** Per attempt: each retry gets the whole timeout again. */
  timeoutMs: number;
  /** How requests are retried; parts left out are the defaults. */
  retry?: Partial<RetryPolicy>;
  /** Where a line per attempt goes (docs/design.md#debug-log); none: no log. */
  debugLog?: DebugLog;
  /**
   * How the API client's requests are paced and authorized; none for the token
   * request, which carries its credentials in its form body and was never paced.
   */
  access?: ClientAccess;
}

/** What one API client adds to the chain. */
export interface ClientAccess {
  /** The API client's gate (docs/design.md#rate-limit-pacing), shared by its clients. */
  gate: RateLimitGate;
  /**
   * Puts an attempt's credentials on it (a bearer token, a Digest signature) and any
   * header of the client's own. Called per attempt, retries included, once the
   * attempt has its turn at the gate.
   */
  authorize: (config: InternalAxiosRequestConfig) => void | Promise<void>;
}

/**
 * A new instance with the chain installed. axios runs request interceptors in the
 * reverse of the order they were installed, and response interceptors in that
 * order; so, installed in this order:
 *
 * 1. The debug log. Its request side runs last, so an attempt is timed on the wire,
 *    not while it waits at the gate; its response side runs first, so every attempt
 *    is written before the gate or the retry policy acts on it.
 * 2. Gate, then authorization, in one request interceptor: the token is read (or the
 *    Digest count taken) only after the wait, so a long pause cannot send a token
 *    that ran out or a count overtaken meanwhile; an authorization that fails gives
 *    its turn back.
 * 3. The gate learns from each answer before axios-retry decides on it: a 429 sets
 *    the pause the refused request's retry then waits in, with every other request
 *    of the API client (the shared 429 hold), and the policy adds no sleep of its own.
 * 4. axios-retry last: its request side runs first (it keeps the retry count the log
 *    reads), its response side after everything else has seen the answer, and a
 *    retry goes back through steps 2 and 1.
 */
export function createTransport(options: TransportOptions): AxiosInstance {
  const http = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    headers: { Accept: "application/json" },
    // Errors are built from the response; axios must not follow a redirect to a
    // login page and report its HTML as success.
    maxRedirects: 0,
  });
  if (options.debugLog) installDebugLog(http, options.api, options.debugLog);
  if (options.access) {
    const { gate, authorize } = options.access;
    const sleep = options.retry?.sleep ?? defaultRetryPolicy.sleep;
    http.interceptors.request.use(async (config) => {
      const ticket = await gate.acquire(sleep, config);
      try {
        await authorize(config);
      } catch (error) {
        gate.release(ticket);
        throw error;
      }
      gate.hold(config, ticket);
      return config;
    });
    http.interceptors.response.use(
      (response) => {
        gate.settleAttempt(response.config, response);
        return response;
      },
      (error: AxiosError) => {
        gate.settleAttempt(error?.config, error?.response);
        throw error;
      },
    );
  }
  installRetries(http, options.retry, options.access !== undefined);
  return http;
}
