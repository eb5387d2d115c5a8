/**
 * The one HTTP client for HPE Compute Ops Management (DESIGN.md decision 6).
 *
 * Auth is a GreenLake OAuth2 client-credentials token (form-encoded grant) shared
 * by every client of the process with the same token URL and client id, renewed
 * before it runs out and fetched afresh once on a 401; or a static token from
 * config. Requests carry `Tenant-Acid` for MSP tenants, JSON on POST and a JSON
 * merge patch on PATCH (api-facts: PATCH requires application/merge-patch+json).
 */
import axios, { AxiosInstance } from "axios";
import { ApiError, apiErrorFromAxios } from "./apiError";
import type { ComputeOpsSettings } from "./configuration";
import { installRetries, isRepeatable, retriesMade } from "./httpRetry";
import { registerSecret } from "./redaction";

export interface ListPage<T> {
  count: number;
  offset: number;
  total: number;
  items: T[];
}

const defaultTimeoutMs = 30_000;
const defaultPageSize = 100;

/**
 * Percent-encodes a query value. The seeds require every OData reserved
 * character (`! # $ & ' ( ) * + , / : ; = ? @ [ ]`) to be encoded, and server ids
 * contain `+`, which would otherwise arrive as a space: encodeURIComponent leaves
 * `! ' ( ) *` alone, so those are encoded here too.
 */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function queryString(query: Record<string, string | number | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeQueryValue(k)}=${encodeQueryValue(String(v))}`);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}

/** An OData string literal: single quotes, with embedded quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

interface CachedToken {
  value: string;
  /** When to stop using it: a margin before the server's expiry. */
  renewAt: number;
}

// One token per token URL and client id for the whole process (the dynamic-provider
// host serves every resource of a deployment from one process).
const tokens = new Map<string, CachedToken>();
const tokenRequests = new Map<string, Promise<CachedToken>>();
const clients = new Map<string, GreenLakeClient>();

/** Test hook: forgets cached tokens and clients. */
export function clearGreenLakeCachesForTests(): void {
  tokens.clear();
  tokenRequests.clear();
  clients.clear();
}

export class GreenLakeClient {
  private readonly http: AxiosInstance;

  constructor(
    readonly settings: ComputeOpsSettings,
    options: { timeoutMs?: number } = {},
  ) {
    this.http = axios.create({
      baseURL: settings.endpoint,
      timeout: options.timeoutMs ?? defaultTimeoutMs,
      headers: { Accept: "application/json" },
    });
    installRetries(this.http);
  }

  /** GET a path under the endpoint. Throws ApiError (404 included). */
  async get<T>(path: string, query?: Record<string, string | number>): Promise<T> {
    return this.request<T>("GET", path + queryString(query ?? {}));
  }

  /** GET every page of a list (offset/limit until total), with an optional OData filter. */
  async list<T>(path: string, options: { filter?: string; pageSize?: number } = {}): Promise<T[]> {
    const limit = options.pageSize ?? defaultPageSize;
    const items: T[] = [];
    for (let offset = 0; ;) {
      const page = await this.get<ListPage<T>>(path, {
        ...(options.filter !== undefined ? { filter: options.filter } : {}),
        offset,
        limit,
      });
      const pageItems = page.items ?? [];
      items.push(...pageItems);
      offset += pageItems.length;
      if (pageItems.length === 0 || pageItems.length < limit || offset >= (page.total ?? 0)) {
        return items;
      }
    }
  }

  /** POST application/json. Repeated after a failure only when `idempotent` is set. */
  async post<T>(path: string, body: unknown, options: { idempotent?: boolean } = {}): Promise<T> {
    return this.request<T>("POST", path, body, "application/json", options.idempotent);
  }

  /** PATCH with a JSON merge patch (RFC 7396). */
  async patch<T>(path: string, mergePatch: unknown): Promise<T> {
    return this.request<T>("PATCH", path, mergePatch, "application/merge-patch+json");
  }

  /** DELETE. Throws ApiError on failure (404 included: callers decide what gone means). */
  async delete(path: string): Promise<void> {
    await this.request<unknown>("DELETE", path);
  }

  private async request<T>(
    method: string,
    url: string,
    body?: unknown,
    contentType?: string,
    idempotent?: boolean,
  ): Promise<T> {
    const path = url.split("?")[0];
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${await this.bearerToken()}`,
      };
      if (contentType !== undefined) headers["Content-Type"] = contentType;
      if (this.settings.tenantAcid !== undefined) headers["Tenant-Acid"] = this.settings.tenantAcid;
      try {
        const response = await this.http.request<T>({
          method,
          url,
          data: body,
          headers,
          idempotent,
        });
        return response.data;
      } catch (error) {
        const status = (error as { response?: { status?: number } }).response?.status;
        // An expired or revoked token: fetch a fresh one, once (api-facts: tools in the wild do).
        if (status === 401 && attempt === 0 && this.settings.token === undefined) {
          tokens.delete(this.tokenKey());
          continue;
        }
        throw apiErrorFromAxios(error, method, path, {
          repeatable: isRepeatable(method, idempotent),
          retries: retriesMade(error as never),
        });
      }
    }
  }

  private tokenKey(): string {
    return `${this.settings.tokenUrl}\n${this.settings.clientId}`;
  }

  private async bearerToken(): Promise<string> {
    if (this.settings.token !== undefined) return this.settings.token;
    const key = this.tokenKey();
    const cached = tokens.get(key);
    if (cached && Date.now() < cached.renewAt) return cached.value;
    let pending = tokenRequests.get(key);
    if (!pending) {
      pending = this.requestToken().finally(() => tokenRequests.delete(key));
      tokenRequests.set(key, pending);
    }
    const token = await pending;
    tokens.set(key, token);
    return token.value;
  }

  private async requestToken(): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret } = this.settings;
    if (tokenUrl === undefined || clientId === undefined || clientSecret === undefined) {
      throw new ApiError({
        method: "POST",
        path: tokenUrl ?? "(token URL)",
        message:
          "Compute Ops Management needs compute-ops:clientId and compute-ops:clientSecret, or compute-ops:token",
      });
    }
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    const tokenHttp = axios.create({ timeout: defaultTimeoutMs });
    installRetries(tokenHttp);
    const requestedAt = Date.now();
    try {
      const response = await tokenHttp.post<{ access_token?: string; expires_in?: number }>(
        tokenUrl,
        form.toString(),
        {
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Accept: "application/json",
          },
          // Asking for a token twice creates nothing.
          idempotent: true,
        },
      );
      const value = response.data.access_token;
      if (typeof value !== "string" || value === "") {
        throw new ApiError({
          method: "POST",
          path: tokenUrl,
          message: `POST ${tokenUrl} answered without an access_token`,
        });
      }
      registerSecret(value);
      const lifetimeMs = (response.data.expires_in ?? 900) * 1000;
      // Renew a few minutes early, but never more than a tenth of a short lifetime.
      const marginMs = Math.min(300_000, lifetimeMs / 10);
      return { value, renewAt: requestedAt + lifetimeMs - marginMs };
    } catch (error) {
      const apiError = apiErrorFromAxios(error, "POST", tokenUrl, {
        repeatable: true,
        retries: retriesMade(error as never),
      });
      if (apiError.status === 400 || apiError.status === 401) {
        throw new ApiError({
          method: "POST",
          path: tokenUrl,
          status: apiError.status,
          message: `${apiError.message}: check compute-ops:clientId and compute-ops:clientSecret`,
        });
      }
      throw apiError;
    }
  }
}

/** One client per distinct settings per process, so every resource shares one token. */
export function greenLakeClientFor(settings: ComputeOpsSettings): GreenLakeClient {
  const key = JSON.stringify([
    settings.endpoint,
    settings.tokenUrl,
    settings.clientId,
    settings.clientSecret,
    settings.token,
    settings.tenantAcid,
  ]);
  let client = clients.get(key);
  if (!client) {
    client = new GreenLakeClient(settings);
    clients.set(key, client);
  }
  return client;
}
