import { expect } from "chai";
import { DeclaredResource, E2EStack, expectNoChangesExitCode, mergePatch } from "./harness";

const servicesPath = "/compute-ops-mgmt/v1beta1/external-services";

function serviceNow(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "ExternalService",
    name: "snow",
    args: {
      name: "ServiceNow incidents",
      description: "incidents for service events",
      serviceType: "SERVICE_NOW",
      authentication: {
        clientId: "snow-client",
        clientSecret: "snow-client-secret-1",
        refreshToken: "snow-refresh-token-1",
      },
      serviceData: {
        oauthUrl: "https://example.service-now.com/oauth_token.do",
        incidentUrl: "https://example.service-now.com/api/now/import/x_hpe_incident",
        refreshTokenExpiryInDays: 100,
        incidentCreationScope: { serviceEventIssues: true },
      },
      ...args,
    },
  };
}

function dscc(args: Record<string, unknown> = {}): DeclaredResource {
  return {
    type: "ExternalService",
    name: "snow",
    args: {
      name: "Storage console",
      description: "storage console integration",
      serviceType: "DSCC",
      authentication: { clientId: "dscc-client", clientSecret: "dscc-client-secret-1" },
      serviceData: { region: "us-west" },
      ...args,
    },
  };
}

describe("ExternalService under the real Pulumi engine", function () {
  this.timeout(180_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  /** From a fresh start, deploys these resources and answers the integration's id. */
  async function deployedServiceId(resources: DeclaredResource[]): Promise<string> {
    await stack.deployFresh(resources);
    return (await stack.stateResources("ExternalService"))[0].id ?? "";
  }

  const vcenter = {
    name: "vCenter",
    serviceType: "VMWARE_VCENTER",
    authenticationType: "BASIC",
    authentication: { username: "administrator@vsphere.local", password: "vc-password-1" },
    serviceData: {
      vCenterUrl: "https://vcenter.example.com",
      associatedGatewayUri:
        "/compute-ops-mgmt/v1beta1/appliances/7a7e0c4b-4bb2-4d4f-8f2c-1ab0b6e1c0a1",
      vCenterCertFingerprint:
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
    },
  };

  /**
   * From a fresh start, the declared DSCC integration plus a vCenter one made by
   * hand and adopted by adoptId; answers the adopted integration's id.
   */
  async function deployedWithAdoptedVCenter(): Promise<string> {
    await stack.deployFresh([dscc()]);
    const api = await stack.api();
    // The create schema requires description (a string or null).
    const existing = await api.post(servicesPath, { ...vcenter, description: "made by hand" });
    await stack.declare([
      dscc(),
      {
        type: "ExternalService",
        name: "vcenter",
        args: { ...vcenter, adoptId: existing.data.id, description: "managed by Pulumi now" },
      },
    ]);
    await stack.up();
    return existing.data.id;
  }

  it("creates a ServiceNow integration, and masked secrets read back are not drift", async () => {
    const serviceId = await deployedServiceId([serviceNow()]);
    expect(serviceId).to.have.length.greaterThan(0);
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("disables the integration in place", async () => {
    const serviceId = await deployedServiceId([serviceNow()]);
    await stack.declare([serviceNow({ state: "DISABLED" })]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 updated/);
    const api = await stack.api();
    const live = await api.get(`${servicesPath}/${serviceId}`);
    expect(live.data.state).to.equal("DISABLED");
    expect((await stack.stateResources("ExternalService"))[0].id).to.equal(serviceId);
  });

  it("sends a changed secret as an in-place update", async () => {
    await deployedServiceId([serviceNow({ state: "DISABLED" })]);
    await stack.declare([
      serviceNow({
        state: "DISABLED",
        authentication: {
          clientId: "snow-client",
          clientSecret: "snow-client-secret-2",
          refreshToken: "snow-refresh-token-1",
        },
      }),
    ]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 updated/);
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("replaces the integration when the service type changes", async () => {
    const serviceId = await deployedServiceId([serviceNow({ state: "DISABLED" })]);
    await stack.declare([dscc()]);
    const result = await stack.up();
    expect(result.stdout).to.match(/1 replaced/);
    const [state] = await stack.stateResources("ExternalService");
    expect(state.id).not.to.equal(serviceId);
    expect((await stack.objects()).externalServices).to.have.length(1);
  });

  it("reports a description changed by hand as drift, and up --refresh repairs it", async () => {
    const serviceId = await deployedServiceId([dscc()]);
    const api = await stack.api();
    await api.patch(`${servicesPath}/${serviceId}`, { description: "edited by hand" }, mergePatch);
    const drift = await stack.run(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(drift.code, drift.stdout + drift.stderr).to.equal(expectNoChangesExitCode);
    expect(drift.stdout).to.include("edited by hand");
    await stack.up(["--refresh"]);
    const live = await api.get(`${servicesPath}/${serviceId}`);
    expect(live.data.description).to.equal("storage console integration");
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("drops an integration deleted by hand on refresh, and the next up recreates it", async () => {
    const serviceId = await deployedServiceId([dscc()]);
    const api = await stack.api();
    await api.delete(`${servicesPath}/${serviceId}`);
    await stack.workspace.runOk(["refresh", "--yes", "--skip-preview"]);
    expect(await stack.stateResources("ExternalService")).to.have.length(0);
    await stack.up();
    expect(await stack.stateResources("ExternalService")).to.have.length(1);
    expect((await stack.objects()).externalServices).to.have.length(1);
  });

  it("adopts an existing vCenter integration by adoptId", async () => {
    const adoptedId = await deployedWithAdoptedVCenter();
    expect((await stack.objects()).externalServices).to.have.length(2);
    const api = await stack.api();
    const live = await api.get(`${servicesPath}/${adoptedId}`);
    expect(live.data.description).to.equal("managed by Pulumi now");
    const clean = await stack.run(["preview", "--refresh", "--expect-no-changes"]);
    expect(clean.code, clean.stdout + clean.stderr).to.equal(0);
  });

  it("destroy leaves the emulator with no objects", async () => {
    await deployedWithAdoptedVCenter();
    await stack.workspace.runOk(["destroy", "--yes", "--skip-preview"]);
    expect(await stack.objectCount()).to.equal(0);
  });
});
