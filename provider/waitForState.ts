/**
 * Waiting for asynchronous work (DESIGN.md decision 8): jobs and server-pool
 * requests are polled until they reach a terminal state or the resource's
 * timeout passes. Progress goes to stderr, which Pulumi's engine shows for the
 * provider plugin, on every state change and at least every 30 seconds.
 */

export interface WaitOptions<T> {
  /** Label for progress lines, e.g. "compute-ops:Job 2500759c". */
  label: string;
  poll: () => Promise<T>;
  stateOf: (value: T) => string;
  isTerminal: (value: T) => boolean;
  timeoutMs: number;
  intervalMs?: number;
  /** Injected in tests so no real time passes. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
}

export type WaitOutcome<T> = { finished: true; value: T } | { finished: false; value: T };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Polls until `isTerminal`, or until the timeout (then `finished` is false). */
export async function waitForState<T>(options: WaitOptions<T>): Promise<WaitOutcome<T>> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.error(line));
  const interval = options.intervalMs ?? 2000;
  const started = now();
  let lastState: string | undefined;
  let lastReport = started;
  for (;;) {
    const value = await options.poll();
    const state = options.stateOf(value);
    const t = now();
    if (state !== lastState || t - lastReport >= 30_000) {
      log(`${options.label}: ${state} (${elapsed(t - started)} elapsed)`);
      lastState = state;
      lastReport = t;
    }
    if (options.isTerminal(value)) return { finished: true, value };
    if (t - started >= options.timeoutMs) return { finished: false, value };
    await sleep(Math.min(interval, Math.max(0, started + options.timeoutMs - t)));
  }
}
