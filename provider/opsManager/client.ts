/**
 * The one HTTP client for MongoDB Ops Manager (docs/design.md#one-http-client-per-api), under
 * `{baseUrl}/api/public/v1.0`, with HTTP Digest authentication (docs/api-facts.md#digest-authentication).
 *
 * The server's nonce is kept per base URL and user for the whole process and reused
 * with an increasing count and a fresh cnonce, so only the first request of a process
 * pays the 401 round trip. A `stale=true` challenge is answered once with the new
 * nonce; a plain 401 right after answering a fresh challenge means the credentials
 * are wrong. The chain each request goes through (rate-limit gate, retries, debug
 * log) is ../http/transport.ts.
 */
import type { AxiosError, AxiosInstance, InternalAxiosRequestConfig } from "axios";
import { inspect } from "node:util";
import type { OpsManagerSettings } from "../core/configuration";
import { apiErrorFromAxios } from "../http/apiError";
import { type DebugLog, processDebugLog } from "../http/debugLog";
import { processGates, type RateLimitGate, type RateLimitGates } from "../http/rateLimit";
import { registerSecret, registerSecretsIn } from "../http/redaction";
import { isRepeatable, retriesMade, type RetryPolicy } from "../http/retry";
import { createTransport } from "../http/transport";
import { authorizationHeader, type DigestChallenge, parseChallenge } from "./digestAuth";

export const opsManagerApiPath = "/api/public/v1.0";
const defaultTimeoutMs = 30_000;

export interface OpsManagerClientOptions {
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  /** How requests are retried; parts left out are the defaults (4 retries from 500 ms). */
  retry?: Partial<RetryPolicy>;
  /** The Digest nonces to share; default: the process's own. */
  nonces?: DigestNonces;
  /** The rate-limit gates to share, one per user; default: the process's own. */
  gates?: RateLimitGates;
  /**
   * Where a line per HTTP attempt goes (docs/design.md#debug-log); default: stderr
   * when PULUMI_OPS_DEBUG (or Pulumi's `--logflow -v`) asks for it, else nowhere.
   */
  debugLog?: DebugLog;
}

interface NonceState {
  challenge: DigestChallenge;
  /** Requests signed with this nonce so far; the next one sends count + 1. */
  count: number;
}

/** The server's nonce and how often it was used, per base URL and user name. */
export class DigestNonces extends Map<string, NonceState> {}

// For the whole process: the dynamic-provider host serves every resource of a
// deployment from one process, so only its first request pays the 401 round trip.
const processNonces = new DigestNonces();
// Which nonce and count signed each request config, to tell a refused key from a
// count another request overtook.
const signatures = new WeakMap<object, { state: NonceState; nc: number }>();

export class OpsManagerClient {
  private readonly http: AxiosInstance;
  private readonly nonces: DigestNonces;
  /** Shares a 429's pause among every request of this user (docs/design.md#rate-limit-pacing). */
  readonly gate: RateLimitGate;

  constructor(
    readonly settings: OpsManagerSettings,
    options: OpsManagerClientOptions = {},
  ) {
    this.nonces = options.nonces ?? processNonces;
    registerSecret(settings.apiKey);
    this.gate = (options.gates ?? processGates).gateFor(
      `ops-manager\n${this.nonceKey()}`,
      "ops-manager",
    );
    this.http = createTransport({
      api: "ops-manager",
      baseURL: `${settings.baseUrl.replace(/\/+$/, "")}${opsManagerApiPath}`,
      timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
      retry: options.retry,
      debugLog: "debugLog" in options ? options.debugLog : processDebugLog(),
      // Signed per attempt, after its wait under the rate limit, so a request
      // axios-retry repeats carries a new count in sending order (a server refuses a
      // count it has seen: RFC 7616 section 3.4).
      access: { gate: this.gate, authorize: (config) => this.sign(config) },
    });
  }

  /** What logs show of a client: where it points and as whom, never the key. */
  toJSON(): Record<string, string> {
    return { baseUrl: this.settings.baseUrl, username: this.settings.username };
  }

  [inspect.custom](): string {
    return `OpsManagerClient ${inspect(this.toJSON())}`;
  }

  /** GET a path under /api/public/v1.0 (query string included). Throws ApiError (404 included). */
  async get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  /** POST application/json. Not repeated once it may have reached the server. */
  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  /** DELETE. Throws ApiError (404 included). */
  async delete<T = unknown>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  /** Signs one attempt with the shared nonce and the next count. */
  private sign(config: InternalAxiosRequestConfig): void {
    const state = this.nonces.get(this.nonceKey());
    if (state) {
      state.count += 1;
      // The digest covers the request target as it goes on the wire, query
      // string included, after URL parsing has normalised it.
      const target = new URL(this.http.getUri(config));
      config.headers.set(
        "Authorization",
        authorizationHeader(state.challenge, {
          username: this.settings.username,
          password: this.settings.apiKey,
          method: (config.method ?? "get").toUpperCase(),
          uri: target.pathname + target.search,
          nc: state.count,
        }),
      );
      signatures.set(config, { state, nc: state.count });
    } else {
      config.headers.delete("Authorization");
    }
  }

  private nonceKey(): string {
    return `${this.settings.baseUrl}\n${this.settings.username}`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const key = this.nonceKey();
    registerSecretsIn(body);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    // A fresh challenge is answered once per request, a stale one once more, and one
    // more after a refusal that concurrent use of the nonce may explain.
    let answeredChallenge = false;
    let answeredStale = false;
    let answeredOvertaken = false;
    for (;;) {
      try {
        const response = await this.http.request<T>({ method, url: path, data: body, headers });
        return response.data;
      } catch (error) {
        const response = (error as AxiosError).response;
        if (response?.status === 401) {
          // A 401 is answered before the server acts, so even a POST may go again.
          const challenge = parseChallenge(
            response.headers["www-authenticate"] as string | string[] | undefined,
          );
          if (challenge?.stale && !answeredStale) {
            answeredStale = answeredChallenge = true;
            this.nonces.set(key, { challenge, count: 0 });
            continue;
          }
          if (challenge && !answeredChallenge) {
            // The first request of the process, or a nonce the server forgot.
            answeredChallenge = true;
            this.nonces.set(key, { challenge, count: 0 });
            continue;
          }
          const used = signatures.get((error as AxiosError).config ?? {});
          const current = this.nonces.get(key);
          // Requests running side by side share the nonce: another one may have
          // replaced it, or sent a higher count that arrived first (a server may
          // refuse a lower count after a higher one). Only a refusal of the latest
          // nonce and count proves the key wrong.
          const overtaken =
            used !== undefined && (current !== used.state || used.state.count !== used.nc);
          if (challenge && overtaken && !answeredOvertaken) {
            answeredOvertaken = true;
            this.nonces.set(key, { challenge, count: 0 });
            continue;
          }
          if (current === used?.state) this.nonces.delete(key);
          throw apiErrorFromAxios(error, method, opsManagerApiPath + path, {
            repeatable: true,
            retries: retriesMade(error),
            hint: challenge
              ? `the Digest credentials were refused: check ops-manager:username ` +
                `("${this.settings.username}") and ops-manager:apiKey`
              : "Ops Manager sent no Digest challenge this client can answer " +
                "(MD5 or SHA-256, qop=auth); check ops-manager:baseUrl",
          });
        }
        throw apiErrorFromAxios(error, method, opsManagerApiPath + path, {
          repeatable: isRepeatable(method, undefined),
          retries: retriesMade(error),
        });
      }
    }
  }
}
