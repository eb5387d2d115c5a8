import { expect } from "chai";
import nock from "nock";
import { PartialCreateError } from "../../../provider/core/pulumiResults";
import type { ResourceImplementation } from "../../../provider/core/resource";
import { serverPoolRequestImplementation } from "../../../provider/opsManager/serverPoolRequest";
import {
  digestChallenge,
  groupId,
  opsManagerUrl,
  provider,
  testOpsManager,
  useTestApis,
} from "../resourceTestSetup";

const requests = `/api/public/v1.0/groups/${groupId}/serverPool/requests`;
const requestId = "57f3cefa87d9d625dec353ca";
const request = `${requests}/${requestId}`;
const pageOf = (results: unknown[], totalCount = results.length) => ({
  results,
  totalCount,
  links: [],
});
const inputs = {
  properties: [{ Datacenter: "nyc", size: "large" }],
  waitForCompletion: true,
  timeoutMinutes: 5,
  __provider: provider,
};
const start = Date.parse("2026-01-01T00:00:00Z");
// The sample entity of docs/api-facts.md#request-entity: issued, and expiring two hours later.
const executing = {
  id: requestId,
  numServers: 1,
  created: "2026-01-01T00:00:00Z",
  expires: "2026-01-01T02:00:00Z",
  groupId,
  properties: inputs.properties,
  statusName: "EXECUTING",
  links: [],
};
const completed = { ...executing, statusName: "COMPLETED", completeDate: "2026-01-01T00:01:00Z" };
const notFound = { detail: "No request", error: 404, errorCode: "NOT_FOUND", reason: "Not Found" };

async function failureOf(promise: Promise<unknown>): Promise<PartialCreateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(PartialCreateError);
  return error as PartialCreateError;
}

/** Ops Manager answers the first request with a Digest challenge (docs/api-facts.md#digest-authentication). */
function opsManager() {
  return nock(opsManagerUrl);
}

