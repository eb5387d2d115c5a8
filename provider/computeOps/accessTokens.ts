/**
 * GreenLake access tokens for Compute Ops Management
 * (docs/api-facts.md#authentication-and-tokens): the OAuth2 client-credentials grant,
 * form-encoded, and the cache every client of the process with the same token URL
 * and client id shares. A token is renewed before it runs out; the client drops it
 * after a 401 and asks for a fresh one.
 */
import axios, { type AxiosError } from "axios";
import type { ComputeOpsSettings } from "../core/configuration";
import { ApiError, apiErrorFromAxios } from "../http/apiError";
import type { DebugLog } from "../http/debugLog";
import { registerSecret } from "../http/redaction";
import { retriesMade, type RetryPolicy } from "../http/retry";
import { createTransport } from "../http/transport";

/** When a token answer gives no `expires_in`: the shorter documented lifetime, 15 minutes. */
const defaultTokenLifetimeS = 900;

export interface CachedToken {
  value: string;
  /** When to stop using it (ms since the epoch): a margin before the server's expiry. */
  renewAt: number;
}

/** What a token request needs besides the settings: the client's own options. */
export interface TokenRequestOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** All the time a token may take, retries included. */
  budgetMs: number;
  retry: Partial<RetryPolicy>;
  now: () => number;
  debugLog: DebugLog | undefined;
}

/** Tokens by token URL and client id, and the token requests in flight. */
export class TokenCache {
  readonly tokens = new Map<string, CachedToken>();
  readonly requests = new Map<string, Promise<CachedToken>>();

  /**
   * The token under `key` while it is before its renewal time, else a new one from
   * `request`; concurrent callers wait for the same request.
   */
  async current(key: string, now: number, request: () => Promise<CachedToken>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && now < cached.renewAt) return cached.value;
    let pending = this.requests.get(key);
    if (!pending) {
      pending = request()
        .then((token) => {
          this.tokens.set(key, token);
          return token;
        })
        .finally(() => this.requests.delete(key));
      this.requests.set(key, pending);
    }
    return (await pending).value;
  }

  /** Drops the cached token after a 401, unless another caller already replaced it. */
  forget(key: string, refused: string | undefined): void {
    const cached = this.tokens.get(key);
    if (cached && (refused === undefined || cached.value === refused)) this.tokens.delete(key);
  }
}

// One token per token URL and client id for the whole process: the dynamic-provider
// host serves every resource of a deployment from one process, and GreenLake limits
// how often a client may ask.
export const processTokens = new TokenCache();

/** The cache key of the settings' token: its token URL and client id. */
export function tokenKey(settings: ComputeOpsSettings): string {
  return `${settings.tokenUrl}\n${settings.clientId}`;
}

/**
 * How long before expiry a token is renewed: five minutes, but never more than a
 * tenth of its lifetime, so a 15-minute workspace token is used for 13.5 minutes.
 */
export function renewalMarginMs(lifetimeMs: number): number {
  return Math.min(300_000, lifetimeMs / 10);
}

/** The client-credentials grant (docs/api-facts.md#authentication-and-tokens), form-encoded. */
export async function requestToken(
  settings: ComputeOpsSettings,
  options: TokenRequestOptions,
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
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    debugLog: options.debugLog,
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
  const requestedAt = options.now();
  let data: { access_token?: unknown; expires_in?: unknown };
  try {
    const response = await tokenHttp.post(tokenUrl, form.toString(), {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      // Asking for a token twice creates nothing.
      idempotent: true,
      // Ends the attempt in flight and every retry once the budget is spent; the
      // retry policy never repeats a cancelled request.
      signal: AbortSignal.timeout(options.budgetMs),
    });
    data = typeof response.data === "object" && response.data !== null ? response.data : {};
  } catch (error) {
    if (axios.isCancel(error) || (error as AxiosError).code === "ERR_CANCELED") {
      throw new ApiError({
        method: "POST",
        path: where,
        message:
          `no token from ${where} within ${formatSeconds(options.budgetMs)} ` +
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

/** A budget as people say it: "60 s", "1.5 s". */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
