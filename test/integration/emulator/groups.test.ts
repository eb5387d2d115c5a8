import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Body, poll, serverId, subjectsOf, useEmulator } from "./kit";

const groups = "/compute-ops-mgmt/v1/groups";
const otherServer = "P06760-B21+2M212504P9";

function groupBody(overrides: Body = {}): Body {
  return { name: `group-${randomUUID()}`, deviceType: "DIRECT_CONNECT_SERVER", ...overrides };
}

describe("Emulator", function () {
  this.timeout(15_000);
  // Some of these requests break the contract on purpose: not for the conformance check.
  const session = useEmulator({ recorded: false });
  const { com, create } = session;

  /** POSTs an assign or unassign, expects 202 and waits for its operation to succeed. */
  async function membership(groupId: string, action: "assign" | "unassign", devices: Body[]) {
    const path = `${groups}/${groupId}/devices${action === "unassign" ? "/unassign" : ""}`;
    const accepted = await com("POST", path, { devices });
    expect(accepted.status, JSON.stringify(accepted.data)).to.equal(202);
    const location = accepted.headers.location as string;
    expect(location).to.match(/^\/compute-ops-mgmt\/v1\/async-operations\/[0-9a-f-]{36}$/);
    const operation = await poll(
      async () => (await com("GET", location)).data as Body,
      (op) => op.state === "SUCCEEDED" || op.state === "FAILED",
    );
    expect(operation.state).to.equal("SUCCEEDED");
    expect(operation.operationType).to.equal(
      action === "assign" ? "ADD_DEVICE_TO_GROUP" : "REMOVE_DEVICE_FROM_GROUP",
    );
  }

  async function memberIds(groupId: string): Promise<string[]> {
    const response = await com("GET", `${groups}/${groupId}/devices`);
    expect(response.status).to.equal(200);
    return (response.data.items as Body[]).map((d) => d.deviceId as string);
  }

  describe("groups", () => {
    it("creates a group (201, Location) with the spec's defaults filled in", async () => {
      const response = await com("POST", groups, groupBody());
      expect(response.status).to.equal(201);
      const group = response.data as Body;
      expect(response.headers.location).to.equal(`${groups}/${group.id as string}`);
      expect(group).to.include({ description: null, generation: 1 });
      expect(group.settingsUris).to.deep.equal([]);
      expect(group.autoAddTags).to.deep.equal({});
      expect(group.devices).to.deep.equal([]);
      expect(group.devicesUri).to.equal(`${groups}/${group.id as string}/devices`);
      const policies = group.policies as { onDeviceAdd: Body; onDeviceApply: Body };
      expect(policies.onDeviceAdd).to.include({
        firmwareUpdate: false,
        osCompletionTimeoutMin: 240,
      });
      expect(policies.onDeviceApply).to.deep.equal({ firmwareDowngrade: false });
    });

    it("refuses bad fields with 400 naming them, and a second group of one name with 409", async () => {
      // The contract's enum is checked before anything else.
      const badType = await com("POST", groups, groupBody({ deviceType: "BLADE" }));
      expect(badType.status).to.equal(400);
      expect(subjectsOf(badType)).to.deep.equal(["deviceType"]);
      const bad = await com(
        "POST",
        groups,
        groupBody({
          autoAddTags: { a: "x", b: "y" },
          settingsUris: ["/compute-ops-mgmt/v1/settings/nope"],
        }),
      );
      expect(bad.status).to.equal(400);
      expect(subjectsOf(bad)).to.have.members(["autoAddTags", "settingsUris[0]"]);
      const badPolicy = await com(
        "POST",
        groups,
        groupBody({ policies: { onDeviceAdd: { osCompletionTimeoutMin: 30 } } }),
      );
      expect(subjectsOf(badPolicy)).to.deep.equal(["policies.onDeviceAdd.osCompletionTimeoutMin"]);
      const long = await com(
        "POST",
        groups,
        groupBody({ name: "n".repeat(101), description: "d".repeat(10_001) }),
      );
      expect(long.status).to.equal(400);
      expect(subjectsOf(long)).to.have.members(["name", "description"]);
      const body = groupBody();
      await create(groups, body);
      expect((await com("POST", groups, body)).status).to.equal(409);
    });

    it("merges a patch: tags by key (null removes one), deviceType refused", async () => {
      const group = await create(groups, groupBody({ autoAddTags: { A: "x" } }));
      const path = `${groups}/${group.id as string}`;
      const moved = await com("PATCH", path, { autoAddTags: { A: null, B: "y" } });
      expect(moved.status).to.equal(200);
      expect(moved.data.autoAddTags).to.deep.equal({ B: "y" });
      expect(moved.data.generation).to.equal(2);
      const twoTags = await com("PATCH", path, { autoAddTags: { C: "z" } });
      expect(twoTags.status).to.equal(400);
      const type = await com("PATCH", path, { deviceType: "OVE_APPLIANCE_VM" });
      expect(type.status).to.equal(400);
      expect(subjectsOf(type)).to.deep.equal(["deviceType"]);
    });

    it("assigns and unassigns servers asynchronously; a move needs the server's eTag", async () => {
      const group = await create(groups, groupBody());
      const id = group.id as string;
      await membership(id, "assign", [{ deviceId: serverId }]);
      expect(await memberIds(id)).to.deep.equal([serverId]);
      const unknown = await com("POST", `${groups}/${id}/devices`, {
        devices: [{ deviceId: "NOPE+NOPE" }],
      });
      expect(unknown.status).to.equal(400);
      expect(subjectsOf(unknown)).to.deep.equal(["devices[0].deviceId"]);

      const other = await create(groups, groupBody());
      const withoutETag = await com("POST", `${groups}/${other.id as string}/devices`, {
        devices: [{ deviceId: serverId }],
      });
      expect(withoutETag.status).to.equal(400);
      expect(subjectsOf(withoutETag)).to.deep.equal(["devices[0].eTag"]);

      await membership(id, "unassign", [{ deviceId: serverId }]);
      expect(await memberIds(id)).to.deep.equal([]);
    });

    it("refuses to delete a group with servers unless force=true", async () => {
      const group = await create(groups, groupBody());
      const id = group.id as string;
      await membership(id, "assign", [{ deviceId: otherServer }]);
      const refused = await com("DELETE", `${groups}/${id}`);
      expect(refused.status).to.equal(400);
      expect(refused.data.message).to.match(/force=true/);
      expect((await com("DELETE", `${groups}/${id}?force=true`)).status).to.equal(204);
      expect((await com("GET", `${groups}/${id}`)).status).to.equal(404);
    });

    it("answers 400 to paging on the devices list, which declares only a filter", async () => {
      const group = await create(groups, groupBody());
      const response = await com(
        "GET",
        `${groups}/${group.id as string}/devices?offset=0&limit=10`,
      );
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.have.members(["offset", "limit"]);
    });
  });

  describe("servers and catalogs", () => {
    it("finds a server by its id (a '+' sent as %2B) and by name or host name", async () => {
      const encoded = await com(
        "GET",
        `/compute-ops-mgmt/v1/servers?filter=id%20eq%20%27P06760-B21%2B2M212504P8%27`,
      );
      expect(encoded.data.items.map((s: Body) => s.id)).to.deep.equal([serverId]);
      const byHost = await com(
        "GET",
        `/compute-ops-mgmt/v1/servers?filter=${encodeURIComponent("name eq 'web-01' or host/hostname eq 'web-01'")}`,
      );
      expect(byHost.data.total).to.equal(1);
      const read = await com("GET", `/compute-ops-mgmt/v1/servers/${encodeURIComponent(serverId)}`);
      expect(read.status).to.equal(200);
      expect((await com("GET", "/compute-ops-mgmt/v1/servers?limit=101")).status).to.equal(400);
    });

    it("serves settings (filter only), firmware bundles and job templates (no filter)", async () => {
      const settings = await com(
        "GET",
        `/compute-ops-mgmt/v1/settings?filter=${encodeURIComponent("category eq 'BIOS'")}`,
      );
      expect(settings.data.items).to.have.length(1);
      expect(settings.data.items[0].resourceUri).to.match(/^\/compute-ops-mgmt\/v1\/settings\//);
      expect((await com("GET", "/compute-ops-mgmt/v1/settings?offset=0")).status).to.equal(400);
      const bundles = await com("GET", "/compute-ops-mgmt/v1/firmware-bundles");
      expect(bundles.data.count).to.equal(3);
      const filtered = await com("GET", "/compute-ops-mgmt/v1/firmware-bundles?filter=x");
      expect(filtered.status).to.equal(400);
      const templates = await com("GET", "/compute-ops-mgmt/v1beta2/job-templates?limit=1000");
      expect(templates.data.items.map((t: Body) => t.name)).to.include("Group Firmware Compliance");
    });

    it("counts groups, with their servers, among the objects, and no catalog", async () => {
      const objects = await session.objects();
      expect(objects).to.have.property("groups");
      expect(objects).not.to.have.property("servers");
    });
  });
});