describe("ServerPoolRequest", () => {
  useTestApis();
  let progress: string[] = [];
  let serverPoolRequest: ResourceImplementation;
  beforeEach(() => {
    // Time moves only when the waiter sleeps, so waits take no time.
    let now = start;
    progress = [];
    serverPoolRequest = serverPoolRequestImplementation(
      testOpsManager({
        now: () => now,
        sleep: async (ms) => void (now += ms),
        log: (line) => void progress.push(line),
      }),
    );
  });

  describe("check", () => {
    it("names each property at fault the way a program writes it", async () => {
      const result = await serverPoolRequest.check(
        {},
        {
          properties: [{ Datacenter: "" }, { os: [] }, {}, { ram: 16 }],
          groupId: "not-hex",
          adoptId: "57F3",
          timeoutMinutes: 5000,
          waitForCompletion: "yes",
          size: "large",
        },
      );
      expect(result.failures?.map((f) => f.property)).to.have.members([
        "properties[0].Datacenter",
        "properties[1].os",
        "properties[2]",
        "properties[3].ram",
        "groupId",
        "adoptId",
        "timeoutMinutes",
        "waitForCompletion",
        "size",
      ]);
    });

    it("asks for at least one server", async () => {
      for (const properties of [[], undefined, "Datacenter=nyc"]) {
        const result = await serverPoolRequest.check({}, { properties });
        expect(result.failures?.map((f) => f.property)).to.deep.equal(["properties"]);
      }
    });

    it("accepts a multi-select list and fills in the defaults", async () => {
      const result = await serverPoolRequest.check(
        {},
        { properties: [{ os: ["rhel8", "ubuntu22"] }], __provider: provider },
      );
      expect(result.failures).to.equal(undefined);
      expect(result.inputs).to.deep.equal({
        properties: [{ os: ["rhel8", "ubuntu22"] }],
        waitForCompletion: true,
        timeoutMinutes: 30,
        __provider: provider,
      });
    });

    it("bounds timeoutMinutes to 1..1440", async () => {
      for (const timeoutMinutes of [1, 1440]) {
        const result = await serverPoolRequest.check({}, { ...inputs, timeoutMinutes });
        expect(result.failures).to.equal(undefined);
      }
      const result = await serverPoolRequest.check({}, { ...inputs, timeoutMinutes: 0 });
      expect(result.failures?.map((f) => f.property)).to.deep.equal(["timeoutMinutes"]);
    });
  });

  describe("diff", () => {
    const olds = { ...inputs, ...completed };

    it("sees no change in outputs or in the stack's group when groupId is not declared", async () => {
      const result = await serverPoolRequest.diff(requestId, olds, inputs);
      expect(result).to.deep.include({ changes: false, replaces: [] });
    });

    it("replaces when the properties change, a value is added or removed", async () => {
      for (const properties of [
        [{ Datacenter: "sfo", size: "large" }],
        [{ Datacenter: "nyc" }],
        [{ Datacenter: "nyc", size: "large", ram: "16" }],
        [...inputs.properties, { Datacenter: "nyc" }],
      ]) {
        const result = await serverPoolRequest.diff(requestId, olds, { ...inputs, properties });
        expect(result.replaces, JSON.stringify(properties)).to.deep.equal(["properties"]);
      }
    });

    it("ignores the order of keys and of a multi-select property's values", async () => {
      const withList = { ...olds, properties: [{ os: ["rhel8", "ubuntu22"], size: "large" }] };
      const result = await serverPoolRequest.diff(requestId, withList, {
        ...inputs,
        properties: [{ size: "large", os: ["ubuntu22", "rhel8"] }],
      });
      expect(result.changes).to.equal(false);
    });

    it("replaces on every other declared change of the request", async () => {
      const result = await serverPoolRequest.diff(requestId, olds, {
        ...inputs,
        groupId: "aaaaaaaaaaaaaaaaaaaaaaaa",
        waitForCompletion: false,
        timeoutMinutes: 10,
        adoptId: requestId,
      });
      expect(result.replaces).to.deep.equal(["groupId", "adoptId"]);
    });

    it("updates in place, with no new request, when only a wait setting changes", async () => {
      for (const change of [{ timeoutMinutes: 10 }, { waitForCompletion: false }]) {
        const result = await serverPoolRequest.diff(requestId, olds, { ...inputs, ...change });
        expect(result, JSON.stringify(change)).to.deep.include({ changes: true, replaces: [] });
      }
    });
  });

  describe("create", () => {
    it("posts only the properties and waits until COMPLETED, recording the outputs", async () => {
      const scope = opsManager()
        .get(requests)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query(true)
        .reply(200, pageOf([]))
        .post(requests, { properties: inputs.properties })
        .reply(200, executing)
        .get(request)
        .reply(200, executing)
        .get(request)
        .reply(200, completed);
      const result = await serverPoolRequest.create(inputs);
      scope.done();
      expect(result.id).to.equal(requestId);
      expect(result.outs).to.deep.equal({
        properties: inputs.properties,
        waitForCompletion: true,
        timeoutMinutes: 5,
        statusName: "COMPLETED",
        numServers: 1,
        created: "2026-01-01T00:00:00Z",
        expires: "2026-01-01T02:00:00Z",
        completeDate: "2026-01-01T00:01:00Z",
        links: [],
        groupId,
      });
      expect(progress[0]).to.equal(
        `ops-manager:ServerPoolRequest ${requestId} (Datacenter=nyc size=large): EXECUTING (0s elapsed)`,
      );
    });

    it("uses the declared group instead of the stack's", async () => {
      const other = "aaaaaaaaaaaaaaaaaaaaaaaa";
      const scope = opsManager()
        .get(`/api/public/v1.0/groups/${other}/serverPool/requests`)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(`/api/public/v1.0/groups/${other}/serverPool/requests`)
        .query(true)
        .reply(200, pageOf([]))
        .post(`/api/public/v1.0/groups/${other}/serverPool/requests`)
        .reply(200, { ...executing, groupId: other });
      const result = await serverPoolRequest.create({
        ...inputs,
        groupId: other,
        waitForCompletion: false,
      });
      scope.done();
      expect(result.outs.groupId).to.equal(other);
    });

    it("fails when the request ends FAILED, recording its id", async () => {
      opsManager()
        .get(requests)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query(true)
        .reply(200, pageOf([]))
        .post(requests)
        .reply(200, executing)
        .get(request)
        .reply(200, { ...executing, statusName: "FAILED" });
      const error = await failureOf(serverPoolRequest.create(inputs));
      expect(error.id).to.equal(requestId);
      expect(error.message).to.include("FAILED");
      expect(error.properties).to.deep.include({ statusName: "FAILED", __provider: provider });
    });

    it("fails when the request expires with no server available, recording its id", async () => {
      opsManager()
        .get(requests)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query(true)
        .reply(200, pageOf([]))
        .post(requests)
        .reply(200, executing)
        .get(request)
        .reply(200, { ...executing, expires: "2025-12-31T23:59:00Z" });
      const error = await failureOf(serverPoolRequest.create(inputs));
      expect(error.id).to.equal(requestId);
      expect(error.message).to.include("expired");
      expect(error.properties.statusName).to.equal("EXECUTING");
    });

    it("fails on timeout naming timeoutMinutes, recording its id", async () => {
      opsManager()
        .get(requests)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query(true)
        .reply(200, pageOf([]))
        .post(requests)
        .reply(200, executing)
        .get(request)
        .times(100)
        .reply(200, executing);
      const error = await failureOf(serverPoolRequest.create({ ...inputs, timeoutMinutes: 1 }));
      nock.cleanAll();
      expect(error.id).to.equal(requestId);
      expect(error.message).to.include("timeoutMinutes (1)");
      expect(error.message).to.include("still EXECUTING");
    });

    it("fails when the request is cancelled while awaited, recording its id", async () => {
      opsManager()
        .get(requests)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query(true)
        .reply(200, pageOf([]))
        .post(requests)
        .reply(200, executing)
        .get(request)
        .reply(200, { ...executing, statusName: "CANCELLED" });
      const error = await failureOf(serverPoolRequest.create(inputs));
      expect(error.message).to.include("cancelled");
    });

    it("returns at once when waitForCompletion is false", async () => {
      const scope = opsManager()
        .get(requests)
        .query(true)
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query(true)
        .reply(200, pageOf([]))
        .post(requests)
        .reply(200, executing);
      const result = await serverPoolRequest.create({ ...inputs, waitForCompletion: false });
      scope.done();
      expect(result.id).to.equal(requestId);
      expect(result.outs.statusName).to.equal("EXECUTING");
    });

    it("after a lost answer reads every page (totalCount) and takes the one new request asking for the properties", async () => {
      const older = (i: number) => ({ ...executing, id: `${i}`.padStart(24, "0"), properties: [] });
      const theirs = { ...executing, id: "0123456789abcdef01234567" };
      // 101 requests before the POST (two pages of 100), 102 after: ours is on page 2.
      const before = [...Array.from({ length: 100 }, (_, i) => older(i)), theirs];
      const scope = opsManager()
        .get(requests)
        .query({ pageNum: "1", itemsPerPage: "100" })
        .reply(401, {}, digestChallenge)
        .get(requests)
        .query({ pageNum: "1", itemsPerPage: "100" })
        .reply(200, pageOf(before.slice(0, 100), before.length))
        .get(requests)
        .query({ pageNum: "2", itemsPerPage: "100" })
        .reply(200, pageOf(before.slice(100), before.length))
        .post(requests)
        .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
        .get(requests)
        .query({ pageNum: "1", itemsPerPage: "100" })
        .reply(200, pageOf(before.slice(0, 100), before.length + 1))
        .get(requests)
        .query({ pageNum: "2", itemsPerPage: "100" })
        .reply(200, pageOf([theirs, executing], before.length + 1));
      const result = await serverPoolRequest.create({ ...inputs, waitForCompletion: false });
      scope.done();
      expect(result.id).to.equal(requestId);
    });

    it("adopts an existing request with a GET and no POST, then waits the same way", async () => {
      const scope = opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, executing)
        .get(request)
        .reply(200, completed);
      const result = await serverPoolRequest.create({ ...inputs, adoptId: requestId });
      scope.done();
      expect(result.id).to.equal(requestId);
      expect(result.outs).to.deep.include({ statusName: "COMPLETED", adoptId: requestId });
    });

    it("refuses to adopt a cancelled request or one that asks for other properties", async () => {
      opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, { ...executing, statusName: "CANCELLED" })
        .get(request)
        .reply(200, { ...executing, properties: [{ Datacenter: "sfo" }] });
      const cancelled = await serverPoolRequest
        .create({ ...inputs, adoptId: requestId })
        .catch((e: unknown) => e);
      expect(cancelled).not.to.be.instanceOf(PartialCreateError);
      expect((cancelled as Error).message).to.match(/CANCELLED and cannot be adopted/);
      const other = await serverPoolRequest
        .create({ ...inputs, adoptId: requestId })
        .catch((e: unknown) => e);
      expect((other as Error).message).to.include("sfo");
    });
  });

  describe("read", () => {
    const recorded = { ...inputs, ...completed };

    it("brings back the status and dates, keeping the declared inputs", async () => {
      opsManager().get(request).reply(401, {}, digestChallenge).get(request).reply(200, completed);
      const result = await serverPoolRequest.read(requestId, { ...inputs, ...executing });
      expect(result.id).to.equal(requestId);
      expect(result.props).to.deep.include({
        statusName: "COMPLETED",
        completeDate: "2026-01-01T00:01:00Z",
        groupId,
      });
      expect(result.inputs).to.deep.equal({ ...inputs, groupId });
    });

    it("reads a request that is gone (404) as gone", async () => {
      opsManager().get(request).reply(401, {}, digestChallenge).get(request).reply(404, notFound);
      expect((await serverPoolRequest.read(requestId, recorded)).id).to.equal("");
    });

    it("reads a request cancelled by hand as gone", async () => {
      for (const statusName of ["CANCELLED", "CANCELLING"]) {
        opsManager()
          .get(request)
          .reply(401, {}, digestChallenge)
          .get(request)
          .reply(200, { ...completed, statusName, cancelDate: "2026-01-02T00:00:00Z" });
        expect((await serverPoolRequest.read(requestId, recorded)).id, statusName).to.equal("");
        nock.cleanAll();
      }
    });

    it("keeps a FAILED request, showing its status in the outputs", async () => {
      opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, { ...executing, statusName: "FAILED" });
      const result = await serverPoolRequest.read(requestId, recorded);
      expect(result.id).to.equal(requestId);
      expect(result.props?.statusName).to.equal("FAILED");
    });
  });

  describe("update", () => {
    it("resumes waiting for a request whose create timed out", async () => {
      opsManager().get(request).reply(401, {}, digestChallenge).get(request).reply(200, completed);
      const result = await serverPoolRequest.update(requestId, { ...inputs, ...executing }, inputs);
      expect(result.outs?.statusName).to.equal("COMPLETED");
    });

    it("fails again for a FAILED request, keeping its id", async () => {
      opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, { ...executing, statusName: "FAILED" });
      const error = await failureOf(
        serverPoolRequest.update(requestId, { ...inputs, ...executing }, inputs),
      );
      expect(error.id).to.equal(requestId);
    });

    it("fails naming the request and the way out when it is gone", async () => {
      opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(404, notFound)
        .get(request)
        .reply(404, notFound);
      const error = await serverPoolRequest
        .update(
          requestId,
          { ...inputs, ...executing, waitForCompletion: false },
          { ...inputs, waitForCompletion: false },
        )
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).to.include(`server pool request (id ${requestId}) no longer exists`);
      expect(error?.message).to.include("pulumi up --refresh");
    });

    it("records a changed timeoutMinutes in place, with no new request", async () => {
      // Only GETs are answered: a POST (a new request) would find no interceptor.
      const scope = opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, completed);
      const result = await serverPoolRequest.update(
        requestId,
        { ...inputs, ...completed, groupId },
        { ...inputs, timeoutMinutes: 60 },
      );
      scope.done();
      expect(result.outs).to.deep.include({ statusName: "COMPLETED", timeoutMinutes: 60 });
    });

    it("still refuses a change of the request itself", async () => {
      const error = await serverPoolRequest
        .update(
          requestId,
          { ...inputs, ...completed, groupId },
          { ...inputs, properties: [{ Datacenter: "sfo" }] },
        )
        .catch((e: unknown) => e);
      expect((error as Error).message).to.match(/cannot be changed in place \(properties/);
    });
  });

  describe("delete", () => {
    it("cancels an executing or completed request with DELETE", async () => {
      const scope = opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, completed)
        .delete(request)
        .reply(200, { ...completed, statusName: "CANCELLING" });
      await serverPoolRequest.delete(requestId, { ...inputs, ...completed });
      scope.done();
    });

    it("succeeds without a DELETE for a request already cancelled, failed or gone", async () => {
      const scope = opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, { ...executing, statusName: "CANCELLED" })
        .get(request)
        .reply(200, { ...executing, statusName: "FAILED" })
        .get(request)
        .reply(404, notFound);
      for (let i = 0; i < 3; i++) {
        await serverPoolRequest.delete(requestId, { ...inputs, ...executing });
      }
      scope.done();
    });

    it("succeeds when the request fails between the look and the DELETE", async () => {
      const scope = opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, executing)
        .delete(request)
        .reply(400, { detail: "Cannot cancel", error: 400, errorCode: "INVALID_STATE" })
        .get(request)
        .reply(200, { ...executing, statusName: "FAILED" });
      await serverPoolRequest.delete(requestId, { ...inputs, ...executing });
      scope.done();
    });

    it("reports a DELETE that fails for a request still holding servers", async () => {
      opsManager()
        .get(request)
        .reply(401, {}, digestChallenge)
        .get(request)
        .reply(200, completed)
        .delete(request)
        .reply(403, { detail: "Needs Automation Admin", error: 403, errorCode: "FORBIDDEN" })
        .get(request)
        .reply(200, completed);
      const error = await serverPoolRequest
        .delete(requestId, { ...inputs, ...completed })
        .catch((e: unknown) => e);
      expect((error as Error).message).to.include("403");
    });
  });
});
