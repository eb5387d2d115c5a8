/**
 * Mocha root hooks that time each test file, from before its first hook to after
 * its last, for the reporter (../specWithSummary.ts). In parallel mode a worker
 * runs the root `beforeAll` and `afterAll` once per file, and its events reach the
 * reporter only when the file ends, so the time is taken here, in the worker, and
 * left in a file per worker process that the reporter reads at the end of the run.
 * In serial mode these hooks run once for the whole run; the reporter then times
 * files from the events, which arrive as they happen.
 */
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export const fileTimesDir = join(__dirname, "..", "..", "test-results", "file-times");

let started = 0;

function fileOf(context: Mocha.Context): string | undefined {
  const root = context.test?.parent;
  return root?.file ?? root?.suites.find((suite) => suite.file)?.file;
}

/** Set by mocha in its worker processes, and only there. */
const inWorker = process.env.MOCHA_WORKER_ID !== undefined;

export const mochaHooks = {
  beforeAll() {
    started = Date.now();
  },
  afterAll(this: Mocha.Context) {
    if (!inWorker) return;
    const file = fileOf(this);
    if (file === undefined) return;
    mkdirSync(fileTimesDir, { recursive: true });
    const line = JSON.stringify({ file, ms: Date.now() - started });
    appendFileSync(join(fileTimesDir, `${process.pid}.jsonl`), `${line}\n`);
  },
};

/** Clears the times of an earlier run before any worker starts. */
export function mochaGlobalSetup(): void {
  rmSync(fileTimesDir, { recursive: true, force: true });
}
