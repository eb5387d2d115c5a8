/**
 * The one HTTP client for HPE Compute Ops Management (docs/design.md#one-http-client-per-api).
 *
 * Auth is a GreenLake OAuth2 client-credentials token (form-encoded grant) shared
 * by every client of the process with the same token URL and client id, renewed
 * before it runs out and fetched afresh once on a 401; or a static token from
 * config. Requests carry `Tenant-Acid` for MSP tenants, JSON on POST and a JSON
 * merge patch on PATCH (docs/api-facts.md#merge-patch-and-content-types: PATCH requires application/merge-patch+json).
 * The token itself comes from ./accessTokens.ts; the chain each request goes through
 * (rate-limit gate, retries, debug log) from ../http/transport.ts.
 */
import type { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import type { ComputeOpsSettings } from "../core/configuration";
import { ApiError, apiErrorFromAxios } from "../http/apiError";
import { type DebugLog, processDebugLog } from "../http/debugLog";
import { processGates, type RateLimitGate, type RateLimitGates } from "../http/rateLimit";
import { registerSecret, registerSecretsIn } from "../http/redaction";
import { isRepeatable, retriesMade, type RetryPolicy } from "../http/retry";
import { createTransport } from "../http/transport";
import { processTokens, requestToken, type TokenCache, tokenKey } from "./accessTokens";
import { type QueryValues, queryString } from "./odata";
import { countWriteStarted } from "./writesInProcess";

/** A page of a Compute Ops Management list (docs/api-facts.md#lists-and-paging). */
export interface ListPage<T> {
  count: number;
  offset: number;
  total: number;
  items: T[];
}

export interface GreenLakeClientOptions {
  /** Per attempt, token requests included. Default 30 s. */
  timeoutMs?: number;
  /**
   * All the time a token may take, retries included. Default 60 s: a token
   * endpoint that never answers fails in a minute, not after every attempt's timeout.
   */
  tokenBudgetMs?: number;
  /** Default page size of `list()`. Default 100 (the API allows up to 1000). */
  pageSize?: number;
  /** How requests are retried; parts left out are the defaults (4 retries from 500 ms). */
  retry?: Partial<RetryPolicy>;
  /** The tokens to share; default: the process's own. */
  tokens?: TokenCache;
  /** The rate-limit gates to share, one per API client; default: the process's own. */
  gates?: RateLimitGates;
  /** The time, for token lifetimes. Default Date.now. */
  now?: () => number;
  /**
   * How long a refresh read waits for others of its type to share a list request
   * (docs/design.md#batched-reads). Default 400 ms; 0 reads each object by its own GET.
   */
  readBatchWindowMs?: number;
  /**
   * Where a line per HTTP attempt goes (docs/design.md#debug-log); default: stderr
   * when PULUMI_OPS_DEBUG (or Pulumi's `--logflow -v`) asks for it, else nowhere.
   */
  debugLog?: DebugLog;
}

const defaultTimeoutMs = 30_000;
const defaultTokenBudgetMs = 60_000;
const defaultPageSize = 100;
const defaultReadBatchWindowMs = 400;

export class GreenLakeClient {
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly tokenBudgetMs: number;
  private readonly pageSize: number;
  private readonly retry: Partial<RetryPolicy>;
  private readonly tokens: TokenCache;
  private readonly now: () => number;
  private readonly debugLog: DebugLog | undefined;
  /** Paces this client with every other of the same API client (docs/design.md#rate-limit-pacing). */
  readonly gate: RateLimitGate;
  /** See GreenLakeClientOptions.readBatchWindowMs. */
  readonly readBatchWindowMs: number;

  constructor(
    readonly settings: ComputeOpsSettings,
    options: GreenLakeClientOptions = {},
  ) {
    // Settings may come from a test or a caller rather than stack config.
    registerSecret(settings.clientSecret);
    registerSecret(settings.token);
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.tokenBudgetMs = options.tokenBudgetMs ?? defaultTokenBudgetMs;
    this.pageSize = options.pageSize ?? defaultPageSize;
    this.retry = options.retry ?? {};
    this.tokens = options.tokens ?? processTokens;
    this.now = options.now ?? (() => Date.now());
    this.readBatchWindowMs = options.readBatchWindowMs ?? defaultReadBatchWindowMs;
    this.debugLog = "debugLog" in options ? options.debugLog : processDebugLog();
    this.gate = (options.gates ?? processGates).gateFor(this.rateLimitKey(), "compute-ops");
    this.http = createTransport({
      api: "compute-ops",
      baseURL: settings.endpoint,
      timeoutMs: this.timeoutMs,
      retry: this.retry,
      debugLog: this.debugLog,
      access: {
        gate: this.gate,
        authorize: async (config) => {
          config.headers.set("Authorization", `Bearer ${await this.bearerToken()}`);
          if (settings.tenantAcid !== undefined) {
            config.headers.set("Tenant-Acid", settings.tenantAcid);
          }
        },
      },
    });
  }

  /** What logs show of a client: where it points, never its credentials. */
  toJSON(): Record<string, string | undefined> {
    return { endpoint: this.settings.endpoint, tenantAcid: this.settings.tenantAcid };
  }

  [inspect.custom](): string {
    return `GreenLakeClient ${inspect(this.toJSON())}`;
  }

  /** GET a path under the endpoint. Throws ApiError (404 included). */
  async get<T>(path: string, query?: QueryValues): Promise<T> {
    return this.request<T>("GET", path + queryString(query ?? {}));
  }

  /**
   * GET every page of a list: offset/limit until `total` is reached or a short page
   * arrives, with an optional OData filter (percent-encoded here, '+' as %2B).
   */
  async list<T>(
    path: string,
    options: { filter?: string; pageSize?: number; query?: QueryValues } = {},
  ): Promise<T[]> {
    const limit = options.pageSize ?? this.pageSize;
    const items: T[] = [];
    for (let offset = 0; ;) {
      const page = await this.get<Partial<ListPage<T>>>(path, {
        ...options.query,
        filter: options.filter,
        offset,
        limit,
      });
      const pageItems = Array.isArray(page.items) ? page.items : [];
      items.push(...pageItems);
      offset += pageItems.length;
      const total = typeof page.total === "number" ? page.total : undefined;
      if (pageItems.length < limit || (total !== undefined && offset >= total)) return items;
    }
  }

  /**
   * GET a list the contract declares without paging: its one answer. An answer that
   * holds fewer items than its `total` cannot be complete, so it fails, naming the
   * `noun` counted and what the caller cannot do with part of the list.
   */
  async listUnpaged<T>(
    path: string,
    options: { filter?: string; noun: string; consequence?: string },
  ): Promise<T[]> {
    const page = await this.get<{ items?: T[]; total?: number }>(path, { filter: options.filter });
    const items = Array.isArray(page.items) ? page.items : [];
    if (typeof page.total === "number" && page.total > items.length) {
      throw new Error(
        `GET ${path} answered ${items.length} of ${page.total} ${options.noun}` +
          (options.consequence === undefined ? "" : `; ${options.consequence}`),
      );
    }
    return items;
  }

  /**
   * POST application/json. Repeated after a failure only when the server proves it
   * did not act (429, 503 with Retry-After) or when `idempotent` is set; otherwise a
   * failure that may have created the object is thrown with `ambiguous: true`.
   */
  async post<T>(path: string, body: unknown, options: { idempotent?: boolean } = {}): Promise<T> {
    return this.request<T>("POST", path, body, "application/json", options.idempotent);
  }

  /** PATCH with a JSON merge patch (RFC 7396); repeatable, since applying it twice is a no-op. */
  async patch<T>(path: string, mergePatch: unknown): Promise<T> {
    return this.request<T>("PATCH", path, mergePatch, "application/merge-patch+json");
  }

  /**
   * DELETE. Throws ApiError on failure, 404 included: a 404 on a retry means the
   * first attempt did the work, and callers treat "gone" as success.
   */
  async delete(path: string, query?: QueryValues): Promise<void> {
    await this.request<unknown>("DELETE", path + queryString(query ?? {}));
  }

  /**
   * POST application/json to an operation that answers 202 Accepted with the
   * `Location` of the work it started (docs/api-facts.md#groups). Retried like `post`.
   */
  async postAccepted(
    path: string,
    body: unknown,
    options: { idempotent?: boolean; query?: QueryValues } = {},
  ): Promise<{ location: string }> {
    const response = await this.send<unknown>(
      "POST",
      path + queryString(options.query ?? {}),
      body,
      "application/json",
      options.idempotent,
    );
    const location = response.headers.location;
    if (typeof location !== "string" || location === "") {
      throw new ApiError({
        method: "POST",
        path,
        message: `POST ${path} answered ${response.status} without a Location`,
      });
    }
    return { location };
  }

  private async request<T>(
    method: string,
    url: string,
    body?: unknown,
    contentType?: string,
    idempotent?: boolean,
  ): Promise<T> {
    return (await this.send<T>(method, url, body, contentType, idempotent)).data;
  }

  private async send<T>(
    method: string,
    url: string,
    body?: unknown,
    contentType?: string,
    idempotent?: boolean,
  ): Promise<AxiosResponse<T>> {
    const path = url.split("?")[0];
    if (method !== "GET") countWriteStarted();
    registerSecretsIn(body);
    // Without a body, no Content-Type at all: axios would otherwise send a form type
    // on a POST, and an operation that takes no body may refuse one (/test).
    const headers: Record<string, string | false> = {
      "Content-Type": body === undefined || contentType === undefined ? false : contentType,
    };
    for (let renewed = false; ; renewed = true) {
      try {
        const response = await this.http.request<T>({
          method,
          url,
          data: body,
          headers,
          idempotent,
        });
        return response;
      } catch (error) {
        const status = (error as AxiosError).response?.status;
        // An expired or revoked token: fetch a fresh one, once (docs/api-facts.md#authentication-and-tokens). A 401
        // is answered before the server acts, so even a POST may go again.
        if (status === 401 && !renewed && this.settings.token === undefined) {
          this.tokens.forget(tokenKey(this.settings), sentBearer(error as AxiosError));
          continue;
        }
        throw apiErrorFromAxios(error, method, path, {
          repeatable: isRepeatable(method, idempotent),
          retries: retriesMade(error),
          hint: status === 401 ? this.unauthorizedHint() : undefined,
        });
      }
    }
  }

  private unauthorizedHint(): string {
    return this.settings.token !== undefined
      ? "the configured compute-ops:token was refused; set a current token"
      : "a freshly issued token was refused; check the API client behind compute-ops:clientId " +
          "(its workspace, region and role)";
  }

  /** GreenLake limits each API client: its token URL and id, or a hash of a static token. */
  private rateLimitKey(): string {
    if (this.settings.token !== undefined) {
      return createHash("sha256").update(this.settings.token).digest("hex");
    }
    return tokenKey(this.settings);
  }

  private async bearerToken(): Promise<string> {
    if (this.settings.token !== undefined) return this.settings.token;
    return this.tokens.current(tokenKey(this.settings), this.now(), () =>
      requestToken(this.settings, {
        timeoutMs: this.timeoutMs,
        budgetMs: this.tokenBudgetMs,
        retry: this.retry,
        now: this.now,
        debugLog: this.debugLog,
      }),
    );
  }
}

function sentBearer(error: AxiosError): string | undefined {
  const value = error.config?.headers?.get?.("Authorization");
  return typeof value === "string" ? value.replace(/^Bearer\s+/i, "") : undefined;
}
