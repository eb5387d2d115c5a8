import { expect } from "chai";
import nock from "nock";
import { destinationProblem, webhookImplementation } from "../../../provider/computeOps/webhook";
import { redact } from "../../../provider/http/redaction";
import { PartialCreateError } from "../../../provider/core/pulumiResults";
import { unknownSentinels } from "../../../provider/core/unknowns";
import { endpoint, provider, testComputeOps, useTestApis } from "../resourceTestSetup";

const webhook = webhookImplementation(testComputeOps({ log: () => undefined }));

const path = "/compute-ops-mgmt/v1beta1/webhooks";
const webhookId = "36e00ac2-16fb-4dd5-8495-7e6df82fc15e";
const secretValue = "Basic-cmVjZWl2ZXI6c2VjcmV0LXZhbHVl-9d1";
const listOf = (items: unknown[]) => ({
  items,
  count: items.length,
  offset: 0,
  total: items.length,
});

function declared(extra: Record<string, unknown> = {}) {
  return {
    name: "job events",
    destination: "https://hooks.example.com/compute-ops",
    eventFilter: "type eq 'compute-ops/job'",
    headers: { "X-Receiver-Auth": secretValue },
    ...extra,
  };
}

async function failures(inputs: Record<string, unknown>) {
  return (await webhook.check({}, { ...inputs, __provider: provider })).failures ?? [];
}

