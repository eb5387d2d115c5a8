import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { setJobTemplate } from "../../../emulator/adminClient";
import { Body, jobs, poll, powerOnTemplate, serverId, sleep, subjectsOf, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com, create } = session;

  describe("jobs", () => {
    async function runToEnd(jobParams?: Body, extra: Body = {}) {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
        ...(jobParams ? { jobParams } : {}),
        ...extra,
      });
      const seen = new Set<string>([job.state as string]);
      const last = await poll(
        () => com("GET", `${jobs}/${encodeURIComponent(job.id as string)}`),
        (r) => {
          if (r.status === 200) seen.add(r.data.state);
          return r.status === 404 || ["COMPLETE", "ERROR"].includes(r.data.state);
        },
      );
      return { job, last, seen };
    }

    it("moves a job from PENDING through RUNNING to COMPLETE with resultCode SUCCESS", async () => {
      const { job, last, seen } = await runToEnd();
      expect(job.state).to.equal("PENDING");
      expect(job.resultCode).to.equal(null);
      expect(job.type).to.equal("compute-ops-mgmt/job");
      expect(job.resource).to.deep.equal({ id: serverId, type: "compute-ops-mgmt/server" });
      expect(job.resourceUri).to.equal(`${jobs}/${job.id}`);
      expect(seen.has("RUNNING")).to.equal(true);
      expect(last.data).to.include({ state: "COMPLETE", resultCode: "SUCCESS" });
      expect(last.data.generation).to.equal(3);
    });

    it("ends in ERROR with resultCode FAILURE and a message when jobParams ask for it", async () => {
      const { last } = await runToEnd({ emulatorOutcome: "ERROR" });
      expect(last.data).to.include({ state: "ERROR", resultCode: "FAILURE" });
      expect(last.data.statusDetails.message).to.be.a("string");
    });

    it("deletes a deleteOnComplete job once it completes", async () => {
      const { last } = await runToEnd({ deleteOnComplete: true });
      expect(last.status).to.equal(404);
    });

    it("holds a job in its state for emulatorStepMs", async () => {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
        jobParams: { emulatorStepMs: 60_000 },
      });
      await sleep(150);
      const read = await com("GET", `${jobs}/${job.id}`);
      expect(read.data.state).to.equal("PENDING");
      const ended = await com("PATCH", `${jobs}/${job.id}`, { state: "ERROR" });
      expect(ended.status).to.equal(200);
      expect(ended.data).to.include({ state: "ERROR", resultCode: "FAILURE" });
    });

    it("rejects an unknown template, a missing resourceId and a PATCH of other fields", async () => {
      const bad = await com("POST", jobs, {
        jobTemplate: randomUUID(),
        resourceId: "",
        resourceType: "compute-ops-mgmt/server",
      });
      expect(bad.status).to.equal(400);
      expect(subjectsOf(bad)).to.include.members(["jobTemplate", "resourceId"]);
      const { job } = await runToEnd();
      const patch = await com("PATCH", `${jobs}/${job.id}`, { name: "renamed" });
      expect(patch.status).to.equal(400);
      expect(subjectsOf(patch)).to.deep.equal(["name"]);
    });

    it("takes job templates from the tenant's catalogue, where a test may change a template's id", async () => {
      const listed = async () =>
        (await com("GET", "/compute-ops-mgmt/v1beta2/job-templates?limit=1000")).data
          .items as Body[];
      const restart = "30110551-cad6-4069-95b8-dbce9bbd8525";
      const moved = "6a1e0c2d-3b4f-4a5e-9d8c-7b6a5f4e3d2c";
      expect((await listed()).find((t) => t.name === "Server Restart")?.id).to.equal(restart);
      await setJobTemplate(session.emulator, { id: moved, name: "Server Restart" });
      expect(
        (await listed()).filter((t) => t.name === "Server Restart").map((t) => t.id),
      ).to.deep.equal([moved]);
      const body = { resourceId: serverId, resourceType: "compute-ops-mgmt/server" };
      const stale = await com("POST", jobs, { ...body, jobTemplate: restart });
      expect(stale.status).to.equal(400);
      expect(subjectsOf(stale)).to.deep.equal(["jobTemplate"]);
      const job = await create(jobs, { ...body, jobTemplate: moved });
      expect(job.name).to.equal("Server Restart");
    });
  });
});
