import { expect } from "chai";
import nock from "nock";
import { jobImplementation } from "../../../provider/computeOps/job";
import { jobTemplates } from "../../../provider/computeOps/jobTemplates";
import type { ResourceImplementation } from "../../../provider/core/resource";
import { PartialCreateError } from "../../../provider/core/pulumiResults";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const jobs = "/compute-ops-mgmt/v1/jobs";
// Server ids contain '+', which must reach URLs as %2B (docs/api-facts.md#percent-encoding).
const serverId = "P06760-B21+2M212504P8";
const powerOn = "0cbb2377-1834-488d-840c-d5bf788c34fb";
const jobId = "2500759c-b7dd-4c68-ab7e-6b644bcf4b9c";
const otherJobId = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const listOf = (items: unknown[]) => ({
  items,
  count: items.length,
  offset: 0,
  total: items.length,
});
const catalogPath = "/compute-ops-mgmt/v1beta2/job-templates";
/** The catalogue as the API lists it (jobTemplate-v1beta2): by default, the spec's table. */
const catalogueOf = (templates: { id: string; name: string }[]) =>
  listOf(templates.map(({ id, name }) => ({ id, name, type: "compute-ops-mgmt/job-template" })));
const specCatalogue = () => catalogueOf([...jobTemplates]);
// Server Power On under an id the spec's table does not give: the docs' ids have changed.
const movedPowerOn = "5d0f2a61-7c3b-4e59-a8d2-1f6e9b0c4a77";
const lostAnswer = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
const inputs = {
  jobTemplate: "Server Power On",
  resourceType: "compute-ops-mgmt/server",
  resourceId: serverId,
  triggers: ["v1"],
  waitForCompletion: true,
  timeoutMinutes: 5,
  __provider: provider,
};
const pending = { id: jobId, state: "PENDING", resultCode: null, status: "Job is pending" };
const complete = {
  id: jobId,
  state: "COMPLETE",
  resultCode: "SUCCESS",
  status: "Job completed",
  results: { message: "done" },
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:01:00Z",
};
const failedJob = {
  id: jobId,
  state: "ERROR",
  resultCode: "FAILURE",
  status: "Job failed",
  statusDetails: { message: "iLO unreachable" },
};

async function failureOf(promise: Promise<unknown>): Promise<PartialCreateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(PartialCreateError);
  return error as PartialCreateError;
}

