/**
 * The emulator's rate limit (docs/api-facts.md#rate-limits), off unless switched on:
 * a fixed window per API client that starts with the client's first request in it.
 * Compute Ops Management answers carry GreenLake's three headers; an answer over the
 * limit is a 429 with Retry-After (the seconds until the window resets). A refused
 * request does not use up budget, so a client that waits as told gets its full
 * window next time.
 */

export interface RateLimitSetting {
  /** Requests each API client may make per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets, rounded up. */
  resetSeconds: number;
}

/** A setting from an admin body, a CLI flag or code, or an error naming the bad field. */
export function validateRateLimit(value: unknown): RateLimitSetting {
  const { limit, windowSeconds } = (value ?? {}) as Record<string, unknown>;
  for (const [name, n] of [
    ["limit", limit],
    ["windowSeconds", windowSeconds],
  ] as const) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      throw new Error(`${name} must be an integer of at least 1`);
    }
  }
  return { limit: limit as number, windowSeconds: windowSeconds as number };
}

/** `--rate-limit 100/10`: 100 requests per 10-second window. */
export function parseRateLimitSpec(spec: string, flag = "--rate-limit"): RateLimitSetting {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new Error(`${flag} takes LIMIT/SECONDS, e.g. 100/10 (got "${spec}")`);
  try {
    return validateRateLimit({ limit: Number(m[1]), windowSeconds: Number(m[2]) });
  } catch (error) {
    throw new Error(`${flag}: ${(error as Error).message}`);
  }
}

export class RateLimiter {
  private setting?: RateLimitSetting;
  private readonly windows = new Map<string, { endsAt: number; used: number }>();

  configure(setting: RateLimitSetting | undefined): void {
    this.setting = setting;
    this.windows.clear();
  }

  current(): RateLimitSetting | null {
    return this.setting ?? null;
  }

  /** Counts a request of this client, or refuses it; undefined while no limit is set. */
  take(clientKey: string, nowMs = Date.now()): RateLimitVerdict | undefined {
    const setting = this.setting;
    if (!setting) return undefined;
    let window = this.windows.get(clientKey);
    if (!window || nowMs >= window.endsAt) {
      window = { endsAt: nowMs + setting.windowSeconds * 1000, used: 0 };
      this.windows.set(clientKey, window);
    }
    const allowed = window.used < setting.limit;
    if (allowed) window.used += 1;
    return {
      allowed,
      limit: setting.limit,
      remaining: setting.limit - window.used,
      resetSeconds: Math.max(1, Math.ceil((window.endsAt - nowMs) / 1000)),
    };
  }
}

/** The three headers, as GreenLake's guide spells them. */
export function rateLimitHeaders(verdict: RateLimitVerdict): Record<string, string> {
  return {
    "ratelimit-limit": String(verdict.limit),
    "ratelimit-remaining": String(verdict.remaining),
    "RateLimit-Reset": String(verdict.resetSeconds),
  };
}
