import { expect } from "chai";
import {
  clearFaults,
  emulatorObjectCounts,
  emulatorRequestLog,
  resetEmulatorStats,
  setFaults,
} from "../../emulator/adminClient";
import type { FaultRule } from "../../emulator/faults";
import { DeclaredResource, E2EStack } from "./harness";
import { killedPulumi, runRecover } from "./killing";

const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const policies = "/compute-ops-mgmt/v1beta2/approval-policies";

function policy(i: number, description?: string): DeclaredResource {
  return {
    type: "ApprovalPolicy",
    name: `pol-${i}`,
    args: {
      name: `kd-${i}`,
      ...(description === undefined ? {} : { description }),
      policyData: {
        approvables: [{ approvableName: "Reset", approvers: [{ email: `ops${i}@example.com` }] }],
        resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
      },
    },
  };
}

interface StateEntry {
  urn: string;
  id?: string;
  type: string;
}

/**
 * Killed deletes and updates (issue 23), on one stack carried through ordered steps:
 * a destroy killed mid-delete, an up killed mid-delete, an up killed mid-update.
 * After each, only the README's steps (cancel, recover, recover --adopt, up), then
 * the stack must equal the API and a refresh preview must be clean.
 */
describe("Killed deletes and updates converge through the README's steps", function () {
  this.timeout(900_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
    await stack.deployFresh([0, 1, 2, 3].map((i) => policy(i)));
  });
  after(async () => {
    await clearFaults(stack.emulator).catch(() => undefined);
    await stack?.stop();
  });

  async function exported(): Promise<{
    resources: StateEntry[];
    pending: { type: string; resource: StateEntry }[];
  }> {
    const deployment = JSON.parse(await stack.workspace.exportStack()).deployment;
    return {
      resources: deployment.resources ?? [],
      pending: deployment.pending_operations ?? [],
    };
  }

  /** The recorded policy of the resource `pol-<i>`. */
  function recorded(resources: StateEntry[], i: number): StateEntry {
    const entry = resources.find((r) => r.urn.endsWith(`::pol-${i}`));
    if (!entry?.id) throw new Error(`pol-${i} is not recorded`);
    return entry;
  }

  const livePolicies = async () =>
    (await stack.objects()).approvalPolicies as { id: string; description?: string }[];

  /** A DELETE of the policy that the API answers with 500 every time: it stays. */
  const failingDelete = (id: string): FaultRule => ({
    kind: "5xx",
    status: 500,
    method: "DELETE",
    pathPrefix: `${policies}/${id}`,
    count: 1000,
  });
  /** A DELETE that is done, and whose answer never reaches the killed run. */
  const heldDelete = (id: string): FaultRule => ({
    kind: "slow-answer",
    method: "DELETE",
    pathPrefix: `${policies}/${id}`,
    latencyMs: 60_000,
  });
  const refused = async (id: string) =>
    (await emulatorRequestLog(stack.emulator)).some(
      (r) => r.method === "DELETE" && r.path === `${policies}/${id}` && r.status === 500,
    );

  /** The README's steps after a killed run; returns the dry run's output. */
  async function readmeSteps(): Promise<string> {
    await clearFaults(stack.emulator);
    await stack.workspace.runOk(["cancel", "--yes"]);
    const dryRun = await runRecover(stack, []);
    expect(dryRun.code, dryRun.stdout + dryRun.stderr).to.equal(0);
    expect(dryRun.stdout).to.include("Dry run: nothing changed");
    const adopt = await runRecover(stack, ["--adopt"]);
    expect(adopt.code, adopt.stdout + adopt.stderr).to.equal(0);
    const up = await stack.up();
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    return dryRun.stdout;
  }

  /** The API's policies are exactly the stack's, and a refresh finds nothing to do. */
  async function expectConverged(count: number): Promise<void> {
    const { resources, pending } = await exported();
    expect(pending, "no pending operation left").to.deep.equal([]);
    const stateIds = resources
      .filter((r) => r.type.endsWith(":ApprovalPolicy"))
      .map((r) => r.id)
      .sort();
    const apiIds = (await livePolicies()).map((p) => p.id).sort();
    expect(stateIds, "the stack's policies are the API's").to.deep.equal(apiIds);
    expect(apiIds).to.have.length(count);
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  }

  it("a destroy killed mid-delete: gone objects are dropped, the one still there is kept", async () => {
    const { resources } = await exported();
    const [one, two, three] = [1, 2, 3].map((i) => recorded(resources, i));
    await resetEmulatorStats(stack.emulator);
    await setFaults(stack.emulator, [
      heldDelete(one.id as string),
      heldDelete(two.id as string),
      failingDelete(three.id as string),
    ]);
    await killedPulumi(
      stack,
      [
        "destroy",
        "--yes",
        "--skip-preview",
        ...[one, two, three].flatMap((r) => ["--target", r.urn]),
      ],
      async () =>
        (await emulatorObjectCounts(stack.emulator)).approvalPolicies === 2 &&
        (await refused(three.id as string)),
      "two DELETEs done and the third refused",
    );
    const killed = await exported();
    expect(killed.pending.map((p) => p.type)).to.deep.equal(["deleting", "deleting", "deleting"]);

    const dryRun = await readmeSteps();
    expect(dryRun).to.include(`pending delete of ${one.id}; the object no longer exists`);
    expect(dryRun).to.include(`pending delete of ${two.id}; the object no longer exists`);
    expect(dryRun).to.include(`pending delete of ${three.id}; the object still exists`);
    // The program still declares all four: the up made pol-1 and pol-2 again.
    await expectConverged(4);
    expect(recorded((await exported()).resources, 3).id, "pol-3 kept").to.equal(three.id);
  });

  it("an up killed mid-delete: the gone object is dropped, the kept one deleted by the up", async () => {
    const { resources } = await exported();
    const [two, three] = [2, 3].map((i) => recorded(resources, i));
    await stack.declare([policy(0), policy(1)]);
    await resetEmulatorStats(stack.emulator);
    await setFaults(stack.emulator, [
      heldDelete(two.id as string),
      failingDelete(three.id as string),
    ]);
    await killedPulumi(
      stack,
      ["up", "--yes", "--skip-preview"],
      async () =>
        (await emulatorObjectCounts(stack.emulator)).approvalPolicies === 3 &&
        (await refused(three.id as string)),
      "one DELETE done and the other refused",
    );
    expect((await exported()).pending.map((p) => p.type)).to.have.members(["deleting", "deleting"]);

    const dryRun = await readmeSteps();
    expect(dryRun).to.include(`pending delete of ${two.id}; the object no longer exists`);
    expect(dryRun).to.include(`pending delete of ${three.id}; the object still exists`);
    await expectConverged(2);
  });

  it("an update of an object deleted behind the stack's back names it and the way out, which converges", async () => {
    const one = recorded((await exported()).resources, 1);
    const api = await stack.api();
    await api.delete(`${policies}/${one.id}`);
    await stack.declare([policy(0), policy(1, "vanished")]);
    const failed = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(failed.code).not.to.equal(0);
    const output = failed.stdout + failed.stderr;
    expect(output).to.include(`approval policy "kd-1" (id ${one.id}) no longer exists`);
    expect(output).to.include("pulumi up --refresh");

    const repaired = await stack.up(["--refresh"]);
    expect(repaired.code, repaired.stdout + repaired.stderr).to.equal(0);
    await expectConverged(2);
    expect(recorded((await exported()).resources, 1).id).not.to.equal(one.id);
  });

  it("an up killed mid-update: the update is kept and the next up applies it; destroy empties the API", async () => {
    await stack.declare([policy(0, "changed"), policy(1, "changed")]);
    await setFaults(stack.emulator, [
      { kind: "slow-answer", method: "PATCH", pathPrefix: policies, latencyMs: 60_000 },
    ]);
    await killedPulumi(
      stack,
      ["up", "--yes", "--skip-preview"],
      async () => (await livePolicies()).every((p) => p.description === "changed"),
      "both PATCHes applied",
    );
    expect((await exported()).pending.map((p) => p.type)).to.deep.equal(["updating", "updating"]);

    const dryRun = await readmeSteps();
    expect(dryRun, dryRun).to.match(/pending update of [0-9a-f-]{36}; kept/);
    await expectConverged(2);
    const state = (await stack.stateResources("ApprovalPolicy")).map((r) => r.outputs.description);
    expect(state).to.deep.equal(["changed", "changed"]);

    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount(), "an empty API after destroy").to.equal(0);
  });
});
