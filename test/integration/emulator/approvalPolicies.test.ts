import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { emulatorRequestLog, resetEmulatorStats } from "../../../emulator/adminClient";
import { approvalPolicyImplementation } from "../../../provider/computeOps/approvalPolicy";
import { applyStackConfig } from "../../../provider/core/configuration";
import { testComputeOps } from "../../unit/resourceTestSetup";
import { Body, issuesOf, policies, policyBody, sleep, subjectsOf, useEmulator } from "./kit";

describe("Emulator", function () {
  this.timeout(15_000);
  const session = useEmulator();
  const { com, create } = session;

  describe("approval policies", () => {
    it("creates a policy with the common fields, ACTIVE state and remarks", async () => {
      const body = policyBody();
      const response = await com("POST", policies, body);
      expect(response.status).to.equal(201);
      const policy = response.data;
      expect(policy.id).to.match(/^[0-9a-f-]{36}$/);
      expect(policy.type).to.equal("compute-ops-mgmt/approval-policy");
      expect(policy.generation).to.equal(1);
      expect(policy.state).to.equal("ACTIVE");
      expect(policy).to.have.property("remarks");
      expect(policy.resourceUri).to.equal(`${policies}/${policy.id}`);
      expect(policy.createdAt).to.equal(policy.updatedAt);
      expect(policy.policyData).to.deep.equal(body.policyData);
      const read = await com("GET", `${policies}/${policy.id}`);
      expect(read.data).to.deep.equal(policy);
    });

    it("answers the provider's shared name check of concurrent creates (name in), one taken name among them", async () => {
      // The provider in process against this emulator: what it sends must pass the contract.
      applyStackConfig({
        get: (key) =>
          ({
            "compute-ops:endpoint": session.emulator.computeOpsEndpoint,
            "compute-ops:token": session.accessToken,
          })[key],
      });
      try {
        const theirs = await create(policies, policyBody({ name: "shared-check-2" }));
        const implementation = approvalPolicyImplementation(testComputeOps());
        const names = ["shared-check-1", "shared-check-2", "shared-check-3", "shared-check-4"];
        const inputs = await Promise.all(
          names.map(async (name) => {
            const result = await implementation.check(
              {},
              { ...policyBody({ name }), __provider: "x" },
            );
            expect(result.failures).to.equal(undefined);
            return result.inputs;
          }),
        );
        await resetEmulatorStats(session.emulator);
        const results = await Promise.allSettled(
          inputs.map((input) => implementation.create(input)),
        );
        const log = await emulatorRequestLog(session.emulator);
        expect(log.filter((entry) => entry.method === "GET").length).to.equal(1);
        expect(
          log.filter((entry) => entry.method === "POST").map((entry) => entry.status),
        ).to.deep.equal([201, 201, 201]);
        expect(results.map((result) => result.status)).to.deep.equal([
          "fulfilled",
          "rejected",
          "fulfilled",
          "fulfilled",
        ]);
        expect(String((results[1] as PromiseRejectedResult).reason)).to.include(
          `(id ${theirs.id as string}`,
        );
      } finally {
        applyStackConfig({ get: () => undefined });
      }
    });

    it("fills in minApprovers 1 when it is left out", async () => {
      const policy = await create(
        policies,
        policyBody({
          policyData: {
            approvables: [{ approvableName: "Power on", approvers: [{ email: "a@example.com" }] }],
            resources: [],
          },
        }),
      );
      const data = policy.policyData as { approvables: Body[] };
      expect(data.approvables[0].minApprovers).to.equal(1);
    });

    it("rejects a policy without a name with 400 naming the field", async () => {
      const response = await com("POST", policies, policyBody({ name: undefined }));
      expect(response.status).to.equal(400);
      expect(response.data.errorCode).to.be.a("string");
      expect(issuesOf(response)).to.deep.include({
        source: "field",
        subject: "name",
        description: "is required",
      });
    });

    it("rejects an approvable name outside the spec's list, a bad email and too many minApprovers", async () => {
      const response = await com(
        "POST",
        policies,
        policyBody({
          policyData: {
            approvables: [
              {
                approvableName: "Format disks",
                approvers: [{ email: "not-an-email" }],
                minApprovers: 2,
              },
            ],
            resources: [],
          },
        }),
      );
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include.members([
        "policyData.approvables[0].approvableName",
        "policyData.approvables[0].approvers[0].email",
        "policyData.approvables[0].minApprovers",
      ]);
    });

    it("rejects minApprovers 0 and a resource that is not a group with a UUID", async () => {
      const response = await com(
        "POST",
        policies,
        policyBody({
          policyData: {
            approvables: [
              { approvableName: "Reset", approvers: [{ email: "a@example.com" }], minApprovers: 0 },
            ],
            resources: [{ resourceId: "group-1", resourceType: "compute-ops-mgmt/server" }],
          },
        }),
      );
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include.members([
        "policyData.approvables[0].minApprovers",
        "policyData.resources[0].resourceId",
        "policyData.resources[0].resourceType",
      ]);
    });

    it("answers 409 for a second policy with the same name", async () => {
      const body = policyBody();
      await create(policies, body);
      const response = await com("POST", policies, body);
      expect(response.status).to.equal(409);
      expect(response.data.httpStatusCode).to.equal(409);
    });

    it("applies a merge patch: arrays are replaced, generation increases", async () => {
      const policy = await create(policies, policyBody());
      await sleep(5);
      const newResource = { resourceId: randomUUID(), resourceType: "compute-ops-mgmt/group" };
      const response = await com("PATCH", `${policies}/${policy.id}`, {
        description: "",
        policyData: { resources: [newResource] },
      });
      expect(response.status).to.equal(200);
      const updated = response.data;
      expect(updated.description).to.equal("");
      expect(updated.policyData.resources).to.deep.equal([newResource]);
      expect(updated.policyData.approvables).to.deep.equal((policy.policyData as Body).approvables);
      expect(updated.generation).to.equal(2);
      expect(updated.updatedAt > updated.createdAt).to.equal(true);
      expect(updated.id).to.equal(policy.id);
    });

    it("rejects a patch whose result is invalid and leaves the policy as it was", async () => {
      const policy = await create(policies, policyBody());
      const response = await com("PATCH", `${policies}/${policy.id}`, { name: " " });
      expect(response.status).to.equal(422);
      expect(subjectsOf(response)).to.include("name");
      const read = await com("GET", `${policies}/${policy.id}`);
      expect(read.data.generation).to.equal(1);
      expect(read.data.name).to.equal(policy.name);
    });

    it("deletes with 204 and then answers 404", async () => {
      const policy = await create(policies, policyBody());
      expect((await com("DELETE", `${policies}/${policy.id}`)).status).to.equal(204);
      const gone = await com("GET", `${policies}/${policy.id}`);
      expect(gone.status).to.equal(404);
      expect(gone.data.httpStatusCode).to.equal(404);
      expect((await com("DELETE", `${policies}/${policy.id}`)).status).to.equal(404);
    });
  });
});
