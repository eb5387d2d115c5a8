/**
 * The one HTTP client for HPE Compute Ops Management (docs/design.md#one-http-client-per-api).
 *
 * Auth is a GreenLake OAuth2 client-credentials token (form-encoded grant) shared
 * by every client of the process with the same token URL and client id, renewed
 * before it runs out and fetched afresh once on a 401; or a static token from
 * config. Requests carry `Tenant-Acid` for MSP tenants, JSON on POST and a JSON
 * merge patch on PATCH (docs/api-facts.md#merge-patch-and-content-types: PATCH requires application/merge-patch+json).
 * The chain each request goes through (rate-limit gate, retries, debug log) is
 * ../http/transport.ts.
 */
import axios, { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import { z } from "zod";
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { ApiError, apiErrorFromAxios } from "../http/apiError";
import type { ComputeOpsSettings } from "../core/configuration";
import { computeOpsSettings } from "../core/configuration";
import type { CreateRegistry, UpdateTarget } from "../core/lifecycle";
import { updateUnlessGone } from "../core/lifecycle";
import type { JobTemplateCatalogs } from "./jobTemplateCatalog";
import { systemClock, type WaitClock } from "../core/waitForState";
import { registerSecret, registerSecretsIn } from "../http/redaction";
import { processGates, RateLimitGate, RateLimitGates } from "../http/rateLimit";
import { DebugLog, processDebugLog } from "../http/debugLog";
import { isRepeatable, retriesMade, RetryPolicy } from "../http/retry";
import { createTransport } from "../http/transport";
import { odataString, QueryValues, queryString } from "./odata";

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
/** When a token answer gives no `expires_in`: the shorter documented lifetime, 15 minutes. */
const defaultTokenLifetimeS = 900;

interface CachedToken {
  value: string;
  /** When to stop using it (ms since the epoch): a margin before the server's expiry. */
  renewAt: number;
}

/** Tokens by token URL and client id, and the token requests in flight. */
export class TokenCache {
  readonly tokens = new Map<string, CachedToken>();
  readonly requests = new Map<string, Promise<CachedToken>>();

  /** Drops the cached token after a 401, unless another caller already replaced it. */
  forget(key: string, refused: string | undefined): void {
    const cached = this.tokens.get(key);
    if (cached && (refused === undefined || cached.value === refused)) this.tokens.delete(key);
  }
}

// One token per token URL and client id for the whole process: the dynamic-provider
// host serves every resource of a deployment from one process, and GreenLake limits
// how often a client may ask.
const processTokens = new TokenCache();

/**
 * How long before expiry a token is renewed: five minutes, but never more than a
 * tenth of its lifetime, so a 15-minute workspace token is used for 13.5 minutes.
 */
export function renewalMarginMs(lifetimeMs: number): number {
  return Math.min(300_000, lifetimeMs / 10);
}

let writesStarted = 0;

/**
 * How many non-GET requests every client of this process has begun: a list answer
 * read before the count moved cannot hide this process's own change
 * (docs/design.md#batched-reads).
 */
export function writesStartedInProcess(): number {
  return writesStarted;
}

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
    if (method !== "GET") writesStarted += 1;
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
          this.tokens.forget(this.tokenKey(), sentBearer(error as AxiosError));
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
    return this.tokenKey();
  }

  private tokenKey(): string {
    return `${this.settings.tokenUrl}\n${this.settings.clientId}`;
  }

  private async bearerToken(): Promise<string> {
    if (this.settings.token !== undefined) return this.settings.token;
    const key = this.tokenKey();
    const { tokens, requests } = this.tokens;
    const cached = tokens.get(key);
    if (cached && this.now() < cached.renewAt) return cached.value;
    // Concurrent callers wait for the same token request.
    let pending = requests.get(key);
    if (!pending) {
      pending = requestToken(
        this.settings,
        this.timeoutMs,
        this.tokenBudgetMs,
        this.retry,
        this.now,
        this.debugLog,
      )
        .then((token) => {
          tokens.set(key, token);
          return token;
        })
        .finally(() => requests.delete(key));
      requests.set(key, pending);
    }
    return (await pending).value;
  }
}

