import { expect } from "chai";
import nock from "nock";
import { groupImplementation } from "../../../provider/computeOps/group";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const group = groupImplementation(testComputeOps());

const path = "/compute-ops-mgmt/v1/groups";
const groupId = "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11";
// Another id: the create registry remembers the groups earlier creates recorded.
const lostGroupId = "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const settingUri = "/compute-ops-mgmt/v1/settings/3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1002";
const serverDefaults = {
  onDeviceAdd: {
    biosApplySettings: false,
    biosFactoryReset: false,
    externalStorageConfiguration: false,
    firmwarePowerOff: false,
    firmwareUpdate: false,
    iloApplySettings: false,
    osInstall: false,
    storageConfiguration: false,
    storageVolumeDeletion: false,
    osCompletionTimeoutMin: 240,
  },
  onDeviceApply: { firmwareDowngrade: false },
};

/** What the API answers for a group made of `fields`, its defaults filled in. */
function liveGroup(fields: Record<string, unknown> = {}) {
  return {
    id: groupId,
    type: "compute-mgmt-ops/group",
    name: "web",
    description: null,
    deviceType: "DIRECT_CONNECT_SERVER",
    autoAddTags: {},
    settingsUris: [],
    policies: serverDefaults,
    devices: [],
    generation: 1,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    resourceUri: `${path}/${groupId}`,
    devicesUri: `${path}/${groupId}/devices`,
    complianceStatus: "UNKNOWN",
    securityStatus: "UNKNOWN",
    ...fields,
  };
}

async function checked(inputs: Record<string, unknown>) {
  const result = await group.check({}, { ...inputs, __provider: provider });
  expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
  return result.inputs;
}

async function failures(inputs: Record<string, unknown>) {
  const result = await group.check({}, inputs);
  return (result.failures ?? []).map((f) => f.property);
}

