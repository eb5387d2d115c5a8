/**
 * Every API request the integration and e2e suites send to an emulator, kept for
 * the conformance check run after the last test (./conformanceHooks.ts). All
 * suites run in one mocha process, so a module-level list sees them all.
 */
import type { RecordedRequest } from "../../emulator";

export const recordedRequests: { test: string; request: RecordedRequest }[] = [];

let currentTest = "";

/** Names the test whose requests follow (set by the root hook before each test). */
export function setCurrentTest(title: string): void {
  currentTest = title;
}

/** The emulator's `onRequest` option for a recorded emulator. */
export function recordRequest(request: RecordedRequest): void {
  recordedRequests.push({ test: currentTest, request });
}
