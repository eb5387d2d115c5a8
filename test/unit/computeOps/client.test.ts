import { expect } from "chai";
import nock from "nock";
import * as util from "node:util";
import { ApiError } from "../../../provider/http/apiError";
import { RateLimitGates } from "../../../provider/http/rateLimit";
import { TokenCache } from "../../../provider/computeOps/accessTokens";
import { GreenLakeClient, GreenLakeClientOptions } from "../../../provider/computeOps/client";
import { GreenLakeClients } from "../../../provider/computeOps/clientPool";
import { odataString } from "../../../provider/computeOps/odata";

const endpoint = "https://us-west.api.greenlake.hpe.com";
const tokenHost = "https://sso.common.cloud.hpe.com";
const tokenUrl = `${tokenHost}/as/token.oauth2`;
const clientSecret = "client-secret-value-0f9e";
const settings = { endpoint, tokenUrl, clientId: "client-1", clientSecret };
const policies = "/compute-ops-mgmt/v1beta2/approval-policies";
const services = "/compute-ops-mgmt/v1beta1/external-services";
const emptyPage = { items: [], count: 0, offset: 0, total: 0 };

/** The token endpoint, expecting the form-encoded client-credentials grant. */
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

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ApiError);
  return error as ApiError;
}

/** Replaces Date.now for the duration of `body`, returning a way to move the clock. */
async function withClock(body: (advance: (ms: number) => void) => Promise<void>): Promise<void> {
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    await body((ms) => (now += ms));
  } finally {
    Date.now = realNow;
  }
}