function sentBearer(error: AxiosError): string | undefined {
  const value = error.config?.headers?.get?.("Authorization");
  return typeof value === "string" ? value.replace(/^Bearer\s+/i, "") : undefined;
}

/** The client-credentials grant (docs/api-facts.md#authentication-and-tokens), form-encoded. */
async function requestToken(
  settings: ComputeOpsSettings,
  timeoutMs: number,
  budgetMs: number,
  retry: Partial<RetryPolicy>,
  now: () => number,
  debugLog: DebugLog | undefined,
): Promise<CachedToken> {
  const { clientId, clientSecret } = settings;
  const tokenUrl = settings.tokenUrl;
  const where = (tokenUrl ?? "(no token URL)").split("?")[0];
  if (tokenUrl === undefined || clientId === undefined || clientSecret === undefined) {
    throw new ApiError({
      method: "POST",
      path: where,
      message:
        "Compute Ops Management needs compute-ops:clientId and compute-ops:clientSecret " +
        "(and a token URL), or compute-ops:token",
    });
  }
  // The form body holds the client secret: the debug log shows the path and status only.
  const tokenHttp = createTransport({
    api: "compute-ops token",
    timeoutMs,
    retry,
    debugLog,
  });
  // Retries go through the interceptors again, so this counts every attempt; it only
  // counts, so its place in the chain does not matter.
  let attempts = 0;
  tokenHttp.interceptors.request.use((config) => {
    attempts += 1;
    return config;
  });
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
  });
  const requestedAt = now();
  let data: { access_token?: unknown; expires_in?: unknown };
  try {
    const response = await tokenHttp.post(tokenUrl, form.toString(), {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      // Asking for a token twice creates nothing.
      idempotent: true,
      // Ends the attempt in flight and every retry once the budget is spent; the
      // retry policy never repeats a cancelled request.
      signal: AbortSignal.timeout(budgetMs),
    });
    data = typeof response.data === "object" && response.data !== null ? response.data : {};
  } catch (error) {
    if (axios.isCancel(error) || (error as AxiosError).code === "ERR_CANCELED") {
      throw new ApiError({
        method: "POST",
        path: where,
        message:
          `no token from ${where} within ${formatSeconds(budgetMs)} ` +
          `(${attempts} attempt${attempts === 1 ? "" : "s"}); ` +
          "check compute-ops:tokenUrl and the network",
      });
    }
    const status = (error as AxiosError).response?.status;
    throw apiErrorFromAxios(error, "POST", where, {
      repeatable: true,
      retries: retriesMade(error),
      hint:
        status === 400 || status === 401
          ? "check compute-ops:clientId and compute-ops:clientSecret"
          : undefined,
    });
  }
  const value = data.access_token;
  if (typeof value !== "string" || value === "") {
    throw new ApiError({
      method: "POST",
      path: where,
      message: `POST ${where} answered without an access_token`,
    });
  }
  registerSecret(value);
  const expiresIn = Number(data.expires_in);
  const lifetimeMs =
    (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : defaultTokenLifetimeS) * 1000;
  return { value, renewAt: requestedAt + lifetimeMs - renewalMarginMs(lifetimeMs) };
}

/**
 * The clients resources use: one per distinct settings, so every resource of a
 * deployment shares one client and one token. The cache key is a hash: no secret
 * sits in it in plain text.
 */
export class GreenLakeClients {
  private readonly clients = new Map<string, GreenLakeClient>();

  constructor(private readonly options: GreenLakeClientOptions = {}) {}

