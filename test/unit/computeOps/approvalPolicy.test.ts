import { expect } from "chai";
import nock from "nock";
import { approvalPolicyImplementation } from "../../../provider/computeOps/approvalPolicy";
import { applyStackConfig } from "../../../provider/core/configuration";
import { PartialCreateError } from "../../../provider/core/pulumiResults";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const approvalPolicy = approvalPolicyImplementation(testComputeOps());

const path = "/compute-ops-mgmt/v1beta2/approval-policies";
const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const otherGroupId = "5b1c0e2f-0a4e-4f55-9a52-3f0c3c1b2a10";
const policyId = "4c102e14-87cd-4c00-8f5a-73073f85c9a1";
const otherPolicyId = "9a7e3c51-2b4d-4e8f-a1c2-d3e4f5a6b7c8";

const declared = {
  name: "fw",
  description: "firmware",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware",
        approvers: [{ email: "a@example.com" }, { email: "b@example.com" }],
        minApprovers: 1,
      },
    ],
    resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
  },
};
const readOnly = {
  state: "ACTIVE",
  remarks: "",
  generation: 1,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  resourceUri: `${path}/${policyId}`,
};
const live = { id: policyId, type: "compute-ops-mgmt/approval-policy", ...declared, ...readOnly };
/** What create returns as outputs for `declared`. */
const outputs = { ...declared, ...readOnly };

async function checked(inputs: Record<string, unknown>) {
  const result = await approvalPolicy.check({}, { ...inputs, __provider: provider });
  expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
  return result.inputs;
}

async function failedProperties(inputs: Record<string, unknown>) {
  const result = await approvalPolicy.check({}, inputs);
  return (result.failures ?? []).map((f) => f.property);
}

