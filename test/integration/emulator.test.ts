/**
 * The emulator as an HTTP server (DESIGN.md decision 9): real requests over a
 * socket with axios, checking what the seeds and the OpenAPI description say the
 * APIs do. Timing is never asserted: waits poll until a state appears.
 */
import axios, { AxiosResponse } from "axios";
import { expect } from "chai";
import { createHash, randomUUID } from "node:crypto";
import { RunningEmulator, startEmulator } from "../../emulator";

const http = axios.create({ validateStatus: () => true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const policies = "/compute-ops-mgmt/v1beta2/approval-policies";
const services = "/compute-ops-mgmt/v1beta1/external-services";
const keys = "/compute-ops-mgmt/v1beta1/activation-keys";
const jobs = "/compute-ops-mgmt/v1/jobs";
const powerOnTemplate = "0cbb2377-1834-488d-840c-d5bf788c34fb";
const serverId = "P06760-B21+2M212504P8";

type Body = Record<string, unknown>;

interface Issue {
  source: string;
  subject: string;
  description: string;
}

function issuesOf(response: AxiosResponse): Issue[] {
  const details = (response.data?.errorDetails ?? []) as { type: string; issues?: Issue[] }[];
  return details.filter((d) => d.type === "hpe.greenlake.bad_request").flatMap((d) => d.issues!);
}

function subjectsOf(response: AxiosResponse): string[] {
  return issuesOf(response).map((i) => i.subject);
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error("the awaited state never came");
}

function policyBody(overrides: Body = {}): Body {
  return {
    name: `policy-${randomUUID()}`,
    description: "Demo policy",
    policyData: {
      approvables: [
        {
          approvableName: "Update firmware",
          approvers: [{ email: "ops@example.com" }, { email: "lead@example.com" }],
          minApprovers: 1,
        },
      ],
      resources: [{ resourceId: randomUUID(), resourceType: "compute-ops-mgmt/group" }],
    },
    ...overrides,
  };
}

function scope(
  serviceEventIssues: boolean,
  criticalEventIssues: boolean,
  warningEventIssues: boolean,
  utilizationThresholdAlerts: boolean,
  extra: Body = {},
): Body {
  return {
    serviceEventIssues,
    criticalEventIssues,
    warningEventIssues,
    utilizationThresholdAlerts,
    ...extra,
  };
}

function serviceNowBody(overrides: Body = {}, incidentCreationScope?: Body): Body {
  return {
    name: `snow-${randomUUID()}`,
    serviceType: "SERVICE_NOW",
    authenticationType: "OAUTH",
    description: "ServiceNow",
    authentication: { clientId: "snow-id", clientSecret: "snow-secret", refreshToken: "snow-rt" },
    serviceData: {
      oauthUrl: "https://example.service-now.com/oauth_token.do",
      incidentUrl: "https://example.service-now.com/api/now/import/u_demo_incident_inbound_api",
      refreshTokenExpiryInDays: 150,
      ...(incidentCreationScope ? { incidentCreationScope } : {}),
    },
    ...overrides,
  };
}

function vCenterBody(overrides: Body = {}): Body {
  return {
    name: `vcenter-${randomUUID()}`,
    serviceType: "VMWARE_VCENTER",
    authenticationType: "BASIC",
    description: "vCenter",
    authentication: { username: "administrator@vsphere.local", password: "vc-password" },
    serviceData: {
      vCenterUrl: "192.0.2.50",
      associatedGatewayUri:
        "/compute-ops-mgmt/v1beta1/appliances/gateway+480c64da-12b8-4e90-84a7-8725a9b21fb7",
      vCenterCertFingerprint: createHash("sha256").update("vcenter").digest("hex"),
    },
    ...overrides,
  };
}

describe("Emulator", function () {
  this.timeout(15_000);
  let emulator: RunningEmulator;
  let accessToken: string;

  async function newToken(): Promise<string> {
    const response = await http.post(
      emulator.tokenUrl,
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: emulator.credentials.clientId,
        client_secret: emulator.credentials.clientSecret,
      }).toString(),
      { headers: { "Content-Type": "application/x-www-form-urlencoded" } },
    );
    expect(response.status).to.equal(200);
    return response.data.access_token as string;
  }

  /** A Compute Ops Management request with a valid token and the right content type. */
  function com(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<AxiosResponse> {
    const contentType = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    return http.request({
      method,
      url: `${emulator.url}${path}`,
      data: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        Authorization: `Bearer ${accessToken}`,
        ...(body === undefined ? {} : { "Content-Type": contentType }),
        ...headers,
      },
    });
  }

  async function create(path: string, body: Body, headers?: Record<string, string>) {
    const response = await com("POST", path, body, headers);
    expect(response.status, JSON.stringify(response.data)).to.equal(201);
    return response.data as Body;
  }

  async function objects(): Promise<Record<string, Body[]>> {
    return (await http.get(`${emulator.url}/__emulator/objects`)).data;
  }

  before(async () => {
    emulator = await startEmulator({
      port: 0,
      quiet: true,
      jobStepMs: 40,
      serverPoolDelayMs: 80,
    });
    accessToken = await newToken();
  });

  after(async () => {
    await emulator.close();
  });

  afterEach(async () => {
    await http.delete(`${emulator.url}/__emulator/faults`);
  });

  describe("startEmulator", () => {
    it("answers on the URLs it reports, with the default credentials", () => {
      expect(emulator.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emulator.port).to.be.greaterThan(0);
      expect(emulator.computeOpsEndpoint).to.equal(emulator.url);
      expect(emulator.opsManagerBaseUrl).to.equal(emulator.url);
      expect(emulator.tokenUrl).to.equal(`${emulator.url}/as/token.oauth2`);
      expect(emulator.credentials.clientId).to.equal("emulator-client-id");
      expect(emulator.credentials.opsManagerGroupId).to.match(/^[0-9a-f]{24}$/);
    });
  });

  describe("tokens", () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

    it("issues an opaque Bearer token for the right client", async () => {
      const response = await http.post(
        emulator.tokenUrl,
        form({
          grant_type: "client_credentials",
          client_id: "emulator-client-id",
          client_secret: "emulator-client-secret",
        }),
        { headers: formHeaders },
      );
      expect(response.status).to.equal(200);
      expect(response.data.token_type).to.equal("Bearer");
      expect(response.data.expires_in).to.equal(7200);
      expect(response.data.access_token).to.be.a("string").with.length.greaterThan(16);
    });

    it("issues tokens on the workspace-scoped path and with HTTP Basic credentials", async () => {
      const basic = Buffer.from("emulator-client-id:emulator-client-secret").toString("base64");
      const response = await http.post(
        `${emulator.url}/authorization/v2/oauth2/${randomUUID()}/token`,
        form({ grant_type: "client_credentials" }),
        { headers: { ...formHeaders, Authorization: `Basic ${basic}` } },
      );
      expect(response.status).to.equal(200);
      const list = await http.get(`${emulator.url}${policies}`, {
        headers: { Authorization: `Bearer ${response.data.access_token}` },
      });
      expect(list.status).to.equal(200);
    });

    it("rejects a wrong client secret with 401 invalid_client", async () => {
      const response = await http.post(
        emulator.tokenUrl,
        form({
          grant_type: "client_credentials",
          client_id: "emulator-client-id",
          client_secret: "wrong",
        }),
        { headers: formHeaders },
      );
      expect(response.status).to.equal(401);
      expect(response.data).to.deep.equal({ error: "invalid_client" });
    });

    it("rejects a JSON token request with 400", async () => {
      const response = await http.post(emulator.tokenUrl, {
        grant_type: "client_credentials",
        client_id: "emulator-client-id",
        client_secret: "emulator-client-secret",
      });
      expect(response.status).to.equal(400);
      expect(response.data.error).to.equal("invalid_request");
    });

    it("rejects a grant other than client_credentials", async () => {
      const response = await http.post(
        emulator.tokenUrl,
        form({
          grant_type: "password",
          client_id: "emulator-client-id",
          client_secret: "emulator-client-secret",
        }),
        { headers: formHeaders },
      );
      expect(response.status).to.equal(400);
      expect(response.data.error).to.equal("unsupported_grant_type");
    });

    it("counts token requests in the stats", async () => {
      const before = (await http.get(`${emulator.url}/__emulator/stats`)).data.tokenRequests;
      await newToken();
      const after = (await http.get(`${emulator.url}/__emulator/stats`)).data.tokenRequests;
      expect(after).to.equal(before + 1);
    });

    it("stops accepting a token once its lifetime has passed", async () => {
      const shortLived = await startEmulator({ port: 0, quiet: true, tokenTtlSeconds: 1 });
      try {
        const issued = await http.post(
          shortLived.tokenUrl,
          form({
            grant_type: "client_credentials",
            client_id: "emulator-client-id",
            client_secret: "emulator-client-secret",
          }),
          { headers: formHeaders },
        );
        expect(issued.data.expires_in).to.equal(1);
        const headers = { Authorization: `Bearer ${issued.data.access_token}` };
        expect((await http.get(`${shortLived.url}${policies}`, { headers })).status).to.equal(200);
        await sleep(1100);
        const expired = await http.get(`${shortLived.url}${policies}`, { headers });
        expect(expired.status).to.equal(401);
      } finally {
        await shortLived.close();
      }
    });
  });

  describe("bearer authentication", () => {
    it("answers 401 with the Compute Ops Management error body when there is no token", async () => {
      const response = await http.get(`${emulator.url}${policies}`);
      expect(response.status).to.equal(401);
      expect(response.data).to.include.keys("httpStatusCode", "errorCode", "message", "debugId");
      expect(response.data.httpStatusCode).to.equal(401);
    });

    it("answers 401 for a token it never issued", async () => {
      const response = await http.get(`${emulator.url}${jobs}`, {
        headers: { Authorization: "Bearer not-a-token" },
      });
      expect(response.status).to.equal(401);
    });
  });

  describe("content types", () => {
    it("rejects a POST that is not application/json with 415", async () => {
      const response = await http.post(`${emulator.url}${policies}`, "name=x", {
        headers: {
          Authorization: `Bearer ${accessToken}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
      });
      expect(response.status).to.equal(415);
      expect(response.data.httpStatusCode).to.equal(415);
    });

    it("rejects a PATCH sent as application/json with 415", async () => {
      const policy = await create(policies, policyBody());
      const response = await com(
        "PATCH",
        `${policies}/${policy.id}`,
        { description: "x" },
        {
          "Content-Type": "application/json",
        },
      );
      expect(response.status).to.equal(415);
    });
  });

  describe("approval policies", () => {
    it("creates a policy with the common fields, ACTIVE state and remarks", async () => {
      const body = policyBody();
      const response = await com("POST", policies, body);
      expect(response.status).to.equal(201);
      const policy = response.data;
      expect(policy.id).to.match(/^[0-9a-f-]{36}$/);
      expect(policy.type).to.equal("compute-ops-mgmt/approval-policy");
      expect(policy.generation).to.equal(1);
      expect(policy.state).to.equal("ACTIVE");
      expect(policy).to.have.property("remarks");
      expect(policy.resourceUri).to.equal(`${policies}/${policy.id}`);
      expect(policy.createdAt).to.equal(policy.updatedAt);
      expect(policy.policyData).to.deep.equal(body.policyData);
      const read = await com("GET", `${policies}/${policy.id}`);
      expect(read.data).to.deep.equal(policy);
    });

    it("fills in minApprovers 1 when it is left out", async () => {
      const policy = await create(
        policies,
        policyBody({
          policyData: {
            approvables: [{ approvableName: "Power on", approvers: [{ email: "a@example.com" }] }],
            resources: [],
          },
        }),
      );
      const data = policy.policyData as { approvables: Body[] };
      expect(data.approvables[0].minApprovers).to.equal(1);
    });

    it("rejects a policy without a name with 400 naming the field", async () => {
      const response = await com("POST", policies, policyBody({ name: undefined }));
      expect(response.status).to.equal(400);
      expect(response.data.errorCode).to.be.a("string");
      expect(issuesOf(response)).to.deep.include({
        source: "field",
        subject: "name",
        description: "is required",
      });
    });

    it("rejects an approvable name outside the spec's list, a bad email and too many minApprovers", async () => {
      const response = await com(
        "POST",
        policies,
        policyBody({
          policyData: {
            approvables: [
              {
                approvableName: "Format disks",
                approvers: [{ email: "not-an-email" }],
                minApprovers: 2,
              },
            ],
            resources: [],
          },
        }),
      );
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include.members([
        "policyData.approvables[0].approvableName",
        "policyData.approvables[0].approvers[0].email",
        "policyData.approvables[0].minApprovers",
      ]);
    });

    it("rejects minApprovers 0 and a resource that is not a group with a UUID", async () => {
      const response = await com(
        "POST",
        policies,
        policyBody({
          policyData: {
            approvables: [
              { approvableName: "Reset", approvers: [{ email: "a@example.com" }], minApprovers: 0 },
            ],
            resources: [{ resourceId: "group-1", resourceType: "compute-ops-mgmt/server" }],
          },
        }),
      );
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include.members([
        "policyData.approvables[0].minApprovers",
        "policyData.resources[0].resourceId",
        "policyData.resources[0].resourceType",
      ]);
    });

    it("answers 409 for a second policy with the same name", async () => {
      const body = policyBody();
      await create(policies, body);
      const response = await com("POST", policies, body);
      expect(response.status).to.equal(409);
      expect(response.data.httpStatusCode).to.equal(409);
    });

    it("applies a merge patch: null deletes, arrays are replaced, generation increases", async () => {
      const policy = await create(policies, policyBody());
      await sleep(5);
      const newResource = { resourceId: randomUUID(), resourceType: "compute-ops-mgmt/group" };
      const response = await com("PATCH", `${policies}/${policy.id}`, {
        description: null,
        policyData: { resources: [newResource] },
      });
      expect(response.status).to.equal(200);
      const updated = response.data;
      expect(updated).not.to.have.property("description");
      expect(updated.policyData.resources).to.deep.equal([newResource]);
      expect(updated.policyData.approvables).to.deep.equal((policy.policyData as Body).approvables);
      expect(updated.generation).to.equal(2);
      expect(updated.updatedAt > updated.createdAt).to.equal(true);
      expect(updated.id).to.equal(policy.id);
    });

    it("rejects a patch whose result is invalid and leaves the policy as it was", async () => {
      const policy = await create(policies, policyBody());
      const response = await com("PATCH", `${policies}/${policy.id}`, { name: null });
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include("name");
      const read = await com("GET", `${policies}/${policy.id}`);
      expect(read.data.generation).to.equal(1);
      expect(read.data.name).to.equal(policy.name);
    });

    it("deletes with 204 and then answers 404", async () => {
      const policy = await create(policies, policyBody());
      expect((await com("DELETE", `${policies}/${policy.id}`)).status).to.equal(204);
      const gone = await com("GET", `${policies}/${policy.id}`);
      expect(gone.status).to.equal(404);
      expect(gone.data.httpStatusCode).to.equal(404);
      expect((await com("DELETE", `${policies}/${policy.id}`)).status).to.equal(404);
    });
  });

  describe("lists and filters", () => {
    const tenant = randomUUID();
    const tenantHeaders = { "Tenant-Acid": tenant };
    const groupA = randomUUID();
    const groupB = randomUUID();

    before(async () => {
      for (let i = 0; i < 5; i++) {
        await create(
          policies,
          policyBody({
            name: `listed-${i}`,
            description: i % 2 === 0 ? "Even policy" : "Odd policy",
            policyData: {
              approvables: [],
              resources: [
                { resourceId: i < 2 ? groupA : groupB, resourceType: "compute-ops-mgmt/group" },
              ],
            },
          }),
          tenantHeaders,
        );
      }
    });

    function list(query: string, headers: Record<string, string> = tenantHeaders) {
      return com("GET", `${policies}?${query}`, undefined, headers);
    }

    it("pages with offset and limit and reports the total", async () => {
      const response = await list("offset=1&limit=2");
      expect(response.status).to.equal(200);
      expect(response.data).to.include({ count: 2, offset: 1, total: 5 });
      expect(response.data.items.map((p: Body) => p.name)).to.deep.equal(["listed-1", "listed-2"]);
    });

    it("rejects a limit above the maximum and a negative offset with 400", async () => {
      const tooMany = await list("limit=10001");
      expect(tooMany.status).to.equal(400);
      expect(issuesOf(tooMany)[0]).to.include({ source: "query.parameter", subject: "limit" });
      expect((await list("offset=-1")).status).to.equal(400);
      expect((await com("GET", `${jobs}?limit=1001`)).status).to.equal(400);
      expect((await list("limit=10000")).status).to.equal(200);
    });

    it("filters with eq, contains, and, or and not", async () => {
      const names = async (filter: string) => {
        const response = await list(`filter=${encodeURIComponent(filter)}`);
        expect(response.status, JSON.stringify(response.data)).to.equal(200);
        return (response.data.items as Body[]).map((p) => p.name).sort();
      };
      expect(await names("name eq 'listed-3'")).to.deep.equal(["listed-3"]);
      expect(await names("contains(description,'Odd')")).to.deep.equal(["listed-1", "listed-3"]);
      expect(await names("name eq 'listed-0' or name eq 'listed-4'")).to.deep.equal([
        "listed-0",
        "listed-4",
      ]);
      expect(await names("contains(description,'Even') and not name eq 'listed-0'")).to.deep.equal([
        "listed-2",
        "listed-4",
      ]);
      expect(await names("name in ('listed-1','listed-2')")).to.deep.equal([
        "listed-1",
        "listed-2",
      ]);
      expect(await names(`policyData/resources/id eq '${groupA}'`)).to.deep.equal([
        "listed-0",
        "listed-1",
      ]);
      expect(await names("name eq 'it''s not here'")).to.deep.equal([]);
    });

    it("answers 400 naming the filter when it cannot be parsed", async () => {
      const response = await list(`filter=${encodeURIComponent("name equals 'x'")}`);
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.deep.equal(["filter"]);
    });

    it("keeps each tenant's objects apart", async () => {
      const own = await list("limit=10000", {});
      expect((own.data.items as Body[]).some((p) => String(p.name).startsWith("listed-"))).to.equal(
        false,
      );
      const other = await list("limit=10000", { "Tenant-Acid": randomUUID() });
      expect(other.data.total).to.equal(0);
      const all = await objects();
      expect(all.approvalPolicies.filter((p) => p.tenant === tenant)).to.have.length(5);
    });

    it("reads a %2B in a filter as '+', not as a space", async () => {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
      });
      const encoded = `resource/id eq '${serverId}'`.replace(/ /g, "%20").replace("+", "%2B");
      const response = await com("GET", `${jobs}?filter=${encoded.replace(/'/g, "%27")}`);
      expect(response.status).to.equal(200);
      expect((response.data.items as Body[]).map((j) => j.id)).to.include(job.id);
      // A raw '+' stays a '+' too: only %20 means a space here, never '+'.
      const raw = await com("GET", `${jobs}?filter=resourceId%20eq%20%27${serverId}%27`);
      expect((raw.data.items as Body[]).map((j) => j.id)).to.include(job.id);
      const spaced = await com(
        "GET",
        `${jobs}?filter=${encodeURIComponent("resourceId eq 'P06760-B21 2M212504P8'")}`,
      );
      expect((spaced.data.items as Body[]).map((j) => j.id)).not.to.include(job.id);
    });
  });

  describe("external services", () => {
    it("creates a ServiceNow service with the server's scope defaults and masked secrets", async () => {
      const response = await com("POST", services, serviceNowBody());
      expect(response.status).to.equal(201);
      const service = response.data;
      expect(service.type).to.equal("compute-ops-mgmt/external-service");
      expect(service.state).to.equal("ENABLED");
      expect(service.status).to.equal("ENABLED");
      expect(service.authentication).to.deep.equal({
        clientId: "snow-id",
        clientSecret: "**********",
        refreshToken: "**********",
      });
      expect(service.serviceData.incidentCreationScope).to.deep.equal({
        serviceEventIssues: true,
        criticalEventIssues: false,
        warningEventIssues: false,
        utilizationThresholdAlerts: false,
        powerResetEvent: false,
        disconnectedEvent: 3,
      });
      const read = await com("GET", `${services}/${service.id}`);
      expect(read.data.authentication.clientSecret).to.equal("**********");
      const listed = await com("GET", services);
      const item = (listed.data.items as Body[]).find((s) => s.id === service.id)!;
      expect((item.authentication as Body).refreshToken).to.equal("**********");
    });

    it("never shows a secret in the admin objects either", async () => {
      await create(services, serviceNowBody());
      await create(services, vCenterBody());
      const text = JSON.stringify((await objects()).externalServices);
      expect(text).not.to.include("snow-secret");
      expect(text).not.to.include("snow-rt");
      expect(text).not.to.include("vc-password");
    });

    const validRows: [boolean, boolean, boolean, boolean][] = [
      [false, false, false, true],
      [true, false, false, true],
      [true, false, false, false],
      [true, true, false, true],
      [true, true, false, false],
      [true, true, true, true],
      [true, true, true, false],
    ];
    for (const row of validRows) {
      it(`accepts the incident scope ${row.map((b) => (b ? "T" : "F")).join("")} from seed 003's table`, async () => {
        const response = await com(
          "POST",
          services,
          serviceNowBody({}, scope(...row, { powerResetEvent: true, disconnectedEvent: 0 })),
        );
        expect(response.status, JSON.stringify(response.data)).to.equal(201);
      });
    }

    const invalidRows: [[boolean, boolean, boolean, boolean], RegExp][] = [
      [[false, false, false, false], /at least one of serviceEventIssues or utilization/],
      [[false, true, false, true], /criticalEventIssues requires serviceEventIssues/],
      [[true, false, true, false], /warningEventIssues requires criticalEventIssues/],
      [[false, false, true, true], /warningEventIssues requires criticalEventIssues/],
    ];
    for (const [row, rule] of invalidRows) {
      it(`rejects the incident scope ${row.map((b) => (b ? "T" : "F")).join("")} with 400 naming the rule`, async () => {
        const response = await com("POST", services, serviceNowBody({}, scope(...row)));
        expect(response.status).to.equal(400);
        const issue = issuesOf(response).find(
          (i) => i.subject === "serviceData.incidentCreationScope",
        );
        expect(issue?.description).to.match(rule);
      });
    }

    it("rejects disconnectedEvent outside 0..3 and refreshTokenExpiryInDays outside 100..365", async () => {
      const body = serviceNowBody({}, scope(true, false, false, false, { disconnectedEvent: 4 }));
      (body.serviceData as Body).refreshTokenExpiryInDays = 99;
      const response = await com("POST", services, body);
      expect(response.status).to.equal(400);
      expect(subjectsOf(response)).to.include.members([
        "serviceData.incidentCreationScope.disconnectedEvent",
        "serviceData.refreshTokenExpiryInDays",
      ]);
    });

    it("rejects BASIC authentication for ServiceNow and OAUTH for vCenter", async () => {
      const snow = await com("POST", services, serviceNowBody({ authenticationType: "BASIC" }));
      expect(snow.status).to.equal(400);
      expect(subjectsOf(snow)).to.include("authenticationType");
      const vc = await com("POST", services, vCenterBody({ authenticationType: "OAUTH" }));
      expect(vc.status).to.equal(400);
      expect(subjectsOf(vc)).to.include("authenticationType");
    });

    it("accepts DSCC without a refresh token but requires its region", async () => {
      const dscc = {
        name: `dscc-${randomUUID()}`,
        serviceType: "DSCC",
        authenticationType: "OAUTH",
        description: "DSCC",
        authentication: { clientId: "dscc-id", clientSecret: "dscc-secret" },
        serviceData: { region: "us-west" },
      };
      expect((await com("POST", services, dscc)).status).to.equal(201);
      const noRegion = await com("POST", services, { ...dscc, name: "x", serviceData: {} });
      expect(noRegion.status).to.equal(400);
      expect(subjectsOf(noRegion)).to.deep.equal(["serviceData.region"]);
    });

    it("creates a vCenter service, masks its password and checks the SHA-256 fingerprint", async () => {
      const created = await create(services, vCenterBody());
      expect((created.authentication as Body).password).to.equal("**********");
      expect((created.serviceData as Body).associatedGatewayId).to.equal(
        "480c64da-12b8-4e90-84a7-8725a9b21fb7",
      );
      const bad = await com(
        "POST",
        services,
        vCenterBody({
          serviceData: {
            vCenterUrl: "192.0.2.50",
            associatedGatewayUri: "/compute-ops-mgmt/v1beta1/appliances/gateway+1",
            vCenterCertFingerprint: "abc",
          },
        }),
      );
      expect(bad.status).to.equal(400);
      expect(subjectsOf(bad)).to.deep.equal(["serviceData.vCenterCertFingerprint"]);
    });

    it("refuses to change serviceType, authenticationType or status by PATCH", async () => {
      const service = await create(services, serviceNowBody());
      for (const patch of [
        { serviceType: "DSCC" },
        { authenticationType: "BASIC" },
        { status: "SUSPENDED" },
      ]) {
        const response = await com("PATCH", `${services}/${service.id}`, patch);
        expect(response.status).to.equal(400);
        expect(subjectsOf(response)).to.deep.equal(Object.keys(patch));
      }
    });

    it("patches state and the scope, validating the merged result", async () => {
      const service = await create(services, serviceNowBody());
      const disabled = await com("PATCH", `${services}/${service.id}`, {
        state: "DISABLED",
        serviceData: { incidentCreationScope: { criticalEventIssues: true } },
      });
      expect(disabled.status).to.equal(200);
      expect(disabled.data.state).to.equal("DISABLED");
      expect(disabled.data.generation).to.equal(2);
      expect(disabled.data.serviceData.incidentCreationScope.criticalEventIssues).to.equal(true);
      expect(disabled.data.serviceData.refreshTokenExpiryInDays).to.equal(150);
      const broken = await com("PATCH", `${services}/${service.id}`, {
        serviceData: { incidentCreationScope: { serviceEventIssues: false } },
      });
      expect(broken.status).to.equal(400);
    });

    it("answers 409 with errorCode 1700004 for a second service with the same name", async () => {
      const body = serviceNowBody();
      await create(services, body);
      const response = await com("POST", services, body);
      expect(response.status).to.equal(409);
      expect(response.data.errorCode).to.equal("1700004");
    });

    it("starts a test with 202 and deletes with 204", async () => {
      const service = await create(services, serviceNowBody());
      expect((await com("POST", `${services}/${service.id}/test`, {})).status).to.equal(202);
      expect((await com("DELETE", `${services}/${service.id}`)).status).to.equal(204);
      expect((await com("GET", `${services}/${service.id}`)).status).to.equal(404);
    });
  });

  describe("activation keys", () => {
    it("creates a key that expires after 72 hours by default", async () => {
      const key = await create(keys, { targetDevice: "ILO" });
      expect(key.type).to.equal("compute-ops-mgmt/activation-key");
      expect(key.activationKey).to.match(/^[A-Z0-9]{9}$/);
      const hours =
        (Date.parse(key.expiresAt as string) - Date.parse(key.createdAt as string)) / 3.6e6;
      expect(Math.round(hours)).to.equal(72);
    });

    it("rejects a missing targetDevice and an expiration outside 0.5..168 hours", async () => {
      const missing = await com("POST", keys, { expirationInHours: 2 });
      expect(missing.status).to.equal(400);
      expect(subjectsOf(missing)).to.deep.equal(["targetDevice"]);
      const tooLong = await com("POST", keys, { targetDevice: "ILO", expirationInHours: 169 });
      expect(subjectsOf(tooLong)).to.deep.equal(["expirationInHours"]);
      const tooShort = await com("POST", keys, { targetDevice: "ILO", expirationInHours: 0.4 });
      expect(tooShort.status).to.equal(400);
      expect(
        (await com("POST", keys, { targetDevice: "ILO", expirationInHours: 0.5 })).status,
      ).to.equal(201);
    });

    it("filters by key, target device and appliance URI", async () => {
      const applianceUri = `/compute-ops-mgmt/v1beta1/appliances/gateway+${randomUUID()}`;
      const gateway = await create(keys, { targetDevice: "SECURE_GATEWAY", applianceUri });
      const byKey = await com(
        "GET",
        `${keys}?filter=${encodeURIComponent(`activationKey eq '${gateway.activationKey}'`)}`,
      );
      expect((byKey.data.items as Body[]).map((k) => k.id)).to.deep.equal([gateway.id]);
      const byAppliance = await com(
        "GET",
        `${keys}?filter=${encodeURIComponent(`targetDevice eq 'SECURE_GATEWAY' and applianceUri eq '${applianceUri}'`)}`,
      );
      expect((byAppliance.data.items as Body[]).map((k) => k.id)).to.deep.equal([gateway.id]);
    });

    it("drops an expired key from the list", async () => {
      const key = await create(keys, { targetDevice: "ILO" });
      const admin = await http.post(
        `${emulator.url}/__emulator/expire-activation-key/${encodeURIComponent(key.activationKey as string)}`,
      );
      expect(admin.status).to.equal(204);
      const listed = await com("GET", keys);
      expect((listed.data.items as Body[]).map((k) => k.id)).not.to.include(key.id);
      const objects = await http.get(`${emulator.url}/__emulator/objects`);
      expect((objects.data.activationKeys as Body[]).map((k) => k.id)).not.to.include(key.id);
    });

    it("deletes by the key string, not the id, and has no GET by key or PATCH", async () => {
      const key = await create(keys, { targetDevice: "ILO" });
      const path = `${keys}/${encodeURIComponent(key.activationKey as string)}`;
      expect((await com("GET", path)).status).to.equal(405);
      expect((await com("PATCH", path, { expirationInHours: 2 })).status).to.equal(405);
      expect((await com("DELETE", `${keys}/${key.id}`)).status).to.equal(404);
      expect((await com("DELETE", path)).status).to.equal(204);
      expect((await com("DELETE", path)).status).to.equal(404);
    });
  });

  describe("jobs", () => {
    async function runToEnd(jobParams?: Body, extra: Body = {}) {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
        ...(jobParams ? { jobParams } : {}),
        ...extra,
      });
      const seen = new Set<string>([job.state as string]);
      const last = await poll(
        () => com("GET", `${jobs}/${encodeURIComponent(job.id as string)}`),
        (r) => {
          if (r.status === 200) seen.add(r.data.state);
          return r.status === 404 || ["COMPLETE", "ERROR"].includes(r.data.state);
        },
      );
      return { job, last, seen };
    }

    it("moves a job from PENDING through RUNNING to COMPLETE with resultCode SUCCESS", async () => {
      const { job, last, seen } = await runToEnd();
      expect(job.state).to.equal("PENDING");
      expect(job.resultCode).to.equal(null);
      expect(job.type).to.equal("compute-ops-mgmt/job");
      expect(job.resource).to.deep.equal({ id: serverId, type: "compute-ops-mgmt/server" });
      expect(job.resourceUri).to.equal(`${jobs}/${job.id}`);
      expect(seen.has("RUNNING")).to.equal(true);
      expect(last.data).to.include({ state: "COMPLETE", resultCode: "SUCCESS" });
      expect(last.data.generation).to.equal(3);
    });

    it("ends in ERROR with resultCode FAILURE and a message when jobParams ask for it", async () => {
      const { last } = await runToEnd({ emulatorOutcome: "ERROR" });
      expect(last.data).to.include({ state: "ERROR", resultCode: "FAILURE" });
      expect(last.data.statusDetails.message).to.be.a("string");
    });

    it("deletes a deleteOnComplete job once it completes", async () => {
      const { last } = await runToEnd({ deleteOnComplete: true });
      expect(last.status).to.equal(404);
    });

    it("holds a job in its state for emulatorStepMs", async () => {
      const job = await create(jobs, {
        jobTemplate: powerOnTemplate,
        resourceId: serverId,
        resourceType: "compute-ops-mgmt/server",
        jobParams: { emulatorStepMs: 60_000 },
      });
      await sleep(150);
      const read = await com("GET", `${jobs}/${job.id}`);
      expect(read.data.state).to.equal("PENDING");
      const ended = await com("PATCH", `${jobs}/${job.id}`, { state: "ERROR" });
      expect(ended.status).to.equal(200);
      expect(ended.data).to.include({ state: "ERROR", resultCode: "FAILURE" });
    });

    it("rejects an unknown template, a missing resourceId and a PATCH of other fields", async () => {
      const bad = await com("POST", jobs, {
        jobTemplate: randomUUID(),
        resourceType: "compute-ops-mgmt/server",
      });
      expect(bad.status).to.equal(400);
      expect(subjectsOf(bad)).to.include.members(["jobTemplate", "resourceId"]);
      const { job } = await runToEnd();
      const patch = await com("PATCH", `${jobs}/${job.id}`, { name: "renamed" });
      expect(patch.status).to.equal(400);
      expect(subjectsOf(patch)).to.deep.equal(["name"]);
    });
  });

  describe("Ops Manager Digest authentication", () => {
    const base = "/api/public/v1.0";
    const md5 = (text: string) => createHash("md5").update(text).digest("hex");

    function digestParams(header: string): Record<string, string> {
      const params: Record<string, string> = {};
      for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
        params[m[1]] = m[2] ?? m[3];
      return params;
    }

    function authorization(
      challenge: Record<string, string>,
      method: string,
      uri: string,
      nc: number,
      password = emulator.credentials.opsManagerApiKey,
    ): string {
      const username = emulator.credentials.opsManagerUsername;
      const cnonce = randomUUID().replace(/-/g, "");
      const ncText = nc.toString(16).padStart(8, "0");
      const ha1 = md5(`${username}:${challenge.realm}:${password}`);
      const ha2 = md5(`${method}:${uri}`);
      const response = md5(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:auth:${ha2}`);
      return `Digest username="${username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=${ncText}, cnonce="${cnonce}", response="${response}"`;
    }

    /** Challenge, then answer it; returns the nonce's params for reuse. */
    async function om(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ response: AxiosResponse; challenge: Record<string, string> }> {
      const uri = `${base}${path}`;
      const first = await http.request({ method, url: `${emulator.url}${uri}`, data: body });
      expect(first.status).to.equal(401);
      const challenge = digestParams(first.headers["www-authenticate"] as string);
      const response = await http.request({
        method,
        url: `${emulator.url}${uri}`,
        data: body,
        headers: { Authorization: authorization(challenge, method, uri, 1) },
      });
      return { response, challenge };
    }

    const group = () => emulator.credentials.opsManagerGroupId;

    it("challenges an unauthenticated request with realm MMS Public API, MD5 and qop auth", async () => {
      const before = (await http.get(`${emulator.url}/__emulator/stats`)).data.digestChallenges;
      const response = await http.get(
        `${emulator.url}${base}/groups/${group()}/serverPool/requests`,
      );
      expect(response.status).to.equal(401);
      const header = response.headers["www-authenticate"] as string;
      expect(header).to.match(/^Digest /);
      expect(digestParams(header)).to.include({
        realm: "MMS Public API",
        algorithm: "MD5",
        qop: "auth",
        stale: "false",
      });
      expect(response.data).to.include({ error: 401, errorCode: "NOT_AUTHORIZED" });
      const after = (await http.get(`${emulator.url}/__emulator/stats`)).data.digestChallenges;
      expect(after).to.equal(before + 1);
    });

    it("accepts a correct response and the next nonce count on the same nonce", async () => {
      const path = `/groups/${group()}/serverPool/properties`;
      const { response, challenge } = await om("GET", path);
      expect(response.status).to.equal(200);
      const ids = (response.data.results as Body[]).map((p) => p.id);
      expect(ids).to.include.members(["Datacenter", "size"]);
      expect((response.data.results as Body[]).some((p) => p.multiSelect === true)).to.equal(true);
      const again = await http.get(`${emulator.url}${base}${path}`, {
        headers: { Authorization: authorization(challenge, "GET", `${base}${path}`, 2) },
      });
      expect(again.status).to.equal(200);
      const replay = await http.get(`${emulator.url}${base}${path}`, {
        headers: { Authorization: authorization(challenge, "GET", `${base}${path}`, 2) },
      });
      expect(replay.status).to.equal(401);
    });

    it("refuses a response computed with the wrong API key", async () => {
      const uri = `${base}/groups/${group()}/serverPool/requests`;
      const first = await http.get(`${emulator.url}${uri}`);
      const challenge = digestParams(first.headers["www-authenticate"] as string);
      const response = await http.get(`${emulator.url}${uri}`, {
        headers: { Authorization: authorization(challenge, "GET", uri, 1, "wrong-key") },
      });
      expect(response.status).to.equal(401);
      expect(digestParams(response.headers["www-authenticate"] as string).stale).to.equal("false");
    });

    it("answers 401 with stale=true for an expired nonce", async () => {
      const path = `/groups/${group()}/serverPool/requests`;
      const { challenge } = await om("GET", path);
      await http.post(`${emulator.url}/__emulator/expire-nonces`);
      const response = await http.get(`${emulator.url}${base}${path}`, {
        headers: { Authorization: authorization(challenge, "GET", `${base}${path}`, 2) },
      });
      expect(response.status).to.equal(401);
      expect(digestParams(response.headers["www-authenticate"] as string).stale).to.equal("true");
    });

    describe("server-pool requests", () => {
      const requestsPath = () => `/groups/${group()}/serverPool/requests`;
      const read = async (id: string) => (await om("GET", `${requestsPath()}/${id}`)).response;

      it("moves a request the inventory can satisfy from EXECUTING to COMPLETED", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "nyc", size: "small" }],
        });
        expect(response.status).to.equal(200);
        const created = response.data;
        expect(created.id).to.match(/^[0-9a-f]{24}$/);
        expect(created).to.include({ statusName: "EXECUTING", groupId: group() });
        expect(created).to.include.keys("numServers", "created", "expires", "links");
        const done = await poll(
          () => read(created.id),
          (r) => r.data.statusName !== "EXECUTING",
        );
        expect(done.data.statusName).to.equal("COMPLETED");
        expect(done.data.completeDate).to.be.a("string");
        const list = (await om("GET", requestsPath())).response.data;
        expect(list).to.include.keys("results", "totalCount", "links");
        expect((list.results as Body[]).map((r) => r.id)).to.include(created.id);
      });

      it("fails and expires a request for a value outside the inventory", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "tokyo" }],
        });
        const done = await poll(
          () => read(response.data.id),
          (r) => r.data.statusName !== "EXECUTING",
        );
        expect(done.data.statusName).to.equal("FAILED");
        expect(Date.parse(done.data.expires)).to.be.at.most(Date.now());
      });

      it("cancels a request through CANCELLING to CANCELLED", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "lon" }],
        });
        const cancel = (await om("DELETE", `${requestsPath()}/${response.data.id}`)).response;
        expect(cancel.status).to.equal(200);
        expect(cancel.data.statusName).to.equal("CANCELLING");
        const done = await poll(
          () => read(response.data.id),
          (r) => r.data.statusName !== "CANCELLING",
        );
        expect(done.data.statusName).to.equal("CANCELLED");
        expect(done.data.cancelDate).to.be.a("string");
        const again = (await om("DELETE", `${requestsPath()}/${response.data.id}`)).response;
        expect(again.status).to.equal(200);
        expect(again.data.statusName).to.equal("CANCELLED");
      });

      it("rejects a body with anything besides properties with the Ops Manager error body", async () => {
        const { response } = await om("POST", requestsPath(), {
          properties: [{ Datacenter: "nyc" }],
          numServers: 2,
        });
        expect(response.status).to.equal(400);
        expect(response.data).to.include.keys("detail", "error", "errorCode", "reason");
      });

      it("keeps each group's requests apart and lets the admin force a status", async () => {
        const otherGroup = "0123456789abcdef01234567";
        const { response } = await om("POST", `/groups/${otherGroup}/serverPool/requests`, {
          properties: [{ size: "large" }],
        });
        const mine = (await om("GET", requestsPath())).response.data.results as Body[];
        expect(mine.map((r) => r.id)).not.to.include(response.data.id);
        const forced = await http.post(
          `${emulator.url}/__emulator/server-pool/${response.data.id}/status`,
          { statusName: "FAILED" },
        );
        expect(forced.status).to.equal(204);
        const later = (
          await om("GET", `/groups/${otherGroup}/serverPool/requests/${response.data.id}`)
        ).response;
        expect(later.data.statusName).to.equal("FAILED");
      });
    });
  });

  describe("faults", () => {
    async function setFaults(rules: Body[], seed?: number) {
      const response = await http.post(`${emulator.url}/__emulator/faults`, { rules, seed });
      expect(response.status, JSON.stringify(response.data)).to.equal(200);
    }

    it("answers 429 with Retry-After and retry_info for the next request only", async () => {
      await setFaults([{ kind: "429", count: 1, retryAfterSeconds: 7, pathPrefix: jobs }]);
      const limited = await com("GET", jobs);
      expect(limited.status).to.equal(429);
      expect(limited.headers["retry-after"]).to.equal("7");
      expect(limited.data.errorDetails).to.deep.equal([
        { type: "hpe.greenlake.retry_info", retryAfterSeconds: 7 },
      ]);
      expect((await com("GET", jobs)).status).to.equal(200);
    });

    it("answers the configured 5xx status for a count of requests, only for the method given", async () => {
      await setFaults([{ kind: "5xx", count: 2, status: 502, method: "GET" }]);
      expect((await com("GET", policies)).status).to.equal(502);
      expect((await com("POST", keys, { targetDevice: "ILO" })).status).to.equal(201);
      const second = await com("GET", policies);
      expect(second.status).to.equal(502);
      expect(second.data.httpStatusCode).to.equal(502);
      expect((await com("GET", policies)).status).to.equal(200);
    });

    it("drops the connection before doing anything", async () => {
      await setFaults([{ kind: "drop", count: 1, method: "POST" }]);
      const name = `dropped-${randomUUID()}`;
      const error = await com("POST", policies, policyBody({ name })).catch((e: unknown) => e);
      expect(axios.isAxiosError(error)).to.equal(true);
      expect((error as { response?: unknown }).response).to.equal(undefined);
      const all = await objects();
      expect(all.approvalPolicies.some((p) => p.name === name)).to.equal(false);
      const log = (await http.get(`${emulator.url}/__emulator/requests`)).data as Body[];
      expect(log[log.length - 1]).to.include({ method: "POST", status: "dropped" });
    });

    it("commits the request and then drops the connection for commit-then-drop", async () => {
      await setFaults([{ kind: "commit-then-drop", count: 1, pathPrefix: policies }]);
      const name = `committed-${randomUUID()}`;
      const error = await com("POST", policies, policyBody({ name })).catch((e: unknown) => e);
      expect(axios.isAxiosError(error)).to.equal(true);
      expect((error as { response?: unknown }).response).to.equal(undefined);
      const found = await com(
        "GET",
        `${policies}?filter=${encodeURIComponent(`name eq '${name}'`)}`,
      );
      expect(found.data.total).to.equal(1);
    });

    it("delays matching requests for a latency fault", async () => {
      await setFaults([{ kind: "latency", latencyMs: 50, pathPrefix: jobs }]);
      expect((await com("GET", jobs)).status).to.equal(200);
      const rules = (await http.get(`${emulator.url}/__emulator/faults`)).data.rules;
      expect(rules).to.deep.equal([{ kind: "latency", latencyMs: 50, pathPrefix: jobs }]);
    });

    it("fires a probability fault the same way for the same seed", async () => {
      const pattern = async () => {
        await setFaults([{ kind: "5xx", probability: 0.5, pathPrefix: keys }], 42);
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) statuses.push((await com("GET", keys)).status);
        return statuses;
      };
      const first = await pattern();
      expect(first).to.include(503);
      expect(first).to.include(200);
      expect(await pattern()).to.deep.equal(first);
    });

    it("faults the token and Ops Manager paths but never the admin endpoints", async () => {
      await setFaults([{ kind: "5xx", count: 10 }]);
      expect((await http.get(`${emulator.url}/__emulator/stats`)).status).to.equal(200);
      const token = await http.post(emulator.tokenUrl, "grant_type=client_credentials", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(token.status).to.equal(503);
      const om = await http.get(
        `${emulator.url}/api/public/v1.0/groups/${emulator.credentials.opsManagerGroupId}/serverPool/requests`,
      );
      expect(om.status).to.equal(503);
      expect(om.data).to.include.keys("detail", "error", "errorCode", "reason");
    });

    it("rejects a rule of an unknown kind with 400", async () => {
      const response = await http.post(`${emulator.url}/__emulator/faults`, {
        rules: [{ kind: "explode" }],
      });
      expect(response.status).to.equal(400);
      expect(response.data.message).to.match(/rules\[0\]\.kind/);
    });
  });

  describe("admin endpoints", () => {
    it("logs API requests and counts them by route, and resets the stats", async () => {
      await http.post(`${emulator.url}/__emulator/stats/reset`);
      await com("GET", `${jobs}/${randomUUID()}`);
      const stats = (await http.get(`${emulator.url}/__emulator/stats`)).data;
      expect(stats.requests.total).to.equal(1);
      expect(stats.requests.byRoute).to.deep.equal({ "GET /compute-ops-mgmt/v1/jobs/{id}": 1 });
      const log = (await http.get(`${emulator.url}/__emulator/requests`)).data;
      expect(log).to.have.length(1);
      expect(log[0]).to.include({ method: "GET", status: 404 });
    });

    it("empties every kind of object on reset", async () => {
      await create(policies, policyBody());
      await http.post(`${emulator.url}/__emulator/reset`);
      const all = await objects();
      expect(Object.keys(all)).to.have.members([
        "approvalPolicies",
        "externalServices",
        "activationKeys",
        "jobs",
        "serverPoolRequests",
      ]);
      for (const list of Object.values(all)) expect(list).to.deep.equal([]);
      expect((await com("GET", policies)).status).to.equal(200);
    });
  });
});
