/**
 * How many non-GET requests every Compute Ops Management client of this process has
 * begun. A list answer read before the count moved cannot hide this process's own
 * change, so batched reads may reuse it (docs/design.md#batched-reads). One count
 * per process, like the clients it counts: the dynamic-provider host serves a whole
 * deployment from one process.
 */
let writesStarted = 0;

/** Counts a request that may change something, as the client sends it. */
export function countWriteStarted(): void {
  writesStarted += 1;
}

/** The count so far; only its moving matters. */
export function writesStartedInProcess(): number {
  return writesStarted;
}
