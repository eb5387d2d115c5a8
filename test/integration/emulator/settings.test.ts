import { expect } from "chai";
import { Body, subjectsOf, useEmulator } from "./kit";

const settings = "/compute-ops-mgmt/v1/settings";
const groups = "/compute-ops-mgmt/v1/groups";
/** A Gen10 bundle of the emulator's firmware catalogue. */
const bundleId = "8f1c2a7e5d3b4c6a9e0f1a2b3c4d5e6f";
const seededIlo = "3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1003";

function firmwareBody(name: string): Body {
  return { name, category: "FIRMWARE", settings: { GEN10: { id: bundleId } } };
}

describe("Emulator", function () {
  this.timeout(15_000);
  // Some of these requests break the contract on purpose: not for the conformance check.
  const session = useEmulator({ recorded: false });
  const { com, create } = session;

  describe("settings", () => {
    it("creates a setting of each category (201, Location) and lists it next to the seeded ones", async () => {
      const made = [
        firmwareBody("fw"),
        {
          name: "bios",
          category: "BIOS",
          settings: { DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN" } } } },
        },
        {
          name: "os",
          category: "OS",
          settings: { DEFAULT: { osType: "RHEL", mediaUrl: "https://example.com/rhel.iso" } },
        },
        {
          name: "raid",
          category: "STORAGE",
          settings: { DEFAULT: { raidType: "RAID1", volumeSizeInGB: -1 } },
        },
        {
          name: "volumes",
          category: "STORAGE",
          settings: { DEFAULT: { volumes: [{ raidType: "RAID10", capacityInGiB: null }] } },
        },
        {
          name: "dscc",
          category: "EXTERNAL_STORAGE",
          settings: { DEFAULT: { externalStorageHostOs: "VMWARE_ESXI" } },
        },
      ];
      for (const body of made) {
        const response = await com("POST", settings, body);
        expect(response.status, JSON.stringify(response.data)).to.equal(201);
        expect(response.headers.location).to.equal(`${settings}/${response.data.id as string}`);
        expect(response.data).to.include({
          type: "compute-ops-mgmt/setting",
          generation: 1,
          description: null,
          resourceUri: response.headers.location,
        });
      }
      const listed = await com("GET", `${settings}?filter=${encodeURIComponent("name eq 'raid'")}`);
      expect(listed.data.items.map((s: Body) => s.category)).to.deep.equal(["STORAGE"]);
      const all = await com("GET", settings);
      expect(all.data.total).to.equal(made.length + 3);
      expect((await session.objects()).settings).to.have.length(made.length);
    });

    it("refuses another category's fields, an unknown bundle, iLO settings and a taken name", async () => {
      const mixed = await com("POST", settings, {
        name: "mixed",
        category: "FIRMWARE",
        settings: { DEFAULT: { redfishData: {} }, GEN11: { id: "0" } },
      });
      expect(mixed.status).to.equal(400);
      expect(subjectsOf(mixed)).to.have.members(["settings.DEFAULT", "settings.GEN11.id"]);
      const single = await com("POST", settings, {
        name: "half",
        category: "STORAGE",
        settings: { DEFAULT: { raidType: "RAID6", volumeSizeInGB: 0 } },
      });
      expect(subjectsOf(single)).to.have.members([
        "settings.DEFAULT.raidType",
        "settings.DEFAULT.volumeSizeInGB",
      ]);
      const ilo = await com("POST", settings, { name: "ilo", category: "ILO", settings: {} });
      expect(ilo.status).to.equal(400);
      expect(subjectsOf(ilo)).to.deep.equal(["category"]);
      const long = await com("POST", settings, {
        ...firmwareBody("n".repeat(101)),
        description: "d".repeat(10_001),
      });
      expect(long.status).to.equal(400);
      expect(subjectsOf(long)).to.have.members(["name", "description"]);
      await create(settings, firmwareBody("taken"));
      expect((await com("POST", settings, firmwareBody("taken"))).status).to.equal(409);
    });

    it("merges a patch, refuses null where the schema has none, and never changes the category or an iLO setting", async () => {
      const made = await create(settings, {
        name: "bios-merge",
        category: "BIOS",
        description: "first",
        settings: {
          DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN", AdminName: "x" } } },
        },
      });
      const path = `${settings}/${made.id as string}`;
      const patched = await com("PATCH", path, {
        description: null,
        settings: { DEFAULT: { redfishData: { Attributes: { AdminName: null, Turbo: "On" } } } },
      });
      expect(patched.status, JSON.stringify(patched.data)).to.equal(200);
      expect(patched.data.description).to.equal(null);
      expect(patched.data.generation).to.equal(2);
      expect(patched.data.settings).to.deep.equal({
        DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN", Turbo: "On" } } },
      });
      const nulled = await com("PATCH", path, { settings: { DEFAULT: { redfishData: null } } });
      expect(nulled.status).to.equal(400);
      expect(subjectsOf(nulled)).to.deep.equal(["settings.DEFAULT.redfishData"]);
      expect(subjectsOf(await com("PATCH", path, { category: "OS" }))).to.deep.equal(["category"]);
      const ilo = await com("PATCH", `${settings}/${seededIlo}`, { settings: { DEFAULT: {} } });
      expect(ilo.status).to.equal(400);
    });

    it("refuses to delete a setting a group uses with 409 naming the group; force takes it out first", async () => {
      const made = await create(settings, firmwareBody("in-use"));
      const group = await create(groups, {
        name: "uses-fw",
        deviceType: "DIRECT_CONNECT_SERVER",
        settingsUris: [made.resourceUri],
      });
      const path = `${settings}/${made.id as string}`;
      const refused = await com("DELETE", path);
      expect(refused.status).to.equal(409);
      expect(refused.data.message)
        .to.contain('"uses-fw"')
        .and.contain(group.id as string);
      expect((await com("DELETE", `${path}?force=true`)).status).to.equal(204);
      expect((await com("GET", path)).status).to.equal(404);
      const after = await com("GET", `${groups}/${group.id as string}`);
      expect(after.data.settingsUris).to.deep.equal([]);
      // A group takes only the URI of a setting that exists.
      const stale = await com("POST", groups, {
        name: "stale",
        deviceType: "DIRECT_CONNECT_SERVER",
        settingsUris: [made.resourceUri],
      });
      expect(subjectsOf(stale)).to.deep.equal(["settingsUris[0]"]);
    });
  });
});
