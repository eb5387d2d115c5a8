import { expect } from "chai";
import { DeclaredResource, E2EStack } from "./harness";

const groupsPath = "/compute-ops-mgmt/v1/groups";
const schedulesPath = "/compute-ops-mgmt/v1beta2/schedules";
const groupFirmwareUpdate = "91159b5e-9eeb-11ec-a9da-00155dc0a0c0";
const marker = /\[pulumi-ops-management create [0-9a-f-]{36}\]$/;

const group: DeclaredResource = {
  type: "Group",
  name: "web",
  args: { name: "web-servers", deviceType: "DIRECT_CONNECT_SERVER" },
};

/** A firmware update of the web group every 30 days, starting at `startAt`. */
function firmwareWindow(startAt: string, description: string): DeclaredResource {
  return {
    type: "Schedule",
    name: "web-firmware",
    args: {
      name: "web firmware window",
      description,
      associatedResourceUri: `${groupsPath}/\${web.id}`,
      schedule: { startAt, interval: "P30D" },
      operation: {
        method: "POST",
        uri: "/compute-ops-mgmt/v1/jobs",
        body: {
          jobTemplate: groupFirmwareUpdate,
          resourceId: "${web.id}",
          resourceType: "compute-ops-mgmt/group",
        },
      },
    },
  };
}

describe("Schedule under the real Pulumi engine", function () {
  this.timeout(600_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  it("creates with its group, refreshes clean, updates in place, is gone once its group is deleted, and destroys", async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    const dayAfter = new Date(Date.now() + 48 * 3600_000).toISOString();

    // 1. A group and a schedule associated with it; a refresh finds nothing to change
    // (the description's create marker is not drift).
    await stack.deployFresh([group, firmwareWindow(tomorrow, "monthly firmware")]);
    const [created] = await stack.stateResources("Schedule");
    const [web] = await stack.stateResources("Group");
    const api = await stack.api();
    let live = (await api.get(`${schedulesPath}/${created.id}`)).data;
    expect(live.associatedResourceUri).to.equal(`${groupsPath}/${web.id}`);
    expect(live.description).to.match(marker);
    expect(live.operation.body.resourceId).to.equal(web.id);
    const preview = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);

    // 2. A new time and description change the same schedule in place.
    await stack.declare([group, firmwareWindow(dayAfter, "moved a day")]);
    const updated = await stack.up();
    expect(updated.stdout).to.match(/1 updated/);
    live = (await api.get(`${schedulesPath}/${created.id}`)).data;
    expect(live.description).to.equal("moved a day");
    expect(Date.parse(live.schedule.startAt)).to.equal(Date.parse(dayAfter));

    // 3. The group is deleted outside Pulumi: the API deletes the schedule with it,
    // and the refresh drops both from the stack.
    expect((await api.delete(`${groupsPath}/${web.id}`)).status).to.equal(204);
    expect((await stack.objects()).schedules).to.deep.equal([]);
    await stack.workspace.runOk(["refresh", "--yes", "--skip-preview"]);
    expect(await stack.stateResources("Schedule")).to.deep.equal([]);
    expect(await stack.stateResources("Group")).to.deep.equal([]);

    // 4. The next up makes both again; destroy deletes the schedule, then the group.
    await stack.up();
    const [again] = await stack.stateResources("Schedule");
    expect(again.id).to.not.equal(created.id);
    expect((await stack.objects()).schedules).to.have.length(1);
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount()).to.equal(0);
  });
});