describe("Group", () => {
  useTestApis();

  describe("check", () => {
    it("fills the spec's policy defaults, so what is declared is total", async () => {
      const inputs = await checked({
        name: " web ",
        deviceType: "DIRECT_CONNECT_SERVER",
        policies: { onDeviceAdd: { firmwareUpdate: true } },
      });
      expect(inputs.name).to.equal("web");
      expect(inputs.policies.onDeviceAdd).to.deep.equal({
        ...serverDefaults.onDeviceAdd,
        firmwareUpdate: true,
      });
      expect(inputs.policies.onDeviceApply).to.deep.equal({ firmwareDowngrade: false });
    });

    it("names every bad property by its path", async () => {
      expect(
        await failures({
          name: "",
          deviceType: "BLADE",
          autoAddTags: { a: "x", "b!": "y" },
          settingsUris: ["/compute-ops-mgmt/v1/settings/x", settingUri, settingUri],
        }),
      ).to.have.members([
        "name",
        "deviceType",
        "autoAddTags",
        'autoAddTags["b!"]',
        "settingsUris[0]",
        "settingsUris[2]",
      ]);
      expect(
        await failures({
          name: "web",
          deviceType: "DIRECT_CONNECT_SERVER",
          policies: { onDeviceAdd: { firmwarePowerOff: true, osCompletionTimeoutMin: 30 } },
        }),
      ).to.have.members([
        "policies.onDeviceAdd.firmwarePowerOff",
        "policies.onDeviceAdd.osCompletionTimeoutMin",
      ]);
      expect(
        await failures({ name: "web", deviceType: "OVE_APPLIANCE_VM", policies: {} }),
      ).to.deep.equal(["policies"]);
    });
  });

  describe("diff", () => {
    it("sees no change for the same tags in another case or the same settings in another order", async () => {
      const olds = {
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        autoAddTags: { Env: "Prod" },
      };
      const result = await group.diff(groupId, olds, { ...olds, autoAddTags: { env: "prod" } });
      expect(result.changes).to.equal(false);
    });

    it("changes in place, and replaces on a deviceType change", async () => {
      const olds = { name: "web", deviceType: "DIRECT_CONNECT_SERVER" };
      const inPlace = await group.diff(groupId, olds, { ...olds, description: "d" });
      expect(inPlace).to.deep.include({ changes: true, replaces: [] });
      const replaced = await group.diff(groupId, olds, { ...olds, deviceType: "OVE_APPLIANCE_VM" });
      expect(replaced.replaces).to.deep.equal(["deviceType"]);
    });
  });

  describe("create", () => {
    it("POSTs the declared fields and records the API's read-only fields", async () => {
      const inputs = await checked({
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        settingsUris: [settingUri],
      });
      const scope = nock(endpoint)
        .get(path)
        .query({ filter: "name eq 'web'", offset: "0", limit: "100" })
        .reply(200, { count: 0, offset: 0, total: 0, items: [] })
        .post(path, {
          name: "web",
          deviceType: "DIRECT_CONNECT_SERVER",
          settingsUris: [settingUri],
        })
        .reply(201, liveGroup({ settingsUris: [settingUri] }));
      const result = await group.create(inputs);
      scope.done();
      expect(result.id).to.equal(groupId);
      expect(result.outs).to.include({ name: "web", devicesUri: `${path}/${groupId}/devices` });
      expect(result.outs).not.to.have.property("devices");
    });

    it("finds the group its POST made when the answer was lost, and creates no second one", async () => {
      const inputs = await checked({ name: "web", deviceType: "DIRECT_CONNECT_SERVER" });
      const scope = nock(endpoint)
        .get(path)
        .query({ filter: "name eq 'web'", offset: "0", limit: "100" })
        .reply(200, { count: 0, offset: 0, total: 0, items: [] })
        .post(path)
        .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
        .get(path)
        .query({ filter: "name eq 'web'", offset: "0", limit: "100" })
        .reply(200, { count: 1, offset: 0, total: 1, items: [liveGroup({ id: lostGroupId })] });
      const result = await group.create(inputs);
      scope.done();
      expect(result.id).to.equal(lostGroupId);
    });

    it("does not take over a group of the same name: a 409 is an error", async () => {
      const inputs = await checked({ name: "web", deviceType: "DIRECT_CONNECT_SERVER" });
      nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, { count: 0, offset: 0, total: 0, items: [] })
        .post(path)
        .reply(409, { message: 'A group named "web" already exists' })
        .get(path)
        .query(true)
        .reply(200, { count: 1, offset: 0, total: 1, items: [liveGroup()] });
      let error: Error | undefined;
      await group.create(inputs).catch((e: Error) => (error = e));
      expect(error?.message).to.include(`a group named "web" already exists (id ${groupId}`);
      expect(error?.message).to.include(`adoptId: "${groupId}"`);
    });

    it("adopts a group by id, patching only what differs", async () => {
      const inputs = await checked({
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        description: "front end",
        adoptId: groupId,
      });
      const scope = nock(endpoint)
        .get(`${path}/${groupId}`)
        .reply(200, liveGroup())
        .patch(`${path}/${groupId}`, { description: "front end" })
        .reply(200, liveGroup({ description: "front end", generation: 2 }));
      const result = await group.create(inputs);
      scope.done();
      expect(result.outs).to.include({ adoptId: groupId, generation: 2 });
    });
  });

  describe("read", () => {
    it("reads a group deleted by hand as gone", async () => {
      nock(endpoint).get(`${path}/${groupId}`).reply(404, { message: "not found" });
      expect(await group.read(groupId, { name: "web" })).to.deep.equal({ id: "" });
    });

    it("reports live values of declared fields only, keeping equal sets as declared", async () => {
      nock(endpoint)
        .get(`${path}/${groupId}`)
        .reply(
          200,
          liveGroup({
            description: "changed by hand",
            settingsUris: [settingUri],
            autoAddTags: { env: "prod" },
          }),
        );
      const result = await group.read(groupId, {
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        description: "declared",
        autoAddTags: { Env: "Prod" },
        policies: serverDefaults,
      });
      expect(result.inputs).to.deep.equal({
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        description: "changed by hand",
        autoAddTags: { Env: "Prod" },
        policies: serverDefaults,
      });
    });
  });

  describe("update", () => {
    it("sends the tag change as a merge of its own and the whole policies object", async () => {
      const olds = {
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        autoAddTags: { A: "x" },
        policies: serverDefaults,
      };
      const news = await checked({
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        autoAddTags: { B: "y" },
        policies: { onDeviceApply: { firmwareDowngrade: true } },
      });
      const policies = { ...serverDefaults, onDeviceApply: { firmwareDowngrade: true } };
      const scope = nock(endpoint)
        .patch(`${path}/${groupId}`, { autoAddTags: { A: null, B: "y" }, policies })
        .reply(200, liveGroup({ autoAddTags: { B: "y" }, policies }));
      await group.update(groupId, olds, news);
      scope.done();
    });

    it("clears fields no longer declared with values the PATCH schema accepts, never null", async () => {
      const olds = {
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        description: "d",
        autoAddTags: { A: "x" },
        settingsUris: [settingUri],
        policies: { ...serverDefaults, onDeviceApply: { firmwareDowngrade: true } },
      };
      const news = await checked({ name: "web", deviceType: "DIRECT_CONNECT_SERVER" });
      const scope = nock(endpoint)
        .patch(`${path}/${groupId}`, {
          description: "",
          autoAddTags: { A: null },
          settingsUris: [],
          policies: serverDefaults,
        })
        .reply(200, liveGroup({ description: "" }));
      await group.update(groupId, olds, news);
      scope.done();
    });

    it("sees nothing to clear when a field no longer declared is already empty", async () => {
      const olds = {
        name: "web",
        deviceType: "DIRECT_CONNECT_SERVER",
        description: "",
        autoAddTags: {},
        settingsUris: [],
        policies: serverDefaults,
      };
      const news = await checked({ name: "web", deviceType: "DIRECT_CONNECT_SERVER" });
      const result = await group.diff(groupId, olds, news);
      expect(result.changes).to.equal(false);
    });

    it("fails naming the group and the way out when it is gone", async () => {
      const olds = { name: "web", deviceType: "DIRECT_CONNECT_SERVER", description: "d" };
      const news = await checked({ name: "web", deviceType: "DIRECT_CONNECT_SERVER" });
      const scope = nock(endpoint)
        .patch(`${path}/${groupId}`)
        .reply(404, { message: "not found" })
        .get(`${path}/${groupId}`)
        .reply(404, { message: "not found" });
      const error = await group.update(groupId, olds, news).then(
        () => undefined,
        (e: Error) => e,
      );
      scope.done();
      expect(error?.message).to.include(`group "web" (id ${groupId}) no longer exists`);
      expect(error?.message).to.include("pulumi up --refresh");
    });
  });

  describe("delete", () => {
    it("deletes without force, and counts a group already gone as deleted", async () => {
      const scope = nock(endpoint)
        .delete(`${path}/${groupId}`)
        .reply(204)
        .delete(`${path}/${groupId}`)
        .reply(404, { message: "not found" });
      await group.delete(groupId, {});
      await group.delete(groupId, {});
      scope.done();
    });

    it("names the servers still in the group and the way out when the API refuses", async () => {
      const scope = nock(endpoint)
        .delete(`${path}/${groupId}`)
        .reply(400, { message: "the group still has 1 device(s)" })
        .get(`${path}/${groupId}/devices`)
        .reply(200, { count: 1, total: 1, items: [{ deviceId: "P06760-B21+2M212504P8" }] });
      let error: Error | undefined;
      await group.delete(groupId, { name: "web" }).catch((e: Error) => (error = e));
      scope.done();
      expect(error?.message).to.include(
        `group web (${groupId}) still has 1 server(s): P06760-B21+2M212504P8`,
      );
      expect(error?.message).to.include("GroupMembership");
      expect(error?.message).to.include("never deletes a group with force");
    });
  });
});
