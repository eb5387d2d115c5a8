/**
 * The one migration path from dynamic resources to the provider plugin's
 * (docs/plugin.md#migrating-a-typescript-stack), through the real CLI against the
 * emulator: a TypeScript stack's dynamic approval policy is forgotten with
 * `pulumi state delete` and imported under the plugin's token, the program then
 * declares the plugin's resource, and after one `up` a refresh preview finds nothing
 * to do. The object keeps its id and every declared field.
 */
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { emulatorObjects, emulatorStackConfig } from "../../emulator/adminClient";
import { repoRoot, type PulumiWorkspace } from "../../scripts/pulumiRunner";
import { asPluginConfig, yamlWorkspace } from "../../scripts/yamlProgram";

interface StateResource {
  urn: string;
  type: string;
  id?: string;
}

describe("Migrating a TypeScript stack from dynamic resources to the plugin's", function () {
  this.timeout(300_000);
  let emulator: RunningEmulator;
  let workspace: PulumiWorkspace;

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
    ({ workspace } = yamlWorkspace(path.join(repoRoot, "test", "e2e", "programs", "migration")));
    const { config, secrets } = emulatorStackConfig(emulator);
    // Both namespaces: the dynamic providers read compute-ops:*, the plugin ops-management:*.
    await workspace.initStack(
      { ...config, ...asPluginConfig(config) },
      { ...secrets, ...asPluginConfig(secrets) },
    );
  });
  after(async () => {
    await workspace?.run(["destroy", "--yes", "--skip-preview"]);
    workspace?.dispose();
    await emulator?.close();
  });

  const resources = async () =>
    (JSON.parse(await workspace.exportStack()) as { deployment: { resources: StateResource[] } })
      .deployment.resources;

  it("moves the policy with state delete and import, keeping the object and its fields", async () => {
    await workspace.runOk(["up", "--yes", "--skip-preview"]);
    const [before] = (await emulatorObjects(emulator)).approvalPolicies ?? [];
    const dynamic = (await resources()).find((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
    expect(dynamic?.id).to.equal(before.id);

    await workspace.runOk(["state", "delete", dynamic!.urn, "--yes"]);
    await workspace.runOk([
      "import",
      "ops-management:compute-ops:ApprovalPolicy",
      "approvals",
      String(before.id),
      "--yes",
      "--protect=false",
      "--generate-code=false",
    ]);
    await workspace.runOk(["config", "set", "migration:stage", "plugin"]);
    // The import recorded what ApprovalPolicy's read reports for an object no program
    // declared yet, which leaves the description out; the first `up` records it (a
    // PATCH to the value it already has), and from then on nothing is to do.
    await workspace.runOk(["up", "--yes", "--skip-preview"]);
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);

    const types = (await resources()).map((r) => r.type);
    expect(types).to.include("ops-management:compute-ops:ApprovalPolicy");
    expect(types.filter((t) => t.startsWith("pulumi-nodejs:dynamic"))).to.deep.equal([]);
    const [after] = (await emulatorObjects(emulator)).approvalPolicies ?? [];
    for (const field of ["id", "name", "description", "policyData", "createdAt"]) {
      expect(after[field], field).to.deep.equal(before[field]);
    }

    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect((await emulatorObjects(emulator)).approvalPolicies ?? []).to.deep.equal([]);
  });
});
