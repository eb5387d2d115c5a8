/**
 * `npx pulumi-ops-management export` round trip at scale: a workspace seeded by
 * hand (the API, as an operator's console or script would, and the emulator's
 * admin API for servers), exported, type-checked against the packed package,
 * then adopted by the real Pulumi CLI with no write on the wire, refreshed clean,
 * and changed by one merge patch.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { AxiosInstance } from "axios";
import { expect } from "chai";
import type { RecordedRequest } from "../../emulator";
import {
  addServer,
  emulatorRequestLog,
  emulatorStackConfig,
  resetEmulatorStats,
  type LoggedRequest,
} from "../../emulator/adminClient";
import { repoRoot } from "../../scripts/pulumiRunner";
import { recordRequest } from "../support/recordedRequests";
import { E2EStack, packedTypeScriptProject } from "./harness";

const run = promisify(execFile);
const cli = path.join(repoRoot, "dist", "cli", "main.js");
const prefix = "/compute-ops-mgmt";

const groupCount = 10;
const serversPerGroup = 2;
const policyCount = 55;
const approvables = ["Update firmware", "Power off", "Reset", "Install operating system image"];

/** Requests that change something: anything but a GET, token requests aside. */
function writes(log: LoggedRequest[]): LoggedRequest[] {
  return log.filter((r) => r.method !== "GET" && r.path.startsWith(`${prefix}/`));
}

/** Assigns servers by hand and waits for the asynchronous operation. */
async function assignByHand(api: AxiosInstance, groupId: string, serverIds: string[]) {
  const accepted = await api.post(`${prefix}/v1/groups/${groupId}/devices`, {
    devices: serverIds.map((deviceId) => ({ deviceId })),
  });
  for (let i = 0; i < 400; i++) {
    const operation = await api.get(accepted.headers.location as string);
    if (operation.data.state === "SUCCEEDED") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`assigning ${serverIds.join(", ")} never finished`);
}

