/**
 * A YAML program's `pulumi up`, served by the provider plugin, SIGKILLed while its
 * creates are in flight, then `recover --adopt` (docs/design.md#recovering-a-killed-run):
 * the plugin's resources are recovered like the dynamic ones, from the stack's
 * `ops-management:*` settings: no duplicate, no orphan.
 */
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import {
  clearFaults,
  emulatorObjects,
  emulatorStackConfig,
  setFaults,
} from "../../emulator/adminClient";
import { repoRoot, type PulumiWorkspace } from "../../scripts/pulumiRunner";
import { asPluginConfig, yamlWorkspace } from "../../scripts/yamlProgram";
import type { E2EStack } from "./harness";
import { killedPulumi, runRecover, until } from "./killing";

describe("A killed YAML run of the provider plugin's resources", function () {
  this.timeout(300_000);
  let emulator: RunningEmulator;
  let workspace: PulumiWorkspace;
  // killing.ts needs only the stack's workspace.
  let stack: E2EStack;

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
    ({ workspace } = yamlWorkspace(path.join(repoRoot, "test", "e2e", "programs", "yaml-killed")));
    stack = { workspace, emulator } as unknown as E2EStack;
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(asPluginConfig(config), asPluginConfig(secrets));
  });
  after(async () => {
    await clearFaults(emulator).catch(() => undefined);
    await workspace?.run(["destroy", "--yes", "--skip-preview"]);
    workspace?.dispose();
    await emulator?.close();
  });

  const policies = async () => (await emulatorObjects(emulator)).approvalPolicies ?? [];

  it("recover --adopt records what the killed run made: 0 duplicates, 0 orphans", async () => {
    // The POSTs reach the API; their answers are held past the kill (not longer: the
    // emulator closes only when every held answer is sent).
    await setFaults(emulator, [
      { kind: "slow-answer", method: "POST", pathPrefix: "/compute-ops-mgmt", latencyMs: 15_000 },
    ]);
    const killed = await killedPulumi(
      stack,
      ["up", "--yes", "--skip-preview"],
      async () => (await policies()).length === 4,
      "the run's creates",
    );
    expect(killed, "the run was killed mid-create").to.equal(true);
    let last = "";
    await until(async () => {
      const now = JSON.stringify(await policies());
      const settled = now === last;
      last = now;
      return settled;
    }, "the policies to settle");
    await clearFaults(emulator);
    await workspace.runOk(["cancel", "--yes"]);
    const pending = JSON.parse(await workspace.exportStack()).deployment.pending_operations ?? [];
    expect(pending.length, "the kill left pending creates").to.be.greaterThan(0);

    const adopt = await runRecover(stack, ["--adopt"]);
    expect(adopt.code, adopt.stdout + adopt.stderr).to.equal(0);
    expect(adopt.stdout).to.include("adopted");

    await workspace.runOk(["up", "--yes", "--skip-preview"]);
    const made = await policies();
    expect(made.map((p) => p.name).sort()).to.deep.equal(
      ["alpha", "bravo", "charlie", "delta"].map((n) => `killed-${n}`),
    );
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);
    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await policies()).to.deep.equal([]);
  });
});