describe("Webhook", () => {
  useTestApis();

  describe("check", () => {
    it("applies the defaults: state ENABLED and no headers", async () => {
      const result = await webhook.check(
        {},
        { ...declared(), headers: undefined, __provider: provider },
      );
      expect(result.failures).to.equal(undefined);
      expect(result.inputs).to.deep.include({ state: "ENABLED", headers: {} });
    });

    it("refuses a reserved header name, naming the header in Pulumi's path syntax and not its value", async () => {
      const found = await failures(
        declared({ headers: { "x-compute-ops-mgmt-verification-challenge": secretValue } }),
      );
      expect(found).to.have.length(1);
      expect(found[0].property).to.equal('headers["x-compute-ops-mgmt-verification-challenge"]');
      expect(found[0].reason).to.include("reserved by the API");
      expect(JSON.stringify(found)).not.to.include(secretValue);
    });

    it("refuses an invalid header name, a name declared twice and an empty value, quoting no value", async () => {
      const found = await failures(
        declared({ headers: { "Bad Name": secretValue, "X-Key": secretValue, "x-key": "" } }),
      );
      expect(found.map((f) => f.property)).to.have.members([
        'headers["Bad Name"]',
        'headers["x-key"]',
        'headers["x-key"]',
      ]);
      expect(JSON.stringify(found)).not.to.include(secretValue);
    });

    it("takes only https destinations, and plain http on a loopback address", () => {
      expect(destinationProblem("https://hooks.example.com/x")).to.equal(undefined);
      expect(destinationProblem("http://127.0.0.1:8123/hooks")).to.equal(undefined);
      expect(destinationProblem("http://localhost/hooks")).to.equal(undefined);
      expect(destinationProblem("http://hooks.example.com/x")).to.match(/https/);
      expect(destinationProblem("ftp://hooks.example.com/x")).to.match(/https/);
      expect(destinationProblem("hooks.example.com/x")).to.match(/absolute https URL/);
    });

    it("names the destination and the filter with their rules", async () => {
      const found = await failures(
        declared({ destination: "http://hooks.example.com", eventFilter: " " }),
      );
      expect(found.map((f) => f.property)).to.have.members(["destination", "eventFilter"]);
    });

    it("lets unknown values through at preview", async () => {
      const result = await webhook.check(
        {},
        {
          ...declared({ destination: unknownSentinels[0], headers: unknownSentinels[0] }),
          __provider: provider,
        },
      );
      expect(result.failures).to.equal(undefined);
    });
  });

  describe("diff", () => {
    const olds = { ...declared(), state: "ENABLED", status: "ACTIVE" };

    it("updates in place for every input but region", async () => {
      const diff = await webhook.diff(webhookId, olds, {
        ...declared({ eventFilter: "type eq 'compute-ops/server'" }),
        state: "ENABLED",
      });
      expect(diff).to.deep.include({ changes: true, replaces: [] });
      const moved = await webhook.diff(webhookId, olds, {
        ...declared(),
        state: "ENABLED",
        region: "eu-central",
      });
      expect(moved.replaces).to.deep.equal(["region"]);
    });

    it("enables anew a webhook the API left in WARNING", async () => {
      const diff = await webhook.diff(
        webhookId,
        { ...olds, status: "WARNING" },
        { ...declared(), state: "ENABLED" },
      );
      expect(diff.changes).to.equal(true);
    });
  });

  describe("update", () => {
    it("sends every declared header and null for each header no longer declared", async () => {
      const olds = {
        ...declared({ headers: { "X-Receiver-Auth": secretValue, "X-Old": "1" } }),
        state: "ENABLED",
        status: "ACTIVE",
      };
      const news = declared({ headers: { "X-Receiver-Auth": secretValue, "X-New": "2" } });
      const answer = {
        id: webhookId,
        ...news,
        headers: undefined,
        state: "ENABLED",
        generation: 2,
      };
      const scope = nock(endpoint)
        .patch(`${path}/${webhookId}`, {
          headers: { "X-Old": null, "X-Receiver-Auth": secretValue, "X-New": "2" },
        })
        .reply(200, { ...answer, status: "PENDING" })
        .get(`${path}/${webhookId}`)
        .reply(200, { ...answer, status: "ACTIVE" });
      const inputs = (await webhook.check(olds, { ...news, __provider: provider })).inputs;
      const { outs } = await webhook.update(webhookId, olds, inputs);
      scope.done();
      expect(outs).to.deep.include({ status: "ACTIVE", headers: news.headers });
    });
  });

  describe("redaction", () => {
    it("keeps a header value out of an error even when the API echoes it", async () => {
      const inputs = (await webhook.check({}, { ...declared(), __provider: provider })).inputs;
      nock(endpoint)
        .get(path)
        .reply(200, listOf([]))
        .post(path)
        .reply(400, {
          httpStatusCode: 400,
          errorCode: "HPE_GL_ERROR_BAD_REQUEST",
          message: `header X-Receiver-Auth: ${secretValue} was refused`,
        });
      let message = "";
      try {
        await webhook.create(inputs);
      } catch (error) {
        message = String((error as Error).message);
      }
      expect(message).to.include("400");
      expect(message).not.to.include(secretValue);
      expect(redact(`a log line with ${secretValue}`)).not.to.include(secretValue);
    });
  });

  describe("create", () => {
    it("records the webhook when the handshake cannot be followed", async () => {
      nock(endpoint)
        .get(path)
        .reply(200, listOf([]))
        .post(path)
        .reply(201, { id: webhookId, ...declared(), headers: undefined, status: "PENDING" })
        .get(`${path}/${webhookId}`)
        .reply(403, { httpStatusCode: 403, errorCode: "HPE_GL_ERROR_FORBIDDEN", message: "no" });
      const inputs = (await webhook.check({}, { ...declared(), __provider: provider })).inputs;
      const error = await webhook.create(inputs).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(PartialCreateError);
      expect((error as PartialCreateError).id).to.equal(webhookId);
      expect((error as PartialCreateError).properties).to.deep.include({
        status: "PENDING",
        __provider: provider,
      });
    });

    it("waits for the handshake and records the declared headers with the API's fields", async () => {
      const pending = {
        id: webhookId,
        ...declared(),
        headers: undefined,
        state: "ENABLED",
        status: "PENDING",
        generation: 1,
      };
      const scope = nock(endpoint)
        .get(path)
        .reply(200, listOf([]))
        .post(path, (body) => body.headers["X-Receiver-Auth"] === secretValue)
        .reply(201, pending)
        .get(`${path}/${webhookId}`)
        .reply(200, {
          ...pending,
          status: "ACTIVE",
          statusReason: "Handshake succeeded",
          generation: 2,
        });
      const inputs = (await webhook.check({}, { ...declared(), __provider: provider })).inputs;
      const { id, outs } = await webhook.create(inputs);
      expect(scope.isDone()).to.equal(true);
      expect(id).to.equal(webhookId);
      expect(outs).to.deep.include({
        status: "ACTIVE",
        headers: { "X-Receiver-Auth": secretValue },
      });
    });
  });
});
