import { expect } from "chai";
import nock from "nock";
import {
  findFirmwareBundle,
  findGroup,
  findJobTemplate,
  findSchedule,
  findServer,
  findSetting,
  lookupInProgram,
} from "../../../provider/computeOps/lookups";
import { JobTemplateCatalogs } from "../../../provider/computeOps/jobTemplateCatalog";
import { endpoint, testComputeOps, useTestApis } from "../resourceTestSetup";

const client = () => testComputeOps().clientFor({});
const groupId = "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11";
const web01 = "P06760-B21+2M212504P8";
const list = (...items: Record<string, unknown>[]) => ({
  count: items.length,
  offset: 0,
  total: items.length,
  items,
});
const server = {
  id: web01,
  name: "web-01",
  hardware: { serialNumber: "2M212504P8", productId: "P06760-B21" },
  host: { hostname: "web-01.example.com" },
  resourceUri: `/compute-ops-mgmt/v1/servers/${web01}`,
};
const bundle = (id: string, gen: number, releaseVersion: string) => ({
  id,
  name: `Gen${gen} Service Pack for ProLiant`,
  releaseVersion,
  bundleGeneration: `BUNDLE_GEN_${gen}`,
  resourceUri: `/compute-ops-mgmt/v1/firmware-bundles/${id}`,
});

async function failure(run: () => Promise<unknown>): Promise<string> {
  return run().then(
    () => "resolved",
    (e: Error) => e.message,
  );
}