  /** The client for these settings, made on first use. */
  clientFor(settings: ComputeOpsSettings): GreenLakeClient {
    const key = createHash("sha256")
      .update(
        JSON.stringify([
          settings.endpoint,
          settings.tokenUrl,
          settings.clientId,
          settings.clientSecret,
          settings.token,
          settings.workspaceId,
          settings.tenantAcid,
        ]),
      )
      .digest("hex");
    let client = this.clients.get(key);
    if (!client) {
      client = new GreenLakeClient(settings, this.options);
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * The client for the resource's own `region`/`tenantAcid`, or the stack's. For a
   * type whose operations do not declare Tenant-Acid (`tenantScoped: false`), no
   * tenant applies, not even the stack's (docs/api-facts.md#tenant-acid).
   */
  forResource = (inputs: ResourceScope, options: ClientScope = {}): GreenLakeClient => {
    const settings = computeOpsSettings({
      region: typeof inputs.region === "string" ? inputs.region : undefined,
      tenantAcid: typeof inputs.tenantAcid === "string" ? inputs.tenantAcid : undefined,
    });
    return this.clientFor(
      options.tenantScoped === false ? { ...settings, tenantAcid: undefined } : settings,
    );
  };
}

/** The process's clients, with the default options. */
export const processClients = new GreenLakeClients();

/** The inputs that choose a resource's client. */
export interface ResourceScope {
  region?: unknown;
  tenantAcid?: unknown;
}

export interface ClientScope {
  /** False for the types whose operations do not declare Tenant-Acid. Default true. */
  tenantScoped?: boolean;
}

/** A `tenantAcid` input: the header is declared `format: uuid`. */
export const tenantAcidInput = z
  .string()
  .trim()
  .uuid("must be a UUID (the tenant's application customer id)")
  .optional();

/**
 * The `tenantAcid` input of a type whose operations do not declare Tenant-Acid:
 * kept so programs still compile, refused at check (docs/api-facts.md#tenant-acid).
 */
export function refusedTenantAcid(typeName: string) {
  return z
    .unknown()
    .optional()
    .refine((value) => value === undefined, {
      message: `${typeName} operations do not take Tenant-Acid; it applies to ExternalService and Job only`,
      // Any value is refused: nothing to quote.
      params: { keyNotValue: true },
    });
}

/** What a Compute Ops Management resource takes from outside; tests pass their own. */
export interface ComputeOpsDependencies {
  /** The client for a resource's own `region`/`tenantAcid`, or the stack's. */
  clientFor: (inputs: ResourceScope, options?: ClientScope) => GreenLakeClient;
  /** How waits sleep, tell time and report progress. */
  clock: WaitClock;
  /** What creates share: claimed objects and create queues (default: the process's). */
  creates?: CreateRegistry;
  /** The job-template catalogue reads Jobs share (default: the process's). */
  jobTemplates?: JobTemplateCatalogs;
}

export const defaultComputeOpsDependencies: ComputeOpsDependencies = {
  clientFor: processClients.forResource,
  clock: systemClock,
};

/** Every object of the collection with exactly this name (the filter may ignore case). */
export async function listNamed<T extends { name?: string }>(
  client: GreenLakeClient,
  collectionPath: string,
  name: string,
  parse: (item: unknown, what: string) => T,
): Promise<T[]> {
  const found = await client.list<unknown>(collectionPath, {
    filter: `name eq ${odataString(name)}`,
  });
  return found
    .map((item) => parse(item, `GET ${collectionPath}`))
    .filter((item) => item.name === name);
}

/**
 * PATCHes a merge patch, or GETs when nothing changed: the object as it now is, either
 * way. A 404 from an object that is gone fails naming it and the way out (updateUnlessGone).
 */
export async function patchOrRead<T>(
  client: GreenLakeClient,
  path: string,
  mergePatch: Record<string, unknown> | undefined,
  parse: (body: unknown, what: string) => T,
  target: UpdateTarget,
): Promise<T> {
  return updateUnlessGone(
    target,
    async () =>
      mergePatch === undefined
        ? parse(await client.get(path), `GET ${path}`)
        : parse(await client.patch(path, mergePatch), `PATCH ${path}`),
    () => client.get(path),
  );
}

/** A budget as people say it: "60 s", "1.5 s". */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
