/**
 * Pulumi YAML programs through the real CLI, Pulumi YAML's language host built from Go
 * modules (scripts/ensure-yaml-host.sh) and the provider plugin
 * `pulumi-resource-ops-management`, against the emulator: the YAML quickstart's whole
 * life (up, a clean refresh preview, drift, an update, `pulumi import` of an object
 * made by hand, destroy), two accounts in one stack, one of them an explicit
 * provider whose settings checkConfig judges, and one stack of every other type
 * (group membership, activation key, job, server-pool request) and a lookup.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import {
  emulatorObjects,
  emulatorStackConfig,
  mergePatchHeaders,
  computeOpsApi,
} from "../../emulator/adminClient";
import type { PulumiWorkspace } from "../../scripts/pulumiRunner";
import { repoRoot } from "../../scripts/pulumiRunner";
import { asPluginConfig, yamlWorkspace } from "../../scripts/yamlProgram";
import { expectNoChangesExitCode } from "./harness";

const policiesPath = "/compute-ops-mgmt/v1beta2/approval-policies";
const policyToken = "ops-management:compute-ops:ApprovalPolicy";

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

async function stateOf(workspace: PulumiWorkspace): Promise<StateResource[]> {
  const exported = JSON.parse(await workspace.exportStack()) as {
    deployment: { resources?: StateResource[] };
  };
  return exported.deployment.resources ?? [];
}

async function policies(emulator: RunningEmulator): Promise<Record<string, unknown>[]> {
  return (await emulatorObjects(emulator)).approvalPolicies ?? [];
}

describe("Pulumi YAML programs through the provider plugin", function () {
  // The first run of all builds the YAML language host (minutes); later ones find it cached.
  this.timeout(600_000);
  let emulator: RunningEmulator;
  const workspaces: PulumiWorkspace[] = [];

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
  });
  after(async () => {
    for (const workspace of workspaces) {
      await workspace.run(["destroy", "--yes", "--skip-preview"]);
      workspace.dispose();
    }
    await emulator?.close();
  });

  async function workspaceFor(programDir: string): Promise<PulumiWorkspace> {
    const { workspace } = yamlWorkspace(programDir);
    workspaces.push(workspace);
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.initStack(asPluginConfig(config), asPluginConfig(secrets));
    return workspace;
  }

  it("runs the YAML quickstart: up, clean refresh, drift, update, import, destroy", async () => {
    const workspace = await workspaceFor(path.join(repoRoot, "examples", "quickstart-yaml"));

    await workspace.runOk(["up", "--yes", "--skip-preview"]);
    const [made] = await policies(emulator);
    expect(made).to.include({ name: "firmware-approvals" });
    const recorded = (await stateOf(workspace)).filter((r) => r.type === policyToken);
    expect(recorded.map((r) => r.id)).to.deep.equal([made.id]);
    // A plugin's resources hold no serialized provider; the provider is a resource.
    expect(recorded[0].inputs).not.to.have.property("__provider");

    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);

    const api = await computeOpsApi(emulator);
    await api.patch(
      `${policiesPath}/${String(made.id)}`,
      { description: "edited by hand" },
      mergePatchHeaders,
    );
    await workspace.runOk(
      ["preview", "--refresh", "--expect-no-changes", "--diff"],
      expectNoChangesExitCode,
    );

    await workspace.runOk(["config", "set", "approverEmail", "cab@example.com"]);
    await workspace.runOk(["up", "--yes", "--skip-preview", "--refresh"]);
    const [updated] = await policies(emulator);
    expect(updated.id).to.equal(made.id);
    expect(JSON.stringify(updated.policyData)).to.include("cab@example.com");
    expect(updated.description).to.equal(
      "Firmware updates on production servers need a second pair of eyes",
    );

    const byHand = await api.post(policiesPath, {
      name: "made-by-hand",
      description: "created outside Pulumi",
      policyData: {
        approvables: [{ approvableName: "Reset", approvers: [{ email: "ops@example.com" }] }],
      },
    });
    const generated = path.join(workspace.home, "imported.yaml");
    await workspace.runOk([
      "import",
      policyToken,
      "handMade",
      String(byHand.data.id),
      "--yes",
      // Imports are protected by default; this one is destroyed below with the rest.
      "--protect=false",
      "--out",
      generated,
    ]);
    const imported = (await stateOf(workspace)).find((r) => r.urn.endsWith("::handMade"));
    expect(imported?.id).to.equal(byHand.data.id);
    const code = fs.readFileSync(generated, "utf8");
    expect(code).to.include(policyToken);
    expect(code).to.include("made-by-hand");

    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await policies(emulator)).to.deep.equal([]);

    // The stack's secret settings never appear in plain text in its state.
    const exported = await workspace.exportStack();
    for (const secret of Object.values(emulatorStackConfig(emulator).secrets)) {
      expect(exported).not.to.include(secret);
    }
  });

  it("serves two accounts in one stack and judges an explicit provider's settings at preview", async () => {
    const workspace = await workspaceFor(
      path.join(repoRoot, "test", "e2e", "programs", "yaml-providers"),
    );
    const { config, secrets } = emulatorStackConfig(emulator);
    await workspace.runOk([
      "config",
      "set-all",
      "--plaintext",
      `secondEndpoint=${config["compute-ops:endpoint"]}`,
      "--plaintext",
      `secondTokenUrl=${config["compute-ops:tokenUrl"]}`,
      "--plaintext",
      `secondClientId=${config["compute-ops:clientId"]}`,
      "--secret",
      `secondClientSecret=${secrets["compute-ops:clientSecret"]}`,
      "--plaintext",
      "secondRegion=mars",
    ]);
    const refused = await workspace.runOk(["preview"], 1);
    expect(refused.stdout + refused.stderr).to.include(
      "ops-management:computeOpsRegion must be one of",
    );
    expect(await policies(emulator)).to.deep.equal([]);

    await workspace.runOk(["config", "set", "secondRegion", ""]);
    // With its preview: one policy's description is unknown until the other exists.
    await workspace.runOk(["up", "--yes"]);
    const made = await policies(emulator);
    expect(made.map((p) => p.name).sort()).to.deep.equal([
      "yaml-default-provider",
      "yaml-explicit-provider",
    ]);
    const first = made.find((p) => p.name === "yaml-default-provider");
    const second = made.find((p) => p.name === "yaml-explicit-provider");
    expect(second?.description).to.equal(`declared after ${String(first?.id)}`);
    const exported = await workspace.exportStack();
    expect(exported).not.to.include(secrets["compute-ops:clientSecret"]);
    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await policies(emulator)).to.deep.equal([]);
  });

  it("serves every other type and a lookup: a group and its membership, an activation key kept secret, a job, a server-pool request, getServer", async () => {
    const workspace = await workspaceFor(
      path.join(repoRoot, "test", "e2e", "programs", "yaml-types"),
    );
    const up = await workspace.runOk(["up", "--yes"]);
    const serverId = /serverId\s*: "(\S+)"/.exec(up.stdout)?.[1];
    expect(serverId, up.stdout).to.be.a("string");
    // The job waited for its end and the request for its server, as on the dynamic path.
    expect(up.stdout).to.match(/jobState\s*: "COMPLETE"/);
    expect(up.stdout).to.match(/poolRequestStatus\s*: "COMPLETED"/);
    await workspace.runOk(["preview", "--refresh", "--expect-no-changes"]);
    const state = await stateOf(workspace);
    const key = state.find((r) => r.type.endsWith(":ActivationKey"));
    expect(key?.outputs?.activationKey).to.have.property("ciphertext");
    const made = await emulatorObjects(emulator);
    expect(made.groups?.map((g) => g.name)).to.deep.equal(["web-servers"]);
    const groupId = String(made.groups?.[0].id);
    const api = await computeOpsApi(emulator);
    const devices = await api.get(`/compute-ops-mgmt/v1/groups/${groupId}/devices`);
    expect((devices.data.items as { deviceId: string }[]).map((d) => d.deviceId)).to.deep.equal([
      serverId,
    ]);
    const job = state.find((r) => r.type === "ops-management:compute-ops:Job");
    expect(
      made.jobs?.map((j) => [j.id, (j.resource as { id?: string } | undefined)?.id, j.state]),
    ).to.deep.equal([[job?.id, serverId, "COMPLETE"]]);
    const request = state.find((r) => r.type === "ops-management:ops-manager:ServerPoolRequest");
    expect(made.serverPoolRequests?.map((r) => [r.id, r.statusName])).to.deep.equal([
      [request?.id, "COMPLETED"],
    ]);
    expect(made.activationKeys).to.have.length(1);
    expect(made.activationKeys?.[0].activationKey).to.be.a("string");
    expect(await workspace.exportStack()).not.to.include(
      String(made.activationKeys?.[0].activationKey),
    );
    await workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const left = await emulatorObjects(emulator);
    expect([...(left.groups ?? []), ...(left.activationKeys ?? [])]).to.deep.equal([]);
    // Ops Manager keeps a request it cancelled; a job is history the API never deletes.
    expect(left.serverPoolRequests).to.have.length(1);
    expect(left.serverPoolRequests?.[0].statusName).to.match(/^CANCELL(ING|ED)$/);
    expect(left.jobs?.map((j) => j.id)).to.deep.equal([job?.id]);
  });
});
