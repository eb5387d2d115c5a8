import { expect } from "chai";
import { AxiosInstance } from "axios";
import { DeclaredResource, E2EStack, expectNoChangesExitCode, mergePatch } from "./harness";

const groupsPath = "/compute-ops-mgmt/v1/groups";
const web01 = "P06760-B21+2M212504P8";
const web02 = "P06760-B21+2M212504P9";
/** A BIOS setting the emulator's catalogue holds. */
const biosSettingUri = "/compute-ops-mgmt/v1/settings/3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1002";

function group(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "Group",
    name: "web",
    args: { name: "web-servers", deviceType: "DIRECT_CONNECT_SERVER", description: "web", ...args },
  };
}

function membership(serverIds: string[]): DeclaredResource {
  return {
    type: "GroupMembership",
    name: "web-members",
    args: { groupId: "${web.id}", serverIds },
  };
}

/** Assigns a server by hand, as an operator's script would, and waits for the operation. */
async function assignByHand(api: AxiosInstance, groupId: string, serverId: string) {
  const accepted = await api.post(`${groupsPath}/${groupId}/devices`, {
    devices: [{ deviceId: serverId }],
  });
  expect(accepted.status).to.equal(202);
  for (let i = 0; i < 200; i++) {
    const operation = await api.get(accepted.headers.location as string);
    if (operation.data.state === "SUCCEEDED") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the assign never finished");
}

async function members(api: AxiosInstance, groupId: string): Promise<string[]> {
  const devices = await api.get(`${groupsPath}/${groupId}/devices`);
  return (devices.data.items as { deviceId: string }[]).map((d) => d.deviceId).sort();
}

describe("Group and GroupMembership under the real Pulumi engine", function () {
  this.timeout(600_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start({ emulator: { jobStepMs: 50 } });
  });
  after(async () => {
    await stack?.stop();
  });

  it("creates, changes in place, repairs drift of both, replaces, adopts and destroys", async () => {
    // 1. A group and its membership (a server id with '+'); a second preview is clean.
    await stack.deployFresh([group(), membership([web01])]);
    const [created] = await stack.stateResources("Group");
    const groupId = created.id as string;
    const api = await stack.api();
    expect(await members(api, groupId)).to.deep.equal([web01]);
    let preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);

    // 2. Description, policies, a tag and a setting change in place.
    const policies = { onDeviceAdd: { firmwareUpdate: true, firmwarePowerOff: true } };
    const optional = { autoAddTags: { Env: "web" }, settingsUris: [biosSettingUri], policies };
    await stack.declare([group({ description: "front end", ...optional }), membership([web01])]);
    let updated = await stack.up();
    expect(updated.stdout).to.match(/1 updated/);
    let live = (await api.get(`${groupsPath}/${groupId}`)).data;
    expect(live.description).to.equal("front end");
    expect(live.policies.onDeviceAdd).to.include({ firmwareUpdate: true, firmwarePowerOff: true });
    expect(live.autoAddTags).to.deep.equal({ Env: "web" });
    expect(live.settingsUris).to.deep.equal([biosSettingUri]);

    // 2b. Dropping the optional fields clears them with values the PATCH schema
    // takes (none is nullable there), and the result is stable.
    await stack.declare([
      { ...group(), args: { name: "web-servers", deviceType: "DIRECT_CONNECT_SERVER" } },
      membership([web01]),
    ]);
    updated = await stack.up();
    expect(updated.stdout).to.match(/1 updated/);
    live = (await api.get(`${groupsPath}/${groupId}`)).data;
    expect(live.description ?? "").to.equal("");
    expect(live.autoAddTags).to.deep.equal({});
    expect(live.settingsUris).to.deep.equal([]);
    expect(live.policies.onDeviceAdd).to.include({
      firmwareUpdate: false,
      firmwarePowerOff: false,
    });
    preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
    await stack.declare([group({ description: "front end", policies }), membership([web01])]);
    await stack.up();

    // 3. A change by hand is drift, and up --refresh repairs it.
    await api.patch(`${groupsPath}/${groupId}`, { description: "edited by hand" }, mergePatch);
    let drift = await stack.run(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(drift.code, drift.stdout + drift.stderr).to.equal(expectNoChangesExitCode);
    expect(drift.stdout).to.include("edited by hand");
    await stack.up(["--refresh"]);
    expect((await api.get(`${groupsPath}/${groupId}`)).data.description).to.equal("front end");

    // 4. A server assigned by hand is drift of the membership, removed by up --refresh.
    await assignByHand(api, groupId, web02);
    drift = await stack.run(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(drift.code, drift.stdout + drift.stderr).to.equal(expectNoChangesExitCode);
    expect(drift.stdout).to.include(web02);
    await stack.up(["--refresh"]);
    expect(await members(api, groupId)).to.deep.equal([web01]);

    // 5. A deviceType change replaces the group; the membership moves with it.
    await stack.declare([
      group({ description: "front end", deviceType: "OVE_APPLIANCE_VM" }),
      membership([web01]),
    ]);
    const replaced = await stack.up();
    expect(replaced.stdout).to.match(/2 replaced/);
    const [replacement] = await stack.stateResources("Group");
    expect(replacement.id).not.to.equal(groupId);
    expect(await members(api, replacement.id as string)).to.deep.equal([web01]);
    expect((await stack.objects()).groups).to.have.length(1);

    // 6. A group made by hand is adopted by adoptId, its declared fields patched on.
    const byHand = await api.post(groupsPath, {
      name: "made-by-hand",
      deviceType: "DIRECT_CONNECT_SERVER",
    });
    await stack.declare([
      group({ description: "front end", deviceType: "OVE_APPLIANCE_VM" }),
      membership([web01]),
      {
        type: "Group",
        name: "adopted",
        args: {
          adoptId: byHand.data.id,
          name: "made-by-hand",
          deviceType: "DIRECT_CONNECT_SERVER",
          description: "now managed by Pulumi",
        },
      },
    ]);
    await stack.up();
    const adopted = (await stack.stateResources("Group")).find((r) => r.outputs.adoptId);
    expect(adopted?.id).to.equal(byHand.data.id);
    expect((await api.get(`${groupsPath}/${byHand.data.id}`)).data.description).to.equal(
      "now managed by Pulumi",
    );
    expect((await stack.objects()).groups).to.have.length(2);

    // 7. Destroy empties the groups first, then deletes them: nothing is left.
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount()).to.equal(0);
  });
});
