/**
 * The timers that move asynchronous work (jobs, server-pool requests, schedules)
 * through its states, kept so that reset and close can stop them all, and the
 * emulator's clock they run on. The clock is the system's plus an offset that
 * `advance` moves forward: a test that needs a schedule due next week advances
 * the clock instead of waiting, and every timer due by then runs at once, in order.
 */

/** setTimeout's longest delay (about 24.8 days); a later timer re-arms until it is due. */
const maxDelayMs = 2 ** 31 - 1;

interface PendingTimer {
  due: number;
  run: () => void;
  handle: NodeJS.Timeout;
}

export class Timers {
  private readonly pending = new Set<PendingTimer>();
  private offsetMs = 0;

  /** The emulator's time in ms since the epoch: the system's, plus what `advance` added. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  later(run: () => void, ms: number): void {
    const due = this.now() + Math.max(0, ms);
    this.arm({ due, run, handle: undefined as unknown as NodeJS.Timeout });
  }

  /** Moves the clock forward and runs every timer due by the new time, earliest first. */
  advance(ms: number): void {
    this.offsetMs += ms;
    for (;;) {
      const due = [...this.pending]
        .filter((timer) => timer.due <= this.now())
        .sort((a, b) => a.due - b.due)[0];
      if (due === undefined) return;
      this.fire(due);
    }
  }

  stopAll(): void {
    for (const timer of this.pending) clearTimeout(timer.handle);
    this.pending.clear();
  }

  private arm(timer: PendingTimer): void {
    const wait = Math.min(maxDelayMs, Math.max(0, timer.due - this.now()));
    timer.handle = setTimeout(() => {
      if (timer.due > this.now()) {
        this.arm(timer);
        return;
      }
      this.fire(timer);
    }, wait);
    this.pending.add(timer);
  }

  private fire(timer: PendingTimer): void {
    clearTimeout(timer.handle);
    this.pending.delete(timer);
    timer.run();
  }
}
