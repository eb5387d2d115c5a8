/**
 * Every API request the integration and e2e suites send to an emulator, kept for
 * the conformance check run after each test file (./conformanceHooks.ts). A
 * module-level list sees every request of the process (a mocha worker in
 * parallel mode), and the check takes what it judged out of it.
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