describe("Job", () => {
  useTestApis();
  let progress: string[] = [];
  let job: ResourceImplementation;
  /** What the job-template catalogue answers in this test: [status, body]. */
  let catalogue: [number, unknown];
  let catalogueReads = 0;
  beforeEach(() => {
    catalogue = [200, specCatalogue()];
    catalogueReads = 0;
    // Optional: tests that give a UUID never ask; read once per client otherwise.
    nock(endpoint)
      .get(catalogPath)
      .query(true)
      .optionally()
      .reply(() => {
        catalogueReads++;
        return catalogue;
      })
      .persist();
    // Time moves only when the waiter sleeps, so an hour-long wait takes no time.
    let now = Date.parse("2026-01-01T00:00:00Z");
    progress = [];
    job = jobImplementation(
      testComputeOps({
        now: () => now,
        sleep: async (ms) => void (now += ms),
        log: (line) => void progress.push(line),
      }),
    );
  });

  describe("check", () => {
    it("accepts a template name from the job-template table (docs/api-facts.md#job-templates), ignoring case and spaces", async () => {
      for (const name of ["Server Power On", "serverpoweron", "SERVER-POWER-ON"]) {
        const result = await job.check({}, { ...inputs, jobTemplate: name });
        expect(result.failures, name).to.equal(undefined);
      }
    });

    it("accepts a template UUID, also one the table does not list", async () => {
      for (const id of [powerOn, "11111111-2222-4333-8444-555555555555"]) {
        const result = await job.check({}, { ...inputs, jobTemplate: id });
        expect(result.failures, id).to.equal(undefined);
      }
    });

    it("rejects a name the catalogue does not list, naming jobTemplate and the three closest names", async () => {
      const result = await job.check({}, { ...inputs, jobTemplate: "Server Power Of" });
      expect(result.failures).to.have.length(1);
      expect(result.failures?.[0].property).to.equal("jobTemplate");
      const reason = result.failures?.[0].reason ?? "";
      expect(reason).to.include("job-template catalogue");
      expect(reason).to.include('the closest names are "Server Power Off", "Server Power On"');
      expect(reason.match(/"[^"]+"/g)).to.have.length(3);
      expect(reason).not.to.include("Group Firmware Update");
    });

    it("accepts a name only the catalogue lists (a tenant's own template)", async () => {
      const own = { id: "3c6a8e10-94d2-4b7f-a1e5-0d2c4b6f8a19", name: "Rotate iLO Certificates" };
      catalogue = [200, catalogueOf([...jobTemplates, own])];
      const result = await job.check({}, { ...inputs, jobTemplate: "rotate ilo certificates" });
      expect(result.failures).to.equal(undefined);
    });

    it("leaves a name to create when the catalogue cannot be read (a preview without access)", async () => {
      catalogue = [500, { message: "unavailable" }];
      const result = await job.check({}, { ...inputs, jobTemplate: "Make Coffee" });
      expect(result.failures).to.equal(undefined);
    });

    it("reads the catalogue once for every check of the process's client", async () => {
      for (const name of ["Server Power On", "Server Restart", "Make Coffee"]) {
        await job.check({}, { ...inputs, jobTemplate: name });
      }
      expect(catalogueReads).to.equal(1);
    });

    it("accepts the name a recorded job ran with, though the catalogue no longer lists it", async () => {
      const olds = { ...inputs, jobTemplate: "Group Internal Storage Configuration" };
      const news = { ...olds, resourceType: "compute-ops-mgmt/group", resourceId: "g-1" };
      expect((await job.check(olds, news)).failures).to.equal(undefined);
      expect((await job.check({}, news)).failures?.[0].property).to.equal("jobTemplate");
    });

    it("judges names by the spec's table once the API no longer lists templates (410)", async () => {
      catalogue = [410, { message: "gone" }];
      expect((await job.check({}, inputs)).failures).to.equal(undefined);
      const result = await job.check({}, { ...inputs, jobTemplate: "Server Power Of" });
      expect(result.failures?.[0].property).to.equal("jobTemplate");
      expect(result.failures?.[0].reason).to.include("spec's job-template table");
    });

    it("asks nothing while the template is unknown (a preview)", async () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const result = await job.check({}, { ...inputs, jobTemplate: unknown });
      expect(result.failures).to.equal(undefined);
      expect(catalogueReads).to.equal(0);
    });

    it("bounds timeoutMinutes to whole minutes from 1 to 1440", async () => {
      for (const timeoutMinutes of [0, 1441, 1.5]) {
        const result = await job.check({}, { ...inputs, timeoutMinutes });
        expect(
          result.failures?.map((f) => f.property),
          String(timeoutMinutes),
        ).to.deep.equal(["timeoutMinutes"]);
      }
      for (const timeoutMinutes of [1, 1440]) {
        expect((await job.check({}, { ...inputs, timeoutMinutes })).failures).to.equal(undefined);
      }
    });

    it("fills in waitForCompletion and timeoutMinutes and keeps the provider", async () => {
      const result = await job.check(
        {},
        { jobTemplate: powerOn, resourceType: "compute-ops-mgmt/server", resourceId: serverId },
      );
      expect(result.inputs).to.deep.include({ waitForCompletion: true, timeoutMinutes: 60 });
      const withProvider = await job.check({}, inputs);
      expect(withProvider.inputs.__provider).to.equal(provider);
    });

    it("reports every failure at once, including a resource type the template cannot run on and unknown inputs", async () => {
      const result = await job.check(
        {},
        {
          jobTemplate: "Group Firmware Update",
          resourceType: "compute-ops-mgmt/server",
          resourceId: "",
          timeoutMinutes: 0,
          color: "blue",
        },
      );
      expect(result.failures?.map((f) => f.property)).to.have.members([
        "resourceType",
        "resourceId",
        "timeoutMinutes",
        "color",
      ]);
      const typed = await job.check(
        {},
        {
          ...inputs,
          jobTemplate: "Group Firmware Update",
          resourceType: "compute-ops-mgmt/server",
        },
      );
      expect(typed.failures?.[0].property).to.equal("resourceType");
      expect(typed.failures?.[0].reason).to.include("compute-ops-mgmt/group");
    });
  });

  describe("diff", () => {
    const olds = { ...inputs, ...complete };

    it("replaces on a changed trigger", async () => {
      const result = await job.diff(jobId, olds, { ...inputs, triggers: ["v2"] });
      expect(result.changes).to.equal(true);
      expect(result.replaces).to.deep.equal(["triggers"]);
    });

    it("replaces when a job parameter is added or removed", async () => {
      const withParams = { ...olds, jobParams: { bundle: "2024.04", reboot: true } };
      const removed = await job.diff(jobId, withParams, {
        ...inputs,
        jobParams: { bundle: "2024.04" },
      });
      expect(removed.replaces).to.deep.equal(["jobParams"]);
      const added = await job.diff(jobId, olds, { ...inputs, jobParams: { bundle: "2024.04" } });
      expect(added.replaces).to.deep.equal(["jobParams"]);
    });

    it("lists every changed input of the run as a replacement", async () => {
      const result = await job.diff(jobId, olds, {
        ...inputs,
        resourceId: "other",
        jobTemplate: "Server Power Off",
        timeoutMinutes: 10,
      });
      expect(result.replaces).to.deep.equal(["jobTemplate", "resourceId"]);
    });

    it("updates in place, with no new run, when only a wait setting changes", async () => {
      for (const change of [{ timeoutMinutes: 10 }, { waitForCompletion: false }]) {
        const result = await job.diff(jobId, olds, { ...inputs, ...change });
        expect(result, JSON.stringify(change)).to.deep.include({ changes: true, replaces: [] });
      }
    });

    it("updates in place when a wait setting is unknown at preview", async () => {
      const result = await job.diff(jobId, olds, {
        ...inputs,
        timeoutMinutes: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      });
      expect(result).to.deep.include({ changes: true, replaces: [] });
    });

    it("sees no change between a template's name and its UUID, nor in outputs", async () => {
      const result = await job.diff(jobId, olds, { ...inputs, jobTemplate: powerOn });
      expect(result).to.deep.include({ changes: false, replaces: [] });
    });

    it("sees no change in a job recorded with an id the docs have since changed", async () => {
      // State of an earlier version: the old table's id, no jobTemplateId recorded.
      const byName = { ...olds, jobTemplate: "Server External Storage Details" };
      expect(
        await job.diff(jobId, byName, {
          ...inputs,
          jobTemplate: "Server External Storage Details",
        }),
      ).to.deep.include({ changes: false, replaces: [] });
      const oldId = "139cc26b-ac93-4da0-826c-220d15e3a422";
      expect(
        await job.diff(jobId, { ...olds, jobTemplate: oldId }, { ...inputs, jobTemplate: oldId }),
      ).to.deep.include({ changes: false, replaces: [] });
    });

    it("compares a UUID with the id the job was started with", async () => {
      const ranMoved = { ...olds, jobTemplateId: movedPowerOn };
      expect(
        await job.diff(jobId, ranMoved, { ...inputs, jobTemplate: movedPowerOn }),
      ).to.deep.include({
        changes: false,
        replaces: [],
      });
      expect(
        (await job.diff(jobId, ranMoved, { ...inputs, jobTemplate: powerOn })).replaces,
      ).to.deep.equal(["jobTemplate"]);
    });
  });

  describe("create", () => {
    it("posts the template's UUID with the server id as written, waits for COMPLETE and records the outputs", async () => {
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs, {
          jobTemplate: powerOn,
          resourceId: serverId,
          resourceType: "compute-ops-mgmt/server",
        })
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .reply(200, { ...pending, state: "RUNNING", status: "Job is running" })
        .get(`${jobs}/${jobId}`)
        .reply(200, complete);
      const result = await job.create(inputs);
      scope.done();
      expect(result.id).to.equal(jobId);
      expect(result.outs).to.deep.equal({
        jobTemplate: "Server Power On",
        jobTemplateId: powerOn,
        resourceType: "compute-ops-mgmt/server",
        resourceId: serverId,
        triggers: ["v1"],
        waitForCompletion: true,
        timeoutMinutes: 5,
        state: "COMPLETE",
        resultCode: "SUCCESS",
        status: "Job completed",
        results: { message: "done" },
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:01:00Z",
      });
    });

    it("posts the catalogue's id for a name whose id changed, and records it", async () => {
      catalogue = [
        200,
        catalogueOf(jobTemplates.map((t) => (t.id === powerOn ? { ...t, id: movedPowerOn } : t))),
      ];
      const scope = nock(endpoint)
        .get(jobs)
        .query((q) => String(q.filter).includes(movedPowerOn))
        .reply(200, listOf([]))
        .post(jobs, (body) => body.jobTemplate === movedPowerOn)
        .reply(201, { ...pending, jobTemplate: movedPowerOn });
      const result = await job.create({ ...inputs, waitForCompletion: false });
      scope.done();
      expect(result.outs).to.deep.include({
        jobTemplate: "Server Power On",
        jobTemplateId: movedPowerOn,
      });
    });

    it("fails before any POST when the catalogue cannot be read, naming jobTemplate", async () => {
      catalogue = [403, { message: "forbidden" }];
      const error = await job.create(inputs).catch((e: unknown) => e as Error);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.include(
        'jobTemplate "Server Power On" cannot be resolved',
      );
      expect((error as Error).message).to.include("UUID");
    });

    it("takes the spec's table's id once the API no longer lists templates (404)", async () => {
      catalogue = [404, { message: "not found" }];
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs, (body) => body.jobTemplate === powerOn)
        .reply(201, pending);
      await job.create({ ...inputs, waitForCompletion: false });
      scope.done();
      expect(progress.join("\n")).to.include("no longer lists job templates");
    });

    it("shows its progress, naming the job, its template and its server", async () => {
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .reply(200, { ...pending, state: "RUNNING" })
        .get(`${jobs}/${jobId}`)
        .reply(200, complete);
      await job.create(inputs);
      expect(progress[0]).to.equal(
        `compute-ops:Job ${jobId} (Server Power On on ${serverId}): RUNNING (0s elapsed)`,
      );
      expect(progress.at(-1)).to.match(/: COMPLETE SUCCESS \(2s elapsed\)$/);
    });

    it("sends jobParams when declared", async () => {
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs, (body) => body.jobParams?.bundle === "2024.04")
        .reply(201, pending);
      await job.create({ ...inputs, jobParams: { bundle: "2024.04" }, waitForCompletion: false });
      scope.done();
    });

    it("fails with the job's state, resultCode, status and statusDetails on ERROR, recording the id", async () => {
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .reply(200, failedJob);
      const error = await failureOf(job.create(inputs));
      expect(error.id).to.equal(jobId);
      expect(error.message).to.include("state ERROR");
      expect(error.message).to.include("resultCode FAILURE");
      expect(error.message).to.include('status "Job failed"');
      expect(error.message).to.include("iLO unreachable");
      expect(error.message).to.include("triggers");
      expect(error.properties).to.deep.include({ state: "ERROR", __provider: provider });
      expect(error.properties.triggers).to.deep.equal(["v1"]);
    });

    it("fails when a COMPLETE job reports resultCode FAILURE or DECLINED", async () => {
      for (const resultCode of ["FAILURE", "DECLINED"]) {
        nock(endpoint)
          .get(jobs)
          .query(true)
          .reply(200, listOf([]))
          .post(jobs)
          .reply(201, pending)
          .get(`${jobs}/${jobId}`)
          .reply(200, { ...complete, resultCode });
        const error = await failureOf(job.create(inputs));
        expect(error.message).to.include(`resultCode ${resultCode}`);
      }
    });

    it("fails on timeout naming timeoutMinutes and the last state, recording the id", async () => {
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .times(100)
        .reply(200, { ...pending, state: "RUNNING", status: "Updating" });
      const error = await failureOf(job.create({ ...inputs, timeoutMinutes: 1 }));
      nock.cleanAll();
      expect(error.id).to.equal(jobId);
      expect(error.message).to.include("timeoutMinutes (1)");
      expect(error.message).to.include("state RUNNING");
      expect(error.message).to.include("The job goes on in Compute Ops Management");
      expect(error.properties).to.deep.include({ state: "RUNNING", __provider: provider });
    });

    it("fails a STALLED job at once with its status and details, recording the id", async () => {
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .reply(200, {
          ...pending,
          state: "STALLED",
          status: "No progress",
          statusDetails: { message: "iLO unreachable" },
        });
      const error = await failureOf(job.create(inputs));
      scope.done();
      expect(error.id).to.equal(jobId);
      expect(error.message).to.include("state STALLED");
      expect(error.message).to.include('status "No progress"');
      expect(error.message).to.include("iLO unreachable");
      expect(error.message).to.include("acknowledges it in Compute Ops Management");
    });

    it("keeps waiting through APPROVAL_PENDING, saying it waits for approval", async () => {
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, { ...pending, state: "APPROVAL_PENDING", status: "Waiting for approval" })
        .get(`${jobs}/${jobId}`)
        .times(2)
        .reply(200, { ...pending, state: "APPROVAL_PENDING", status: "Waiting for approval" })
        .get(`${jobs}/${jobId}`)
        .reply(200, complete);
      const result = await job.create(inputs);
      scope.done();
      expect(result.outs.state).to.equal("COMPLETE");
      expect(progress.join("\n")).to.include("APPROVAL_PENDING (waiting for approval)");
    });

    it("tells the user to approve or decline a job still waiting for approval at the timeout", async () => {
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .times(100)
        .reply(200, { ...pending, state: "APPROVAL_PENDING", status: "Waiting for approval" });
      const error = await failureOf(job.create({ ...inputs, timeoutMinutes: 1 }));
      nock.cleanAll();
      expect(error.message).to.include("approve or decline it in Compute Ops Management");
    });

    it("outputs the job's name, parentJobId, generation and resource", async () => {
      const resource = { id: serverId, type: "compute-ops-mgmt/server" };
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .reply(200, {
          ...complete,
          name: "Server Power On",
          parentJobId: null,
          generation: 3,
          resource,
        });
      const { outs } = await job.create(inputs);
      expect(outs).to.deep.include({ name: "Server Power On", generation: 3, resource });
      expect(outs).not.to.have.property("parentJobId");
      const parent = "7f5c3f46-3b9e-4a8b-9f2e-2a1c0d9e8b7a";
      nock(endpoint)
        .get(`${jobs}/${jobId}`)
        .reply(200, { ...complete, parentJobId: parent });
      const read = await job.read(jobId, outs);
      expect(read.props?.parentJobId).to.equal(parent);
    });

    it("never shows a job parameter in an error, even when the API echoes it (truncated too)", async () => {
      const adminPass = "Job-Admin-Pass-7731";
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(400, {
          httpStatusCode: 400,
          errorCode: "HPE_GL_ERROR_BAD_REQUEST",
          message: `bad jobParams {adminPass: '${adminPass}', copy: '${adminPass.slice(0, 8)}...'}`,
        });
      const error = (await job
        .create({ ...inputs, jobParams: { adminPass } })
        .catch((e: unknown) => e)) as Error;
      expect(error.message).to.include("400");
      expect(error.message).not.to.include(adminPass.slice(0, 8));
    });

    it("records the id when the job can no longer be read", async () => {
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending)
        .get(`${jobs}/${jobId}`)
        .reply(403, { httpStatusCode: 403, errorCode: "HPE_GL_ERROR_FORBIDDEN", message: "no" });
      const error = await failureOf(job.create(inputs));
      expect(error.id).to.equal(jobId);
      expect(error.message).to.include("403");
    });

    it("takes a job that vanishes while awaited as completed (deleteOnComplete)", async () => {
      nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, { ...pending, deleteOnComplete: true })
        .get(`${jobs}/${jobId}`)
        .reply(404, { httpStatusCode: 404, errorCode: "HPE_GL_ERROR_NOT_FOUND", message: "gone" });
      const result = await job.create(inputs);
      expect(result.outs.state).to.equal("COMPLETE");
    });

    it("returns at once when waitForCompletion is false", async () => {
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .reply(201, pending);
      const result = await job.create({ ...inputs, waitForCompletion: false });
      scope.done();
      expect(result.id).to.equal(jobId);
      expect(result.outs.state).to.equal("PENDING");
      expect(result.outs).not.to.have.property("resultCode");
    });

    it("takes the one new job of the declaration after a lost answer, filtering on resource/id with the '+' as %2B", async () => {
      const filterPaths: string[] = [];
      const resource = { id: serverId, type: "compute-ops-mgmt/server" };
      // The same job on the same server, run a moment earlier by someone else.
      const theirs = { ...pending, id: otherJobId, jobTemplate: powerOn, resource };
      const mine = { ...pending, jobTemplate: powerOn, resource };
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([theirs]))
        .post(jobs)
        .replyWithError(lostAnswer)
        .get(jobs)
        .query(true)
        .reply(200, listOf([theirs, mine]))
        .get(`${jobs}/${jobId}`)
        .reply(200, complete);
      scope.on("request", (req: { path: string }) => {
        if (req.path.includes("filter=")) filterPaths.push(req.path);
      });
      expect((await job.create(inputs)).id).to.equal(jobId);
      scope.done();
      expect(filterPaths).to.have.length(2);
      expect(filterPaths[0]).to.equal(filterPaths[1]);
      expect(filterPaths[0]).to.include("P06760-B21%2B2M212504P8");
      expect(filterPaths[0]).not.to.include("+");
      expect(decodeURIComponent(filterPaths[0])).to.include(`resource/id eq '${serverId}'`);
      expect(decodeURIComponent(filterPaths[0])).to.include(`jobTemplate eq '${powerOn}'`);
    });

    it("never takes a new job with other parameters after a lost answer, and names it", async () => {
      const resource = { id: serverId, type: "compute-ops-mgmt/server" };
      const theirs = { ...pending, jobTemplate: powerOn, resource, jobParams: { bundle: "other" } };
      const scope = nock(endpoint)
        .get(jobs)
        .query(true)
        .reply(200, listOf([]))
        .post(jobs)
        .replyWithError(lostAnswer)
        .get(jobs)
        .query(true)
        .reply(200, listOf([theirs]));
      const error = await job
        .create({ ...inputs, jobParams: { bundle: "2024.04" } })
        .catch((e: unknown) => e);
      expect(String(error)).to.include(jobId);
      expect(String(error)).to.include("none was recorded");
      scope.done();
    });
  });

  describe("read", () => {
    const recorded = { ...inputs, ...pending };

    it("reads the job's state into the outputs and keeps the declared inputs", async () => {
      nock(endpoint).get(`${jobs}/${jobId}`).reply(200, complete);
      const result = await job.read(jobId, recorded);
      expect(result.id).to.equal(jobId);
      expect(result.props).to.deep.include({ state: "COMPLETE", resultCode: "SUCCESS" });
      expect(result.inputs).to.deep.equal({
        jobTemplate: "Server Power On",
        resourceType: "compute-ops-mgmt/server",
        resourceId: serverId,
        triggers: ["v1"],
        waitForCompletion: true,
        timeoutMinutes: 5,
        __provider: provider,
      });
    });

    it("refreshes a job recorded before template ids were recorded without adding one", async () => {
      const { id: _id, ...outputs } = complete;
      const old = { ...inputs, ...outputs, jobTemplate: "Server External Storage Details" };
      nock(endpoint)
        .get(`${jobs}/${jobId}`)
        .reply(200, { ...complete, jobTemplate: "139cc26b-ac93-4da0-826c-220d15e3a422" });
      const result = await job.read(jobId, old);
      expect(result.props).to.deep.equal(old);
      const recordedId = { ...old, jobTemplateId: "139cc26b-ac93-4da0-826c-220d15e3a422" };
      nock(endpoint).get(`${jobs}/${jobId}`).reply(200, complete);
      expect((await job.read(jobId, recordedId)).props).to.deep.equal(recordedId);
    });

    it("encodes the id as a path segment", async () => {
      const scope = nock(endpoint)
        .get(`${jobs}/a%2Bb`)
        .reply(200, { ...complete, id: "a+b" });
      await job.read("a+b", recorded);
      scope.done();
    });

    it("keeps the last known outputs of a job the API deleted on completion", async () => {
      nock(endpoint)
        .get(`${jobs}/${jobId}`)
        .reply(404, { httpStatusCode: 404, errorCode: "HPE_GL_ERROR_NOT_FOUND", message: "gone" });
      const last = { ...inputs, ...complete };
      const result = await job.read(jobId, last);
      expect(result.id).to.equal(jobId);
      expect(result.props).to.deep.equal(last);
      expect(result.inputs).not.to.have.property("state");
    });
  });

  describe("update", () => {
    it("resumes waiting for a job whose create timed out, and records it once COMPLETE", async () => {
      nock(endpoint).get(`${jobs}/${jobId}`).reply(200, complete);
      const result = await job.update(jobId, { ...inputs, ...pending, state: "RUNNING" }, inputs);
      expect(result.outs).to.deep.include({ state: "COMPLETE", resultCode: "SUCCESS" });
    });

    it("fails again for a job that ended in ERROR, keeping its id and outputs", async () => {
      nock(endpoint).get(`${jobs}/${jobId}`).reply(200, failedJob);
      const error = await failureOf(job.update(jobId, { ...inputs, ...failedJob }, inputs));
      expect(error.id).to.equal(jobId);
      expect(error.properties.state).to.equal("ERROR");
    });

    it("records a raised timeoutMinutes in place, resuming the wait with no new job", async () => {
      // Only the GET is answered: a POST (a new run) would find no interceptor.
      const scope = nock(endpoint)
        .get(`${jobs}/${jobId}`)
        .reply(200, { ...pending, state: "RUNNING" })
        .get(`${jobs}/${jobId}`)
        .reply(200, complete);
      const result = await job.update(
        jobId,
        { ...inputs, ...pending, state: "RUNNING" },
        { ...inputs, timeoutMinutes: 30 },
      );
      scope.done();
      expect(result.outs).to.deep.include({ state: "COMPLETE", timeoutMinutes: 30 });
    });

    it("records waitForCompletion: false in place without waiting", async () => {
      const result = await job.update(
        jobId,
        { ...inputs, ...complete },
        { ...inputs, waitForCompletion: false },
      );
      expect(nock.pendingMocks()).to.deep.equal([]);
      expect(result.outs).to.deep.include({ state: "COMPLETE", waitForCompletion: false });
    });

    it("refuses a change of input, which only a replacement can make", async () => {
      const error = await job
        .update(jobId, { ...inputs, ...complete }, { ...inputs, triggers: ["v2"] })
        .catch((e: unknown) => e);
      expect((error as Error).message).to.match(/cannot be changed in place \(triggers/);
    });
  });

  describe("delete", () => {
    it("makes no call: jobs cannot be deleted", async () => {
      await job.delete(jobId, { ...inputs, ...complete });
      expect(nock.pendingMocks()).to.deep.equal([]);
      expect(nock.isDone()).to.equal(true);
    });
  });

  describe("batched reads", () => {
    const unbatched = jobImplementation(testComputeOps({}, { readBatchWindowMs: 0 }));
    const recorded = { ...inputs, ...pending };
    const ids = [jobId, "a5f0c3d2-1b4e-4f6a-9c8d-7e6f5a4b3c2d", "c-gone"];
    const states = [complete, { ...complete, id: ids[1], state: "RUNNING", resultCode: null }];

    it("reads concurrent jobs with one id-filtered list, and a job it leaves out by GET", async () => {
      const list = nock(endpoint)
        .get(jobs)
        .query({
          filter: `id in (${ids.map((id) => `'${id}'`).join(",")})`,
          offset: "0",
          limit: "3",
        })
        .reply(200, { count: 2, offset: 0, total: 2, items: states })
        .get(`${jobs}/c-gone`)
        .reply(404, {});
      const read = (implementation: typeof job) =>
        Promise.all(ids.map((id) => implementation.read(id, { ...recorded, id })));
      const batched = await read(job);
      list.done();
      const gets = nock(endpoint)
        .get(`${jobs}/${ids[0]}`)
        .reply(200, states[0])
        .get(`${jobs}/${ids[1]}`)
        .reply(200, states[1])
        .get(`${jobs}/c-gone`)
        .reply(404, {});
      const single = await read(unbatched);
      gets.done();
      expect(batched).to.deep.equal(single);
      // A job deleted once complete keeps its recorded outputs.
      expect(batched[2].props).to.deep.equal({ ...recorded, id: "c-gone" });
    });
  });
});
