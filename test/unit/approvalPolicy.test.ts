import { expect } from "chai";
import nock from "nock";
import { approvalPolicy } from "../../provider/approvalPolicy";
import { PartialCreateError } from "../../provider/pulumiResults";
import { endpoint, provider, useTestApis } from "./resourceTestSetup";

const path = "/compute-ops-mgmt/v1beta2/approval-policies";
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const declared = {
  name: "fw",
  description: "firmware",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware",
        approvers: [{ email: "a@example.com" }],
        minApprovers: 1,
      },
    ],
    resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
  },
};
const live = {
  id: "p1",
  ...declared,
  state: "ACTIVE",
  remarks: "",
  generation: 1,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  resourceUri: `${path}/p1`,
};

describe("ApprovalPolicy", () => {
  useTestApis();

  describe("check", () => {
    it("accepts a valid policy and fills in defaults", async () => {
      const result = await approvalPolicy.check(
        {},
        {
          name: "fw",
          policyData: {
            approvables: [{ approvableName: "Power on", approvers: [{ email: "a@example.com" }] }],
            resources: [{ resourceId: groupId }],
          },
          __provider: provider,
        },
      );
      expect(result.failures).to.equal(undefined);
      expect(result.inputs.policyData.approvables[0].minApprovers).to.equal(1);
      expect(result.inputs.policyData.resources[0].resourceType).to.equal("compute-ops-mgmt/group");
      expect(result.inputs.__provider).to.equal(provider);
    });

    it("names each bad property: approvable name, email, minApprovers, resource id", async () => {
      const result = await approvalPolicy.check(
        {},
        {
          name: "fw",
          policyData: {
            approvables: [
              { approvableName: "Reboot everything", approvers: [{ email: "a@example.com" }] },
              { approvableName: "Reset", approvers: [{ email: "not-an-email" }], minApprovers: 2 },
            ],
            resources: [{ resourceId: "group-1" }],
          },
        },
      );
      const properties = (result.failures ?? []).map((f) => f.property);
      expect(properties).to.include.members([
        "policyData.approvables.0.approvableName",
        "policyData.approvables.1.approvers.0.email",
        "policyData.approvables.1.minApprovers",
        "policyData.resources.0.resourceId",
      ]);
      const reason = result.failures?.find((f) => f.property.endsWith("minApprovers"))?.reason;
      expect(reason).to.include("number of approvers");
    });

    it("requires a name", async () => {
      const result = await approvalPolicy.check({}, { policyData: {} });
      expect(result.failures?.map((f) => f.property)).to.include("name");
    });
  });

  describe("diff", () => {
    it("sees no change when the declared values match", async () => {
      const result = await approvalPolicy.diff("p1", live, declared);
      expect(result.changes).to.equal(false);
    });

    it("ignores server fields the program does not declare", async () => {
      const result = await approvalPolicy.diff(
        "p1",
        { ...live, remarks: "set by server" },
        declared,
      );
      expect(result.changes).to.equal(false);
    });

    it("updates in place for a new description and replaces for a new tenant", async () => {
      expect(
        await approvalPolicy.diff("p1", live, { ...declared, description: "x" }),
      ).to.deep.include({
        changes: true,
        replaces: [],
      });
      expect(
        (await approvalPolicy.diff("p1", live, { ...declared, tenantAcid: "t1" })).replaces,
      ).to.deep.equal(["tenantAcid"]);
    });
  });

  describe("create", () => {
    it("posts the declared policy as JSON and returns it with the read-only fields", async () => {
      const scope = nock(endpoint)
        .post(path, declared)
        .matchHeader("content-type", "application/json")
        .reply(201, live);
      const result = await approvalPolicy.create({ ...declared, __provider: provider });
      expect(result.id).to.equal("p1");
      expect(result.outs).to.deep.include({ state: "ACTIVE", generation: 1, name: "fw" });
      expect(result.outs).not.to.have.property("__provider");
      scope.done();
    });

    it("finds the policy by name instead of posting again when the answer was lost", async () => {
      const scope = nock(endpoint)
        .post(path)
        .once()
        .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
        .get(path)
        .query({ filter: "name eq 'fw'", offset: "0", limit: "100" })
        .reply(200, { items: [live], count: 1, offset: 0, total: 1 });
      const result = await approvalPolicy.create({ ...declared, __provider: provider });
      expect(result.id).to.equal("p1");
      scope.done();
    });

    it("adopts an existing policy: reads it and patches what differs, without a POST", async () => {
      const scope = nock(endpoint)
        .get(`${path}/p9`)
        .reply(200, { ...live, id: "p9", description: "old" })
        .patch(`${path}/p9`, { description: "firmware" })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, { ...live, id: "p9" });
      const result = await approvalPolicy.create({
        ...declared,
        adoptId: "p9",
        __provider: provider,
      });
      expect(result.id).to.equal("p9");
      expect(result.outs.adoptId).to.equal("p9");
      scope.done();
    });

    it("records the adopted id when bringing it to the declared state fails", async () => {
      nock(endpoint)
        .get(`${path}/p9`)
        .reply(200, { ...live, id: "p9", description: "old" })
        .patch(`${path}/p9`)
        .reply(400, { message: "no" });
      const error = await approvalPolicy
        .create({ ...declared, adoptId: "p9", __provider: provider })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PartialCreateError);
      expect((error as PartialCreateError).id).to.equal("p9");
      expect((error as PartialCreateError).properties.__provider).to.equal(provider);
    });
  });

  describe("read", () => {
    it("returns live values as props and as inputs, so a change by hand is drift", async () => {
      nock(endpoint)
        .get(`${path}/p1`)
        .reply(200, { ...live, description: "edited by hand", remarks: "r" });
      const result = await approvalPolicy.read("p1", { ...live });
      expect(result.id).to.equal("p1");
      expect(result.inputs).to.deep.equal({ ...declared, description: "edited by hand" });
      expect(result.props).to.deep.include({ description: "edited by hand", remarks: "r" });
    });

    it("reads resources spelled id/type as resourceId/resourceType", async () => {
      nock(endpoint)
        .get(`${path}/p1`)
        .reply(200, {
          ...live,
          policyData: {
            ...live.policyData,
            resources: [{ id: groupId, type: "compute-ops-mgmt/group" }],
          },
        });
      const result = await approvalPolicy.read("p1", { ...live });
      expect(result.inputs).to.deep.equal(declared);
    });

    it("reads a deleted policy as gone", async () => {
      nock(endpoint).get(`${path}/p1`).reply(404, { message: "not found" });
      expect((await approvalPolicy.read("p1", { ...live })).id).to.equal("");
    });
  });

  describe("update", () => {
    it("sends only changed fields as a merge patch, and the whole policyData", async () => {
      const newData = {
        ...declared.policyData,
        approvables: [
          { ...declared.policyData.approvables[0], approvers: [{ email: "b@example.com" }] },
        ],
      };
      const scope = nock(endpoint)
        .patch(`${path}/p1`, { policyData: newData })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, { ...live, policyData: newData, generation: 2 });
      const result = await approvalPolicy.update("p1", live, { ...declared, policyData: newData });
      expect(result.outs?.generation).to.equal(2);
      scope.done();
    });
  });

  describe("delete", () => {
    it("deletes the policy, and a policy already gone is deleted too", async () => {
      const scope = nock(endpoint)
        .delete(`${path}/p1`)
        .reply(204)
        .delete(`${path}/p2`)
        .reply(404, {});
      await approvalPolicy.delete("p1", live);
      await approvalPolicy.delete("p2", live);
      scope.done();
    });
  });
});
