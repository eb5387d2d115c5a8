import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { emulatorObjects } from "../../emulator/adminClient";
import { measureConcurrentCreates } from "../../scripts/bench/concurrentCreates";
import { recordRequest } from "../support/recordedRequests";

// `npm run bench` runs its parts one after another against one emulator, and the
// whole-run parts check how many policies their stacks hold: a part that leaves
// objects behind makes every later part fail.
describe("bench part 2 (concurrent creates in process)", function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true, onRequest: recordRequest });
  });
  after(() => emulator?.close());

  it("measures both sides and leaves the emulator without the policies it made", async () => {
    const measurements = await measureConcurrentCreates(emulator, { creates: 16, rounds: 2 });
    const perCreate = measurements.find((m) => m.name.startsWith("HTTP requests per create"));
    // Each side makes every policy once: own checks cost a list and a POST per create.
    expect(perCreate?.baseline).to.equal(2);
    expect(perCreate?.samples).to.have.length(2);
    expect((await emulatorObjects(emulator)).approvalPolicies).to.deep.equal([]);
  });
});
