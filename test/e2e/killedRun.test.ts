import { expect } from "chai";
import { clearFaults, emulatorObjectCounts, setFaults } from "../../emulator/adminClient";
import type { RunResult } from "../../scripts/pulumiRunner";
import { DeclaredResource, E2EStack } from "./harness";
import { killedPulumi, runRecover, until } from "./killing";

const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const serverId = "P06760-B21+2M212504P8";

function declaration(): DeclaredResource[] {
  const resources: DeclaredResource[] = [];
  for (let i = 0; i < 10; i++) {
    resources.push({
      type: "ApprovalPolicy",
      name: `pol-${i}`,
      args: {
        name: `killed-${i}`,
        policyData: {
          approvables: [{ approvableName: "Reset", approvers: [{ email: `ops${i}@example.com` }] }],
          resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
        },
      },
    });
  }
  for (let i = 0; i < 2; i++) {
    resources.push({
      type: "ActivationKey",
      name: `key-${i}`,
      args: { targetDevice: "ILO", expirationInHours: 24 },
    });
  }
  resources.push({
    type: "Job",
    name: "power-on",
    args: {
      jobTemplate: "Server Power On",
      resourceType: "compute-ops-mgmt/server",
      resourceId: serverId,
      timeoutMinutes: 5,
    },
  });
  return resources;
}

interface KilledRun {
  /** Objects the emulator held once the killed run's requests settled. */
  made: Awaited<ReturnType<typeof emulatorObjectCounts>>;
  /** The stack's resources with an id, and its pending creates, after the kill. */
  recordedIds: Set<string>;
  pendingCreates: number;
}

describe("A killed pulumi up converges through recover", function () {
  this.timeout(600_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await clearFaults(stack.emulator).catch(() => undefined);
    await stack?.stop();
  });

  const recover = (args: string[]): Promise<RunResult> => runRecover(stack, args);

  const counts = () => emulatorObjectCounts(stack.emulator);

  /**
   * Starts `pulumi up` of the declaration, lets every policy's POST reach the API
   * (their answers are held for a minute, longer than the client's 30 s timeout, so
   * no lost-answer recovery records them), and SIGKILLs the whole session.
   */
  async function killDuringCreates(before?: () => Promise<void>): Promise<KilledRun> {
    await stack.fresh();
    await before?.();
    await stack.declare(declaration());
    await setFaults(stack.emulator, [
      { kind: "slow-answer", method: "POST", pathPrefix: "/compute-ops-mgmt", latencyMs: 60_000 },
    ]);
    await killedPulumi(
      stack,
      ["up", "--yes", "--skip-preview"],
      async () => {
        const c = await counts();
        return c.approvalPolicies === 10 && c.activationKeys >= 1;
      },
      "the run's creates",
    );
    // Nothing answers the killed run any more; let the counts settle.
    let last = "";
    await until(async () => {
      const now = JSON.stringify(await counts());
      const settled = now === last;
      last = now;
      return settled;
    }, "the counts to settle");
    await clearFaults(stack.emulator);
    const made = await counts();
    // The killed run left the stack locked: `pulumi cancel` is the documented unlock.
    await stack.workspace.runOk(["cancel", "--yes"]);
    const exported = JSON.parse(await stack.workspace.exportStack());
    const recordedIds = new Set<string>(
      (exported.deployment.resources ?? [])
        .map((r: { id?: string }) => r.id)
        .filter((id: string | undefined) => id),
    );
    const pendingCreates = (exported.deployment.pending_operations ?? []).length;
    return { made, recordedIds, pendingCreates };
  }

  /** What every run must end with: each object once, and nothing left after destroy. */
  async function expectConvergedThenClean(foreignKeys = 0): Promise<void> {
    const up = await stack.up();
    expect(up.code).to.equal(0);
    const after = await counts();
    expect(after.approvalPolicies, "no policy made twice").to.equal(10);
    expect(after.activationKeys, "no key made twice").to.equal(2 + foreignKeys);
    expect(after.jobs, "the job ran once").to.equal(1);
    expect(await stack.stateResources()).to.have.length(13);
    const clean = await stack.run(["preview", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);

    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const left = await counts();
    expect(left.approvalPolicies, "orphan policies").to.equal(0);
    expect(left.activationKeys, "orphan keys").to.equal(foreignKeys);
  }

  it("after a SIGKILL during creates, recover --adopt records what was made: 0 duplicates, 0 orphans", async () => {
    // Another team's key, identical to ours, made before this stack's last update:
    // it must never be taken for one of the killed run's.
    let theirs = "";
    const killed = await killDuringCreates(async () => {
      const api = await stack.api();
      const { data } = await api.post("/compute-ops-mgmt/v1beta1/activation-keys", {
        targetDevice: "ILO",
        expirationInHours: 24,
      });
      theirs = (data as { id: string }).id;
      // A finished update of this stack more than recover's clock slack (60 s) after
      // their key was made.
      await new Promise((resolve) => setTimeout(resolve, 61_000));
      await stack.declare([]);
      await stack.up();
    });
    expect(theirs).to.match(/^[0-9a-f-]{36}$/);
    expect(killed.pendingCreates, "the kill left pending creates").to.be.greaterThan(0);
    expect(killed.made.approvalPolicies).to.equal(10);

    const dryRun = await recover([]);
    expect(dryRun.code, dryRun.stdout + dryRun.stderr).to.equal(0);
    expect(dryRun.stdout).to.include("Dry run: nothing changed");
    expect(dryRun.stdout).to.match(/Only objects created after \d{4}-\d\d-\d\dT/);
    expect(dryRun.stdout, dryRun.stdout).not.to.include(theirs);
    // Every policy the run made is either recorded or named by the dry run.
    const policies = (await stack.objects()).approvalPolicies as { id: string }[];
    for (const policy of policies) {
      if (!killed.recordedIds.has(policy.id)) expect(dryRun.stdout).to.include(policy.id);
    }
    expect(await counts(), "a dry run changes nothing").to.deep.equal(killed.made);

    const adopt = await recover(["--adopt"]);
    expect(adopt.code, adopt.stdout + adopt.stderr).to.equal(0);
    expect(adopt.stdout).to.include("adopted");
    const adoptedIds = new Set((await stack.stateResources()).map((r) => r.id));
    for (const policy of policies) expect(adoptedIds.has(policy.id), policy.id).to.equal(true);
    expect(adoptedIds.has(theirs), "their key is not ours").to.equal(false);

    await expectConvergedThenClean(1);
    const keys = (await stack.objects()).activationKeys as { id: string }[];
    expect(keys.map((k) => k.id)).to.deep.equal([theirs]);
  });

  it("after a SIGKILL during creates, recover --delete removes what was made, and up makes it once", async () => {
    const killed = await killDuringCreates();
    expect(killed.pendingCreates, "the kill left pending creates").to.be.greaterThan(0);
    const unrecorded = ((await stack.objects()).approvalPolicies as { id: string }[])
      .map((p) => p.id)
      .filter((id) => !killed.recordedIds.has(id));
    expect(unrecorded.length).to.be.greaterThan(0);

    const removal = await recover(["--delete"]);
    expect(removal.code, removal.stdout + removal.stderr).to.equal(0);
    const left = new Set(
      ((await stack.objects()).approvalPolicies as { id: string }[]).map((p) => p.id),
    );
    for (const id of unrecorded) expect(left.has(id), `${id} deleted`).to.equal(false);

    await expectConvergedThenClean();
  });
});
