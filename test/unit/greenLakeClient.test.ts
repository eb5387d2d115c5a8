import { expect } from "chai";
import nock from "nock";
import * as util from "node:util";
import { ApiError } from "../../provider/apiError";
import {
  clearGreenLakeCachesForTests,
  GreenLakeClient,
  greenLakeClientFor,
} from "../../provider/greenLakeClient";
import { setRetryDelayForTests } from "../../provider/httpRetry";

const endpoint = "https://us-west.api.greenlake.hpe.com";
const tokenHost = "https://sso.common.cloud.hpe.com";
const tokenUrl = `${tokenHost}/as/token.oauth2`;
const clientSecret = "client-secret-value-0f9e";
const settings = { endpoint, tokenUrl, clientId: "client-1", clientSecret };
const policies = "/compute-ops-mgmt/v1beta2/approval-policies";

function tokenScope(token: string, expiresIn = 7200, times = 1) {
  return nock(tokenHost)
    .post("/as/token.oauth2", (body: Record<string, string>) => {
      return (
        body.grant_type === "client_credentials" &&
        body.client_id === "client-1" &&
        body.client_secret === clientSecret
      );
    })
    .matchHeader("content-type", "application/x-www-form-urlencoded")
    .times(times)
    .reply(200, { access_token: token, token_type: "Bearer", expires_in: expiresIn });
}

function connectionReset(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
}