/** The workspace an operator built by hand before adopting Pulumi. */
async function seedByHand(stack: E2EStack): Promise<{ changeMeId: string }> {
  const api = await stack.api();
  for (let i = 0; i < groupCount * serversPerGroup; i++) {
    await addServer(stack.emulator, {
      productId: "P52534-B21",
      serialNumber: `CZ2050EXP${String(i).padStart(2, "0")}`,
      name: `rack-${String(i).padStart(2, "0")}`,
      hostname: i % 3 === 0 ? `rack-${i}.example.com` : undefined,
    });
  }
  const groupIds: string[] = [];
  for (let g = 0; g < groupCount; g++) {
    const created = await api.post(`${prefix}/v1/groups`, {
      // Two names that make the same slug: the export tells them apart.
      name: g === 1 ? "Rack group 0" : `rack group ${g}`,
      deviceType: "DIRECT_CONNECT_SERVER",
      ...(g % 2 === 0 ? { description: `servers of rack ${g}` } : {}),
      ...(g === 3 ? { autoAddTags: { Rack: "three" } } : {}),
      ...(g === 4
        ? { policies: { onDeviceAdd: { firmwareUpdate: true, osCompletionTimeoutMin: 120 } } }
        : {}),
    });
    groupIds.push(created.data.id as string);
  }
  await Promise.all(
    groupIds.map((groupId, g) =>
      assignByHand(
        api,
        groupId,
        Array.from(
          { length: serversPerGroup },
          (_, s) => `P52534-B21+CZ2050EXP${String(g * serversPerGroup + s).padStart(2, "0")}`,
        ),
      ),
    ),
  );
  // A group without servers, of another device type.
  await api.post(`${prefix}/v1/groups`, { name: "synergy frames", deviceType: "OVE_APPLIANCE_VM" });

  let changeMeId = "";
  for (let p = 0; p < policyCount; p++) {
    const created = await api.post(`${prefix}/v1beta2/approval-policies`, {
      name: p === 0 ? "change-me" : `Approvals ${String(p).padStart(2, "0")}`,
      description: p === 0 ? "before" : p % 4 === 0 ? "" : `policy number ${p}`,
      policyData: {
        approvables: [
          {
            approvableName: approvables[p % approvables.length],
            approvers: [{ email: `ops${p % 5}@example.com` }, { email: "lead@example.com" }],
            minApprovers: 1 + (p % 2),
          },
        ],
        resources: [groupIds[p % groupCount], groupIds[(p + 3) % groupCount]]
          .filter((id, i, all) => all.indexOf(id) === i)
          .map((resourceId) => ({ resourceId, resourceType: "compute-ops-mgmt/group" })),
      },
    });
    if (p === 0) changeMeId = created.data.id as string;
  }

  await api.post(`${prefix}/v1beta1/external-services`, {
    name: "ServiceNow prod",
    description: "incidents",
    serviceType: "SERVICE_NOW",
    authenticationType: "OAUTH",
    authentication: {
      clientId: "snow-client",
      clientSecret: "live-snow-secret-value",
      refreshToken: "live-snow-refresh-value",
    },
    serviceData: {
      oauthUrl: "https://example.service-now.com/oauth_token.do",
      incidentUrl: "https://example.service-now.com/api/now/import/x_hpe_incident",
      refreshTokenExpiryInDays: 120,
      incidentCreationScope: { serviceEventIssues: true, criticalEventIssues: true },
    },
  });
  await api.post(`${prefix}/v1beta1/external-services`, {
    name: "DSCC",
    description: null,
    serviceType: "DSCC",
    authenticationType: "OAUTH",
    authentication: { clientId: "dscc-client", clientSecret: "live-dscc-secret-value" },
    serviceData: { region: "us-west" },
  });
  await api.post(`${prefix}/v1beta1/external-services`, {
    name: "vCenter lab",
    description: null,
    serviceType: "VMWARE_VCENTER",
    authenticationType: "BASIC",
    authentication: { username: "administrator@vsphere.local", password: "live-vc-password" },
    serviceData: {
      vCenterUrl: "https://vcenter.example.com",
      associatedGatewayUri: `${prefix}/v1beta1/appliances/7a7e0c4b-4bb2-4d4f-8f2c-1ab0b6e1c0a1`,
      vCenterCertFingerprint:
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
    },
  });
  return { changeMeId };
}

