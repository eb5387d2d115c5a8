import { expect } from "chai";
import nock from "nock";
import { PartialCreateError } from "../../provider/pulumiResults";
import { serverPoolRequest, serverPoolWaiting } from "../../provider/serverPoolRequest";
import {
  digestChallenge,
  groupId,
  opsManagerUrl,
  provider,
  useTestApis,
} from "./resourceTestSetup";

const requests = `/api/public/v1.0/groups/${groupId}/serverPool/requests`;
const inputs = {
  properties: [{ Datacenter: "nyc", size: "large" }],
  waitForCompletion: true,
  timeoutMinutes: 5,
  __provider: provider,
};
const executing = {
  id: "aaaaaaaaaaaaaaaaaaaaaaaa",
  statusName: "EXECUTING",
  created: new Date().toISOString(),
  expires: new Date(Date.now() + 86_400_000).toISOString(),
  properties: inputs.properties,
};

describe("ServerPoolRequest", () => {
  useTestApis();
  let now = 0;
  beforeEach(() => {
    now = Date.now();
    serverPoolWaiting.now = () => now;
    serverPoolWaiting.sleep = async (ms) => void (now += ms);
  });
  afterEach(() => {
    serverPoolWaiting.now = undefined;
    serverPoolWaiting.sleep = undefined;
  });

  describe("check", () => {
    it("names the property at fault", async () => {
      const result = await serverPoolRequest.check(
        {},
        {
          properties: [{ Datacenter: "" }, { os: [] }],
          groupId: "not-hex",
          timeoutMinutes: 5000,
        },
      );
      expect(result.failures?.map((f) => f.property)).to.include.members([
        "properties.0.Datacenter",
        "properties.1.os",
        "groupId",
        "timeoutMinutes",
      ]);
    });

    it("accepts a multi-select list and fills in defaults", async () => {
      const result = await serverPoolRequest.check(
        {},
        { properties: [{ os: ["rhel8", "ubuntu22"] }] },
      );
      expect(result.failures).to.equal(undefined);
      expect(result.inputs).to.deep.include({ waitForCompletion: true, timeoutMinutes: 30 });
    });
  });

  describe("create", () => {
    it("posts only the properties and waits until COMPLETED", async () => {
      const scope = nock(opsManagerUrl)
        .post(requests, { properties: inputs.properties })
        .reply(401, {}, digestChallenge)
        .post(requests, { properties: inputs.properties })
        .reply(200, executing)
        .get(`${requests}/${executing.id}`)
        .reply(200, {
          ...executing,
          statusName: "COMPLETED",
          completeDate: "2026-01-01T00:00:00Z",
        });
      const result = await serverPoolRequest.create(inputs);
      expect(result.outs).to.deep.include({ statusName: "COMPLETED", groupId });
      scope.done();
    });

    it("fails when the request ends FAILED, recording its id", async () => {
      nock(opsManagerUrl)
        .post(requests)
        .reply(401, {}, digestChallenge)
        .post(requests)
        .reply(200, executing)
        .get(`${requests}/${executing.id}`)
        .reply(200, { ...executing, statusName: "FAILED" });
      const error = (await serverPoolRequest
        .create(inputs)
        .catch((e: unknown) => e)) as PartialCreateError;
      expect(error).to.be.instanceOf(PartialCreateError);
      expect(error.id).to.equal(executing.id);
      expect(error.message).to.include("FAILED");
    });

    it("fails when the request expired, and on timeout, recording the id", async () => {
      nock(opsManagerUrl)
        .post(requests)
        .reply(401, {}, digestChallenge)
        .post(requests)
        .reply(200, executing)
        .get(`${requests}/${executing.id}`)
        .reply(200, { ...executing, expires: "2000-01-01T00:00:00Z" });
      const expired = (await serverPoolRequest.create(inputs).catch((e: unknown) => e)) as Error;
      expect(expired.message).to.include("expired");
      nock(opsManagerUrl)
        .post(requests)
        .reply(200, executing)
        .get(`${requests}/${executing.id}`)
        .times(100)
        .reply(200, executing);
      const timedOut = (await serverPoolRequest
        .create({ ...inputs, timeoutMinutes: 1 })
        .catch((e: unknown) => e)) as PartialCreateError;
      expect(timedOut.message).to.include("timeoutMinutes");
      expect(timedOut.id).to.equal(executing.id);
      nock.cleanAll();
    });

    it("adopts an existing request without posting", async () => {
      const scope = nock(opsManagerUrl)
        .get(`${requests}/${executing.id}`)
        .reply(401, {}, digestChallenge)
        .get(`${requests}/${executing.id}`)
        .times(2)
        .reply(200, { ...executing, statusName: "COMPLETED" });
      const result = await serverPoolRequest.create({ ...inputs, adoptId: executing.id });
      expect(result.id).to.equal(executing.id);
      scope.done();
    });

    it("returns at once when waitForCompletion is false", async () => {
      nock(opsManagerUrl)
        .post(requests)
        .reply(401, {}, digestChallenge)
        .post(requests)
        .reply(200, executing);
      const result = await serverPoolRequest.create({ ...inputs, waitForCompletion: false });
      expect(result.outs.statusName).to.equal("EXECUTING");
    });
  });

  describe("read, diff and delete", () => {
    it("reads a cancelled or missing request as gone, and shows a FAILED one", async () => {
      nock(opsManagerUrl)
        .get(`${requests}/a`)
        .reply(401, {}, digestChallenge)
        .get(`${requests}/a`)
        .reply(200, { ...executing, statusName: "CANCELLED" })
        .get(`${requests}/b`)
        .reply(404, { detail: "gone", error: 404, errorCode: "NOT_FOUND", reason: "Not Found" })
        .get(`${requests}/c`)
        .reply(200, { ...executing, statusName: "FAILED" });
      expect((await serverPoolRequest.read("a", inputs)).id).to.equal("");
      expect((await serverPoolRequest.read("b", inputs)).id).to.equal("");
      const failed = await serverPoolRequest.read("c", inputs);
      expect(failed.props?.statusName).to.equal("FAILED");
    });

    it("replaces on any declared change", async () => {
      const olds = { ...inputs, groupId, statusName: "COMPLETED" };
      expect((await serverPoolRequest.diff("a", olds, inputs)).changes).to.equal(false);
      expect(
        (await serverPoolRequest.diff("a", olds, { ...inputs, properties: [{ size: "small" }] }))
          .replaces,
      ).to.deep.equal(["properties"]);
    });

    it("cancels with DELETE, and a request already cancelled, failed or gone is success", async () => {
      const scope = nock(opsManagerUrl)
        .get(`${requests}/a`)
        .reply(401, {}, digestChallenge)
        .get(`${requests}/a`)
        .reply(200, { ...executing, statusName: "COMPLETED" })
        .delete(`${requests}/a`)
        .reply(200, { ...executing, statusName: "CANCELLING" })
        .get(`${requests}/b`)
        .reply(200, { ...executing, statusName: "FAILED" })
        .get(`${requests}/c`)
        .reply(404, {});
      await serverPoolRequest.delete("a", inputs);
      await serverPoolRequest.delete("b", inputs);
      await serverPoolRequest.delete("c", inputs);
      scope.done();
    });
  });
});