describe("ApprovalPolicy", () => {
  useTestApis();

  describe("check", () => {
    it("accepts a valid policy and fills in the API's defaults", async () => {
      const inputs = await checked({
        name: "fw",
        policyData: {
          approvables: [{ approvableName: "Power on", approvers: [{ email: "a@example.com" }] }],
          resources: [{ resourceId: groupId }],
        },
      });
      expect(inputs.policyData.approvables[0].minApprovers).to.equal(1);
      expect(inputs.policyData.resources[0].resourceType).to.equal("compute-ops-mgmt/group");
      expect(inputs.__provider).to.equal(provider);
    });

    it("accepts every approvable name of the API's table", async () => {
      const names = [
        "Update firmware",
        "Apply internal storage configuration",
        "Install operating system image",
        "Apply external storage configuration",
        "Power on",
        "Power off",
        "Reset",
        "Cold boot",
        "Update iLO firmware",
        "Apply server settings (BIOS and iLO)",
      ];
      const inputs = await checked({
        name: "all",
        policyData: {
          approvables: names.map((approvableName) => ({
            approvableName,
            approvers: [{ email: "a@example.com" }],
          })),
        },
      });
      expect(inputs.policyData.approvables).to.have.length(10);
      expect(inputs.policyData.resources).to.deep.equal([]);
    });

    it("lower-cases approver emails, so an address the API lower-cases is not drift", async () => {
      const inputs = await checked({
        name: "fw",
        policyData: {
          approvables: [{ approvableName: "Reset", approvers: [{ email: " Ops@Example.COM " }] }],
        },
      });
      expect(inputs.policyData.approvables[0].approvers).to.deep.equal([
        { email: "ops@example.com" },
      ]);
    });

    it("names each bad property: approvable name, email, minApprovers, resource id and type", async () => {
      const result = await approvalPolicy.check(
        {},
        {
          name: "fw",
          policyData: {
            approvables: [
              { approvableName: "Reboot everything", approvers: [{ email: "a@example.com" }] },
              { approvableName: "Reset", approvers: [{ email: "not-an-email" }], minApprovers: 2 },
              {
                approvableName: "Cold boot",
                approvers: [{ email: "a@example.com" }],
                minApprovers: 0,
              },
            ],
            resources: [
              { resourceId: "group-1" },
              { resourceId: otherGroupId, resourceType: "compute-ops-mgmt/server" },
            ],
          },
        },
      );
      const properties = (result.failures ?? []).map((f) => f.property);
      expect(properties).to.include.members([
        "policyData.approvables[0].approvableName",
        "policyData.approvables[1].approvers[0].email",
        "policyData.approvables[1].minApprovers",
        "policyData.approvables[2].minApprovers",
        "policyData.resources[0].resourceId",
        "policyData.resources[1].resourceType",
      ]);
      const reason = result.failures?.find(
        (f) => f.property === "policyData.approvables[1].minApprovers",
      )?.reason;
      expect(reason).to.include("number of approvers (1)");
    });

    it("refuses an approvable, an approver or a group listed twice", async () => {
      expect(
        await failedProperties({
          name: "fw",
          policyData: {
            approvables: [
              {
                approvableName: "Reset",
                approvers: [{ email: "a@example.com" }, { email: "A@example.com" }],
              },
              { approvableName: "Reset", approvers: [{ email: "b@example.com" }] },
            ],
            resources: [{ resourceId: groupId }, { resourceId: groupId.toUpperCase() }],
          },
        }),
      ).to.include.members([
        "policyData.approvables[0].approvers[1].email",
        "policyData.approvables[1].approvableName",
        "policyData.resources[1].resourceId",
      ]);
    });

    it("needs at least one approver per approvable", async () => {
      expect(
        await failedProperties({
          name: "fw",
          policyData: { approvables: [{ approvableName: "Reset", approvers: [] }] },
        }),
      ).to.deep.equal(["policyData.approvables[0].approvers"]);
    });

    it("requires a name and policyData, and refuses unknown fields and regions", async () => {
      expect(
        await failedProperties({ description: "x", region: "mars", colour: "blue" }),
      ).to.include.members(["name", "policyData", "region", "colour"]);
    });

    it("reports every failure at once, without calling the API", async () => {
      // nock.disableNetConnect() would make any call fail.
      expect(
        await failedProperties({
          name: "",
          policyData: {
            approvables: [{ approvableName: "Reset", approvers: [{ email: "nope" }] }],
            resources: [{ resourceId: "nope" }],
          },
        }),
      ).to.include.members([
        "name",
        "policyData.approvables[0].approvers[0].email",
        "policyData.resources[0].resourceId",
      ]);
    });
  });

  describe("diff", () => {
    it("sees no change when the declared values match", async () => {
      const result = await approvalPolicy.diff(policyId, outputs, await checked(declared));
      expect(result).to.deep.equal({ changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("ignores server fields and a description the program does not declare", async () => {
      const { description: _d, ...undescribed } = declared;
      const result = await approvalPolicy.diff(
        policyId,
        { ...undescribed, ...readOnly, remarks: "set by the server", state: "INACTIVE" },
        await checked(undescribed),
      );
      expect(result.changes).to.equal(false);
    });

    it("sees the same approvers, approvables and groups in another order as no change", async () => {
      const reordered = {
        ...outputs,
        policyData: {
          approvables: [
            {
              approvableName: "Update firmware",
              approvers: [{ email: "b@example.com" }, { email: "a@example.com" }],
              minApprovers: 1,
            },
          ],
          resources: declared.policyData.resources,
        },
      };
      expect(
        (await approvalPolicy.diff(policyId, reordered, await checked(declared))).changes,
      ).to.equal(false);
    });

    it("updates in place for a new description, approver or minApprovers", async () => {
      for (const news of [
        { ...declared, description: "new" },
        {
          ...declared,
          policyData: {
            ...declared.policyData,
            approvables: [{ ...declared.policyData.approvables[0], minApprovers: 2 }],
          },
        },
        {
          ...declared,
          policyData: {
            ...declared.policyData,
            resources: [...declared.policyData.resources, { resourceId: otherGroupId }],
          },
        },
      ]) {
        expect(await approvalPolicy.diff(policyId, outputs, await checked(news))).to.deep.equal({
          changes: true,
          replaces: [],
          deleteBeforeReplace: false,
        });
      }
    });

    it("treats a description no longer declared as a change (it is cleared)", async () => {
      const { description: _d, ...undescribed } = declared;
      expect(
        (await approvalPolicy.diff(policyId, outputs, await checked(undescribed))).changes,
      ).to.equal(true);
    });

    it("does not replace the policy when an older program's tenantAcid is removed", async () => {
      const tenantAcid = "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01";
      const result = await approvalPolicy.diff(
        policyId,
        { ...outputs, tenantAcid },
        await checked(declared),
      );
      expect(result.replaces ?? []).to.deep.equal([]);
    });

    it("shows no change between a cleared description and one never declared", async () => {
      const { description: _d, ...undescribed } = declared;
      expect(
        (
          await approvalPolicy.diff(
            policyId,
            { ...outputs, description: "" },
            await checked(undescribed),
          )
        ).changes,
      ).to.equal(false);
    });

    it("replaces the policy for another region", async () => {
      expect(
        (
          await approvalPolicy.diff(
            policyId,
            { ...outputs, region: "us-west" },
            await checked({ ...declared, region: "eu-central" }),
          )
        ).replaces,
      ).to.deep.equal(["region"]);
    });

    it("replaces when adoptId names another policy, and changes nothing when it is dropped", async () => {
      const adopted = { ...outputs, adoptId: policyId };
      const other = "9a0e4a57-7c55-4a4e-8a43-0d3c1fb1a6b2";
      expect(
        (
          await approvalPolicy.diff(
            policyId,
            adopted,
            await checked({ ...declared, adoptId: other }),
          )
        ).replaces,
      ).to.deep.equal(["adoptId"]);
      expect(
        (await approvalPolicy.diff(policyId, adopted, await checked(declared))).changes,
      ).to.equal(false);
      // Adopting the very policy already managed is no change either.
      expect(
        (
          await approvalPolicy.diff(
            policyId,
            outputs,
            await checked({ ...declared, adoptId: policyId }),
          )
        ).changes,
      ).to.equal(false);
    });
  });

  describe("create", () => {
    /** The before-list: no policy holds the name. */
    const byName = { filter: "name eq 'fw'", offset: "0", limit: "100" };
    const listOf = (items: unknown[]) => ({
      items,
      count: items.length,
      offset: 0,
      total: items.length,
    });
    const lostAnswer = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

    it("posts the declared policy as JSON and returns it with the read-only fields", async () => {
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([]))
        .post(path, declared)
        .matchHeader("content-type", "application/json")
        .matchHeader("authorization", "Bearer unit-test-token")
        .reply(201, live);
      const result = await approvalPolicy.create(await checked(declared));
      expect(result.id).to.equal(policyId);
      expect(result.outs).to.deep.equal(outputs);
      expect(result.outs).not.to.have.property("__provider");
      scope.done();
    });

    it("fails check on tenantAcid, which no approval-policy operation takes, with no call", async () => {
      const tenantAcid = "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01";
      const result = await approvalPolicy.check({}, { ...declared, tenantAcid });
      expect(result.failures).to.deep.equal([
        {
          property: "tenantAcid",
          reason:
            "ApprovalPolicy operations do not take Tenant-Acid; it applies to ExternalService and Job only",
        },
      ]);
    });

    it("sends no Tenant-Acid even when the stack sets one", async () => {
      const values: Record<string, string> = {
        "compute-ops:endpoint": endpoint,
        "compute-ops:token": "unit-test-token",
        "compute-ops:tenantAcid": "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
      };
      applyStackConfig({ get: (k) => values[k] });
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([]))
        .post(path, declared)
        .matchHeader("tenant-acid", (value) => value === undefined)
        .reply(201, live);
      const result = await approvalPolicy.create(await checked(declared));
      expect(result.outs).not.to.have.property("tenantAcid");
      scope.done();
    });

    it("fails check on an adoptId that is not a UUID", async () => {
      expect(await failedProperties({ ...declared, adoptId: "policy-1" })).to.deep.equal([
        "adoptId",
      ]);
    });

    it("fails at once, with no POST, when another policy holds the name, naming its id and the ways out", async () => {
      const theirs = { ...live, id: otherPolicyId, createdAt: "2020-01-01T00:00:00Z" };
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([theirs]));
      const error = await approvalPolicy.create(await checked(declared)).catch((e: unknown) => e);
      expect(String(error)).to.include(`already exists (id ${otherPolicyId}`);
      expect(String(error)).to.include(`adoptId: "${otherPolicyId}"`);
      expect(String(error)).to.include("npx pulumi-ops-management recover");
      scope.done();
    });

    it("takes the new policy with the declared content when the answer was lost", async () => {
      const implementation = approvalPolicyImplementation(testComputeOps());
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byName)
        .reply(200, listOf([live]));
      const result = await implementation.create(await checked(declared));
      expect(result.id).to.equal(policyId);
      scope.done();
    });

    it("never takes a policy of the name with other content after a lost answer, and names it", async () => {
      const implementation = approvalPolicyImplementation(testComputeOps());
      const otherApprovers = structuredClone(live);
      otherApprovers.policyData.approvables[0].approvers = [{ email: "them@example.com" }];
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byName)
        .reply(200, listOf([{ ...otherApprovers, id: otherPolicyId }]));
      const error = await implementation.create(await checked(declared)).catch((e: unknown) => e);
      expect(String(error)).to.include("none of the new ones matches the declaration");
      expect(String(error)).to.include(otherPolicyId);
      expect(String(error)).to.include("none was recorded");
      scope.done();
    });

    it("names the holder when the name is taken between the check and the POST (409)", async () => {
      const implementation = approvalPolicyImplementation(testComputeOps());
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([]))
        .post(path)
        .reply(409, { errorCode: "HPE_GL_ERROR_CONFLICT", message: "exists" })
        .get(path)
        .query(byName)
        .reply(200, listOf([{ ...live, id: otherPolicyId }]));
      const error = await implementation.create(await checked(declared)).catch((e: unknown) => e);
      expect(String(error)).to.include(`already exists (id ${otherPolicyId}`);
      expect(String(error)).to.include(`adoptId: "${otherPolicyId}"`);
      scope.done();
    });

    it("reports the lost answer when no new policy of the name exists", async () => {
      const implementation = approvalPolicyImplementation(testComputeOps());
      const scope = nock(endpoint)
        .get(path)
        .query(byName)
        .reply(200, listOf([]))
        .post(path)
        .replyWithError(lostAnswer)
        .get(path)
        .query(byName)
        .reply(200, listOf([]));
      const error = await implementation.create(await checked(declared)).catch((e: unknown) => e);
      expect(String(error)).to.include("may have been applied");
      scope.done();
    });

    it("adopts an existing policy: reads it and patches only what differs, without a POST", async () => {
      // Read twice: check shows the change before it happens, create makes it.
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .twice()
        .reply(200, { ...live, description: "old", remarks: "made by hand" })
        .patch(`${path}/${policyId}`, { description: "firmware" })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, live);
      const result = await approvalPolicy.create(await checked({ ...declared, adoptId: policyId }));
      expect(result.id).to.equal(policyId);
      expect(result.outs).to.deep.include({ adoptId: policyId, description: "firmware" });
      scope.done();
    });

    it("adopts a policy already in the declared state with a GET alone", async () => {
      const { description: _d, ...undescribed } = declared;
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .twice()
        .reply(200, { ...live, description: "kept: not declared" });
      const result = await approvalPolicy.create(
        await checked({ ...undescribed, adoptId: policyId }),
      );
      expect(result.outs).not.to.have.property("description");
      scope.done();
    });

    it("records the adopted id when bringing it to the declared state fails", async () => {
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .twice()
        .reply(200, { ...live, description: "old" })
        .patch(`${path}/${policyId}`)
        .reply(400, { httpStatusCode: 400, errorCode: "HPE_GL_ERROR_BAD_REQUEST", message: "no" });
      const error = await approvalPolicy
        .create(await checked({ ...declared, adoptId: policyId }))
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(PartialCreateError);
      expect((error as PartialCreateError).id).to.equal(policyId);
      expect((error as PartialCreateError).properties.__provider).to.equal(provider);
      scope.done();
    });

    it("says so when the policy to adopt does not exist, at preview and at up", async () => {
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .twice()
        .reply(404, { message: "not found" });
      const inputs = { ...declared, adoptId: policyId, __provider: provider };
      const check = await approvalPolicy.check({}, inputs);
      expect(check.failures).to.deep.equal([
        { property: "adoptId", reason: "no approval policy with this id exists to adopt" },
      ]);
      const error = await approvalPolicy.create(inputs).catch((e: unknown) => e);
      expect(String(error)).to.include(`adoptId ${policyId}: no approval policy`);
      scope.done();
    });
  });

  describe("read", () => {
    it("returns live values as props and as inputs, so a change by hand is drift", async () => {
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .reply(200, { ...live, description: "edited by hand", remarks: "r", generation: 2 });
      const result = await approvalPolicy.read(policyId, outputs);
      expect(result.id).to.equal(policyId);
      expect(result.inputs).to.deep.equal({ ...declared, description: "edited by hand" });
      expect(result.props).to.deep.include({
        description: "edited by hand",
        remarks: "r",
        generation: 2,
      });
      expect(
        (await approvalPolicy.diff(policyId, result.props, await checked(declared))).changes,
      ).to.equal(true);
      scope.done();
    });

    it("leaves out a description the program never declared", async () => {
      const { description: _d, ...undescribed } = outputs;
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .reply(200, { ...live, description: "server's own" });
      const result = await approvalPolicy.read(policyId, undescribed);
      expect(result.inputs).not.to.have.property("description");
      expect(result.props).not.to.have.property("description");
      scope.done();
    });

    it("reads resources spelled id/type as resourceId/resourceType, and a missing minApprovers as 1", async () => {
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .reply(200, {
          ...live,
          policyData: {
            approvables: [
              {
                approvableName: "Update firmware",
                approvers: [{ email: "a@example.com" }, { email: "b@example.com" }],
              },
            ],
            resources: [{ id: groupId, type: "compute-ops-mgmt/group" }],
          },
        });
      const result = await approvalPolicy.read(policyId, outputs);
      expect(result.inputs).to.deep.equal(declared);
      scope.done();
    });

    it("keeps the declared order when the API answers the same sets in another order", async () => {
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .reply(200, {
          ...live,
          policyData: {
            approvables: [
              {
                approvableName: "Update firmware",
                approvers: [{ email: "B@example.com" }, { email: "a@example.com" }],
                minApprovers: 1,
              },
            ],
            resources: [{ resourceId: groupId }],
          },
        });
      const result = await approvalPolicy.read(policyId, outputs);
      expect(result.props?.policyData).to.deep.equal(declared.policyData);
      scope.done();
    });

    it("keeps adoptId, and reads an older state's tenant policy without Tenant-Acid", async () => {
      const tenantAcid = "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01";
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .matchHeader("tenant-acid", (value) => value === undefined)
        .reply(200, live);
      const result = await approvalPolicy.read(policyId, {
        ...outputs,
        tenantAcid,
        adoptId: policyId,
      });
      expect(result.inputs).to.deep.include({ adoptId: policyId });
      expect(result.inputs).not.to.have.property("tenantAcid");
      scope.done();
    });

    it("reads a policy deleted by hand as gone", async () => {
      const scope = nock(endpoint).get(`${path}/${policyId}`).reply(404, { message: "not found" });
      expect(await approvalPolicy.read(policyId, outputs)).to.deep.equal({ id: "" });
      scope.done();
    });
  });

  describe("update", () => {
    it("sends only changed fields as a merge patch, and the whole policyData", async () => {
      const newData = {
        ...declared.policyData,
        approvables: [
          {
            ...declared.policyData.approvables[0],
            approvers: [{ email: "a@example.com" }, { email: "c@example.com" }],
          },
        ],
      };
      const scope = nock(endpoint)
        .patch(`${path}/${policyId}`, { policyData: newData })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, { ...live, policyData: newData, generation: 2 });
      const result = await approvalPolicy.update(
        policyId,
        outputs,
        await checked({ ...declared, policyData: newData }),
      );
      expect(result.outs?.generation).to.equal(2);
      expect(result.outs?.policyData).to.deep.equal(newData);
      scope.done();
    });

    it("sends a new name and description without policyData", async () => {
      const scope = nock(endpoint)
        .patch(`${path}/${policyId}`, { name: "fw2", description: "new" })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, { ...live, name: "fw2", description: "new" });
      await approvalPolicy.update(
        policyId,
        outputs,
        await checked({ ...declared, name: "fw2", description: "new" }),
      );
      scope.done();
    });

    it('clears a description no longer declared with "", the contract\'s string', async () => {
      const { description: _d, ...undescribed } = declared;
      const scope = nock(endpoint)
        .patch(`${path}/${policyId}`, { description: "" })
        .reply(200, { ...live, description: "" });
      const result = await approvalPolicy.update(policyId, outputs, await checked(undescribed));
      expect(result.outs).not.to.have.property("description");
      scope.done();
    });
    it("fails naming the policy and the way out when it is gone (PATCH and GET answer 404)", async () => {
      const scope = nock(endpoint)
        .patch(`${path}/${policyId}`)
        .reply(404, { message: "not found" })
        .get(`${path}/${policyId}`)
        .reply(404, { message: "not found" });
      const error = await approvalPolicy
        .update(policyId, outputs, await checked({ ...declared, description: "changed" }))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      scope.done();
      expect(error?.message).to.include(`approval policy "${declared.name}" (id ${policyId})`);
      expect(error?.message).to.include("no longer exists");
      expect(error?.message).to.include(`PATCH ${path}/${policyId}`);
      expect(error?.message).to.include("pulumi up --refresh");
      expect(error?.message).to.include("npx pulumi-ops-management recover");
    });

    it("keeps the API's error for a 404 when the policy itself is still there", async () => {
      const scope = nock(endpoint)
        .patch(`${path}/${policyId}`)
        .reply(404, { message: "referenced group not found" })
        .get(`${path}/${policyId}`)
        .reply(200, live);
      const error = await approvalPolicy
        .update(policyId, outputs, await checked({ ...declared, description: "changed" }))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      scope.done();
      expect(error?.message).to.include("404");
      expect(error?.message).not.to.include("no longer exists");
    });
  });

  describe("delete", () => {
    it("deletes the policy (204)", async () => {
      const scope = nock(endpoint).delete(`${path}/${policyId}`).reply(204);
      await approvalPolicy.delete(policyId, outputs);
      scope.done();
    });

    it("succeeds when the policy is already gone (404)", async () => {
      const scope = nock(endpoint).delete(`${path}/${policyId}`).reply(404, {});
      await approvalPolicy.delete(policyId, outputs);
      scope.done();
    });

    it("fails on other errors", async () => {
      const scope = nock(endpoint)
        .delete(`${path}/${policyId}`)
        .reply(403, { message: "forbidden" });
      const error = await approvalPolicy.delete(policyId, outputs).catch((e: unknown) => e);
      expect(String(error)).to.include("403");
      scope.done();
    });
  });

  describe("batched reads", () => {
    const unbatched = approvalPolicyImplementation(testComputeOps({}, { readBatchWindowMs: 0 }));
    const secondId = "0b9d6b0e-33f4-4a8e-9d55-2b9f7e1c0a11";
    const thirdId = "7f3e2d1c-4b5a-4c69-8d7e-0f1a2b3c4d5e";
    const second = { ...live, id: secondId, name: "fw-2", resourceUri: `${path}/${secondId}` };
    const secondOutputs = { ...outputs, name: "fw-2" };
    const renamed = { ...live, name: "renamed by hand" };
    const page = (items: unknown[], total = items.length) => ({
      count: items.length,
      offset: 0,
      total,
      items,
    });
    const wholeList = { offset: "0", limit: "1000" };
    // A list's answer serves the process's later reads for a while: each test has
    // a client of its own, so none is served by another's list.
    let batchedPolicy = approvalPolicyImplementation(testComputeOps());
    beforeEach(() => {
      batchedPolicy = approvalPolicyImplementation(testComputeOps());
    });

    it("serves a read that follows a list soon after from that list's answer, with no request", async () => {
      const third = { ...second, id: thirdId, name: "fw-3", resourceUri: `${path}/${thirdId}` };
      const list = nock(endpoint)
        .get(path)
        .query(wholeList)
        .reply(200, page([renamed, second, third]));
      await Promise.all([
        batchedPolicy.read(policyId, outputs),
        batchedPolicy.read(secondId, secondOutputs),
      ]);
      list.done();
      // No interceptor is left: a request now would fail the read.
      const later = await batchedPolicy.read(thirdId, { ...outputs, name: "fw-3" });
      const gets = nock(endpoint).get(`${path}/${thirdId}`).reply(200, third);
      const single = await unbatched.read(thirdId, { ...outputs, name: "fw-3" });
      gets.done();
      expect(later).to.deep.equal(single);
    });

    it("reads by GET, not from an earlier list, once the process has begun a write", async () => {
      const list = nock(endpoint)
        .get(path)
        .query(wholeList)
        .reply(200, page([live, second]));
      await Promise.all([
        batchedPolicy.read(policyId, outputs),
        batchedPolicy.read(secondId, secondOutputs),
      ]);
      list.done();
      const scope = nock(endpoint)
        .patch(`${path}/${secondId}`)
        .reply(200, { ...second, name: "fw-2b" })
        .get(`${path}/${secondId}`)
        .reply(200, { ...second, name: "fw-2b" });
      await batchedPolicy.update(
        secondId,
        secondOutputs,
        await checked({ ...declared, name: "fw-2b" }),
      );
      const reread = await batchedPolicy.read(secondId, secondOutputs);
      scope.done();
      expect(reread.inputs.name).to.equal("fw-2b");
    });

    it("reads concurrent policies from one list page, with the drift results of single GETs", async () => {
      const list = nock(endpoint)
        .get(path)
        .query(wholeList)
        .reply(200, page([second, renamed]));
      const batched = await Promise.all([
        batchedPolicy.read(policyId, outputs),
        batchedPolicy.read(secondId, secondOutputs),
      ]);
      list.done();
      const gets = nock(endpoint)
        .get(`${path}/${policyId}`)
        .reply(200, renamed)
        .get(`${path}/${secondId}`)
        .reply(200, second);
      const single = await Promise.all([
        unbatched.read(policyId, outputs),
        unbatched.read(secondId, secondOutputs),
      ]);
      gets.done();
      expect(batched).to.deep.equal(single);
      expect(batched[0].inputs.name).to.equal("renamed by hand");
    });

    it("sends a read that follows an answered one at once, not after the batch window", async () => {
      // A window longer than the test's timeout: a read that waited for it would fail the test.
      const patient = approvalPolicyImplementation(
        testComputeOps({}, { readBatchWindowMs: 60_000 }),
      );
      const scope = nock(endpoint)
        .get(`${path}/${policyId}`)
        .reply(200, live)
        .get(`${path}/${secondId}`)
        .reply(200, second);
      expect((await patient.read(policyId, outputs)).id).to.equal(policyId);
      expect((await patient.read(secondId, secondOutputs)).id).to.equal(secondId);
      scope.done();
    });

    it("reads an id the list leaves out by GET, and only a 404 reads as gone", async () => {
      const inactive = { ...live, state: "INACTIVE" };
      const scope = nock(endpoint)
        .get(path)
        .query(wholeList)
        .reply(200, page([second]))
        .get(`${path}/${policyId}`)
        .reply(200, inactive)
        .get(`${path}/${thirdId}`)
        .reply(404, { message: "not found" });
      const [found, listed, gone] = await Promise.all([
        batchedPolicy.read(policyId, outputs),
        batchedPolicy.read(secondId, secondOutputs),
        batchedPolicy.read(thirdId, outputs),
      ]);
      expect(found.id).to.equal(policyId);
      expect(found.props.state).to.equal("INACTIVE");
      expect(listed.id).to.equal(secondId);
      expect(gone).to.deep.equal({ id: "" });
      scope.done();
    });

    it("stops paging once the ids still missing cost less by GET than the pages left", async () => {
      const others = Array.from({ length: 1000 }, (_, i) => ({ ...second, id: `other-${i}` }));
      const scope = nock(endpoint)
        .get(path)
        .query(wholeList)
        .reply(200, page(others, 5000))
        .get(`${path}/${policyId}`)
        .reply(200, live)
        .get(`${path}/${secondId}`)
        .reply(200, second);
      const results = await Promise.all([
        batchedPolicy.read(policyId, outputs),
        batchedPolicy.read(secondId, secondOutputs),
      ]);
      expect(results.map((r) => r.id)).to.deep.equal([policyId, secondId]);
      scope.done();
    });

    it("reads by GET when the server refuses the list, and keeps doing so", async () => {
      const refusing = approvalPolicyImplementation(testComputeOps());
      const scope = nock(endpoint)
        .get(path)
        .query(wholeList)
        .reply(400, { message: "bad query" })
        .get(`${path}/${policyId}`)
        .times(2)
        .reply(200, live)
        .get(`${path}/${secondId}`)
        .times(2)
        .reply(200, second);
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all([
          refusing.read(policyId, outputs),
          refusing.read(secondId, secondOutputs),
        ]);
        expect(results.map((r) => r.id)).to.deep.equal([policyId, secondId]);
      }
      scope.done();
    });
  });
});
