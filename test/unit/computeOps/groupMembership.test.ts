import { expect } from "chai";
import nock from "nock";
import { groupMembershipImplementation } from "../../../provider/computeOps/groupMembership";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const membership = groupMembershipImplementation(
  testComputeOps({ sleep: async () => undefined, log: () => undefined }),
);

const groupId = "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11";
const devices = `/compute-ops-mgmt/v1/groups/${groupId}/devices`;
const web01 = "P06760-B21+2M212504P8";
const web02 = "P06760-B21+2M212504P9";
const operationId = "7d0a5b8e-1f7c-4a55-bc57-3d2f0d1c9e01";
const operation = `/compute-ops-mgmt/v1/async-operations/${operationId}`;

const page = (...ids: string[]) => ({
  count: ids.length,
  offset: 0,
  total: ids.length,
  items: ids.map((deviceId) => ({ deviceId, groupId })),
});

async function checked(inputs: Record<string, unknown>) {
  const result = await membership.check({}, { ...inputs, __provider: provider });
  expect(result.failures, JSON.stringify(result.failures)).to.equal(undefined);
  return result.inputs;
}

describe("GroupMembership", () => {
  useTestApis();

  describe("check", () => {
    it("names a bad group id, a malformed server id and a server listed twice", async () => {
      const result = await membership.check(
        {},
        { groupId: "web", serverIds: [web01, "web-01", web01] },
      );
      expect((result.failures ?? []).map((f) => f.property)).to.have.members([
        "groupId",
        "serverIds[1]",
        "serverIds[2]",
      ]);
    });
  });

  describe("diff", () => {
    it("compares servers as a set and replaces on another group", async () => {
      const olds = { groupId, serverIds: [web01, web02] };
      expect(
        (await membership.diff(groupId, olds, { groupId, serverIds: [web02, web01] })).changes,
      ).to.equal(false);
      expect(
        (await membership.diff(groupId, olds, { groupId, serverIds: [web01] })).changes,
      ).to.equal(true);
      const other = "1a2b3c4d-0000-4000-8000-000000000001";
      expect(
        (await membership.diff(groupId, olds, { groupId: other, serverIds: [web01] })).replaces,
      ).to.deep.equal(["groupId"]);
    });
  });

  describe("create", () => {
    it("assigns the servers ('+' raw in JSON), waits for the operation and reads back", async () => {
      const scope = nock(endpoint)
        // No offset or limit: the devices list declares only a filter.
        .get(devices)
        .reply(200, page())
        .post(devices, { devices: [{ deviceId: web01 }] })
        .reply(202, "", { Location: operation })
        .get(operation)
        .reply(200, { id: operationId, state: "RUNNING" })
        .get(operation)
        .reply(200, { id: operationId, state: "SUCCEEDED" })
        .get(devices)
        .reply(200, page(web01));
      const result = await membership.create(await checked({ groupId, serverIds: [web01] }));
      scope.done();
      expect(result).to.deep.equal({ id: groupId, outs: { groupId, serverIds: [web01] } });
    });

    it("refuses a group that already holds servers it does not name, naming them", async () => {
      nock(endpoint).get(devices).reply(200, page(web02));
      const error = await membership
        .create(await checked({ groupId, serverIds: [web01] }))
        .catch((e: Error) => e);
      expect(String(error)).to.include(
        `already holds servers this GroupMembership does not name: ${web02}`,
      );
    });

    it("reports a failed operation with its id and messages, and the way out", async () => {
      nock(endpoint)
        .get(devices)
        .reply(200, page())
        .post(devices)
        .reply(202, "", { Location: operation })
        .get(operation)
        .reply(200, { state: "FAILED", logMessages: [{ message: "device is locked" }] });
      const error = await membership
        .create(await checked({ groupId, serverIds: [web01] }))
        .catch((e: Error) => e);
      expect(String(error)).to.include(`${operation} is FAILED (device is locked)`);
      expect(String(error)).to.include("run `pulumi up` again");
    });

    it("says the group does not exist when its devices answer 404", async () => {
      nock(endpoint).get(devices).reply(404, { message: "not found" });
      const error = await membership
        .create(await checked({ groupId, serverIds: [web01] }))
        .catch((e: Error) => e);
      expect(String(error)).to.include(`groupId ${groupId}: no such group exists`);
    });
  });

  describe("read", () => {
    it("reports the live servers, keeping the declared order for the same set", async () => {
      nock(endpoint).get(devices).reply(200, page(web02, web01));
      const same = await membership.read(groupId, { groupId, serverIds: [web01, web02] });
      expect(same.props?.serverIds).to.deep.equal([web01, web02]);
      nock(endpoint).get(devices).reply(200, page(web01));
      const drifted = await membership.read(groupId, { groupId, serverIds: [web01, web02] });
      expect(drifted.inputs?.serverIds).to.deep.equal([web01]);
    });

    it("reads a deleted group as gone", async () => {
      nock(endpoint).get(devices).reply(404, { message: "not found" });
      expect(await membership.read(groupId, { groupId, serverIds: [web01] })).to.deep.equal({
        id: "",
      });
    });
  });

  describe("update", () => {
    it("unassigns what was added by hand and assigns only what is missing", async () => {
      const scope = nock(endpoint)
        .get(devices)
        .reply(200, page(web02))
        .post(`${devices}/unassign`, { devices: [{ deviceId: web02 }] })
        .reply(202, "", { Location: operation })
        .get(operation)
        .reply(200, { state: "SUCCEEDED" })
        .post(devices, { devices: [{ deviceId: web01 }] })
        .reply(202, "", { Location: operation })
        .get(operation)
        .reply(200, { state: "SUCCEEDED" })
        .get(devices)
        .reply(200, page(web01));
      const result = await membership.update(
        groupId,
        { groupId, serverIds: [web02] },
        await checked({ groupId, serverIds: [web01] }),
      );
      scope.done();
      expect(result.outs?.serverIds).to.deep.equal([web01]);
    });

    it("fails naming the group and the way out when the group is gone", async () => {
      const scope = nock(endpoint)
        .get(devices)
        .reply(404, { message: "not found" })
        .get(devices)
        .reply(404, { message: "not found" });
      const error = await membership
        .update(
          groupId,
          { groupId, serverIds: [web02] },
          await checked({ groupId, serverIds: [web01] }),
        )
        .then(
          () => undefined,
          (e: Error) => e,
        );
      scope.done();
      expect(error?.message).to.include(
        `group membership of group (id ${groupId}) no longer exists`,
      );
      expect(error?.message).to.include("pulumi up --refresh");
    });
  });

  describe("delete", () => {
    it("unassigns only its own servers still in the group, never with force", async () => {
      const scope = nock(endpoint)
        .get(devices)
        .reply(200, page(web01))
        .post(`${devices}/unassign`, { devices: [{ deviceId: web01 }] })
        .reply(202, "", { Location: operation })
        .get(operation)
        .reply(200, { state: "SUCCEEDED" });
      await membership.delete(groupId, { groupId, serverIds: [web01, web02] });
      scope.done();
    });

    it("counts a deleted group as success", async () => {
      nock(endpoint).get(devices).reply(404, { message: "not found" });
      await membership.delete(groupId, { groupId, serverIds: [web01] });
    });
  });
});