describe("GreenLakeClient", () => {
  let delays: number[];

  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    clearGreenLakeCachesForTests();
    delays = [];
    setRetryDelayForTests(0, (ms) => delays.push(ms));
  });
  afterEach(() => {
    nock.cleanAll();
    setRetryDelayForTests(1);
  });

  describe("tokens", () => {
    it("reuses one token across clients of the same credentials", async () => {
      const token = tokenScope("token-a");
      const api = nock(endpoint)
        .get(policies)
        .times(3)
        .matchHeader("authorization", "Bearer token-a")
        .reply(200, { items: [], count: 0, offset: 0, total: 0 });
      await new GreenLakeClient(settings).get(policies);
      await new GreenLakeClient(settings).get(policies);
      await greenLakeClientFor(settings).get(policies);
      token.done();
      api.done();
    });

    it("shares one in-flight token request between concurrent calls", async () => {
      const token = tokenScope("token-a");
      const api = nock(endpoint).get(policies).times(5).reply(200, {});
      const client = new GreenLakeClient(settings);
      await Promise.all([1, 2, 3, 4, 5].map(() => client.get(policies)));
      token.done();
      api.done();
    });

    it("renews the token before expires_in runs out", async () => {
      // 20 s lifetime: renewed 2 s (a tenth) early, so a token is never used past 18 s.
      const first = tokenScope("token-short", 20);
      const second = tokenScope("token-next", 7200);
      const realNow = Date.now;
      let now = realNow();
      Date.now = () => now;
      try {
        const api = nock(endpoint)
          .get(policies)
          .matchHeader("authorization", "Bearer token-short")
          .reply(200, {})
          .get(policies)
          .matchHeader("authorization", "Bearer token-next")
          .reply(200, {});
        const client = new GreenLakeClient(settings);
        await client.get(policies);
        now += 19_000;
        await client.get(policies);
        api.done();
      } finally {
        Date.now = realNow;
      }
      first.done();
      second.done();
    });

    it("fetches a fresh token once on a 401 and repeats the request", async () => {
      tokenScope("token-old");
      tokenScope("token-new");
      const api = nock(endpoint)
        .get(policies)
        .matchHeader("authorization", "Bearer token-old")
        .reply(401, { errorCode: "HPE_GL_ERROR_UNAUTHORIZED", message: "expired" })
        .get(policies)
        .matchHeader("authorization", "Bearer token-new")
        .reply(200, { ok: true });
      expect(await new GreenLakeClient(settings).get(policies)).to.deep.equal({ ok: true });
      api.done();
    });

    it("uses a static token without asking for one", async () => {
      const api = nock(endpoint)
        .get(policies)
        .matchHeader("authorization", "Bearer static-token")
        .reply(200, {});
      await new GreenLakeClient({ endpoint, token: "static-token" }).get(policies);
      api.done();
    });

    it("reports a rejected client without the secret, naming the keys to check", async () => {
      nock(tokenHost).post("/as/token.oauth2").reply(401, { error: "invalid_client" });
      const error = await new GreenLakeClient(settings).get(policies).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ApiError);
      expect(String(error)).to.include("compute-ops:clientSecret");
      expect(String(error)).not.to.include(clientSecret);
    });
  });

  describe("requests", () => {
    const client = () =>
      new GreenLakeClient({ endpoint, token: "t0k3n-static", tenantAcid: "tenant-9" });

    it("sends JSON on POST and a merge patch on PATCH, with Tenant-Acid", async () => {
      const api = nock(endpoint)
        .matchHeader("tenant-acid", "tenant-9")
        .post(policies, { name: "p" })
        .matchHeader("content-type", "application/json")
        .reply(201, { id: "1" })
        .patch(`${policies}/1`, { description: "d" })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, { id: "1" });
      await client().post(policies, { name: "p" });
      await client().patch(`${policies}/1`, { description: "d" });
      api.done();
    });

    it("percent-encodes every reserved character of a filter, '+' as %2B", async () => {
      const filter = "resourceId eq 'P06760-B21+2M212504P8' and name eq 'a/b (c)*'";
      let sentPath = "";
      const api = nock(endpoint)
        .get("/compute-ops-mgmt/v1/jobs")
        .query(true)
        .reply(200, { items: [], count: 0, offset: 0, total: 0 });
      api.on("request", (req: { path: string }) => (sentPath = req.path));
      await client().list("/compute-ops-mgmt/v1/jobs", { filter });
      api.done();
      const query = sentPath.split("?")[1];
      expect(query).to.include(
        "filter=resourceId%20eq%20%27P06760-B21%2B2M212504P8%27%20and%20name%20eq%20%27a%2Fb%20%28c%29%2A%27",
      );
      expect(query).not.to.include("+");
    });

    it("pages through a list until total is reached", async () => {
      const api = nock(endpoint)
        .get(policies)
        .query({ offset: "0", limit: "2" })
        .reply(200, { items: [{ id: 1 }, { id: 2 }], count: 2, offset: 0, total: 5 })
        .get(policies)
        .query({ offset: "2", limit: "2" })
        .reply(200, { items: [{ id: 3 }, { id: 4 }], count: 2, offset: 2, total: 5 })
        .get(policies)
        .query({ offset: "4", limit: "2" })
        .reply(200, { items: [{ id: 5 }], count: 1, offset: 4, total: 5 });
      const items = await client().list<{ id: number }>(policies, { pageSize: 2 });
      expect(items.map((i) => i.id)).to.deep.equal([1, 2, 3, 4, 5]);
      api.done();
    });
  });

  describe("retries", () => {
    const client = () => new GreenLakeClient({ endpoint, token: "t0k3n-static" });

    it("waits as long as Retry-After says, in seconds", async () => {
      const api = nock(endpoint)
        .get(policies)
        .reply(429, {}, { "Retry-After": "7" })
        .get(policies)
        .reply(200, { ok: 1 });
      await client().get(policies);
      expect(delays).to.deep.equal([7000]);
      api.done();
    });

    it("waits until the HTTP date Retry-After gives", async () => {
      const at = new Date(Date.now() + 60_000).toUTCString();
      const api = nock(endpoint)
        .get(policies)
        .reply(503, {}, { "Retry-After": at })
        .get(policies)
        .reply(200, {});
      await client().get(policies);
      expect(delays).to.have.length(1);
      expect(delays[0]).to.be.within(55_000, 60_000);
      api.done();
    });

    it("honours the API's retry_info detail", async () => {
      const api = nock(endpoint)
        .get(policies)
        .reply(429, { errorDetails: [{ type: "hpe.greenlake.retry_info", retryAfterSeconds: 3 }] })
        .get(policies)
        .reply(200, {});
      await client().get(policies);
      expect(delays).to.deep.equal([3000]);
      api.done();
    });

    it("retries a GET after 5xx answers and a dropped connection, backing off", async () => {
      const api = nock(endpoint)
        .get(policies)
        .reply(502)
        .get(policies)
        .replyWithError(connectionReset())
        .get(policies)
        .reply(200, { ok: true });
      expect(await client().get(policies)).to.deep.equal({ ok: true });
      expect(delays).to.have.length(2);
      expect(delays[1]).to.be.greaterThan(0);
      api.done();
    });

    it("does not repeat a POST after a 500, and marks the failure ambiguous", async () => {
      const api = nock(endpoint).post(policies).once().reply(500, { message: "boom" });
      const error = (await client()
        .post(policies, { name: "p" })
        .catch((e: unknown) => e)) as ApiError;
      expect(error).to.be.instanceOf(ApiError);
      expect(error.status).to.equal(500);
      expect(error.ambiguous).to.equal(true);
      api.done();
      expect(nock.pendingMocks()).to.deep.equal([]);
    });

    it("does not repeat a POST after a dropped connection", async () => {
      const api = nock(endpoint).post(policies).once().replyWithError(connectionReset());
      const error = (await client()
        .post(policies, {})
        .catch((e: unknown) => e)) as ApiError;
      expect(error.ambiguous).to.equal(true);
      expect(error.message).to.include("ECONNRESET");
      api.done();
    });

    it("repeats a POST refused with 429, since the server did not act", async () => {
      const api = nock(endpoint)
        .post(policies)
        .reply(429, {}, { "Retry-After": "1" })
        .post(policies)
        .reply(201, { id: "1" });
      expect(await client().post(policies, {})).to.deep.equal({ id: "1" });
      api.done();
    });
  });

  describe("errors", () => {
    it("carries the API's errorCode, message, debugId and issues", async () => {
      nock(endpoint)
        .post("/compute-ops-mgmt/v1beta1/external-services")
        .reply(400, {
          httpStatusCode: 400,
          errorCode: "HPE_GL_ERROR_BAD_REQUEST",
          message: "Bad request",
          debugId: "dbg-123",
          errorDetails: [
            {
              type: "hpe.greenlake.bad_request",
              issues: [
                { source: "body", subject: "serviceData.region", description: "is required" },
              ],
            },
          ],
        });
      const error = (await new GreenLakeClient({ endpoint, token: "t0k3n" })
        .post("/compute-ops-mgmt/v1beta1/external-services", {})
        .catch((e: unknown) => e)) as ApiError;
      expect(error.method).to.equal("POST");
      expect(error.path).to.equal("/compute-ops-mgmt/v1beta1/external-services");
      expect(error.status).to.equal(400);
      expect(error.errorCode).to.equal("HPE_GL_ERROR_BAD_REQUEST");
      expect(error.debugId).to.equal("dbg-123");
      expect(error.issues[0].subject).to.equal("serviceData.region");
      expect(error.message).to.include("serviceData.region: is required");
      expect(error.ambiguous).to.equal(false);
    });

    it("never shows the token, the client secret or a password, however the error is printed", async () => {
      tokenScope("bearer-token-value-77");
      nock(endpoint).post("/compute-ops-mgmt/v1beta1/external-services").reply(400, {
        message: 'rejected {"password":"vc-password-value-1"} with Bearer bearer-token-value-77',
      });
      const error = await new GreenLakeClient(settings)
        .post("/compute-ops-mgmt/v1beta1/external-services", {
          authentication: { password: "vc-password-value-1" },
        })
        .catch((e: unknown) => e);
      const shown = [
        (error as Error).message,
        String(error),
        JSON.stringify(error),
        util.inspect(error, { depth: 10 }),
      ].join("\n");
      for (const secret of ["bearer-token-value-77", clientSecret, "vc-password-value-1"]) {
        expect(shown).not.to.include(secret);
      }
      expect(shown).to.include("[REDACTED]");
    });
  });
});