describe("export: a workspace made by hand, adopted with zero writes", function () {
  // npm install may reach the registry; the seeded workspace is 80 objects.
  this.timeout(600_000);
  let tempDir: string;
  let stack: E2EStack;
  let programDir: string;
  let changeMeId: string;
  let exportOutput: string;
  let exportLog: LoggedRequest[];
  const bodies: RecordedRequest[] = [];
  /** Stand-ins for the credentials only their owner knows. */
  const standIns: Record<string, string> = {};

  before(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-export-"));
    ({ programDir } = await packedTypeScriptProject(tempDir, {
      name: "exported-workspace",
      description: "a workspace exported by pulumi-ops-management",
    }));
    stack = await E2EStack.start({
      programDir,
      isolate: false,
      emulator: {
        onRequest: (request) => {
          recordRequest(request);
          bodies.push(request);
        },
      },
    });
    ({ changeMeId } = await seedByHand(stack));

    await resetEmulatorStats(stack.emulator);
    const { stdout } = await run("node", [cli, "export", "--out", "index.ts"], {
      cwd: programDir,
      env: stack.workspace.environment(),
    });
    exportOutput = stdout;
    exportLog = await emulatorRequestLog(stack.emulator);
  });
  after(async () => {
    // No destroy: it would unassign and delete 80 objects only to drop the emulator.
    stack?.workspace.dispose();
    await stack?.emulator.close();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it("exports with read requests only, and prints and writes no secret", async () => {
    expect(writes(exportLog)).to.deep.equal([]);
    // One GET per list (each fits a page), one per group for its servers, the servers.
    const reads = exportLog.filter((r) => r.path.startsWith(`${prefix}/`));
    expect(reads).to.have.length(3 + (groupCount + 1) + 1);
    expect(exportOutput).to.include(
      `Wrote index.ts: ${groupCount + 1} group(s), 3 external service(s), ${policyCount} approval policy(ies), ` +
        `${groupCount} group membership(s), ${groupCount * serversPerGroup} server lookup(s).`,
    );
    expect(exportOutput).to.include("Left out: activation keys, jobs and server-pool requests");
    const program = fs.readFileSync(path.join(programDir, "index.ts"), "utf8");
    const secrets = [
      ...Object.values(emulatorStackConfig(stack.emulator).secrets),
      "live-snow-secret-value",
      "live-snow-refresh-value",
      "live-dscc-secret-value",
      "live-vc-password",
      "**********",
    ];
    for (const secret of secrets) {
      expect(program).not.to.include(secret);
      expect(exportOutput).not.to.include(secret);
    }
    // References are expressions; the two look-alike names got names of their own.
    expect(program).to.include('new computeOps.Group("rack-group-0", {');
    expect(program).to.include('new computeOps.Group("rack-group-0-2", {');
    expect(program).to.match(/resourceId: rackGroup\d+Group\.id/);
    expect(program).to.include('computeOps.getServerOutput({ name: "rack-00" })');
  });

  it("type-checks against the packed package", async () => {
    await run("npx", ["tsc", "--noEmit", "-p", "."], { cwd: programDir });
  });

  async function setPrintedSecrets(): Promise<void> {
    const lines = [...exportOutput.matchAll(/pulumi config set --secret (\S+) "<([^>]+)>"/g)];
    // clientSecret and refreshToken of ServiceNow, DSCC's clientSecret, vCenter's password.
    expect(lines.map((m) => m[2]).sort()).to.deep.equal(
      ["clientSecret", "clientSecret", "password", "refreshToken"].sort(),
    );
    const pairs = lines.flatMap(([, key]) => {
      standIns[key] = `stand-in-${key}-not-the-live-one`;
      return ["--secret", `${key}=${standIns[key]}`];
    });
    // Strict adoption refuses any change to a live object: the provider itself
    // guarantees what the request log checks.
    await stack.workspace.runOk([
      "config",
      "set-all",
      "--plaintext",
      "compute-ops:adoption=strict",
      ...pairs,
    ]);
  }

  it("up adopts every object with no POST, PATCH or DELETE, and a refresh finds no change", async () => {
    await setPrintedSecrets();
    // The preview reads each object to adopt whose inputs are known (a policy waits
    // for its groups' ids) and finds nothing to change on any.
    const preview0 = await stack.workspace.runOk(["preview"]);
    const shown = preview0.stdout + preview0.stderr;
    expect(shown).not.to.include("the update will change");
    const asItIs = new Set(
      [...shown.matchAll(/adopting [a-z ]+ (\S+): adopted as it is/g)].map((m) => m[1]),
    );
    expect(asItIs.size).to.equal(groupCount + 1 + 3);
    await resetEmulatorStats(stack.emulator);
    const up = await stack.up();
    const upLog = await emulatorRequestLog(stack.emulator);
    expect(writes(upLog), up.stdout).to.deep.equal([]);
    const recorded = await stack.stateResources();
    const objects = groupCount + 1 + groupCount + 3 + policyCount;
    expect(recorded).to.have.length(objects);

    const preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);

    // The credentials are secret in state: no stand-in appears in plaintext.
    const state = await stack.workspace.exportStack();
    for (const standIn of Object.values(standIns)) expect(state).not.to.include(standIn);
  });

  it("a later change in the program is one merge patch", async () => {
    const file = path.join(programDir, "index.ts");
    const program = fs.readFileSync(file, "utf8");
    expect(program).to.include('description: "before"');
    fs.writeFileSync(file, program.replace('description: "before"', 'description: "after"'));
    await resetEmulatorStats(stack.emulator);
    bodies.length = 0;
    await stack.up();
    const changed = writes(await emulatorRequestLog(stack.emulator));
    expect(changed.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
      `PATCH ${prefix}/v1beta2/approval-policies/${changeMeId}`,
    ]);
    const patch = bodies.find((r) => r.method === "PATCH");
    expect(JSON.parse(String(patch?.rawBody))).to.deep.equal({ description: "after" });
  });
});
