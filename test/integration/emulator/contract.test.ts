import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { requestViolations } from "../../../emulator";
import { answerJobApproval, stallJob } from "../../../emulator/adminClient";
import { BaseType, typeFits } from "../../../emulator/computeOps/contract";
import {
  Body,
  issuesOf,
  jobs,
  keys,
  poll,
  policies,
  policyBody,
  powerOnTemplate,
  serverId,
  serviceNowBody,
  services,
  useEmulator,
  vCenterBody,
} from "./kit";

const groupFirmwareUpdate = "91159b5e-9eeb-11ec-a9da-00155dc0a0c0";
const groups = "/compute-ops-mgmt/v1/groups";

describe("Emulator", function () {
  this.timeout(15_000);
  // Not recorded for the conformance check: these tests break the contract on purpose.
  const session = useEmulator({ recorded: false });
  const { com, create } = session;

  describe("contract strictness", () => {
    it("refuses a query parameter the operation does not declare (offset on the external-service list)", async () => {
      const response = await com("GET", `${services}?offset=0&limit=100`);
      expect(response.status).to.equal(400);
      expect(issuesOf(response).map((i) => [i.source, i.subject])).to.deep.equal([
        ["query.parameter", "offset"],
        ["query.parameter", "limit"],
      ]);
      expect((await com("GET", `${services}?filter=serviceType%20eq%20'DSCC'`)).status).to.equal(
        200,
      );
    });

    it("refuses a filter on a property the operation does not declare (name on external services)", async () => {
      const response = await com("GET", `${services}?filter=${encodeURIComponent("name eq 'x'")}`);
      expect(response.status).to.equal(400);
      expect(issuesOf(response)[0]).to.include({ subject: "filter" });
      expect(issuesOf(response)[0].description).to.include("name");
    });

    it("refuses a body on /test, which takes none: 415 with a Content-Type", async () => {
      const service = await create(services, serviceNowBody());
      const withBody = await com("POST", `${services}/${service.id}/test`, {});
      expect(withBody.status).to.equal(415);
      const bare = await com("POST", `${services}/${service.id}/test`);
      expect(bare.status).to.equal(202);
      expect(bare.data).to.equal("");
      // A GET carries no body: a Content-Type on it claims none and is not refused.
      const read = await com("GET", `${services}/${service.id}`, undefined, {
        "Content-Type": "application/json",
      });
      expect(read.status).to.equal(200);
    });

    it("refuses null for an approval policy's description with 422, the status PATCH declares", async () => {
      const policy = await create(policies, policyBody());
      const response = await com("PATCH", `${policies}/${policy.id}`, { description: null });
      expect(response.status).to.equal(422);
      expect(issuesOf(response)[0]).to.include({ source: "field", subject: "description" });
      const cleared = await com("PATCH", `${policies}/${policy.id}`, { description: "" });
      expect(cleared.status).to.equal(200);
    });

    it("refuses a value outside an enum (a job PATCH state)", async () => {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
      });
      const response = await com("PATCH", `${jobs}/${job.id}`, { state: "RUNNING" });
      expect(response.status).to.equal(400);
      expect(issuesOf(response)[0]).to.include({ subject: "state" });
    });

    it("refuses a missing required field (description on an external-service POST)", async () => {
      const { description: _d, ...body } = vCenterBody();
      const response = await com("POST", services, body);
      expect(response.status).to.equal(400);
      expect(issuesOf(response).map((i) => i.subject)).to.deep.equal(["description"]);
    });

    it("refuses a Tenant-Acid that is not a UUID where the operation declares it (jobs)", async () => {
      const response = await com("GET", jobs, undefined, { "Tenant-Acid": "tenant-1" });
      expect(response.status).to.equal(400);
      expect(issuesOf(response)[0]).to.include({ source: "header", subject: "Tenant-Acid" });
    });

    it("answers 404 for a path id that is not a UUID where the contract says uuid", async () => {
      expect((await com("GET", `${policies}/policy-1`)).status).to.equal(404);
      expect((await com("DELETE", `${services}/not-a-uuid`)).status).to.equal(404);
    });

    it("answers activation keys and jobs in the spec's shapes", async () => {
      const key = await create(keys, {
        targetDevice: "ILO",
        tags: [{ name: "site", value: "lab" }],
      });
      expect(Object.keys(key).sort()).to.deep.equal(
        [
          "activationKey",
          "applianceName",
          "applianceUri",
          "createdAt",
          "details",
          "expiresAt",
          "generation",
          "id",
          "subscriptionKey",
          "targetDevice",
          "type",
          "updatedAt",
        ].sort(),
      );
      expect(key.details).to.deep.equal({
        applianceName: "",
        tags: [{ name: "site", value: "lab" }],
      });
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
      });
      expect(job).not.to.have.any.keys("resourceId", "resourceType", "input");
      expect(job).to.include.keys("name", "parentJobId", "generation", "resource");
    });
  });

  describe("nullability (issue 22)", () => {
    // groupUpdateRequest-v1 types description, autoAddTags and settingsUris as
    // string, object and array, none nullable; its policies (groupPolicies-v1) is a
    // oneOf with a {type: "null"} branch.
    async function group(): Promise<string> {
      const created = await create(groups, {
        name: `group-${randomUUID()}`,
        deviceType: "DIRECT_CONNECT_SERVER",
        description: "to clear",
      });
      return `${groups}/${created.id as string}`;
    }

    it("refuses a group PATCH that drops optional fields with null, naming each field", async () => {
      const path = await group();
      const response = await com("PATCH", path, {
        description: null,
        autoAddTags: null,
        settingsUris: null,
      });
      expect(response.status).to.equal(400);
      expect(issuesOf(response).map((i) => [i.subject, i.description])).to.deep.equal([
        ["description", "must be a string"],
        ["autoAddTags", "must be an object"],
        ["settingsUris", "must be an array"],
      ]);
      const alone = await com("PATCH", path, { description: null });
      expect(alone.status).to.equal(400);
      expect(issuesOf(alone).map((i) => i.subject)).to.deep.equal(["description"]);
      // What the spec allows instead: an empty string, object and array.
      const cleared = await com("PATCH", path, {
        description: "",
        autoAddTags: {},
        settingsUris: [],
      });
      expect(cleared.status).to.equal(200);
    });

    it("accepts null for a group's policies, which the spec allows, and answers the defaults", async () => {
      const path = await group();
      const response = await com("PATCH", path, { policies: null });
      expect(response.status).to.equal(200);
      const policies = response.data.policies as { onDeviceAdd: Record<string, unknown> };
      expect(policies.onDeviceAdd).to.include({ firmwareUpdate: false });
    });

    it("lets serviceData be null, as the DSCC branch of its oneOf allows, leaving the rest to the handler", () => {
      const request = {
        method: "POST",
        path: "/v1beta1/external-services",
        query: {},
        contentType: "application/json",
        rawBody: JSON.stringify({ ...vCenterBody(), serviceData: null }),
      };
      expect(requestViolations({ ...request, path: services })).to.deep.equal([]);
      const patch = {
        ...request,
        method: "PATCH",
        path: `${services}/${randomUUID()}`,
        contentType: "application/merge-patch+json",
      };
      expect(
        requestViolations({ ...patch, rawBody: JSON.stringify({ serviceData: null }) }),
      ).to.deep.equal([]);
      expect(
        requestViolations({ ...patch, rawBody: JSON.stringify({ authentication: null }) }),
      ).to.deep.equal(["field authentication must be an object (400)"]);
    });

    it("fits null only to a type or enum that allows it, for every type", () => {
      const bases: BaseType[] = ["string", "number", "integer", "boolean", "array", "object"];
      const samples: Record<BaseType, unknown> = {
        string: "",
        number: 0.5,
        integer: 3,
        boolean: false,
        array: [],
        object: {},
      };
      for (const base of bases) {
        expect(typeFits(null, base), base).to.equal(false);
        expect(typeFits(null, `${base}|null`), `${base}|null`).to.equal(true);
        expect(typeFits(samples[base], base), base).to.equal(true);
        expect(typeFits(samples[base], `${base}|null`), `${base}|null`).to.equal(true);
        expect(typeFits(undefined, `${base}|null`), `undefined for ${base}|null`).to.equal(false);
      }
      expect(typeFits([], "object")).to.equal(false);
      expect(typeFits(0.5, "integer")).to.equal(false);
      expect(typeFits(null, ["A", "B"])).to.equal(false);
      expect(typeFits(null, ["A", null])).to.equal(true);
      expect(typeFits("null", ["A", null])).to.equal(false);
    });
  });

  describe("conformance check", () => {
    const request = {
      method: "GET",
      path: services,
      query: { filter: "name eq 'x'", offset: "0", limit: "100" },
      contentType: "",
      rawBody: "",
    };

    it("names every rule an external-service recovery list breaks", () => {
      expect(requestViolations(request)).to.deep.equal([
        "query.parameter offset is not a parameter of this operation (400)",
        "query.parameter limit is not a parameter of this operation (400)",
        "query.parameter filter cannot filter on name (400)",
      ]);
      expect(
        requestViolations({ ...request, query: { filter: "serviceType eq 'DSCC'" } }),
      ).to.deep.equal([]);
    });

    it("flags a Tenant-Acid sent where the operation does not declare it", () => {
      expect(
        requestViolations({ ...request, path: policies, query: {}, tenantAcid: randomUUID() }),
      ).to.deep.equal(["header Tenant-Acid is not a parameter of this operation"]);
    });
  });

  describe("jobs held for approval", () => {
    async function heldJob(): Promise<Body> {
      const group = randomUUID();
      await create(
        policies,
        policyBody({
          policyData: {
            approvables: [
              { approvableName: "Update firmware", approvers: [{ email: "a@example.com" }] },
            ],
            resources: [{ resourceId: group, resourceType: "compute-ops-mgmt/group" }],
          },
        }),
      );
      const job = await create(jobs, {
        jobTemplate: groupFirmwareUpdate,
        resourceId: group,
        resourceType: "compute-ops-mgmt/group",
      });
      expect(job).to.include({ state: "APPROVAL_PENDING", status: "Waiting for approval" });
      return job;
    }

    const read = (id: unknown) => com("GET", `${jobs}/${String(id)}`);

    it("runs a job once it is approved", async () => {
      const job = await heldJob();
      await answerJobApproval(session.emulator, job.id as string, "APPROVED");
      const done = await poll(
        () => read(job.id),
        (r) => r.data.state === "COMPLETE",
      );
      expect(done.data.resultCode).to.equal("SUCCESS");
    });

    it("ends a declined job COMPLETE with resultCode DECLINED", async () => {
      const job = await heldJob();
      await answerJobApproval(session.emulator, job.id as string, "DECLINED");
      expect((await read(job.id)).data).to.include({ state: "COMPLETE", resultCode: "DECLINED" });
    });

    it("does not hold a job on another group or for another operation", async () => {
      await heldJob();
      const other = await create(jobs, {
        jobTemplate: groupFirmwareUpdate,
        resourceId: randomUUID(),
        resourceType: "compute-ops-mgmt/group",
      });
      expect(other.state).to.equal("PENDING");
    });

    it("stalls a job through admin, and the job stays STALLED", async () => {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
      });
      await stallJob(session.emulator, job.id as string);
      const stalled = await read(job.id);
      expect(stalled.data).to.include({ state: "STALLED", status: "Job stalled" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await read(job.id)).data.state).to.equal("STALLED");
    });
  });
});
