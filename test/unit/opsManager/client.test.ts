import { expect } from "chai";
import { createHash } from "node:crypto";
import nock from "nock";
import * as util from "node:util";
import { ApiError } from "../../../provider/http/apiError";
import { RateLimitGates } from "../../../provider/http/rateLimit";
import {
  DigestNonces,
  OpsManagerClient,
  OpsManagerClientOptions,
} from "../../../provider/opsManager/client";
import { OpsManagerClients } from "../../../provider/opsManager/clientPool";

const baseUrl = "https://opsmanager.example.com:8080";
const apiKey = "ops-manager-api-key-5b1c";
const groupId = "5e2211c17a3e5a48f5497de3";
const settings = { baseUrl, username: "admin", apiKey, groupId };
const path = `/groups/${groupId}/serverPool/requests`;
const requests = `/api/public/v1.0${path}`;
const realm = "MMS Public API";

function challenge(nonce: string, options: { stale?: boolean; algorithm?: string } = {}) {
  return {
    "WWW-Authenticate":
      `Digest realm="${realm}", domain="", nonce="${nonce}", ` +
      `algorithm=${options.algorithm ?? "MD5"}, qop="auth"` +
      (options.stale ? ", stale=true" : ""),
  };
}

function digestParams(header: string | undefined): Record<string, string> {
  return Object.fromEntries(
    [...(header ?? "").matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]),
  );
}

/**
 * Checks an Authorization header the way the server does (RFC 7616 section 3.4.1),
 * written out here rather than calling the client's digest code.
 */
