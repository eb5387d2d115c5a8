/**
 * Mocha root hooks: after the whole run, every request the suites sent to a
 * recorded emulator is judged by the contract rules the emulator enforces
 * (emulator/conformance.ts). Any request outside them fails the run, listed by
 * method, path, query keys, header names and body shape, never values: bodies
 * hold secrets. The same report goes to dist/test-results/conformance.json.
 * Tests that break the contract on purpose use an emulator that is not recorded.
 */
import { mkdirSync, writeFileSync } from "node:fs";
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

export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    setCurrentTest(this.currentTest?.fullTitle() ?? "");
  },
  afterAll() {
    const found = recordedRequests.flatMap(({ test, request }) => {
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
    if (recordedRequests.length === 0) return;
    const dir = join(__dirname, "..", "..", "test-results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "conformance.json"),
      JSON.stringify({ checked: recordedRequests.length, outside: found }, null, 2),
    );
    if (found.length > 0) {
      throw new Error(
        `${found.length} of ${recordedRequests.length} requests sent to the emulator are outside ` +
          `the API contract:\n${JSON.stringify(found, null, 2)}`,
      );
    }
  },
};
