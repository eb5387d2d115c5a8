/**
 * Setting and Group driven in-process against the real emulator: what the e2e file
 * proves once under the Pulumi engine, here in detail and in milliseconds.
 */
import { expect } from "chai";
import {
  clearFaults,
  emulatorStackConfig,
  emulatorStats,
  resetEmulatorStats,
  setFaults,
} from "../../emulator/adminClient";
import { groupImplementation } from "../../provider/computeOps/group";
import { findFirmwareBundle } from "../../provider/computeOps/lookups";
import { settingImplementation, settingRecovery } from "../../provider/computeOps/setting";
import { applyStackConfig } from "../../provider/core/configuration";
import { testComputeOps } from "../unit/resourceTestSetup";
import { useEmulator } from "./emulator/kit";

const provider = "exports.handler = __f0; /* serialized shim */";
type Props = Record<string, unknown>;

describe("Setting against the emulator", function () {
  this.timeout(20_000);
  const session = useEmulator();
  const dependencies = testComputeOps();
  const setting = settingImplementation(dependencies);
  const group = groupImplementation(dependencies);

  before(() => {
    const { config, secrets } = emulatorStackConfig(session.emulator);
    const values: Record<string, string> = { ...config, ...secrets };
    applyStackConfig({ get: (key) => values[key] });
  });
  after(() => applyStackConfig({ get: () => undefined }));
  afterEach(() => clearFaults(session.emulator));

  /** check, then create, as the engine does. */
  async function created(inputs: Props) {
    const checked = await setting.check({}, { ...inputs, __provider: provider });
    expect(checked.failures, JSON.stringify(checked.failures)).to.equal(undefined);
    return setting.create(checked.inputs);
  }

  async function bundle(releaseVersion: string) {
    const found = await findFirmwareBundle(dependencies.clientFor({}), {
      releaseVersion,
      name: "Gen10 Service Pack for ProLiant",
    });
    return found.id;
  }

  it("makes a baseline from getFirmwareBundle, changes it in place, and a group keeps using it", async () => {
    const older = await bundle("2023.09.00.00");
    const newer = await bundle("2024.04.00.00");
    const declared = { name: "baseline", category: "FIRMWARE", settings: { GEN10: { id: older } } };
    const made = await created(declared);
    const uri = made.outs.resourceUri as string;
    expect(uri).to.equal(`/compute-ops-mgmt/v1/settings/${made.id}`);
    const web = await group.create({
      name: "web",
      deviceType: "DIRECT_CONNECT_SERVER",
      settingsUris: [uri],
      __provider: provider,
    });

    // Refresh: no drift.
    const read = await setting.read(made.id, made.outs);
    expect(read.inputs).to.deep.equal(declared);

    // A new baseline is an in-place update of the setting only.
    const next = { ...declared, settings: { GEN10: { id: newer } } };
    const diff = await setting.diff(made.id, made.outs, next);
    expect(diff).to.include({ changes: true, deleteBeforeReplace: false });
    expect(diff.replaces).to.deep.equal([]);
    await setting.update(made.id, made.outs, { ...next, __provider: provider });
    const live = await session.com("GET", uri);
    expect(live.data.settings).to.deep.equal({ GEN10: { id: newer } });
    expect(live.data.generation).to.equal(2);
    const groupLive = await session.com("GET", `/compute-ops-mgmt/v1/groups/${web.id}`);
    expect(groupLive.data.settingsUris).to.deep.equal([uri]);

    // In use: delete fails naming the group and the way out; nothing is deleted.
    let refused: Error | undefined;
    await setting.delete(made.id, made.outs).catch((error: Error) => (refused = error));
    expect(refused?.message).to.contain(`group "web" (${web.id})`);
    expect(refused?.message).to.contain("give the new one another name");
    expect((await session.com("GET", uri)).status).to.equal(200);

    await group.delete(web.id, web.outs);
    await setting.delete(made.id, made.outs);
    expect((await session.com("GET", uri)).status).to.equal(404);
    // Gone already: deleting again succeeds; reading reports it gone.
    await setting.delete(made.id, made.outs);
    expect((await setting.read(made.id, made.outs)).id).to.equal("");
  });

  it("sees a BIOS attribute changed or added by hand as drift and patches it back", async () => {
    const declared = {
      name: "bios",
      category: "BIOS",
      description: "virtualization",
      settings: {
        DEFAULT: {
          redfishData: { Attributes: { WorkloadProfile: "Virtualization-MaxPerformance" } },
        },
      },
    };
    const made = await created(declared);
    const uri = made.outs.resourceUri as string;
    const byHand = await session.com("PATCH", uri, {
      description: null,
      settings: {
        DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN", Turbo: "On" } } },
      },
    });
    expect(byHand.status).to.equal(200);

    const read = await setting.read(made.id, made.outs);
    expect(read.inputs?.description).to.equal(undefined);
    expect(read.inputs?.settings).to.deep.equal({
      DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN", Turbo: "On" } } },
    });
    const olds = { ...read.props, ...read.inputs } as Props;
    const diff = await setting.diff(made.id, olds, declared);
    expect(diff).to.include({ changes: true });
    expect(diff.replaces).to.deep.equal([]);

    await setting.update(made.id, olds, { ...declared, __provider: provider });
    const live = await session.com("GET", uri);
    expect(live.data.description).to.equal("virtualization");
    // The attribute added by hand is removed with a merge patch's null.
    expect(live.data.settings).to.deep.equal(declared.settings);
    expect((await setting.read(made.id, made.outs)).inputs).to.deep.equal(declared);
  });

  it("replaces what a merge patch cannot express, deleting first when the name stays", async () => {
    const olds = {
      name: "fw-two",
      category: "FIRMWARE",
      settings: { GEN10: { id: "a" }, GEN11: { id: "b" } },
    };
    const dropped = await setting.diff("id", olds, { ...olds, settings: { GEN10: { id: "a" } } });
    expect(dropped).to.deep.include({ replaces: ["settings"], deleteBeforeReplace: true });
    const renamed = await setting.diff("id", olds, {
      ...olds,
      name: "fw-one",
      settings: { GEN10: { id: "a" } },
    });
    expect(renamed).to.deep.include({ replaces: ["settings"], deleteBeforeReplace: false });
    const category = await setting.diff("id", olds, {
      name: "fw-two",
      category: "OS",
      settings: { DEFAULT: { osType: "RHEL", mediaUrl: "https://example.com/a.iso" } },
    });
    expect(category.replaces).to.include("category");
  });

  it("adopts an existing setting of its category, patching only what the program declares", async () => {
    const seededBios = "3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1002";
    const declared = {
      name: "Virtualization - max performance",
      category: "BIOS",
      description: "adopted",
      settings: {
        DEFAULT: {
          redfishData: { Attributes: { WorkloadProfile: "Virtualization-MaxPerformance" } },
        },
      },
      adoptId: seededBios,
    };
    await resetEmulatorStats(session.emulator);
    const adopted = await created(declared);
    expect(adopted.id).to.equal(seededBios);
    const byRoute = (await emulatorStats(session.emulator)).requests.byRoute;
    expect(byRoute["POST /compute-ops-mgmt/v1/settings"]).to.equal(undefined);
    const live = (await session.com("GET", `/compute-ops-mgmt/v1/settings/${seededBios}`)).data;
    expect(live).to.include({ description: "adopted", generation: 2 });

    let refused: Error | undefined;
    await setting
      .create({ ...declared, category: "FIRMWARE", settings: { GEN10: { id: "x" } } })
      .catch((error: Error) => (refused = error));
    expect(refused?.message).to.contain("the setting's category is BIOS, not FIRMWARE");
  });

  it("records the setting its POST made when the answer is lost, and refuses a taken name", async () => {
    const declared = {
      name: "raid",
      category: "STORAGE",
      settings: { DEFAULT: { raidType: "RAID1", volumeSizeInGB: -1 } },
    };
    await setFaults(session.emulator, [
      {
        kind: "commit-then-drop",
        method: "POST",
        pathPrefix: "/compute-ops-mgmt/v1/settings",
        count: 1,
      },
    ]);
    await resetEmulatorStats(session.emulator);
    const made = await created(declared);
    // The answer was lost (the fault fired): the provider listed the name again after the POST.
    const byRoute = (await emulatorStats(session.emulator)).requests.byRoute;
    expect(byRoute["POST /compute-ops-mgmt/v1/settings"]).to.equal(1);
    expect(byRoute["GET /compute-ops-mgmt/v1/settings"]).to.equal(2);
    const listed = await session.com(
      "GET",
      `/compute-ops-mgmt/v1/settings?filter=${encodeURIComponent("name eq 'raid'")}`,
    );
    expect(listed.data.items.map((s: Props) => s.id)).to.deep.equal([made.id]);
    // recover finds it by its declared content.
    const candidates = await settingRecovery(dependencies).candidates(declared);
    expect(candidates.map((c) => c.id)).to.deep.equal([made.id]);

    let taken: Error | undefined;
    await created(declared).catch((error: Error) => (taken = error));
    expect(taken?.message).to.contain('a setting named "raid" already exists').and.contain(made.id);
  });
});
