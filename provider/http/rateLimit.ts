/**
 * Rate-limit pacing, shared by every client of one API client in the process
 * (docs/design.md#rate-limit-pacing; docs/api-facts.md#rate-limits).
 *
 * GreenLake limits requests per API client and says on every answer how many are
 * left in the current window (`ratelimit-limit`, `ratelimit-remaining`,
 * `ratelimit-reset` in seconds, any capitalisation). Pulumi runs resource steps in
 * parallel, so reacting to each 429 on its own would be a thundering herd. A gate:
 * - lets a few requests go while the budget is unknown (at start and after each
 *   reset) and learns the budget from their answers; an answer without the headers turns
 *   pacing off (Ops Manager documents none);
 * - holds new requests once `remaining` reaches a small reserve, until the window resets;
 * - on a 429 pauses every request of the API client (queued, new and the refused one's
 *   retry) for its Retry-After, or the window's reset;
 * - leaves what it learned of the window where the next process of the same API
 *   client on this machine starts from (`pulumi up` then `preview --refresh`): a
 *   process that begins in a window its predecessor used up waits for the reset
 *   instead of being refused.
 * Waiting never uses up a request's retries.
 */
import type { AxiosError, AxiosResponse, InternalAxiosRequestConfig } from "axios";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ApiError } from "./apiError";
import { requestedDelayMs } from "./retry";

/** The budget an answer announces. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** Time until the window resets, in ms (the header's seconds, rounded up). */
  resetMs: number;
}

type HeaderBag = Record<string, unknown> & { get?: (name: string) => unknown };

function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const viaGet = typeof headers.get === "function" ? headers.get(name) : undefined;
  let value = viaGet ?? headers[name];
  if (value === undefined) {
    const wanted = name.toLowerCase();
    const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === "string" || typeof value === "number" ? String(value).trim() : undefined;
}

