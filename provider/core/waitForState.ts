/**
 * Waiting for asynchronous work (docs/design.md#waiting-is-explicit): jobs and server-pool
 * requests are polled until they reach a terminal state or the resource's
 * timeout passes.
 *
 * Progress is written to stderr. The dynamic-provider host is a plugin process,
 * and the Pulumi CLI forwards each line a plugin writes to stderr as a message
 * (shown beside the stack while it runs and under "Diagnostics" at the end), so
 * people see that a long firmware job is alive. Lines are written on every state
 * change and, while the state stays the same, every 30 seconds: enough to show
 * life without flooding a CI log.
 */
import { isTransient } from "./lifecycle";
import { PartialCreateError, providerKey } from "./pulumiResults";

/** How waiting sleeps, tells time and reports; tests pass their own. */
export interface WaitClock {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log: (line: string) => void;
}

/** The real clock: timers, Date.now and stderr. */
export const systemClock: WaitClock = {
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  log: (line) => console.error(line),
};

export interface WaitOptions<T> {
  /** Says what is awaited in progress lines, e.g. "compute-ops:Job 2500759c (Server Power On)". */
  label: string;
  /** Reads the object once. */
  poll: () => Promise<T>;
  /** The state to report, e.g. a job's `state` or a request's `statusName`. */
  stateOf: (value: T) => string;
  /** True once the object will not change by itself any more. */
  isTerminal: (value: T) => boolean;
  /** How long to wait in all. */
  timeoutMs: number;
  /** The first pause between polls; pauses then grow by half up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /**
   * Errors worth polling through (the HTTP clients already retry each request; an
   * outage longer than their retries should not end an hour-long wait). Any other
   * error ends the wait at once.
   */
  isTransient?: (error: unknown) => boolean;
  /**
   * The clock of this wait; parts left out are the system clock's (a fake `now`
   * that moves only when `sleep` is called makes an hour-long wait run instantly).
   */
  clock?: Partial<WaitClock>;
}

export interface WaitOutcome<T> {
  /** False when the timeout passed first. */
  finished: boolean;
  /** The last value read. */
  value: T;
  elapsedMs: number;
}

const progressEveryMs = 30_000;

/** "45s", "2m10s", "1h05m". */
export function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** Polls until `isTerminal` holds, or until the timeout passes (`finished` is then false). */
export async function waitForState<T>(options: WaitOptions<T>): Promise<WaitOutcome<T>> {
  const clock: WaitClock = { ...systemClock, ...options.clock };
  const maxInterval = options.maxIntervalMs ?? 15_000;
  let interval = Math.min(options.intervalMs ?? 2_000, maxInterval);
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  let last: { value: T } | undefined;
  let lastError: unknown;
  let reported: string | undefined;
  let reportedAt = started;

  for (;;) {
    try {
      const value = await options.poll();
      last = { value };
      const state = options.stateOf(value);
      const t = clock.now();
      if (state !== reported || t - reportedAt >= progressEveryMs) {
        clock.log(`${options.label}: ${state} (${formatElapsed(t - started)} elapsed)`);
        reported = state;
        reportedAt = t;
      }
      if (options.isTerminal(value)) return { finished: true, value, elapsedMs: t - started };
    } catch (error) {
      if (!options.isTransient?.(error)) throw error;
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      clock.log(`${options.label}: could not read the state, trying again (${message})`);
    }
    const t = clock.now();
    if (t >= deadline) {
      // Only errors since the start: there is no state to report, so the error is the news.
      if (last === undefined) throw lastError;
      return { finished: false, value: last.value, elapsedMs: t - started };
    }
    await clock.sleep(Math.min(interval, deadline - t));
    interval = Math.min(Math.round(interval * 1.5), maxInterval);
  }
}

export interface AwaitCreatedOptions<
  T,
  Outputs extends object = Record<string, unknown>,
> extends Omit<WaitOptions<T>, "isTransient" | "clock"> {
  /** The object's id, recorded by Pulumi whatever the outcome. */
  id: string;
  /** What the object is called in "could not follow the job". */
  noun: string;
  /** The value read last before waiting: the outputs when none can be read. */
  lastSeen: T;
  /** The resource's outputs for a value read. */
  outputsOf: (value: T) => Outputs;
  /** The serialized provider, recorded with the outputs. */
  provider: unknown;
  /** Why the outcome is a failure (a message saying the way out), or undefined when the work is done. */
  failureOf: (outcome: WaitOutcome<T>) => string | undefined;
  clock: WaitClock;
}

/**
 * Waits for asynchronous work an object started (a job, a server-pool request) and
 * returns its outputs. Polls survive transient errors. Every other ending (a
 * failure, the timeout, an object that cannot be read) throws a PartialCreateError,
 * so Pulumi records the id and these outputs (docs/design.md#waiting-is-explicit).
 */
export async function awaitCreated<T, Outputs extends object = Record<string, unknown>>(
  options: AwaitCreatedOptions<T, Outputs>,
): Promise<Outputs> {
  const { id, noun, lastSeen, outputsOf, provider, failureOf, ...wait } = options;
  const partial = (message: string, value: T) =>
    new PartialCreateError(message, id, { ...outputsOf(value), [providerKey]: provider });
  let outcome: WaitOutcome<T>;
  try {
    outcome = await waitForState({ ...wait, isTransient });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw partial(`${options.label}: could not follow the ${noun}: ${why}`, lastSeen);
  }
  const failure = failureOf(outcome);
  if (failure !== undefined) throw partial(failure, outcome.value);
  return outputsOf(outcome.value);
}
