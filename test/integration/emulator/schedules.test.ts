import { expect } from "chai";
import { violations } from "../../../emulator/computeOps/contract";
import { Body, http, subjectsOf, useEmulator } from "./kit";

const schedules = "/compute-ops-mgmt/v1beta2/schedules";
const groups = "/compute-ops-mgmt/v1/groups";
const groupFirmwareUpdate = "91159b5e-9eeb-11ec-a9da-00155dc0a0c0";
const hourMs = 3600_000;

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com, create } = session;

  async function advance(seconds: number) {
    const response = await http.post(`${session.emulator.url}/__emulator/clock/advance`, {
      seconds,
    });
    expect(response.status).to.equal(204);
  }

  /** A one-time firmware update of a new group, an hour from now. */
  async function scheduleBody(overrides: Body = {}): Promise<Body> {
    const group = await create(groups, {
      name: `group-${Math.random()}`,
      deviceType: "DIRECT_CONNECT_SERVER",
    });
    return {
      name: "firmware window",
      associatedResourceUri: group.resourceUri,
      schedule: { startAt: new Date(Date.now() + hourMs).toISOString() },
      operation: {
        type: "REST",
        method: "POST",
        uri: "/compute-ops-mgmt/v1/jobs",
        body: {
          jobTemplate: groupFirmwareUpdate,
          resourceId: group.id,
          resourceType: "compute-ops-mgmt/group",
        },
      },
      ...overrides,
    };
  }

  describe("schedules", () => {
    it("creates with the answer's defaults, a Location and the next start", async () => {
      const body = await scheduleBody();
      const response = await com("POST", schedules, body);
      expect(response.status).to.equal(201);
      expect(response.headers.location).to.equal(response.data.resourceUri);
      expect(response.data).to.include({
        type: "compute-ops-mgmt/schedule",
        description: null,
        purpose: null,
        lastRun: null,
        generation: 1,
      });
      expect(response.data.operation).to.deep.include({
        timeoutInSec: 20,
        body: (body.operation as Body).body,
      });
      expect(response.data.operation.headers).to.deep.equal({});
      expect(response.data.schedule.interval).to.equal(null);
      expect(Date.parse(response.data.nextStartAt)).to.equal(
        Date.parse((body.schedule as Body).startAt as string),
      );
    });

    it("refuses with 400 what the contract refuses, naming each field", async () => {
      const body = await scheduleBody({
        name: "",
        schedule: {
          startAt: new Date(Date.now() + 400 * 24 * hourMs).toISOString(),
          interval: "PT15M",
        },
        operation: { type: "SOAP", method: "FETCH", uri: "jobs", timeoutInSec: 0 },
        associatedResourceUri: `${groups}/6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d`,
      });
      const response = await com("POST", schedules, body);
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.have.members([
        "name",
        "associatedResourceUri",
        "schedule.startAt",
        "schedule.interval",
        "operation.type",
        "operation.method",
        "operation.uri",
        "operation.timeoutInSec",
      ]);
    });

    it("lists by the filter properties the spec gives, and refuses name", async () => {
      const created = await create(schedules, await scheduleBody());
      const byUri = await com(
        "GET",
        `${schedules}?filter=${encodeURIComponent(`operation/uri eq '/compute-ops-mgmt/v1/jobs' and id eq '${String(created.id)}'`)}`,
      );
      expect(byUri.status).to.equal(200);
      expect(byUri.data.items.map((s: Body) => s.id)).to.deep.equal([created.id]);
      // Not sent: the suite's conformance check refuses a request outside the contract.
      const byName = violations({
        method: "GET",
        path: "/v1beta2/schedules",
        query: { filter: "name eq 'firmware window'" },
        contentType: "",
        rawBody: "",
      });
      expect(byName).to.deep.equal(["query.parameter filter cannot filter on name (400)"]);
    });

    it("patches in place, but not the operation's method or uri", async () => {
      const created = await create(schedules, await scheduleBody());
      const path = `${schedules}/${String(created.id)}`;
      const renamed = await com("PATCH", path, {
        name: "moved",
        operation: { query: { select: "id" } },
      });
      expect(renamed.status).to.equal(200);
      expect(renamed.data).to.include({ name: "moved", generation: 2 });
      expect(renamed.data.operation.query).to.deep.equal({ select: "id" });
      const refused = await com("PATCH", path, {
        operation: { uri: "/compute-ops-mgmt/v1/groups" },
      });
      expect(refused.status).to.equal(400);
      expect(subjectsOf(refused)).to.deep.equal(["operation.uri"]);
      expect((await com("PATCH", path, { id: "x" })).status).to.equal(400);
      expect((await com("DELETE", path)).status).to.equal(204);
      expect((await com("GET", path)).status).to.equal(404);
      expect((await com("DELETE", path)).status).to.equal(404);
    });

    it("runs a one-time schedule once when its start comes, recording it in its history", async () => {
      const created = await create(schedules, await scheduleBody());
      const path = `${schedules}/${String(created.id)}`;
      await advance(2 * 3600);
      const ran = (await com("GET", path)).data;
      expect(ran.nextStartAt).to.equal(null);
      expect(ran.lastRun).to.include({ succeeded: true, status: 201, scheduleId: created.id });
      await advance(24 * 3600);
      const history = await com("GET", `${path}/history`);
      expect(history.status).to.equal(200);
      expect(history.data.total).to.equal(1);
      const entry = await com("GET", `${path}/history/${String(ran.lastRun.id)}`);
      expect(entry.data.body.jobTemplate).to.equal(groupFirmwareUpdate);
    });

    it("records a failed run when the scheduled request is refused", async () => {
      const body = await scheduleBody();
      (body.operation as Body).body = { jobTemplate: "not-a-template" };
      const created = await create(schedules, body);
      await advance(2 * 3600);
      const ran = (await com("GET", `${schedules}/${String(created.id)}`)).data;
      expect(ran.lastRun).to.include({ succeeded: false, status: 400 });
    });

    it("deletes a schedule with its group", async () => {
      const body = await scheduleBody();
      const created = await create(schedules, body);
      const groupPath = body.associatedResourceUri as string;
      expect((await com("DELETE", groupPath)).status).to.equal(204);
      expect((await com("GET", `${schedules}/${String(created.id)}`)).status).to.equal(404);
    });
  });
});