function nonNegative(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/**
 * The three rate-limit headers, with or without an `x-` prefix, in any
 * capitalisation; undefined unless all three are present and numbers.
 */
export function parseRateLimit(headers: unknown): RateLimitHeaders | undefined {
  const bag = headers as HeaderBag | undefined;
  for (const prefix of ["ratelimit-", "x-ratelimit-"]) {
    const limit = nonNegative(headerValue(bag, `${prefix}limit`));
    const remaining = nonNegative(headerValue(bag, `${prefix}remaining`));
    const reset = nonNegative(headerValue(bag, `${prefix}reset`));
    if (limit === undefined || remaining === undefined || reset === undefined) continue;
    return {
      limit: Math.floor(limit),
      remaining: Math.floor(remaining),
      resetMs: Math.ceil(reset) * 1000,
    };
  }
  return undefined;
}

/** What a gate knows of its window, as kept between processes. */
export interface WindowBudget {
  limit: number;
  /** Requests left, net of those in flight when it was written. */
  remaining: number;
  /** When the window resets (ms since the epoch). */
  resetAt: number;
}

/** Where the gates of successive processes leave their budget for each other. */
export interface BudgetHints {
  load(key: string): WindowBudget | undefined;
  save(key: string, budget: WindowBudget): void;
}

/**
 * Budget hints in files of a private directory under the system's temporary one,
 * named by a hash of the API client's key (no credential is written). Best effort:
 * a directory that cannot be written, or a file another process is replacing, is
 * no hint at all.
 */
export function fileBudgetHints(
  directory = path.join(
    os.tmpdir(),
    `pulumi-ops-management-${typeof process.getuid === "function" ? process.getuid() : "user"}`,
  ),
): BudgetHints {
  const fileOf = (key: string) =>
    path.join(directory, `ratelimit-${createHash("sha256").update(key).digest("hex")}.json`);
  return {
    load(key) {
      try {
        const hint = JSON.parse(fs.readFileSync(fileOf(key), "utf8")) as Partial<WindowBudget>;
        const { limit, remaining, resetAt } = hint;
        if ([limit, remaining, resetAt].every((n) => typeof n === "number" && Number.isFinite(n))) {
          return hint as WindowBudget;
        }
      } catch {
        // No hint (yet), or one being replaced.
      }
      return undefined;
    },
    save(key, budget) {
      try {
        fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
        const file = fileOf(key);
        const partial = `${file}.${process.pid}`;
        fs.writeFileSync(partial, JSON.stringify(budget), { mode: 0o600 });
        fs.renameSync(partial, file);
      } catch {
        // Pacing works without it; only the next process starts less informed.
      }
    },
  };
}

/** How a gate tells time and reports a wait; tests pass their own. */
export interface RateLimitClock {
  now: () => number;
  log: (line: string) => void;
}

export interface RateLimitGateOptions extends Partial<RateLimitClock> {
  /** Names the API in progress lines: "compute-ops", "ops-manager". */
  label: string;
  /** Requests left unsent in each window, for other processes of the same API client. Default 2. */
  reserve?: number;
  /** A longer wait for a window to reset fails the request instead. Default 120 s. */
  maxWaitMs?: number;
  /** Where this gate starts from and leaves its budget, under `key`. */
  hints?: { store: BudgetHints; key: string };
}

/** One request let through the gate; handed back when its answer (or failure) arrives. */
export interface GateTicket {
  probe: boolean;
  /** When it was let through (the gate's clock). */
  sentAt: number;
}

const progressEveryMs = 30_000;
// The ticket of each attempt: axios hands the same config object to the request
// interceptors and back with the answer or the error.
const tickets = new WeakMap<object, GateTicket>();
/**
 * No reserve by default: the budget is already net of this process's requests in
 * flight, and the next process learns the budget from the hints. A reserve would
 * cost a whole window whenever a run needs a multiple of the limit.
 */
const defaultReserve = 0;
/**
 * Requests let go at once while the budget is unknown (at start, after a reset):
 * few enough for any plausible limit, enough that a slow answer does not stall the rest.
 */
const probeAllowance = 8;
const defaultMaxWaitMs = 120_000;
/** A 429 that says nothing about when to come back. */
const unspecifiedPauseMs = 1_000;

/** "45s", "2m10s". */
function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export class RateLimitGate {
  private readonly label: string;
  private readonly reserve: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly hints?: { store: BudgetHints; key: string };
  /** "unknown" until an answer shows whether the server sends the headers. */
  private pacing: "unknown" | "on" | "off" = "unknown";
  /** What is left of the window, net of requests in flight; undefined when unknown. */
  private budget?: { limit: number; remaining: number; resetAt: number };
  private inFlight = 0;
  /** Requests sent while the budget is unknown, whose answers will tell it. */
  private probes = 0;
  private probeWaiters: (() => void)[] = [];
  private pausedUntil = 0;
  private pauseReason = "";
  /** The wait every held request shares, so a pause is slept (and reported) once. */
  private shared?: { until: number; done: Promise<void> };

  constructor(options: RateLimitGateOptions) {
    this.label = options.label;
    this.reserve = options.reserve ?? defaultReserve;
    this.maxWaitMs = options.maxWaitMs ?? defaultMaxWaitMs;
    this.now = options.now ?? (() => Date.now());
    this.log = options.log ?? ((line) => console.error(line));
    this.hints = options.hints;
    const hinted = this.hints?.store.load(this.hints.key);
    // Only the budget: whether this server sends the headers at all is still for
    // its own answers to tell.
    if (hinted !== undefined && hinted.resetAt > this.now()) this.budget = { ...hinted };
  }

  /** The window's budget as the last answer told it, for reports; undefined when unknown. */
  budgetNow(): { limit: number; remaining: number; resetInMs: number } | undefined {
    if (this.budget === undefined) return undefined;
    const { limit, remaining, resetAt } = this.budget;
    return { limit, remaining, resetInMs: Math.max(0, resetAt - this.now()) };
  }

  /**
   * Waits until a request may go, then counts it as sent. `sleep` is the caller's
   * retry policy's: a test's instant sleep counts the wait as served.
   */
  async acquire(
    sleep: (ms: number) => void | Promise<void>,
    request: { method?: string; url?: string } = {},
  ): Promise<GateTicket> {
    // The time this request has waited up to: with an instant sleep the clock does
    // not move, yet the wait is over.
    let served = -Infinity;
    for (;;) {
      const t = Math.max(this.now(), served);
      if (this.pausedUntil > t) {
        served = await this.waitUntil(this.pausedUntil, this.pauseReason, sleep);
        continue;
      }
      if (this.pacing === "off") break;
      if (this.budget !== undefined && t >= this.budget.resetAt) this.budget = undefined;
      if (this.budget === undefined) {
        if (this.probes >= probeAllowance) {
          await new Promise<void>((resolve) => this.probeWaiters.push(resolve));
          continue;
        }
        this.probes += 1;
        this.inFlight += 1;
        return { probe: true, sentAt: t };
      }
      if (this.budget.remaining <= this.reserve) {
        const { limit, resetAt } = this.budget;
        if (resetAt - t > this.maxWaitMs) {
          const method = (request.method ?? "get").toUpperCase();
          throw new ApiError({
            method,
            path: request.url ?? "",
            message:
              `${this.label}: the API client's rate limit (${limit} requests per window) is ` +
              `used up for ${seconds(resetAt - t)}, longer than this provider waits; run again ` +
              `later, or give each pipeline its own API client`,
          });
        }
        const reason =
          `rate limit reached (${Math.max(0, this.budget.remaining)} of ${limit} requests ` +
          `left in this window)`;
        served = await this.waitUntil(resetAt, reason, sleep);
        continue;
      }
      this.budget.remaining -= 1;
      break;
    }
    this.inFlight += 1;
    return { probe: false, sentAt: Math.max(this.now(), served) };
  }

  /** Remembers which ticket an attempt holds, for `settleAttempt`. */
  hold(config: InternalAxiosRequestConfig, ticket: GateTicket): void {
    tickets.set(config, ticket);
  }

  /** `settle` for the attempt behind an axios answer or error, once. */
  settleAttempt(config: object | undefined, response: AxiosResponse | undefined): void {
    const ticket = config === undefined ? undefined : tickets.get(config);
    if (ticket === undefined || config === undefined) return;
    tickets.delete(config);
    this.settle(ticket, response);
  }

  /** Gives back a ticket whose request never left (a later interceptor failed). */
  release(ticket: GateTicket): void {
    this.inFlight -= 1;
    if (ticket.probe) this.endProbe();
  }

  /** Learns from an answer (or the lack of one) to a request let through. */
  settle(ticket: GateTicket, response: AxiosResponse | undefined): void {
    this.inFlight -= 1;
    const t = this.now();
    const announced = response ? parseRateLimit(response.headers) : undefined;
    if (announced) {
      this.pacing = "on";
      const resetAt = t + announced.resetMs;
      const remaining = announced.remaining - this.inFlight;
      // Answers arrive out of order: within a window keep the lower count. An answer
      // of the same window bounds the reset at most a second (the header's rounding)
      // plus its own round trip later than the reset is; a later bound is a new window.
      const sameWindowSlack = 1_000 + Math.max(0, t - ticket.sentAt);
      if (this.budget === undefined || resetAt > this.budget.resetAt + sameWindowSlack) {
        this.budget = { limit: announced.limit, remaining, resetAt };
      } else {
        this.budget.remaining = Math.min(this.budget.remaining, remaining);
        // The header is in whole seconds, rounded up, so each answer bounds the reset
        // from above by up to a second too late; the earliest bound of the window's
        // answers is the closest. Waiting for the first answer's bound lost up to a
        // second per window (docs/design.md#rate-limit-pacing).
        this.budget.resetAt = Math.min(this.budget.resetAt, resetAt);
      }
      // A next process with at least probeAllowance left would probe safely without
      // a hint, so only a nearly used-up window is written: no file write per answer.
      if (this.budget.remaining < probeAllowance)
        this.hints?.store.save(this.hints.key, this.budget);
    } else if (response && ticket.probe && this.pacing === "unknown") {
      this.pacing = "off";
    }
    if (response?.status === 429) this.pauseFor429(response, announced, t);
    if (ticket.probe) this.endProbe();
  }

  private pauseFor429(
    response: AxiosResponse,
    announced: RateLimitHeaders | undefined,
    t: number,
  ): void {
    const asked = requestedDelayMs({ response } as AxiosError);
    const pauseMs = asked ?? announced?.resetMs ?? unspecifiedPauseMs;
    if (this.budget) this.budget.remaining = 0;
    this.hints?.store.save(this.hints.key, {
      limit: this.budget?.limit ?? announced?.limit ?? 0,
      remaining: 0,
      resetAt: t + pauseMs,
    });
    // A longer pause is refused by the retry policy with a clear error; holding every
    // other request for it would only delay that error.
    if (pauseMs > this.maxWaitMs || t + pauseMs <= this.pausedUntil) return;
    this.pausedUntil = t + pauseMs;
    this.pauseReason =
      `API answered 429 Too Many Requests; every request of this API client waits` +
      (asked !== undefined ? " (Retry-After)" : "");
  }

  private endProbe(): void {
    this.probes -= 1;
    const waiters = this.probeWaiters;
    this.probeWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Sleeps until `until`, together with every other held request; returns `until`. */
  private async waitUntil(
    until: number,
    reason: string,
    sleep: (ms: number) => void | Promise<void>,
  ): Promise<number> {
    if (this.shared === undefined || this.shared.until < until) {
      const done = this.sleepReporting(until, reason, sleep);
      this.shared = { until, done };
      void done.finally(() => {
        if (this.shared?.done === done) this.shared = undefined;
      });
    }
    await this.shared.done;
    return until;
  }

  private async sleepReporting(
    until: number,
    reason: string,
    sleep: (ms: number) => void | Promise<void>,
  ): Promise<void> {
    let t = this.now();
    this.log(`${this.label}: ${reason}; waiting ${seconds(until - t)}`);
    while (t < until) {
      const step = Math.min(until - t, progressEveryMs);
      await sleep(step);
      // A sleep that returned early (a test's) still counts as served.
      t = Math.max(this.now(), t + step);
      if (t < until)
        this.log(`${this.label}: still waiting on the rate limit, ${seconds(until - t)} left`);
    }
  }
}

/**
 * The gates of a process, one per API client (keyed like the token cache), so every
 * client using the same credentials, whatever its tenant or region, paces together.
 */
export class RateLimitGates {
  private readonly gates = new Map<string, RateLimitGate>();

  constructor(
    private readonly options: Partial<RateLimitClock> & {
      reserve?: number;
      hints?: BudgetHints;
    } = {},
  ) {}

  gateFor(key: string, label: string): RateLimitGate {
    let gate = this.gates.get(key);
    if (!gate) {
      const { hints, ...rest } = this.options;
      gate = new RateLimitGate({
        ...rest,
        label,
        hints: hints === undefined ? undefined : { store: hints, key: `${label}\n${key}` },
      });
      this.gates.set(key, gate);
    }
    return gate;
  }
}

/**
 * The process's gates: the dynamic-provider host serves a whole deployment from one
 * process, and the next one on this machine starts from what this one learned.
 */
export const processGates = new RateLimitGates({ hints: fileBudgetHints() });
