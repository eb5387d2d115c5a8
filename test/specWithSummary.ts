/**
 * Mocha's spec reporter, then where the time went (the wall time of each test
 * file, the time of each suite kind, and the 10 slowest tests), then one plain
 * closing line, `N passed, N failed` (`, N skipped` when some were), which CI
 * reads whatever runner printed it. In parallel mode files overlap, so the
 * per-file times add up to more than the wall time printed with them; they are
 * taken in the workers (./support/fileTimes.ts), since events reach this process
 * only when a file ends.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import * as Mocha from "mocha";
import { fileTimesDir } from "./support/fileTimes";

interface FileTime {
  first: number;
  last: number;
  tests: number;
}

/** `dist/test/e2e/job.test.js` → `e2e/job.test`: short, and the same for .ts readers. */
function shortFile(file: string | undefined): string {
  if (!file) return "(no file)";
  const relative = path.relative(path.join(__dirname), file);
  return relative.replace(/\.js$/, "");
}

/** Each file's time as the parallel workers measured it; empty in serial mode. */
function workerFileTimes(): Map<string, number> {
  const times = new Map<string, number>();
  if (!existsSync(fileTimesDir)) return times;
  for (const name of readdirSync(fileTimesDir)) {
    for (const line of readFileSync(path.join(fileTimesDir, name), "utf8").split("\n")) {
      if (line === "") continue;
      const { file, ms } = JSON.parse(line) as { file: string; ms: number };
      times.set(shortFile(file), ms);
    }
  }
  return times;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const started = Date.now();
    const files = new Map<string, FileTime>();
    const tests: { title: string; file: string; ms: number }[] = [];
    const seen = (file: string): FileTime => {
      let time = files.get(file);
      if (!time) {
        time = { first: Date.now(), last: Date.now(), tests: 0 };
        files.set(file, time);
      }
      return time;
    };
    runner.on(Mocha.Runner.constants.EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.file) seen(shortFile(suite.file));
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_END, (test: Mocha.Test) => {
      const file = shortFile(test.file);
      const time = seen(file);
      time.last = Date.now();
      time.tests += 1;
      tests.push({ title: test.fullTitle(), file, ms: test.duration ?? 0 });
    });
    runner.on(Mocha.Runner.constants.EVENT_SUITE_END, (suite: Mocha.Suite) => {
      if (suite.file) seen(shortFile(suite.file)).last = Date.now();
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const out: string[] = ["", "Time by file (from its first hook to its last):"];
      const byKind = new Map<string, number>();
      const timedInWorkers = workerFileTimes();
      const rows = [...files.entries()].map(([file, t]) => ({
        file,
        ms: timedInWorkers.get(file) ?? t.last - t.first,
        n: t.tests,
      }));
      for (const row of rows) {
        const kind = row.file.split(path.sep)[0];
        byKind.set(kind, (byKind.get(kind) ?? 0) + row.ms);
      }
      for (const row of [...rows].sort((a, b) => b.ms - a.ms)) {
        out.push(
          `  ${seconds(row.ms).padStart(9)}  ${String(row.n).padStart(3)} tests  ${row.file}`,
        );
      }
      out.push("Time by kind (sum of its files):");
      for (const [kind, ms] of byKind) out.push(`  ${seconds(ms).padStart(9)}  ${kind}`);
      out.push("The 10 slowest tests:");
      for (const test of [...tests].sort((a, b) => b.ms - a.ms).slice(0, 10)) {
        out.push(`  ${seconds(test.ms).padStart(9)}  ${test.file}: ${test.title}`);
      }
      out.push(`Wall time: ${seconds(Date.now() - started)}`);
      const { passes, failures, pending } = this.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : "";
      out.push("", `${passes} passed, ${failures} failed${skipped}`, "");
      process.stdout.write(out.join("\n"));
    });
  }
}

export = SpecWithSummary;
