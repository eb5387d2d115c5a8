/**
 * Schedule driven in-process against the real emulator: the ownership proof after a
 * lost answer (docs/design.md#marked-creates), the schedule deleted with its group,
 * drift, the merge patch, recovery, and the emulator running a due schedule as a job
 * on its own clock.
 */
import { AxiosInstance } from "axios";
import { expect } from "chai";
import { RunningEmulator, startEmulator } from "../../emulator";
import {
  advanceEmulatorClock,
  computeOpsApi,
  emulatorObjects,
  emulatorStackConfig,
  mergePatchHeaders,
  resetEmulator,
  setFaults,
} from "../../emulator/adminClient";
import { scheduleImplementation, scheduleRecovery } from "../../provider/computeOps/schedule";
import { applyStackConfig } from "../../provider/core/configuration";
import { recordRequest } from "../support/recordedRequests";
import { provider, testComputeOps } from "../unit/resourceTestSetup";

const schedulesPath = "/compute-ops-mgmt/v1beta2/schedules";
const groupsPath = "/compute-ops-mgmt/v1/groups";
const groupFirmwareUpdate = "91159b5e-9eeb-11ec-a9da-00155dc0a0c0";
const dayMs = 24 * 3600 * 1000;

describe("Schedule against the emulator", function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let api: AxiosInstance;
  const dependencies = () => testComputeOps();

  before(async () => {
    emulator = await startEmulator({
      port: 0,
      quiet: true,
      jobStepMs: 20,
      onRequest: recordRequest,
    });
    const { config, secrets } = emulatorStackConfig(emulator);
    const values: Record<string, string> = { ...config, ...secrets };
    applyStackConfig({ get: (key) => values[key] });
    api = await computeOpsApi(emulator);
  });
  after(async () => {
    applyStackConfig({ get: () => undefined });
    await emulator?.close();
  });
  // Each test starts from an empty workspace, so counts and clock moves are its own.
  beforeEach(() => resetEmulator(emulator));

  async function newGroup(name: string): Promise<{ id: string; resourceUri: string }> {
    const created = await api.post(groupsPath, { name, deviceType: "DIRECT_CONNECT_SERVER" });
    return created.data as { id: string; resourceUri: string };
  }

  /** A monthly firmware update of the group, starting in a day. */
  function declaration(group: { id: string; resourceUri: string }, name = "web firmware window") {
    return {
      name,
      description: "Firmware window",
      associatedResourceUri: group.resourceUri,
      schedule: { startAt: new Date(Date.now() + dayMs).toISOString(), interval: "P30D" },
      operation: {
        type: "REST",
        method: "POST",
        uri: "/compute-ops-mgmt/v1/jobs",
        body: {
          jobTemplate: groupFirmwareUpdate,
          resourceId: group.id,
          resourceType: "compute-ops-mgmt/group",
        },
        headers: {},
        query: {},
        timeoutInSec: 20,
      },
    };
  }

  async function checked(schedule: ReturnType<typeof scheduleImplementation>, inputs: object) {
    const result = await schedule.check({}, { ...inputs, __provider: provider });
    expect(result.failures ?? [], JSON.stringify(result.failures)).to.deep.equal([]);
    return result.inputs!;
  }

  async function liveSchedules(): Promise<Record<string, unknown>[]> {
    return (await emulatorObjects(emulator)).schedules;
  }

  describe("after a lost answer", () => {
    it("records the schedule carrying its marker, not an identical one made meanwhile", async () => {
      const schedule = scheduleImplementation(dependencies());
      const group = await newGroup("lost-answer");
      const inputs = await checked(schedule, declaration(group));
      // Someone else's schedule, identical in every declared field, made just before.
      const { __provider: _, ...body } = inputs;
      const lookalike = (await api.post(schedulesPath, body)).data as { id: string };
      // The POST is applied, then the connection drops: the answer is lost.
      await setFaults(emulator, [
        { kind: "commit-then-drop", method: "POST", pathPrefix: schedulesPath, count: 1 },
      ]);
      const created = await schedule.create(inputs);
      expect(created.id).to.not.equal(lookalike.id);
      const all = await liveSchedules();
      expect(all.map((s) => s.id).sort()).to.deep.equal([lookalike.id, created.id].sort());
      const ours = all.find((s) => s.id === created.id)!;
      expect(ours.description).to.match(
        /^Firmware window\n\n\[pulumi-ops-management create [0-9a-f-]{36}\]$/,
      );
      // The marker is not part of what the program declares.
      expect(created.outs.description).to.equal("Firmware window");
      const read = await schedule.read(created.id, created.outs);
      expect(read.inputs?.description).to.equal("Firmware window");
    });

    it("records nothing when the lost POST made nothing, whatever lookalikes exist", async () => {
      const schedule = scheduleImplementation(dependencies());
      const group = await newGroup("dropped");
      const inputs = await checked(schedule, declaration(group));
      const { __provider: _, ...body } = inputs;
      await api.post(schedulesPath, body);
      const before = (await liveSchedules()).length;
      // The connection drops before the POST is handled.
      await setFaults(emulator, [
        { kind: "drop", method: "POST", pathPrefix: schedulesPath, count: 1 },
      ]);
      const error = await schedule.create(inputs).catch((e: unknown) => e as Error);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.not.contain("candidates");
      expect((await liveSchedules()).length).to.equal(before);
    });
  });

  it("reads a schedule as gone once its group is deleted, and deletes it as already gone", async () => {
    const schedule = scheduleImplementation(dependencies());
    const group = await newGroup("cascade");
    const created = await schedule.create(await checked(schedule, declaration(group)));
    expect((await schedule.read(created.id, created.outs)).id).to.equal(created.id);
    expect((await api.delete(`${groupsPath}/${group.id}`)).status).to.equal(204);
    expect((await liveSchedules()).some((s) => s.id === created.id)).to.equal(false);
    expect((await schedule.read(created.id, created.outs)).id).to.equal("");
    await schedule.delete(created.id, created.outs);
  });

  it("shows a change made by hand as drift, and the update patches it back", async () => {
    const schedule = scheduleImplementation(dependencies());
    const group = await newGroup("drift");
    const inputs = await checked(schedule, declaration(group));
    const created = await schedule.create(inputs);
    await api.patch(
      `${schedulesPath}/${created.id}`,
      { name: "renamed by hand", operation: { headers: { "X-Extra": "1" } } },
      mergePatchHeaders,
    );
    const read = await schedule.read(created.id, created.outs);
    expect(read.inputs?.name).to.equal("renamed by hand");
    expect((read.inputs?.operation as { headers: unknown }).headers).to.deep.equal({
      "X-Extra": "1",
    });
    const diff = await schedule.diff(created.id, read.props!, inputs);
    expect(diff.changes).to.equal(true);
    expect(diff.replaces).to.deep.equal([]);
    const updated = await schedule.update(created.id, read.props!, inputs);
    const live = (await api.get(`${schedulesPath}/${created.id}`)).data;
    expect(live.name).to.equal("web firmware window");
    expect(live.operation.headers).to.deep.equal({});
    expect(updated.outs.name).to.equal("web firmware window");
  });

  it("finds a killed create's schedule for recover by its declaration, the marker aside", async () => {
    const schedule = scheduleImplementation(dependencies());
    const group = await newGroup("recover");
    const inputs = await checked(schedule, declaration(group, "recover me"));
    const created = await schedule.create(inputs);
    await schedule.create(await checked(schedule, declaration(group, "another name")));
    const candidates = await scheduleRecovery({ clientFor: dependencies().clientFor }).candidates(
      inputs,
    );
    expect(candidates.map((c) => c.id)).to.deep.equal([created.id]);
  });

  it("runs a due schedule as a job of the template catalogue on the emulator's clock", async () => {
    const schedule = scheduleImplementation(dependencies());
    const group = await newGroup("runs");
    const created = await schedule.create(await checked(schedule, declaration(group)));
    const jobsBefore = (await emulatorObjects(emulator)).jobs.length;
    await advanceEmulatorClock(emulator, 24 * 3600 + 60);
    const live = (await api.get(`${schedulesPath}/${created.id}`)).data;
    expect(live.lastRun).to.include({ succeeded: true, status: 201 });
    const job = live.lastRun.body as { id: string; jobTemplate: string; resource: unknown };
    expect(job.jobTemplate).to.equal(groupFirmwareUpdate);
    expect(job.resource).to.deep.equal({ id: group.id, type: "compute-ops-mgmt/group" });
    const jobs = (await emulatorObjects(emulator)).jobs;
    expect(jobs.length).to.equal(jobsBefore + 1);
    // Recurring: the next run is one interval after the first.
    const start = Date.parse(live.schedule.startAt as string);
    expect(Date.parse(live.nextStartAt as string)).to.equal(start + 30 * dayMs);
    // The refresh shows the run in the outputs, and no drift.
    const read = await schedule.read(created.id, created.outs);
    expect(read.props?.lastRun).to.include({ succeeded: true });
    const diff = await schedule.diff(created.id, read.props!, read.inputs!);
    expect(diff.changes).to.equal(false);
  });
});
