/**
 * The timers that move asynchronous work (jobs, server-pool requests) through its
 * states, kept so that reset and close can stop them all.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  later(run: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    this.pending.add(timer);
  }

  stopAll(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
