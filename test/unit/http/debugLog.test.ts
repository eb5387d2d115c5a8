import { expect } from "chai";
import nock from "nock";
import { TokenCache } from "../../../provider/computeOps/accessTokens";
import { GreenLakeClient } from "../../../provider/computeOps/client";
import { debugLogRequested } from "../../../provider/http/debugLog";
import { RateLimitGates } from "../../../provider/http/rateLimit";
import { registerSecret } from "../../../provider/http/redaction";
import { DigestNonces, OpsManagerClient } from "../../../provider/opsManager/client";

const endpoint = "https://us-west.api.greenlake.hpe.com";
const tokenHost = "https://sso.common.cloud.hpe.com";
const clientSecret = "debug-log-client-secret-7d2a";
const issuedToken = "debug-log-issued-token-93bc";
const jobs = "/compute-ops-mgmt/v1/jobs";
const rateHeaders = {
  "ratelimit-limit": "100",
  "ratelimit-remaining": "97",
  "ratelimit-reset": "9",
};

describe("The debug log", () => {
  let lines: string[];
  let now: number;
  const debugLog = {
    write: (line: string) => void lines.push(line),
    now: () => (now += 7),
  };

  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    lines = [];
    now = 0;
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length > 0) throw new Error(`unused nock interceptors: ${pending.join(", ")}`);
  });

  function greenLake(): GreenLakeClient {
    return new GreenLakeClient(
      { endpoint, tokenUrl: `${tokenHost}/as/token.oauth2`, clientId: "client-1", clientSecret },
      {
        tokens: new TokenCache(),
        gates: new RateLimitGates({ now: () => 0, log: () => undefined }),
        retry: { sleep: () => undefined },
        debugLog,
      },
    );
  }

  it("writes one line per attempt: method, path, query, status, duration, attempt, rate budget and debugId", async () => {
    nock(tokenHost)
      .post("/as/token.oauth2")
      .reply(200, { access_token: issuedToken, expires_in: 7200 });
    nock(endpoint)
      .get(jobs)
      .query({ filter: "state eq 'RUNNING'", offset: "0", limit: "10" })
      .reply(
        503,
        {
          httpStatusCode: 503,
          errorCode: "HPE_GL_UNAVAILABLE",
          message: "busy",
          debugId: "dbg-5e1",
        },
        rateHeaders,
      )
      .get(jobs)
      .query(true)
      .reply(
        200,
        { items: [], count: 0, offset: 0, total: 0 },
        { ...rateHeaders, "ratelimit-remaining": "96" },
      );
    await greenLake().list(jobs, { filter: "state eq 'RUNNING'", pageSize: 10 });
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal(
      "pulumi-ops-management: http: compute-ops token POST /as/token.oauth2 -> 200 in 7 ms, attempt 1, rate budget -, debugId -",
    );
    const query = "?filter=state%20eq%20%27RUNNING%27&offset=0&limit=10";
    expect(lines[1]).to.equal(
      `pulumi-ops-management: http: compute-ops GET ${jobs}${query} -> 503 in 7 ms, attempt 1, rate budget 97/100, debugId dbg-5e1`,
    );
    expect(lines[2]).to.match(
      new RegExp(
        `compute-ops GET ${jobs}\\?.* -> 200 in 7 ms, attempt 2, rate budget 96/100, debugId -$`,
      ),
    );
    expect(lines.join("\n")).not.to.include(clientSecret);
    expect(lines.join("\n")).not.to.include(issuedToken);
  });

  it("names a network error and redacts a secret in the query (an activation key filter)", async () => {
    const activationKey = "ACTKEY7731QX";
    registerSecret(activationKey);
    nock(tokenHost)
      .post("/as/token.oauth2")
      .reply(200, { access_token: issuedToken, expires_in: 7200 });
    nock(endpoint)
      .get("/compute-ops-mgmt/v1beta1/activation-keys")
      .query(true)
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .get("/compute-ops-mgmt/v1beta1/activation-keys")
      .query(true)
      .reply(200, { items: [], count: 0, offset: 0, total: 0 });
    await greenLake().get("/compute-ops-mgmt/v1beta1/activation-keys", {
      filter: `activationKey eq '${activationKey}'`,
    });
    expect(lines[1]).to.match(/-> no answer \(ECONNRESET\) in 7 ms, attempt 1,/);
    expect(lines[2]).to.match(/-> 200 .* attempt 2,/);
    expect(lines.join("\n")).not.to.include(activationKey);
    expect(lines[1]).to.include("[REDACTED]");
  });

  it("logs Ops Manager's Digest challenge and the signed attempt without the API key", async () => {
    const apiKey = "debug-log-ops-manager-key-4e0f";
    const groupId = "5e2211c17a3e5a48f5497de3";
    const path = `/groups/${groupId}/serverPool/requests`;
    nock("https://opsmanager.example.com:8080")
      .get(`/api/public/v1.0${path}`)
      .reply(
        401,
        {},
        {
          "WWW-Authenticate":
            'Digest realm="MMS Public API", nonce="n1", algorithm=MD5, qop="auth"',
        },
      )
      .get(`/api/public/v1.0${path}`)
      .reply(200, { results: [], totalCount: 0 }, { "x-request-id": "om-req-42" });
    const client = new OpsManagerClient(
      { baseUrl: "https://opsmanager.example.com:8080", username: "admin", apiKey, groupId },
      {
        nonces: new DigestNonces(),
        gates: new RateLimitGates({ now: () => 0, log: () => undefined }),
        retry: { sleep: () => undefined },
        debugLog,
      },
    );
    await client.get(path);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/ops-manager GET \/api\/public\/v1\.0\/groups\/.* -> 401 in 7 ms/);
    expect(lines[1]).to.match(/ -> 200 in 7 ms, attempt 1, rate budget -, debugId om-req-42$/);
    expect(lines.join("\n")).not.to.include(apiKey);
  });

  it("is asked for by PULUMI_OPS_DEBUG or by Pulumi's verbosity handed to the provider host", () => {
    expect(debugLogRequested({}, [])).to.equal(false);
    expect(debugLogRequested({ PULUMI_OPS_DEBUG: "1" }, [])).to.equal(true);
    expect(debugLogRequested({ PULUMI_OPS_DEBUG: "true" }, [])).to.equal(true);
    for (const off of ["", "0", "false", "no"]) {
      expect(debugLogRequested({ PULUMI_OPS_DEBUG: off }, []), off).to.equal(false);
    }
    expect(debugLogRequested({}, ["node", "host", "--logtostderr", "-v=9"])).to.equal(true);
    expect(debugLogRequested({}, ["node", "host", "-v=0"])).to.equal(false);
  });
});
