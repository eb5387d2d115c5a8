import { expect } from "chai";
import { createHash } from "node:crypto";
import nock from "nock";
import * as util from "node:util";
import { ApiError } from "../../provider/apiError";
import { parseChallenge } from "../../provider/digestAuth";
import { setRetryDelayForTests } from "../../provider/httpRetry";
import { clearOpsManagerCachesForTests, OpsManagerClient } from "../../provider/opsManagerClient";

const baseUrl = "https://opsmanager.example.com:8080";
const apiKey = "ops-manager-api-key-5b1c";
const settings = { baseUrl, username: "admin", apiKey, groupId: "5e2211c17a3e5a48f5497de3" };
const requests = "/api/public/v1.0/groups/5e2211c17a3e5a48f5497de3/serverPool/requests";
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

function challenge(nonce: string, stale = false) {
  return {
    "WWW-Authenticate": `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ", stale=true" : ""}`,
  };
}

/** Checks an Authorization header the way the server does, independently of the client. */
function validDigest(
  header: string | undefined,
  method: string,
  uri: string,
  nonce: string,
  password = apiKey,
) {
  const p = Object.fromEntries(
    [...(header ?? "").matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]),
  );
  const ha1 = md5(`${p.username}:MMS Public API:${password}`);
  const ha2 = md5(`${method}:${p.uri}`);
  return (
    p.nonce === nonce &&
    p.uri === uri &&
    p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
  );
}

describe("OpsManagerClient", () => {
  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    clearOpsManagerCachesForTests();
    setRetryDelayForTests(0);
  });
  afterEach(() => {
    nock.cleanAll();
    setRetryDelayForTests(1);
  });

  it("answers the Digest challenge and sends a response the server can verify", async () => {
    let header: string | undefined;
    const scope = nock(baseUrl)
      .get(`${requests}/abc`)
      .reply(401, {}, challenge("n1"))
      .get(`${requests}/abc`)
      .reply(function () {
        header = this.req.headers.authorization as string;
        return [200, { id: "abc" }];
      });
    expect(
      await new OpsManagerClient(settings).get(
        "/groups/5e2211c17a3e5a48f5497de3/serverPool/requests/abc",
      ),
    ).to.deep.equal({ id: "abc" });
    expect(validDigest(header, "GET", `${requests}/abc`, "n1")).to.equal(true);
    scope.done();
  });

  it("reuses the nonce with a rising count, so three requests pay one 401", async () => {
    const counts: string[] = [];
    const scope = nock(baseUrl)
      .get(requests)
      .reply(401, {}, challenge("n1"))
      .get(requests)
      .times(3)
      .reply(function () {
        counts.push(/nc=(\w+)/.exec(this.req.headers.authorization as string)![1]);
        return [200, { results: [] }];
      });
    const path = "/groups/5e2211c17a3e5a48f5497de3/serverPool/requests";
    await new OpsManagerClient(settings).get(path);
    await new OpsManagerClient(settings).get(path);
    await new OpsManagerClient(settings).get(path);
    expect(counts).to.deep.equal(["00000001", "00000002", "00000003"]);
    scope.done();
  });

  it("takes a fresh nonce when the server says the old one is stale", async () => {
    let header: string | undefined;
    const path = "/groups/5e2211c17a3e5a48f5497de3/serverPool/requests";
    const scope = nock(baseUrl)
      .get(requests)
      .reply(401, {}, challenge("n1"))
      .get(requests)
      .reply(200, {})
      .get(requests)
      .reply(401, {}, challenge("n2", true))
      .get(requests)
      .reply(function () {
        header = this.req.headers.authorization as string;
        return [200, {}];
      });
    const client = new OpsManagerClient(settings);
    await client.get(path);
    await client.get(path);
    expect(validDigest(header, "GET", requests, "n2")).to.equal(true);
    scope.done();
  });

  it("signs the query string as part of the digest uri", async () => {
    let header: string | undefined;
    const scope = nock(baseUrl)
      .get(requests)
      .query({ pageNum: "2" })
      .reply(401, {}, challenge("n1"))
      .get(requests)
      .query({ pageNum: "2" })
      .reply(function () {
        header = this.req.headers.authorization as string;
        return [200, {}];
      });
    await new OpsManagerClient(settings).get(
      "/groups/5e2211c17a3e5a48f5497de3/serverPool/requests?pageNum=2",
    );
    expect(validDigest(header, "GET", `${requests}?pageNum=2`, "n1")).to.equal(true);
    scope.done();
  });

  it("names the config keys on wrong credentials and never shows the API key", async () => {
    nock(baseUrl).get(requests).times(2).reply(401, {}, challenge("n1"));
    const error = await new OpsManagerClient(settings)
      .get("/groups/5e2211c17a3e5a48f5497de3/serverPool/requests")
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ApiError);
    expect((error as Error).message).to.include("ops-manager:apiKey");
    expect(util.inspect(error) + JSON.stringify(error)).not.to.include(apiKey);
  });

  it("maps Ops Manager's error body into the error", async () => {
    nock(baseUrl)
      .get(`${requests}/x`)
      .reply(401, {}, challenge("n1"))
      .get(`${requests}/x`)
      .reply(404, {
        detail: "No server pool request with ID x exists.",
        error: 404,
        errorCode: "SERVER_POOL_REQUEST_NOT_FOUND",
        reason: "Not Found",
      });
    const error = (await new OpsManagerClient(settings)
      .get("/groups/5e2211c17a3e5a48f5497de3/serverPool/requests/x")
      .catch((e: unknown) => e)) as ApiError;
    expect(ApiError.isNotFound(error)).to.equal(true);
    expect(error.errorCode).to.equal("SERVER_POOL_REQUEST_NOT_FOUND");
    expect(error.message).to.include("No server pool request with ID x exists.");
  });

  it("does not repeat a POST whose connection dropped", async () => {
    nock(baseUrl)
      .post(requests)
      .reply(401, {}, challenge("n1"))
      .post(requests)
      .once()
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const error = (await new OpsManagerClient(settings)
      .post("/groups/5e2211c17a3e5a48f5497de3/serverPool/requests", { properties: [] })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.ambiguous).to.equal(true);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it("parses the challenges it answers", () => {
    expect(parseChallenge(challenge("zz")["WWW-Authenticate"])?.nonce).to.equal("zz");
  });
});
