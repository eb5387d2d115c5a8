/**
 * A YAML program's `pulumi up`, served by the provider plugin, SIGKILLed while its
 * creates are in flight, then `recover --adopt` (docs/design.md#recovering-a-killed-run):
 * the plugin's resources are recovered like the dynamic ones: no duplicate, no orphan.
 * Three are the default provider's, made with the stack's `ops-management:*` settings;
 * one is an explicit provider resource's, made in a second emulator (another
 * workspace) with that provider's own settings, which recover reads from the state.
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
  /** The explicit provider's workspace: its endpoint is in no stack config. */
  let second: RunningEmulator;
  let workspace: PulumiWorkspace;
  // killing.ts needs only the stack's workspace.
  let stack: E2EStack;

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
    second = await startEmulator({ port: 0, quiet: true });
    ({ workspace } = yamlWorkspace(path.join(repoRoot, "test", "e2e", "programs", "yaml-killed")));
    stack = { workspace, emulator } as unknown as E2EStack;
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(asPluginConfig(config), asPluginConfig(secrets));
    const secondConfig = emulatorStackConfig(second);
    await workspace.runOk([
      "config",
      "set-all",
      "--plaintext",
      `secondEndpoint=${secondConfig.config["compute-ops:endpoint"]}`,
      "--plaintext",
      `secondTokenUrl=${secondConfig.config["compute-ops:tokenUrl"]}`,
      "--plaintext",
      `secondClientId=${secondConfig.config["compute-ops:clientId"]}`,
      "--secret",
      `secondClientSecret=${secondConfig.secrets["compute-ops:clientSecret"]}`,
    ]);
  });
  after(async () => {
    for (const api of [emulator, second]) if (api) await clearFaults(api).catch(() => undefined);
    await workspace?.run(["destroy", "--yes", "--skip-preview"]);
    workspace?.dispose();
    await emulator?.close();
    await second?.close();
  });

  const secondSecret = () => emulatorStackConfig(second).secrets["compute-ops:clientSecret"];
  const policiesOf = async (api: RunningEmulator) =>
    (await emulatorObjects(api)).approvalPolicies ?? [];
  const policies = async () => [...(await policiesOf(emulator)), ...(await policiesOf(second))];

  it("recover --adopt records what the killed run made: 0 duplicates, 0 orphans", async () => {
    // The POSTs reach the API; their answers are held past the kill (not longer: the
    // emulator closes only when every held answer is sent).
    for (const api of [emulator, second]) {
      await setFaults(api, [
        { kind: "slow-answer", method: "POST", pathPrefix: "/compute-ops-mgmt", latencyMs: 15_000 },
      ]);
    }
    const killed = await killedPulumi(
      stack,
      ["up", "--yes", "--skip-preview"],
      async () =>
        (await policiesOf(emulator)).length === 3 && (await policiesOf(second)).length === 1,
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
    for (const api of [emulator, second]) await clearFaults(api);
    await workspace.runOk(["cancel", "--yes"]);
    const pending = JSON.parse(await workspace.exportStack()).deployment.pending_operations ?? [];
    expect(pending.length, "the kill left pending creates").to.be.greaterThan(0);

    const [deltaBeforeRecover] = await policiesOf(second);
    const adopt = await runRecover(stack, ["--adopt"]);
    expect(adopt.code, adopt.stdout + adopt.stderr).to.equal(0);
    // The explicit provider's object was found in its own workspace, not looked for
    // in the stack config's (where it is not, so the next up would make it again).
    expect(adopt.stdout).to.include(`::delta: adopted ${String(deltaBeforeRecover.id)}`);
    expect(adopt.stdout).not.to.include(secondSecret());

    await workspace.runOk(["up", "--yes", "--skip-preview"]);
    expect((await policiesOf(emulator)).map((p) => p.name).sort()).to.deep.equal(
      ["alpha", "bravo", "charlie"].map((n) => `killed-${n}`),
    );
    expect((await policiesOf(second)).map((p) => [p.name, p.id])).to.deep.equal([
      ["killed-delta", deltaBeforeRecover.id],
    ]);
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);
    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await policies()).to.deep.equal([]);
  });
});
