/**
 * The one HTTP client for MongoDB Ops Manager (DESIGN.md decision 6), under
 * `{baseUrl}/api/public/v1.0`, with HTTP Digest authentication. The server's
 * nonce is kept per base URL and user for the whole process and reused with an
 * increasing count, so only the first request of a process pays the 401 round
 * trip; a `stale=true` challenge is answered once with the new nonce.
 */
import axios, { AxiosInstance } from "axios";
import { ApiError, apiErrorFromAxios } from "./apiError";
import type { OpsManagerSettings } from "./configuration";
import { authorizationHeader, DigestChallenge, parseChallenge } from "./digestAuth";
import { installRetries, isRepeatable, retriesMade } from "./httpRetry";

const apiPath = "/api/public/v1.0";
const defaultTimeoutMs = 30_000;

interface NonceState {
  challenge: DigestChallenge;
  count: number;
}

const nonces = new Map<string, NonceState>();
const clients = new Map<string, OpsManagerClient>();

/** Test hook: forgets cached nonces and clients. */
export function clearOpsManagerCachesForTests(): void {
  nonces.clear();
  clients.clear();
}

export class OpsManagerClient {
  private readonly http: AxiosInstance;
  private readonly root: string;

  constructor(
    readonly settings: OpsManagerSettings,
    options: { timeoutMs?: number } = {},
  ) {
    this.root = new URL(settings.baseUrl).pathname.replace(/\/+$/, "");
    this.http = axios.create({
      baseURL: settings.baseUrl,
      timeout: options.timeoutMs ?? defaultTimeoutMs,
      headers: { Accept: "application/json" },
    });
    installRetries(this.http);
  }

  /** GET a path under /api/public/v1.0. Throws ApiError (404 included). */
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

  private nonceKey(): string {
    return `${this.settings.baseUrl}\n${this.settings.username}`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.root}${apiPath}${path}`;
    const key = this.nonceKey();
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const state = nonces.get(key);
      if (state) {
        state.count++;
        // The digest covers the request target as sent, query string included.
        headers.Authorization = authorizationHeader(state.challenge, {
          username: this.settings.username,
          password: this.settings.apiKey,
          method,
          uri: url,
          nc: state.count,
        });
      }
      try {
        const response = await this.http.request<T>({
          method,
          url: `${apiPath}${path}`,
          data: body,
          headers,
        });
        return response.data;
      } catch (error) {
        const response = (
          error as { response?: { status: number; headers: Record<string, string> } }
        ).response;
        if (response?.status === 401 && attempt < 2) {
          const challenge = parseChallenge(response.headers["www-authenticate"]);
          // Answer a challenge once (the first of the process, or a nonce the server
          // forgot), and a stale nonce whenever it comes; a fresh answer refused
          // means the credentials are wrong.
          if (challenge && (attempt === 0 || challenge.stale)) {
            nonces.set(key, { challenge, count: 0 });
            continue;
          }
          throw new ApiError({
            method,
            path,
            status: 401,
            message: `${method} ${path} failed: 401 Unauthorized: check ops-manager:username and ops-manager:apiKey`,
          });
        }
        throw apiErrorFromAxios(error, method, path, {
          repeatable: isRepeatable(method, undefined),
          retries: retriesMade(error as never),
        });
      }
    }
  }
}

/** One client per distinct settings per process, so the Digest nonce is reused. */
export function opsManagerClientFor(settings: OpsManagerSettings): OpsManagerClient {
  const key = JSON.stringify([settings.baseUrl, settings.username, settings.apiKey]);
  let client = clients.get(key);
  if (!client) {
    client = new OpsManagerClient(settings);
    clients.set(key, client);
  }
  return client;
}
