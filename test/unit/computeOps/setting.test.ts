import { expect } from "chai";
import nock from "nock";
import { settingImplementation } from "../../../provider/computeOps/setting";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const setting = settingImplementation(testComputeOps());

const path = "/compute-ops-mgmt/v1/settings";
const settingId = "5b0e8d7c-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
const groupsPath = "/compute-ops-mgmt/v1/groups";

const bios = {
  name: "bios",
  category: "BIOS",
  settings: { DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN" } } } },
};

async function failures(inputs: Record<string, unknown>) {
  const result = await setting.check({}, inputs);
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
}

function live(fields: Record<string, unknown> = {}) {
  return {
    id: settingId,
    type: "compute-ops-mgmt/setting",
    description: null,
    generation: 1,
    resourceUri: `${path}/${settingId}`,
    ...bios,
    ...fields,
  };
}

// Compile-time checks of the SDK's types, loading no SDK at run time: a Group takes a
// Setting's resourceUri Output, and a setting's args are one shape per category.
declare const Group: typeof import("../../../sdk/computeOps/group").Group;
declare const Setting: typeof import("../../../sdk/computeOps/setting").Setting;
export function sdkTypes(baseline: InstanceType<typeof Setting>): void {
  new Group("web", {
    name: "web",
    deviceType: "DIRECT_CONNECT_SERVER",
    settingsUris: [baseline.resourceUri],
  });
  new Setting("fw", { name: "fw", category: "FIRMWARE", settings: { GEN10: { id: baseline.id } } });
  // @ts-expect-error: a BIOS setting takes DEFAULT, not a firmware generation.
  new Setting("bios", { name: "bios", category: "BIOS", settings: { GEN10: { id: "x" } } });
}

describe("Setting", () => {
  useTestApis();

  describe("check", () => {
    it("takes each category's own settings", async () => {
      const valid = [
        {
          name: "fw",
          category: "FIRMWARE",
          settings: { GEN11: { id: "0a1b" }, GEN12: { id: "c" } },
        },
        bios,
        {
          name: "os",
          category: "OS",
          settings: {
            DEFAULT: { osType: "VMWARE_ESXI", mediaUrl: "https://example.com/esxi.iso" },
          },
        },
        {
          name: "raid",
          category: "STORAGE",
          settings: { DEFAULT: { volumes: [{ raidType: "RAID6", driveCount: null }] } },
        },
        {
          name: "dscc",
          category: "EXTERNAL_STORAGE",
          settings: { DEFAULT: { externalStorageHostOs: "UBUNTU" } },
        },
      ];
      for (const inputs of valid) expect(await failures(inputs), inputs.name).to.deep.equal([]);
    });

    it("refuses another category's fields, naming their Pulumi path and what the category takes", async () => {
      expect(
        await failures({
          name: "fw",
          category: "FIRMWARE",
          settings: { GEN10: { id: "x", redfishData: {} }, DEFAULT: bios.settings.DEFAULT },
        }),
      ).to.have.members([
        "settings.GEN10.redfishData: is not a field of a firmware baseline, which takes id, " +
          "componentExclusionsEnabled and componentExclusions",
        "settings.DEFAULT: is not a field of a FIRMWARE setting's settings, which takes GEN10, " +
          "GEN11 and GEN12",
      ]);
      expect(
        await failures({ ...bios, settings: { GEN10: { id: "x" }, DEFAULT: { volumes: [] } } }),
      ).to.have.members([
        "settings.GEN10: is not a field of a BIOS setting's settings, which takes DEFAULT",
        "settings.DEFAULT.volumes: is not a field of a BIOS setting's settings, which takes " +
          "enableCustomWorkloadProfile and redfishData",
      ]);
      expect(await failures({ name: "fw", category: "FIRMWARE", settings: {} })).to.deep.equal([
        "settings: a FIRMWARE setting names the bundle of at least one of GEN10, GEN11, GEN12",
      ]);
    });

    it("checks each body's rules, by path, with the value given", async () => {
      expect(
        await failures({
          name: "r",
          category: "STORAGE",
          settings: { DEFAULT: { raidType: "RAID1" } },
        }),
      ).to.deep.equal([
        "settings.DEFAULT.volumeSizeInGB: is required for one volume (or give volumes)",
      ]);
      expect(
        await failures({
          name: "r",
          category: "STORAGE",
          settings: { DEFAULT: { raidType: "RAID6", volumeSizeInGB: 0 } },
        }),
      ).to.have.members([
        'settings.DEFAULT.raidType: must be one of: RAID0, RAID1, RAID5; got "RAID6"',
        "settings.DEFAULT.volumeSizeInGB: must be above 0, or -1 for the whole disk; got 0",
      ]);
      expect(
        await failures({
          name: "os",
          category: "OS",
          settings: { DEFAULT: { osType: "RHEL", mediaUrl: "rhel.iso" } },
        }),
      ).to.deep.equal(['settings.DEFAULT.mediaUrl: must be a URL; got "rhel.iso"']);
      expect(await failures({ ...bios, category: "NETWORK" })).to.deep.equal([
        'category: must be one of: FIRMWARE, BIOS, OS, STORAGE, EXTERNAL_STORAGE; got "NETWORK"',
      ]);
    });

    it("refuses iLO settings, which only HPE defines, and points to getSetting", async () => {
      const [failure] = await failures({
        name: "ilo",
        category: "ILO",
        settings: { DEFAULT: { Attributes: {} } },
      });
      expect(failure)
        .to.match(/^category: ILO settings are HPE-defined/)
        .and.contain("getSetting");
    });

    it("refuses a BIOS password attribute without showing its value", async () => {
      const result = await failures({
        ...bios,
        settings: { DEFAULT: { redfishData: { Attributes: { AdminPassword: "hunter2" } } } },
      });
      expect(result).to.have.length(1);
      expect(result[0]).to.match(/^settings\.DEFAULT\.redfishData\.Attributes\.AdminPassword: /);
      expect(result[0]).not.to.contain("hunter2");
    });
  });

  describe("diff", () => {
    it("changes a baseline in place and replaces what the PATCH cannot express", async () => {
      const olds = { name: "fw", category: "FIRMWARE", settings: { GEN10: { id: "a" } } };
      const moved = await setting.diff(settingId, olds, {
        ...olds,
        settings: { GEN10: { id: "b" } },
      });
      expect(moved).to.deep.include({ changes: true, replaces: [], deleteBeforeReplace: false });
      const same = await setting.diff(settingId, { ...olds, description: undefined }, olds);
      expect(same.changes).to.equal(false);
      const os = { name: "fw", category: "OS", settings: { DEFAULT: { osType: "RHEL" } } };
      expect(await setting.diff(settingId, olds, os)).to.deep.include({
        replaces: ["category"],
        deleteBeforeReplace: true,
      });
      const dropped = await setting.diff(
        settingId,
        {
          ...bios,
          settings: { DEFAULT: { ...bios.settings.DEFAULT, enableCustomWorkloadProfile: true } },
        },
        bios,
      );
      expect(dropped.replaces).to.deep.equal(["settings"]);
    });
  });

  describe("update", () => {
    it("sends a merge patch: a dropped BIOS attribute as null, a dropped description as null", async () => {
      const olds = {
        ...bios,
        description: "old",
        settings: {
          DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN", Turbo: "On" } } },
        },
        resourceUri: `${path}/${settingId}`,
      };
      const diff = await setting.diff(settingId, olds, bios);
      expect(diff.replaces).to.deep.equal([]);
      const scope = nock(endpoint)
        .patch(`${path}/${settingId}`, {
          description: null,
          settings: { DEFAULT: { redfishData: { Attributes: { Turbo: null } } } },
        })
        .reply(200, live({ generation: 2 }));
      const result = await setting.update(settingId, olds, { ...bios, __provider: provider });
      scope.done();
      expect(result.outs).to.include({ generation: 2, resourceUri: `${path}/${settingId}` });
    });
  });

  describe("create", () => {
    it("sends no POST when the name check's list answers only part of its total", async () => {
      // The settings list takes no paging: a short answer cannot prove the name free.
      const scope = nock(endpoint)
        .get(path)
        .query(true)
        .reply(200, { count: 1, offset: 0, total: 2, items: [live({ name: "other" })] });
      const error = await setting
        .create({ ...bios, __provider: provider } as Parameters<typeof setting.create>[0])
        .catch((e: unknown) => e);
      scope.done();
      expect(String(error)).to.include(`GET ${path} answered 1 of 2 settings`);
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  });

  describe("delete", () => {
    it("names the groups that still use the setting when the API answers 409", async () => {
      const uri = `${path}/${settingId}`;
      nock(endpoint)
        .delete(`${path}/${settingId}`)
        .reply(409, { httpStatusCode: 409, errorCode: "HPE_GL_ERROR_CONFLICT", message: "in use" })
        .get(groupsPath)
        .query(true)
        .reply(200, {
          count: 2,
          offset: 0,
          total: 2,
          items: [
            { id: "g1", name: "web", settingsUris: [uri] },
            { id: "g2", name: "db", settingsUris: [] },
          ],
        });
      let error: Error | undefined;
      await setting
        .delete(settingId, { ...bios, resourceUri: uri })
        .catch((e: Error) => (error = e));
      expect(error?.message).to.match(
        /^setting "bios" \(5b0e8d7c-[^)]+\) is still used by group "web" \(g1\): /,
      );
      expect(error?.message).not.to.contain("db");
    });
  });
});
