import { expect } from "chai";
import nock from "nock";
import { job, jobWaiting } from "../../provider/job";
import { PartialCreateError } from "../../provider/pulumiResults";
import { endpoint, provider, useTestApis } from "./resourceTestSetup";

const path = "/compute-ops-mgmt/v1/jobs";
const serverId = "P06760-B21+2M212504P8";
const powerOn = "0cbb2377-1834-488d-840c-d5bf788c34fb";
const inputs = {
  jobTemplate: "Server Power On",
  resourceType: "compute-ops-mgmt/server",
  resourceId: serverId,
  triggers: ["v1"],
  waitForCompletion: true,
  timeoutMinutes: 5,
  __provider: provider,
};

describe("Job", () => {
  useTestApis();
  let now = 0;
  beforeEach(() => {
    now = Date.now();
    jobWaiting.now = () => now;
    jobWaiting.sleep = async (ms) => void (now += ms);
  });
  afterEach(() => {
    jobWaiting.now = undefined;
    jobWaiting.sleep = undefined;
  });

  describe("check", () => {
    it("maps a template name from seed 000's table, ignoring case and spaces", async () => {
      for (const name of ["Server Power On", "serverpoweron", powerOn]) {
        const result = await job.check({}, { ...inputs, jobTemplate: name });
        expect(result.failures, name).to.equal(undefined);
      }
    });

    it("rejects an unknown template naming jobTemplate and listing the names", async () => {
      const result = await job.check({}, { ...inputs, jobTemplate: "Make Coffee" });
      expect(result.failures?.[0].property).to.equal("jobTemplate");
      expect(result.failures?.[0].reason).to.include("Group Firmware Update");
    });

    it("bounds timeoutMinutes to 1..1440", async () => {
      const result = await job.check({}, { ...inputs, timeoutMinutes: 0 });
      expect(result.failures?.map((f) => f.property)).to.deep.equal(["timeoutMinutes"]);
    });
  });

  describe("create", () => {
    it("posts the template id and waits for COMPLETE, recording the outputs", async () => {
      const scope = nock(endpoint)
        .post(path, {
          jobTemplate: powerOn,
          resourceId: serverId,
          resourceType: "compute-ops-mgmt/server",
        })
        .reply(201, { id: "j1", state: "PENDING" })
        .get(`${path}/j1`)
        .reply(200, { id: "j1", state: "RUNNING" })
        .get(`${path}/j1`)
        .reply(200, { id: "j1", state: "COMPLETE", resultCode: "SUCCESS", status: "done" });
      const result = await job.create(inputs);
      expect(result.id).to.equal("j1");
      expect(result.outs).to.deep.include({
        state: "COMPLETE",
        resultCode: "SUCCESS",
        resourceId: serverId,
      });
      scope.done();
    });

    it("fails with the job's status and statusDetails on ERROR, and records the id", async () => {
      nock(endpoint)
        .post(path)
        .reply(201, { id: "j2", state: "PENDING" })
        .get(`${path}/j2`)
        .reply(200, {
          id: "j2",
          state: "ERROR",
          resultCode: "FAILURE",
          status: "failed",
          statusDetails: { message: "iLO unreachable" },
        });
      const error = (await job.create(inputs).catch((e: unknown) => e)) as PartialCreateError;
      expect(error).to.be.instanceOf(PartialCreateError);
      expect(error.id).to.equal("j2");
      expect(error.message).to.include("iLO unreachable");
      expect(error.properties.__provider).to.equal(provider);
    });

    it("fails on timeout naming timeoutMinutes, and records the id", async () => {
      nock(endpoint)
        .post(path)
        .reply(201, { id: "j3", state: "PENDING" })
        .get(`${path}/j3`)
        .times(200)
        .reply(200, { id: "j3", state: "RUNNING" });
      const error = (await job
        .create({ ...inputs, timeoutMinutes: 1 })
        .catch((e: unknown) => e)) as PartialCreateError;
      expect(error).to.be.instanceOf(PartialCreateError);
      expect(error.message).to.include("timeoutMinutes");
      expect(error.id).to.equal("j3");
      nock.cleanAll();
    });

    it("returns at once when waitForCompletion is false", async () => {
      nock(endpoint).post(path).reply(201, { id: "j4", state: "PENDING" });
      expect((await job.create({ ...inputs, waitForCompletion: false })).outs.state).to.equal(
        "PENDING",
      );
    });

    it("finds the job it made after a lost answer, filtering on the server id with '+' encoded", async () => {
      let sentPath = "";
      const scope = nock(endpoint)
        .post(path)
        .once()
        .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
        .get(path)
        .query(true)
        .reply(200, { items: [{ id: "j5", state: "COMPLETE", resultCode: "SUCCESS" }], total: 1 })
        .get(`${path}/j5`)
        .reply(200, { id: "j5", state: "COMPLETE", resultCode: "SUCCESS" });
      scope.on("request", (req: { path: string }) => {
        if (req.path.includes("filter=")) sentPath = req.path;
      });
      expect((await job.create(inputs)).id).to.equal("j5");
      expect(sentPath).to.include("P06760-B21%2B2M212504P8");
      scope.done();
    });
  });

  describe("diff, read and delete", () => {
    it("replaces on a changed trigger", async () => {
      expect(
        (await job.diff("j1", inputs, { ...inputs, triggers: ["v2"] })).replaces,
      ).to.deep.equal(["triggers"]);
    });

    it("keeps the last known outputs of a job the API deleted on completion", async () => {
      nock(endpoint).get(`${path}/j1`).reply(404, {});
      const props = { ...inputs, state: "COMPLETE" };
      const result = await job.read("j1", props);
      expect(result.id).to.equal("j1");
      expect(result.props?.state).to.equal("COMPLETE");
    });

    it("deletes nothing: jobs cannot be deleted", async () => {
      await job.delete("j1", inputs);
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  });
});