describe("GreenLakeClient", () => {
  let delays: number[];
  // Fresh tokens per test; retries run at once, each wait the policy asked for recorded instead.
  let options: GreenLakeClientOptions;
  let clients: GreenLakeClients;
  const newClient = (
    clientSettings: ConstructorParameters<typeof GreenLakeClient>[0],
    extra: GreenLakeClientOptions = {},
  ) => new GreenLakeClient(clientSettings, { ...options, ...extra });

  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    delays = [];
    options = {
      tokens: new TokenCache(),
      // A clock that stands still: a wait is over once the recording sleep was asked for it.
      gates: new RateLimitGates({ now: () => 0, log: () => undefined }),
      retry: { sleep: (ms) => void delays.push(ms) },
    };
    clients = new GreenLakeClients(options);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, "unused nock interceptors").to.deep.equal([]);
  });

  describe("tokens", () => {
    it("bounds the time spent on a token, naming the token URL and the attempts", async () => {
      // The endpoint never answers within the budget (nor within one attempt's timeout).
      const tokenEndpoint = nock(tokenHost)
        .post("/as/token.oauth2")
        .delay(2_000)
        .reply(200, { access_token: "late", expires_in: 7200 });
      const error = (await newClient(settings, { tokenBudgetMs: 300 })
        .get(policies)
        .catch((e: unknown) => e)) as Error;
      expect(error.message).to.equal(
        `no token from ${tokenUrl} within 0.3 s (1 attempt); check compute-ops:tokenUrl and the network`,
      );
      tokenEndpoint.done();
    });

    it("reuses one token across clients and renews it before expiry", async () => {
      await withClock(async (advance) => {
        const first = tokenScope("token-a", 7200);
        const second = tokenScope("token-b", 7200);
        const api = nock(endpoint)
          .get(policies)
          .times(3)
          .matchHeader("authorization", "Bearer token-a")
          .reply(200, emptyPage)
          .get(policies)
          .matchHeader("authorization", "Bearer token-b")
          .reply(200, emptyPage);
        await newClient(settings).get(policies);
        await newClient(settings).get(policies);
        // Two hours' lifetime: still good 1h54m in, renewed five minutes early.
        advance(114 * 60_000);
        await clients.clientFor(settings).get(policies);
        advance(2 * 60_000);
        await clients.clientFor(settings).get(policies);
        first.done();
        second.done();
        api.done();
      });
    });

    it("renews a short-lived token a tenth of its lifetime early", async () => {
      await withClock(async (advance) => {
        // 20 s lifetime: the margin is 2 s, not five minutes.
        const first = tokenScope("token-short", 20);
        const second = tokenScope("token-next", 7200);
        const api = nock(endpoint)
          .get(policies)
          .times(2)
          .matchHeader("authorization", "Bearer token-short")
          .reply(200, {})
          .get(policies)
          .matchHeader("authorization", "Bearer token-next")
          .reply(200, {});
        const client = newClient(settings);
        await client.get(policies);
        advance(17_000);
        await client.get(policies);
        advance(2_000);
        await client.get(policies);
        first.done();
        second.done();
        api.done();
      });
    });

    it("shares one in-flight token request between concurrent callers", async () => {
      const token = tokenScope("token-a");
      const api = nock(endpoint)
        .get(policies)
        .times(5)
        .matchHeader("authorization", "Bearer token-a")
        .reply(200, {});
      await Promise.all([1, 2, 3, 4, 5].map(() => newClient(settings).get(policies)));
      token.done();
      api.done();
    });

    it("fetches one fresh token on a 401 and repeats the request once", async () => {
      const old = tokenScope("token-old");
      const fresh = tokenScope("token-new");
      const api = nock(endpoint)
        .post(policies, { name: "p" })
        .matchHeader("authorization", "Bearer token-old")
        .reply(401, { errorCode: "HPE_GL_ERROR_UNAUTHORIZED", message: "expired" })
        .post(policies, { name: "p" })
        .matchHeader("authorization", "Bearer token-new")
        .reply(201, { id: "1" });
      // A 401 is decided before the server acts, so even a POST goes again.
      expect(await newClient(settings).post(policies, { name: "p" })).to.deep.equal({
        id: "1",
      });
      old.done();
      fresh.done();
      api.done();
    });

    it("keeps a token another request already renewed when a late 401 for the old one arrives", async () => {
      const old = tokenScope("token-old");
      const fresh = tokenScope("token-new");
      let releaseSlow: (() => void) | undefined;
      let slowArrived: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (slowArrived = resolve));
      const api = nock(endpoint)
        .get(`${policies}/slow`)
        .matchHeader("authorization", "Bearer token-old")
        .reply(function (_uri, _body, callback) {
          releaseSlow = () => callback(null, [401, {}]);
          slowArrived();
        })
        .get(`${policies}/fast`)
        .matchHeader("authorization", "Bearer token-old")
        .reply(401, {})
        .get(`${policies}/fast`)
        .matchHeader("authorization", "Bearer token-new")
        .reply(200, {})
        .get(`${policies}/slow`)
        .matchHeader("authorization", "Bearer token-new")
        .reply(200, {});
      const client = newClient(settings);
      const slow = client.get(`${policies}/slow`);
      await arrived;
      await client.get(`${policies}/fast`);
      releaseSlow!();
      await slow;
      old.done();
      fresh.done();
      api.done();
    });

    it("gives up after the fresh token is refused too, naming the client id", async () => {
      tokenScope("token-old");
      tokenScope("token-new");
      nock(endpoint).get(policies).times(2).reply(401, { message: "Unauthorized" });
      const error = await failure(newClient(settings).get(policies));
      expect(error.status).to.equal(401);
      expect(error.message).to.include("compute-ops:clientId");
    });

    it("uses a static token without asking for one", async () => {
      const api = nock(endpoint)
        .get(policies)
        .matchHeader("authorization", "Bearer static-token")
        .reply(200, {})
        .get(policies)
        .reply(401, {});
      const client = newClient({ endpoint, token: "static-token" });
      await client.get(policies);
      const error = await failure(client.get(policies));
      expect(error.message).to.include("compute-ops:token");
      expect(error.message).not.to.include("static-token");
      api.done();
    });

    it("reports a refused client as an ApiError naming the token host and status, never the secret", async () => {
      nock(tokenHost)
        .post("/as/token.oauth2")
        .reply(401, {
          error: "invalid_client",
          error_description: `Client authentication failed for secret ${clientSecret}`,
        });
      const error = await failure(newClient(settings).get(policies));
      expect(error.status).to.equal(401);
      expect(error.errorCode).to.equal("invalid_client");
      expect(error.message).to.include("POST https://sso.common.cloud.hpe.com/as/token.oauth2");
      expect(error.message).to.include("401 Unauthorized");
      expect(error.message).to.include("compute-ops:clientSecret");
      const shown = [String(error), JSON.stringify(error), util.inspect(error)].join("\n");
      expect(shown).not.to.include(clientSecret);
    });

    it("retries the token endpoint after a 503, like any other request", async () => {
      nock(tokenHost).post("/as/token.oauth2").reply(503);
      tokenScope("token-a");
      nock(endpoint).get(policies).matchHeader("authorization", "Bearer token-a").reply(200, {});
      await newClient(settings).get(policies);
      expect(delays).to.have.length(1);
    });
  });

  describe("requests", () => {
    const client = () => newClient({ endpoint, token: "t0k3n-static", tenantAcid: "tenant-9" });

    it("sends JSON on POST and a merge patch on PATCH, with Accept and Tenant-Acid", async () => {
      const api = nock(endpoint)
        .matchHeader("tenant-acid", "tenant-9")
        .matchHeader("accept", "application/json")
        .post(policies, { name: "p" })
        .matchHeader("content-type", "application/json")
        .reply(201, { id: "1" })
        .patch(`${policies}/1`, { description: "d" })
        .matchHeader("content-type", "application/merge-patch+json")
        .reply(200, { id: "1" })
        .delete(`${policies}/1`)
        .reply(204);
      await client().post(policies, { name: "p" });
      await client().patch(`${policies}/1`, { description: "d" });
      await client().delete(`${policies}/1`);
      api.done();
    });

    it("leaves Tenant-Acid out when no tenant is configured", async () => {
      const api = nock(endpoint, { badheaders: ["tenant-acid"] })
        .get(policies)
        .reply(200, {});
      await newClient({ endpoint, token: "t0k3n-static" }).get(policies);
      api.done();
    });

    it("percent-encodes every reserved character of a filter, a '+' as %2B", async () => {
      const filter =
        `serverId eq ${odataString("P06760-B21+2M212504P8")} and ` +
        `name eq ${odataString("it's a/b (c)*")} and x eq '!#$&,:;=?@[]'`;
      let sentPath = "";
      const api = nock(endpoint)
        .get("/compute-ops-mgmt/v1/jobs")
        .query(true)
        .reply(function () {
          sentPath = this.req.path;
          return [200, emptyPage];
        });
      await client().list("/compute-ops-mgmt/v1/jobs", { filter });
      api.done();
      const query = sentPath.split("?")[1];
      expect(query).to.equal(
        "filter=serverId%20eq%20%27P06760-B21%2B2M212504P8%27%20and%20" +
          "name%20eq%20%27it%27%27s%20a%2Fb%20%28c%29%2A%27%20and%20" +
          "x%20eq%20%27%21%23%24%26%2C%3A%3B%3D%3F%40%5B%5D%27&offset=0&limit=100",
      );
      expect(query).not.to.match(/[+ '()!*]/);
    });

    it("pages through a list across three pages until total is reached", async () => {
      const api = nock(endpoint)
        .get(policies)
        .query({ filter: "state eq 'ACTIVE'", offset: "0", limit: "2" })
        .reply(200, { items: [{ id: 1 }, { id: 2 }], count: 2, offset: 0, total: 5 })
        .get(policies)
        .query({ filter: "state eq 'ACTIVE'", offset: "2", limit: "2" })
        .reply(200, { items: [{ id: 3 }, { id: 4 }], count: 2, offset: 2, total: 5 })
        .get(policies)
        .query({ filter: "state eq 'ACTIVE'", offset: "4", limit: "2" })
        .reply(200, { items: [{ id: 5 }], count: 1, offset: 4, total: 5 });
      const items = await client().list<{ id: number }>(policies, {
        filter: "state eq 'ACTIVE'",
        pageSize: 2,
      });
      expect(items.map((i) => i.id)).to.deep.equal([1, 2, 3, 4, 5]);
      api.done();
    });

    it("stops at a short page when the API gives no total", async () => {
      const api = nock(endpoint)
        .get(policies)
        .query({ offset: "0", limit: "2" })
        .reply(200, { items: [{ id: 1 }, { id: 2 }] })
        .get(policies)
        .query({ offset: "2", limit: "2" })
        .reply(200, { items: [{ id: 3 }] });
      expect(await client().list(policies, { pageSize: 2 })).to.have.length(3);
      api.done();
    });

    it("gives up on a silent server after the timeout and says why no answer came", async () => {
      nock(endpoint).get(policies).delay(500).reply(200, {});
      const silent = newClient(
        { endpoint, token: "t0k3n-static" },
        { timeoutMs: 50, retry: { ...options.retry, retries: 0 } },
      );
      const error = await failure(silent.get(policies));
      expect(error.status).to.equal(undefined);
      expect(error.code).to.equal("ECONNABORTED");
      expect(error.message).to.include("GET /compute-ops-mgmt/v1beta2/approval-policies failed");
      expect(error.message).to.include("ECONNABORTED (timeout of 50ms exceeded)");
    });

    it("shares one client per distinct settings", () => {
      expect(clients.clientFor(settings)).to.equal(clients.clientFor({ ...settings }));
      expect(clients.clientFor(settings)).not.to.equal(
        clients.clientFor({ ...settings, tenantAcid: "other" }),
      );
      const client = clients.clientFor(settings);
      const shown = util.inspect(client) + JSON.stringify(client);
      expect(shown).not.to.include(clientSecret);
    });
  });

  describe("retries", () => {
    const client = () => newClient({ endpoint, token: "t0k3n-static" });

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
        .reply(429, {
          httpStatusCode: 429,
          errorCode: "HPE_GL_ERROR_TOO_MANY_REQUESTS",
          message: "Too many requests",
          errorDetails: [{ type: "hpe.greenlake.retry_info", retryAfterSeconds: 3 }],
        })
        .get(policies)
        .reply(200, {});
      await client().get(policies);
      expect(delays).to.deep.equal([3000]);
      api.done();
    });

    it("does not wait out a Retry-After longer than two minutes", async () => {
      nock(endpoint).get(policies).reply(429, {}, { "Retry-After": "3600" });
      const error = await failure(client().get(policies));
      expect(error.status).to.equal(429);
      expect(delays).to.deep.equal([]);
    });

    it("retries a GET after 5xx answers, backing off exponentially with jitter", async () => {
      const api = nock(endpoint)
        .get(policies)
        .reply(500)
        .get(policies)
        .reply(502)
        .get(policies)
        .reply(504)
        .get(policies)
        .reply(200, { ok: true });
      expect(await client().get(policies)).to.deep.equal({ ok: true });
      expect(delays).to.have.length(3);
      expect(delays[0]).to.be.within(250, 500);
      expect(delays[1]).to.be.within(500, 1000);
      expect(delays[2]).to.be.within(1000, 2000);
      api.done();
    });

    it("retries a GET after a dropped connection", async () => {
      const api = nock(endpoint)
        .get(policies)
        .replyWithError(connectionReset())
        .get(policies)
        .reply(200, { ok: true });
      expect(await client().get(policies)).to.deep.equal({ ok: true });
      expect(delays).to.have.length(1);
      api.done();
    });

    it("gives up after four retries and says how many it made", async () => {
      nock(endpoint).get(policies).times(5).reply(503, { message: "busy" });
      const error = await failure(client().get(policies));
      expect(error.status).to.equal(503);
      expect(error.retries).to.equal(4);
      expect(error.message).to.include("failed: 503 Service Unavailable after 4 retries: busy");
    });

    it("says what the network reported when every retry of a GET lost its connection", async () => {
      nock(endpoint).get(policies).times(5).replyWithError(connectionReset());
      const error = await failure(client().get(policies));
      expect(error.status).to.equal(undefined);
      expect(error.code).to.equal("ECONNRESET");
      expect(error.ambiguous).to.equal(false);
      expect(error.message).to.equal(
        `GET ${policies} failed: ECONNRESET (socket hang up) after 4 retries`,
      );
      expect(delays).to.have.length(4);
    });

    it("repeats a PATCH, and reports a DELETE that answers 404 on its retry as not found", async () => {
      const api = nock(endpoint)
        .patch(`${policies}/1`)
        .reply(502)
        .patch(`${policies}/1`)
        .reply(200, { id: "1" })
        .delete(`${policies}/1`)
        .replyWithError(connectionReset())
        .delete(`${policies}/1`)
        .reply(404, { errorCode: "HPE_GL_ERROR_NOT_FOUND", message: "not found" });
      await client().patch(`${policies}/1`, { name: "n" });
      const error = await failure(client().delete(`${policies}/1`));
      expect(ApiError.isNotFound(error)).to.equal(true);
      api.done();
    });

    it("does not repeat a POST after a 500, and marks the failure ambiguous", async () => {
      const api = nock(endpoint).post(policies).once().reply(500, { message: "boom" });
      const error = await failure(client().post(policies, { name: "p" }));
      expect(error.status).to.equal(500);
      expect(error.ambiguous).to.equal(true);
      expect(error.message).to.include("may have been applied");
      expect(delays).to.deep.equal([]);
      api.done();
    });

    it("does not repeat a POST after a dropped connection", async () => {
      const api = nock(endpoint).post(policies).once().replyWithError(connectionReset());
      const error = await failure(client().post(policies, {}));
      expect(error.ambiguous).to.equal(true);
      expect(error.code).to.equal("ECONNRESET");
      expect(delays).to.deep.equal([]);
      api.done();
    });

    it("repeats a POST refused with 429, since the server did not act", async () => {
      const api = nock(endpoint)
        .post(policies, { name: "p" })
        .reply(429, {}, { "Retry-After": "1" })
        .post(policies, { name: "p" })
        .reply(201, { id: "1" });
      expect(await client().post(policies, { name: "p" })).to.deep.equal({ id: "1" });
      expect(delays).to.deep.equal([1000]);
      api.done();
    });

    it("repeats a POST refused with 503 and Retry-After, but not a bare 503", async () => {
      const api = nock(endpoint)
        .post(policies)
        .reply(503, {}, { "Retry-After": "2" })
        .post(policies)
        .reply(201, { id: "1" })
        .post(policies)
        .once()
        .reply(503, {});
      await client().post(policies, {});
      const error = await failure(client().post(policies, {}));
      expect(error.ambiguous).to.equal(true);
      expect(delays).to.deep.equal([2000]);
      api.done();
    });

    it("repeats a POST the caller marks idempotent", async () => {
      const api = nock(endpoint)
        .post(`${services}/1/test`)
        .reply(502)
        .post(`${services}/1/test`)
        .reply(202, {});
      await client().post(`${services}/1/test`, {}, { idempotent: true });
      api.done();
    });

    it("repeats a POST whose connection was refused, since nothing was sent", async () => {
      const api = nock(endpoint)
        .post(policies)
        .replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))
        .post(policies)
        .reply(201, { id: "1" });
      await client().post(policies, {});
      api.done();
    });
  });

  describe("errors", () => {
    it("carries the API's errorCode, message, debugId and issues in a readable message", async () => {
      nock(endpoint)
        .post(services)
        .reply(400, {
          httpStatusCode: 400,
          errorCode: "HPE_GL_ERROR_BAD_REQUEST",
          message: "Bad request",
          debugId: "dbg-123",
          errorDetails: [
            {
              type: "hpe.greenlake.bad_request",
              issues: [
                {
                  source: "body",
                  subject: "authentication.clientSecret",
                  description: "must be at least 8 characters",
                },
                { source: "body", subject: "serviceData.region", description: "is required" },
              ],
            },
          ],
        });
      const error = await failure(newClient({ endpoint, token: "t0k3n" }).post(services, {}));
      expect(error.method).to.equal("POST");
      expect(error.path).to.equal(services);
      expect(error.status).to.equal(400);
      expect(error.errorCode).to.equal("HPE_GL_ERROR_BAD_REQUEST");
      expect(error.apiMessage).to.equal("Bad request");
      expect(error.debugId).to.equal("dbg-123");
      expect(error.issues).to.deep.equal([
        {
          source: "body",
          subject: "authentication.clientSecret",
          description: "must be at least 8 characters",
        },
        { source: "body", subject: "serviceData.region", description: "is required" },
      ]);
      expect(error.message).to.equal(
        "POST /compute-ops-mgmt/v1beta1/external-services failed: 400 Bad Request " +
          "(errorCode HPE_GL_ERROR_BAD_REQUEST, debugId dbg-123): Bad request; " +
          "authentication.clientSecret: must be at least 8 characters; " +
          "serviceData.region: is required",
      );
      expect(error.ambiguous).to.equal(false);
    });

    it("names the path without its query string", async () => {
      nock(endpoint).get(policies).query(true).reply(404, { message: "nope" });
      const error = await failure(
        newClient({ endpoint, token: "t0k3n" }).get(policies, { filter: "x eq 'k'" }),
      );
      expect(error.path).to.equal(policies);
      expect(error.message).not.to.include("filter");
    });

    it("never shows the token, the client secret or a password, however the error is printed", async () => {
      tokenScope("bearer-token-value-77");
      nock(endpoint)
        .post(services)
        .reply(400, {
          message:
            `rejected {"password":"vc-password-value-1"} with Authorization: Bearer ` +
            `bearer-token-value-77 for client_secret=${clientSecret}`,
          errorDetails: [
            {
              type: "hpe.greenlake.bad_request",
              issues: [{ subject: "authentication", description: "vc-password-value-1 is weak" }],
            },
          ],
        });
      const error = await failure(
        newClient(settings).post(services, {
          authentication: { username: "admin", password: "vc-password-value-1" },
        }),
      );
      const shown = [
        error.message,
        String(error),
        error.stack,
        JSON.stringify(error),
        util.inspect(error, { depth: 10, showHidden: true }),
      ].join("\n");
      for (const secret of ["bearer-token-value-77", clientSecret, "vc-password-value-1"]) {
        expect(shown).not.to.include(secret);
      }
      expect(shown).to.include("[REDACTED]");
      expect(JSON.parse(JSON.stringify(error))).to.include({ status: 400, method: "POST" });
    });
  });
});