function verifyDigest(
  header: string | undefined,
  expected: { method: string; uri: string; nonce: string; hash?: "md5" | "sha256" },
): Record<string, string> {
  const h = (s: string) =>
    createHash(expected.hash ?? "md5")
      .update(s)
      .digest("hex");
  const p = digestParams(header);
  expect(header).to.match(/^Digest /);
  expect(p).to.include({ username: "admin", realm, nonce: expected.nonce, uri: expected.uri });
  expect(p.qop).to.equal("auth");
  expect(p.nc).to.match(/^[0-9a-f]{8}$/);
  const ha1 = h(`admin:${realm}:${apiKey}`);
  const ha2 = h(`${expected.method}:${expected.uri}`);
  expect(p.response).to.equal(h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`));
  return p;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(ApiError);
  return error as ApiError;
}

describe("OpsManagerClient", () => {
  let delays: number[];
  // Fresh nonces per test; retries run at once, each wait the policy asked for recorded instead.
  let options: OpsManagerClientOptions;
  let clients: OpsManagerClients;
  const newClient = (clientSettings: ConstructorParameters<typeof OpsManagerClient>[0]) =>
    new OpsManagerClient(clientSettings, options);

  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    delays = [];
    options = {
      nonces: new DigestNonces(),
      // A clock that stands still: a wait is over once the recording sleep was asked for it.
      gates: new RateLimitGates({ now: () => 0, log: () => undefined }),
      retry: { sleep: (ms) => void delays.push(ms) },
    };
    clients = new OpsManagerClients(options);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, "unused nock interceptors").to.deep.equal([]);
  });

  describe("Digest authentication", () => {
    it("answers the challenge with a response the server can verify", async () => {
      let header: string | undefined;
      const scope = nock(baseUrl)
        .get(`${requests}/abc`)
        .matchHeader("authorization", (v) => v === undefined)
        .reply(401, { detail: "You are not authorized", error: 401 }, challenge("n1"))
        .get(`${requests}/abc`)
        .reply(function () {
          header = this.req.headers.authorization as string;
          return [200, { id: "abc" }];
        });
      expect(await newClient(settings).get(`${path}/abc`)).to.deep.equal({
        id: "abc",
      });
      const p = verifyDigest(header, { method: "GET", uri: `${requests}/abc`, nonce: "n1" });
      expect(p.nc).to.equal("00000001");
      expect(p.algorithm).to.equal("MD5");
      scope.done();
    });

    it("reuses the nonce with a rising count and fresh cnonce, so three requests pay one 401", async () => {
      const headers: string[] = [];
      const scope = nock(baseUrl)
        .get(requests)
        .reply(401, {}, challenge("n1"))
        .get(requests)
        .times(3)
        .reply(function () {
          headers.push(this.req.headers.authorization as string);
          return [200, { results: [] }];
        });
      // Separate clients of the same server and user share the nonce.
      await newClient(settings).get(path);
      await newClient(settings).get(path);
      await clients.clientFor(settings).get(path);
      const params = headers.map((h) =>
        verifyDigest(h, { method: "GET", uri: requests, nonce: "n1" }),
      );
      expect(params.map((p) => p.nc)).to.deep.equal(["00000001", "00000002", "00000003"]);
      expect(new Set(params.map((p) => p.cnonce)).size).to.equal(3);
      scope.done();
    });

    it("takes a fresh nonce once when the server says the old one is stale", async () => {
      let header: string | undefined;
      const scope = nock(baseUrl)
        .get(requests)
        .reply(401, {}, challenge("n1"))
        .get(requests)
        .reply(200, {})
        .get(requests)
        .reply(401, {}, challenge("n2", { stale: true }))
        .get(requests)
        .reply(function () {
          header = this.req.headers.authorization as string;
          return [200, {}];
        });
      const client = newClient(settings);
      await client.get(path);
      await client.get(path);
      const p = verifyDigest(header, { method: "GET", uri: requests, nonce: "n2" });
      expect(p.nc).to.equal("00000001");
      scope.done();
    });

    it("takes a fresh challenge when the server forgot the nonce it gave", async () => {
      const scope = nock(baseUrl)
        .get(requests)
        .reply(401, {}, challenge("n1"))
        .get(requests)
        .reply(200, {})
        // e.g. Ops Manager restarted: a plain 401 for a nonce answered before.
        .get(requests)
        .reply(401, {}, challenge("n2"))
        .get(requests)
        .matchHeader("authorization", /nonce="n2"/)
        .reply(200, { ok: true });
      const client = newClient(settings);
      await client.get(path);
      expect(await client.get(path)).to.deep.equal({ ok: true });
      scope.done();
    });

    it("answers once more when a concurrent request's higher count arrived first", async () => {
      let releaseFirst: (() => void) | undefined;
      let firstArrived: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
      const scope = nock(baseUrl)
        .get(requests)
        .reply(401, {}, challenge("n1"))
        // The first request's nc=1 is held until a second request's nc=2 has been
        // served, then refused as out of order, with a fresh nonce.
        .get(requests)
        .reply(function (_uri, _body, callback) {
          releaseFirst = () => callback(null, [401, {}, challenge("n2")]);
          firstArrived();
        })
        .get(requests)
        .matchHeader("authorization", /nonce="n1".*nc=00000002/)
        .reply(200, { second: true })
        .get(requests)
        .matchHeader("authorization", /nonce="n2".*nc=00000001/)
        .reply(200, { first: true });
      const first = newClient(settings).get(path);
      await arrived;
      expect(await newClient(settings).get(path)).to.deep.equal({ second: true });
      releaseFirst!();
      expect(await first).to.deep.equal({ first: true });
      scope.done();
    });

    it("signs the query string as part of the digest uri", async () => {
      let header: string | undefined;
      const scope = nock(baseUrl)
        .get(requests)
        .query({ pageNum: "2", itemsPerPage: "100" })
        .reply(401, {}, challenge("n1"))
        .get(requests)
        .query({ pageNum: "2", itemsPerPage: "100" })
        .reply(function () {
          header = this.req.headers.authorization as string;
          return [200, {}];
        });
      await newClient(settings).get(`${path}?pageNum=2&itemsPerPage=100`);
      verifyDigest(header, {
        method: "GET",
        uri: `${requests}?pageNum=2&itemsPerPage=100`,
        nonce: "n1",
      });
      scope.done();
    });

    it("signs the whole path when Ops Manager sits under a path prefix", async () => {
      let header: string | undefined;
      const scope = nock(baseUrl)
        .get(`/mms${requests}`)
        .reply(401, {}, challenge("n1"))
        .get(`/mms${requests}`)
        .reply(function () {
          header = this.req.headers.authorization as string;
          return [200, {}];
        });
      await newClient({ ...settings, baseUrl: `${baseUrl}/mms/` }).get(path);
      verifyDigest(header, { method: "GET", uri: `/mms${requests}`, nonce: "n1" });
      scope.done();
    });

    it("answers with SHA-256 when the server offers it alongside MD5", async () => {
      let header: string | undefined;
      const scope = nock(baseUrl)
        .get(requests)
        .reply(
          401,
          {},
          {
            "WWW-Authenticate": [
              `Digest realm="${realm}", nonce="n1", algorithm=MD5, qop="auth"`,
              `Digest realm="${realm}", nonce="n1", algorithm=SHA-256, qop="auth"`,
            ].join(", "),
          },
        )
        .get(requests)
        .reply(function () {
          header = this.req.headers.authorization as string;
          return [200, {}];
        });
      await newClient(settings).get(path);
      const p = verifyDigest(header, { method: "GET", uri: requests, nonce: "n1", hash: "sha256" });
      expect(p.algorithm).to.equal("SHA-256");
      scope.done();
    });

    it("names the config keys on wrong credentials and never shows the API key", async () => {
      const scope = nock(baseUrl).get(requests).times(2).reply(
        401,
        {
          detail: "You are not authorized for this resource.",
          error: 401,
          errorCode: "NOT_AUTHORIZED",
          reason: "Unauthorized",
        },
        challenge("n1"),
      );
      const error = await failure(newClient(settings).get(path));
      expect(error.status).to.equal(401);
      expect(error.errorCode).to.equal("NOT_AUTHORIZED");
      expect(error.message).to.include("ops-manager:username");
      expect(error.message).to.include("ops-manager:apiKey");
      const shown = [error.message, String(error), JSON.stringify(error), util.inspect(error)];
      expect(shown.join("\n")).not.to.include(apiKey);
      scope.done();
    });

    it("says so when a 401 carries no Digest challenge it can answer", async () => {
      nock(baseUrl).get(requests).reply(401, {}, { "WWW-Authenticate": 'Basic realm="x"' });
      const error = await failure(newClient(settings).get(path));
      expect(error.message).to.include("no Digest challenge");
    });
  });

  describe("requests", () => {
    it("sends JSON on POST", async () => {
      const scope = nock(baseUrl)
        .post(requests, { properties: [] })
        .reply(401, {}, challenge("n1"))
        .post(requests, { properties: [] })
        .matchHeader("content-type", "application/json")
        .matchHeader("accept", "application/json")
        .matchHeader("authorization", /^Digest /)
        .reply(200, { id: "r1" });
      expect(await newClient(settings).post(path, { properties: [] })).to.deep.equal({
        id: "r1",
      });
      scope.done();
    });

    it("maps Ops Manager's error body into the error", async () => {
      const scope = nock(baseUrl)
        .get(`${requests}/x`)
        .reply(401, {}, challenge("n1"))
        .get(`${requests}/x`)
        .reply(404, {
          detail: "No server pool request with ID x exists.",
          error: 404,
          errorCode: "SERVER_POOL_REQUEST_NOT_FOUND",
          reason: "Not Found",
        });
      const error = await failure(newClient(settings).get(`${path}/x`));
      expect(ApiError.isNotFound(error)).to.equal(true);
      expect(error.errorCode).to.equal("SERVER_POOL_REQUEST_NOT_FOUND");
      expect(error.apiMessage).to.equal("No server pool request with ID x exists.");
      expect(error.message).to.equal(
        `GET ${requests}/x failed: 404 Not Found (errorCode SERVER_POOL_REQUEST_NOT_FOUND): ` +
          "No server pool request with ID x exists.",
      );
      scope.done();
    });

    it("retries a GET after a 503 with a new count, so the server sees no replay", async () => {
      const counts: string[] = [];
      const scope = nock(baseUrl)
        .get(requests)
        .reply(401, {}, challenge("n1"))
        .get(requests)
        .times(2)
        .reply(function () {
          counts.push(digestParams(this.req.headers.authorization as string).nc);
          return counts.length === 1 ? [503, {}] : [200, { results: [] }];
        });
      await newClient(settings).get(path);
      expect(counts).to.deep.equal(["00000001", "00000002"]);
      expect(delays).to.have.length(1);
      scope.done();
    });

    it("does not repeat a POST whose connection dropped, or that answered 500", async () => {
      const scope = nock(baseUrl)
        .post(requests)
        .reply(401, {}, challenge("n1"))
        .post(requests)
        .once()
        .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
        .post(requests)
        .once()
        .reply(500, { detail: "Unexpected error.", error: 500, errorCode: "UNEXPECTED_ERROR" });
      const client = newClient(settings);
      const dropped = await failure(client.post(path, { properties: [] }));
      expect(dropped.ambiguous).to.equal(true);
      const broken = await failure(client.post(path, { properties: [] }));
      expect(broken.ambiguous).to.equal(true);
      expect(broken.status).to.equal(500);
      expect(delays).to.deep.equal([]);
      scope.done();
    });

    it("repeats a POST refused with 429", async () => {
      const scope = nock(baseUrl)
        .post(requests)
        .reply(401, {}, challenge("n1"))
        .post(requests)
        .reply(429, { error: 429, errorCode: "RATE_LIMITED" }, { "Retry-After": "4" })
        .post(requests)
        .reply(200, { id: "r1" });
      await newClient(settings).post(path, { properties: [] });
      expect(delays).to.deep.equal([4000]);
      scope.done();
    });

    it("shares one client per distinct settings and never shows the key", () => {
      const client = clients.clientFor(settings);
      expect(clients.clientFor({ ...settings })).to.equal(client);
      expect(util.inspect(client) + JSON.stringify(client)).not.to.include(apiKey);
    });
  });
});