describe("Lookups", () => {
  useTestApis();

  it("getGroup: one request with a name filter, the group's servers in the result", async () => {
    const scope = nock(endpoint)
      .get("/compute-ops-mgmt/v1/groups")
      .query({ filter: "name eq 'web'", offset: "0", limit: "1000" })
      .reply(
        200,
        list({
          id: groupId,
          name: "web",
          deviceType: "DIRECT_CONNECT_SERVER",
          resourceUri: `/compute-ops-mgmt/v1/groups/${groupId}`,
          devices: [{ deviceId: web01 }],
        }),
      );
    const group = await findGroup(client(), { name: "web" });
    scope.done();
    expect(group).to.deep.equal({
      id: groupId,
      name: "web",
      deviceType: "DIRECT_CONNECT_SERVER",
      resourceUri: `/compute-ops-mgmt/v1/groups/${groupId}`,
      serverIds: [web01],
    });
  });

  it("getGroup: says so when no group has the name", async () => {
    nock(endpoint).get("/compute-ops-mgmt/v1/groups").query(true).reply(200, list());
    expect(await failure(() => findGroup(client(), { name: "web" }))).to.equal(
      'no group has name "web"',
    );
  });

  it("getServer: a serial number filter with the '+'-safe encoding, one request", async () => {
    // The query is matched as sent: the filter percent-encoded, spaces as %20.
    const scope = nock(endpoint)
      .get(
        "/compute-ops-mgmt/v1/servers?filter=hardware%2FserialNumber%20eq%20%272M212504P8%27&offset=0&limit=100",
      )
      .reply(200, list(server));
    const found = await findServer(client(), { serialNumber: "2M212504P8" });
    scope.done();
    expect(found).to.deep.include({
      id: web01,
      productId: "P06760-B21",
      hostname: "web-01.example.com",
    });
  });

  it("getServer: by name asks name and host/hostname, and lists several matches", async () => {
    nock(endpoint)
      .get("/compute-ops-mgmt/v1/servers")
      .query({ filter: "name eq 'web' or host/hostname eq 'web'", offset: "0", limit: "100" })
      .reply(200, list(server, { ...server, id: "P06760-B21+2M212504P9", name: "web-02" }));
    const message = await failure(() => findServer(client(), { name: "web" }));
    expect(message).to.equal(
      `2 servers match name "web": ${web01} (web-01), P06760-B21+2M212504P9 (web-02); use serialNumber to narrow`,
    );
  });

  it("refuses bad arguments before any request", async () => {
    // No interceptor: any request would fail with a nock error instead.
    expect(await failure(() => findServer(client(), {}))).to.equal(
      "getServer: give exactly one of name or serialNumber",
    );
    expect(await failure(() => findServer(client(), { name: "a", serialNumber: "b" }))).to.match(
      /exactly one/,
    );
    expect(await failure(() => findGroup(client(), { name: " " }))).to.equal(
      "getGroup: name must be a non-empty string",
    );
    expect(
      await failure(() => findSetting(client(), { name: "x", category: "NET" as "ILO" })),
    ).to.match(/^getSetting: category must be one of BIOS/);
    expect(await failure(() => findFirmwareBundle(client(), {}))).to.equal(
      "getFirmwareBundle: give releaseVersion, name, or both",
    );
  });

  it("getSetting: a single GET with only a filter (the list has no paging)", async () => {
    const scope = nock(endpoint)
      .get("/compute-ops-mgmt/v1/settings")
      .query({ filter: "name eq 'iLO baseline' and category eq 'ILO'" })
      .reply(
        200,
        list({
          id: "s1",
          name: "iLO baseline",
          category: "ILO",
          resourceUri: "/compute-ops-mgmt/v1/settings/s1",
        }),
      );
    const setting = await findSetting(client(), { name: "iLO baseline", category: "ILO" });
    scope.done();
    expect(setting.resourceUri).to.equal("/compute-ops-mgmt/v1/settings/s1");
  });

  it("getFirmwareBundle: matches one page client-side; a release alone may match two", async () => {
    const bundles = list(
      bundle("a1", 10, "2024.04.00.00"),
      bundle("b2", 11, "2024.04.00.00"),
      bundle("c3", 10, "2023.09.00.00"),
    );
    nock(endpoint)
      .get("/compute-ops-mgmt/v1/firmware-bundles")
      .query({ offset: "0", limit: "1000" })
      .twice()
      .reply(200, bundles);
    expect(
      await failure(() => findFirmwareBundle(client(), { releaseVersion: "2024.04.00.00" })),
    ).to.equal(
      '2 firmware bundles match releaseVersion "2024.04.00.00": a1 (Gen10 Service Pack for ProLiant), ' +
        "b2 (Gen11 Service Pack for ProLiant); add name to narrow",
    );
    const found = await findFirmwareBundle(client(), {
      releaseVersion: "2024.04.00.00",
      name: "Gen11 Service Pack for ProLiant",
    });
    expect(found.id).to.equal("b2");
  });

  it("getJobTemplate: compares names ignoring case and spaces; a gone list points to the table", async () => {
    nock(endpoint)
      .get("/compute-ops-mgmt/v1beta2/job-templates")
      .query({ offset: "0", limit: "1000" })
      .reply(200, list({ id: "t1", name: "Group Firmware Compliance", description: "d" }));
    expect(await findJobTemplate(client(), { name: "groupfirmwarecompliance" })).to.deep.equal({
      id: "t1",
      name: "Group Firmware Compliance",
      description: "d",
    });
    nock(endpoint).get("/compute-ops-mgmt/v1beta2/job-templates").query(true).reply(410, {});
    expect(await failure(() => findJobTemplate(client(), { name: "Server Power On" }))).to.include(
      'a Job\'s jobTemplate takes "Server Power On"',
    );
  });

  it("getJobTemplate: reads the list once per client, however many lookups ask", async () => {
    nock(endpoint)
      .get("/compute-ops-mgmt/v1beta2/job-templates")
      .query(true)
      .once()
      .reply(
        200,
        list({ id: "t1", name: "Group Firmware Compliance" }, { id: "t2", name: "Server Restart" }),
      );
    const shared = client();
    const catalogs = new JobTemplateCatalogs();
    expect((await findJobTemplate(shared, { name: "Server Restart" }, catalogs)).id).to.equal("t2");
    expect(
      (await findJobTemplate(shared, { name: "Group Firmware Compliance" }, catalogs)).id,
    ).to.equal("t1");
  });

  it("getSchedule: lists the schedules, matches the name here, narrows by associated resource", async () => {
    const web = "/compute-ops-mgmt/v1/groups/0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11";
    const db = "/compute-ops-mgmt/v1/groups/6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const schedule = (id: string, associatedResourceUri: string) => ({
      id,
      name: "firmware window",
      description: "monthly\n\n[pulumi-ops-management create 1b4e28ba-2fa1-41d2-883f-0016d3cca427]",
      associatedResourceUri,
      nextStartAt: "2026-12-19T02:00:00Z",
      resourceUri: `/compute-ops-mgmt/v1beta2/schedules/${id}`,
    });
    const answer = list(schedule("s1", web), schedule("s2", db), {
      ...schedule("s3", web),
      name: "other",
    });
    const scope = nock(endpoint)
      .get("/compute-ops-mgmt/v1beta2/schedules")
      .query({ offset: "0", limit: "1000" })
      .twice()
      .reply(200, answer);
    const several = await failure(() => findSchedule(client(), { name: "firmware window" }));
    expect(several).to.equal(
      '2 schedules match name "firmware window": s1 (firmware window), s2 (firmware window); ' +
        "several schedules may share a name: add associatedResourceUri to narrow",
    );
    const found = await findSchedule(client(), {
      name: "firmware window",
      associatedResourceUri: db,
    });
    scope.done();
    expect(found).to.deep.equal({
      id: "s2",
      name: "firmware window",
      description: "monthly",
      associatedResourceUri: db,
      nextStartAt: "2026-12-19T02:00:00Z",
      resourceUri: "/compute-ops-mgmt/v1beta2/schedules/s2",
    });
  });

  it("in the program: takes the endpoint and token from the stack configuration it is given", async () => {
    const scope = nock("https://program.example.test", {
      reqheaders: { authorization: "Bearer program-token" },
    })
      .get("/compute-ops-mgmt/v1/groups")
      .query(true)
      .reply(200, list({ id: groupId, name: "web", devices: [] }));
    const config: Record<string, string> = {
      "compute-ops:endpoint": "https://program.example.test",
      "compute-ops:token": "program-token",
    };
    const group = await lookupInProgram("getGroup", { name: "web" }, { get: (k) => config[k] });
    scope.done();
    expect(group.id).to.equal(groupId);
    expect(JSON.stringify(group)).not.to.include("program-token");
  });
});
