import { expect } from "chai";
import { DeclaredResource, E2EStack, expectNoChangesExitCode, mergePatch } from "./harness";

const settingsPath = "/compute-ops-mgmt/v1/settings";
const groupsPath = "/compute-ops-mgmt/v1/groups";
/** Two Gen10 bundles of the emulator's firmware catalogue (what getFirmwareBundle finds). */
const spp2023 = "275a59f78916400a761e4bf8c6958934";
const spp2024 = "8f1c2a7e5d3b4c6a9e0f1a2b3c4d5e6f";

function baseline(bundleId: string): DeclaredResource {
  return {
    type: "Setting",
    name: "baseline",
    args: { name: "gen10-baseline", category: "FIRMWARE", settings: { GEN10: { id: bundleId } } },
  };
}

const bios: DeclaredResource = {
  type: "Setting",
  name: "bios",
  args: {
    name: "virtualization",
    category: "BIOS",
    description: "max performance",
    settings: {
      DEFAULT: {
        redfishData: { Attributes: { WorkloadProfile: "Virtualization-MaxPerformance" } },
      },
    },
  },
};

/** The group, naming its settings by their outputs (or by literal URIs). */
function group(settingsUris: string[]): DeclaredResource {
  return {
    type: "Group",
    name: "web",
    args: { name: "web-servers", deviceType: "DIRECT_CONNECT_SERVER", settingsUris },
  };
}

describe("Setting under the real Pulumi engine", function () {
  this.timeout(600_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  it("group → settings → baseline: up, refresh, drift, a new baseline in place, the delete-in-use error, destroy", async () => {
    // 1. A firmware baseline and a BIOS setting, and a group that uses both by their outputs.
    const byOutputs = group(["${baseline.resourceUri}", "${bios.resourceUri}"]);
    await stack.deployFresh([baseline(spp2023), bios, byOutputs]);
    const settings = await stack.stateResources("Setting");
    const uriOf = (name: string) =>
      settings.find((s) => s.outputs.name === name)?.outputs.resourceUri as string;
    const baselineUri = uriOf("gen10-baseline");
    const biosUri = uriOf("virtualization");
    const [web] = await stack.stateResources("Group");
    const api = await stack.api();
    const groupPath = `${groupsPath}/${web.id as string}`;
    expect((await api.get(groupPath)).data.settingsUris).to.deep.equal([baselineUri, biosUri]);
    expect((await api.get(baselineUri)).data.settings).to.deep.equal({ GEN10: { id: spp2023 } });

    // 2. A refresh finds nothing to change.
    let preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);

    // 3. Someone changes the BIOS profile by hand: the refresh shows it.
    const byHand = await api.patch(
      biosUri,
      { settings: { DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "vRAN" } } } } },
      mergePatch,
    );
    expect(byHand.status).to.equal(200);
    preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(expectNoChangesExitCode);
    expect(preview.stdout).to.match(/~ .*bios.*update/);

    // 4. Dropping the baseline while the group still names its URI: the delete fails,
    // naming the group, and nothing is deleted.
    await stack.declare([bios, group([baselineUri, "${bios.resourceUri}"])]);
    const refused = await stack.run(["up", "--yes", "--skip-preview"]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stdout + refused.stderr).to.contain(
      `is still used by group "web-servers" (${web.id as string})`,
    );
    expect((await api.get(baselineUri)).status).to.equal(200);

    // 5. A new baseline is one up: the setting changes in place (same URI, the group is
    // not touched) and the refresh's BIOS drift is repaired in the same run.
    await stack.declare([baseline(spp2024), bios, byOutputs]);
    const updated = await stack.up(["--refresh"]);
    expect(updated.stdout).to.match(/2 updated/);
    const live = (await api.get(baselineUri)).data;
    expect(live.settings).to.deep.equal({ GEN10: { id: spp2024 } });
    expect((await api.get(biosUri)).data.settings).to.deep.equal(
      (bios.args as { settings: unknown }).settings,
    );
    expect((await api.get(groupPath)).data.settingsUris).to.deep.equal([baselineUri, biosUri]);

    // 6. Destroy deletes the group before the settings it uses: nothing is left.
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    const objects = await stack.objects();
    expect(objects.settings).to.deep.equal([]);
    expect(objects.groups).to.deep.equal([]);
    const left = await api.get(
      `${settingsPath}?filter=${encodeURIComponent("name eq 'virtualization'")}`,
    );
    expect(left.data.items).to.deep.equal([]);
  });
});
