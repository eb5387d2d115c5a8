/**
 * After each test file, every request its suites sent to a recorded emulator is
 * judged by the contract rules the emulator enforces (emulator/conformance.ts). Any request outside them fails the run, listed by
 * method, path, query keys, header names and body shape, never values: bodies
 * hold secrets. The same report goes to dist/test-results/conformance.json.
 * Tests that break the contract on purpose use an emulator that is not recorded.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requestViolations } from "../../emulator";
import { recordedRequests, setCurrentTest } from "./recordedRequests";

function shapeOf(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    const shape = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
      if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, shape(inner)]));
      }
      return v === null ? "null" : typeof v;
    };
    return shape(value);
  } catch {
    return "not JSON";
  }
}

const resultsDir = join(__dirname, "..", "..", "test-results");
const reportDir = join(resultsDir, "conformance");

/**
 * Mocha root hooks. In parallel mode each worker process runs several files and
 * `afterAll` runs once per file, so each check judges the requests recorded since
 * the last one, and each worker adds what it judged to a report of its own; the
 * global teardown, in mocha's main process, merges them into conformance.json.
 */
export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    setCurrentTest(this.currentTest?.fullTitle() ?? "");
  },
  afterAll() {
    const judged = recordedRequests.splice(0);
    if (judged.length === 0) return;
    const found = judged.flatMap(({ test, request }) => {
      const violations = requestViolations(request);
      if (violations.length === 0) return [];
      return [
        {
          test,
          method: request.method,
          path: request.path,
          queryKeys: Object.keys(request.query),
          headers: [
            ...(request.contentType ? ["Content-Type"] : []),
            ...(request.tenantAcid !== undefined ? ["Tenant-Acid"] : []),
          ],
          bodyShape: shapeOf(request.rawBody),
          violations,
        },
      ];
    });
    mkdirSync(reportDir, { recursive: true });
    const ownReport = join(reportDir, `${process.pid}.json`);
    const earlier: Report = existsSync(ownReport)
      ? (JSON.parse(readFileSync(ownReport, "utf8")) as Report)
      : { checked: 0, outside: [] };
    writeFileSync(
      ownReport,
      JSON.stringify({
        checked: earlier.checked + judged.length,
        outside: [...earlier.outside, ...found],
      }),
    );
    if (found.length > 0) {
      throw new Error(
        `${found.length} of ${judged.length} requests sent to the emulator are outside ` +
          `the API contract:\n${JSON.stringify(found, null, 2)}`,
      );
    }
  },
};

interface Report {
  checked: number;
  outside: unknown[];
}

/** Clears the reports of an earlier run before any worker starts. */
export function mochaGlobalSetup(): void {
  rmSync(reportDir, { recursive: true, force: true });
}

/** Merges the workers' reports (or the single process's) into conformance.json. */
export function mochaGlobalTeardown(): void {
  if (!existsSync(reportDir)) return;
  const merged: Report = { checked: 0, outside: [] };
  for (const file of readdirSync(reportDir)) {
    const report = JSON.parse(readFileSync(join(reportDir, file), "utf8")) as Report;
    merged.checked += report.checked;
    merged.outside.push(...report.outside);
  }
  writeFileSync(join(resultsDir, "conformance.json"), JSON.stringify(merged, null, 2));
}
