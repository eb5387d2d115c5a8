import { expect } from "chai";
import { emulatorRequestLog, resetEmulatorStats } from "../../emulator/adminClient";
import { DeclaredResource, E2EStack } from "./harness";

const groupId = "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const serverId = "P06760-B21+2M212504P8";
const fingerprint =
  "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

/** A key whose id every other resource waits for: unknown until it exists. */
const dependency = (name = "dep"): DeclaredResource => ({
  type: "ActivationKey",
  name,
  args: { targetDevice: "ILO", expirationInHours: 12 },
});

const policyArgs = (name: string) => ({
  name,
  description: "firmware needs approval",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware",
        approvers: [{ email: "a@example.com" }, { email: "b@example.com" }],
        minApprovers: 2,
      },
    ],
    resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
  },
});

/** Every input of every resource type, each coming from another resource's output. */
function program(opsManagerGroupId: string): DeclaredResource[] {
  return [
    dependency(),
    {
      type: "ApprovalPolicy",
      name: "policy-whole",
      unknownUntil: "dep",
      // Approval-policy operations take no Tenant-Acid, so the policy has no tenantAcid input.
      args: policyArgs("unknown-whole"),
    },
    {
      type: "ApprovalPolicy",
      name: "policy-leaves",
      unknownUntil: "dep",
      unknownPaths: [
        "description",
        "policyData.approvables[0].approvers[0].email",
        "policyData.approvables[0].minApprovers",
        "policyData.resources[0].resourceId",
      ],
      args: policyArgs("unknown-leaves"),
    },
    {
      type: "ExternalService",
      name: "snow",
      unknownUntil: "dep",
      args: {
        name: "ServiceNow",
        description: "incidents",
        serviceType: "SERVICE_NOW",
        authenticationType: "OAUTH",
        authentication: { clientId: "c", clientSecret: "s", refreshToken: "r" },
        serviceData: {
          oauthUrl: "https://example.service-now.com/oauth_token.do",
          incidentUrl: "https://example.service-now.com/api/now/import/x",
          refreshTokenExpiryInDays: 120,
          incidentCreationScope: { serviceEventIssues: true },
        },
        state: "ENABLED",
        testOnCreate: false,
      },
    },
    {
      type: "ExternalService",
      name: "vcenter",
      unknownUntil: "dep",
      unknownPaths: ["authentication.password", "serviceData.vCenterCertFingerprint"],
      args: {
        name: "vCenter",
        serviceType: "VMWARE_VCENTER",
        authentication: { username: "administrator@vsphere.local", password: "p" },
        serviceData: {
          vCenterUrl: "https://vcenter.example.com",
          associatedGatewayUri:
            "/compute-ops-mgmt/v1beta1/appliances/7a7e0c4b-4bb2-4d4f-8f2c-1ab0b6e1c0a1",
          vCenterCertFingerprint: fingerprint,
        },
      },
    },
    {
      type: "ActivationKey",
      name: "key",
      unknownUntil: "dep",
      args: {
        targetDevice: "SECURE_GATEWAY",
        expirationInHours: 24,
        subscriptionKey: "SUB-1",
        applianceUri: "/compute-ops-mgmt/v1beta1/appliances/a",
        locationId: "5c2e1a0e-8b7c-4c3a-9f1e-2a8d8e6b1c11",
        serviceDeliveryContact: "ops@example.com",
        tags: [{ name: "team", value: "ops" }],
        renewBeforeHours: 4,
      },
    },
    {
      type: "Job",
      name: "job",
      unknownUntil: "dep",
      args: {
        jobTemplate: "0cbb2377-1834-488d-840c-d5bf788c34fb",
        resourceType: "compute-ops-mgmt/server",
        resourceId: serverId,
        jobParams: { reason: "unknown at preview" },
        triggers: ["v1"],
        waitForCompletion: true,
        timeoutMinutes: 5,
      },
    },
    {
      type: "ServerPoolRequest",
      name: "pool",
      unknownUntil: "dep",
      args: {
        properties: [{ Datacenter: "nyc", size: "small" }],
        groupId: opsManagerGroupId,
        waitForCompletion: true,
        timeoutMinutes: 2,
      },
    },
  ];
}

/** The steps of a `pulumi preview --json`, as operation per resource name. */
function plannedSteps(stdout: string): Record<string, string> {
  const steps = (JSON.parse(stdout).steps ?? []) as { op: string; urn: string }[];
  return Object.fromEntries(
    steps
      .filter((s) => s.urn.includes("pulumi-nodejs:dynamic"))
      .map((s) => [s.urn.split("::").pop() as string, s.op]),
  );
}

describe("Inputs unknown at preview, under the real Pulumi engine", function () {
  this.timeout(300_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  it("previews every input of every type coming from another resource with no API request, then creates them", async () => {
    await stack.fresh();
    const declared = program(stack.emulator.credentials.opsManagerGroupId);
    await stack.declare(declared);
    await resetEmulatorStats(stack.emulator);

    const preview = await stack.run(["preview", "--json"]);
    expect(preview.code, preview.stderr + preview.stdout).to.equal(0);
    const steps = plannedSteps(preview.stdout);
    for (const resource of declared) expect(steps[resource.name], resource.name).to.equal("create");
    expect(await emulatorRequestLog(stack.emulator), "API requests during preview").to.deep.equal(
      [],
    );

    // A plain `up` runs its own preview first, as users do.
    const up = await stack.run(["up", "--yes"]);
    expect(up.code, up.stderr + up.stdout).to.equal(0);
    const recorded = await stack.stateResources();
    expect(recorded.map((r) => r.id).filter((id) => id)).to.have.length(declared.length);
    const policy = (await stack.stateResources("ApprovalPolicy")).find(
      (r) => r.outputs.name === "unknown-leaves",
    );
    expect(policy?.outputs.policyData).to.deep.include({
      resources: [{ resourceId: groupId, resourceType: "compute-ops-mgmt/group" }],
    });

    const settled = await stack.run(["preview", "--expect-no-changes"]);
    expect(settled.code, settled.stderr + settled.stdout).to.equal(0);
  });

  it("plans an update or a replacement for inputs of existing resources that become unknown", async () => {
    const opsGroup = stack.emulator.credentials.opsManagerGroupId;
    const declared = program(opsGroup);
    if ((await stack.stateResources()).length !== declared.length) {
      await stack.fresh();
      await stack.declare(declared);
      await stack.up();
    }
    const moved = declared.map((resource): DeclaredResource => {
      if (resource.name === "policy-leaves") {
        return { ...resource, unknownUntil: "dep2", unknownPaths: ["description"] };
      }
      if (resource.name === "pool") {
        return { ...resource, unknownUntil: "dep2", unknownPaths: ["properties[0].size"] };
      }
      return resource;
    });
    await stack.declare([dependency("dep2"), ...moved]);
    await resetEmulatorStats(stack.emulator);
    const preview = await stack.run(["preview", "--json"]);
    expect(preview.code, preview.stderr + preview.stdout).to.equal(0);
    const steps = plannedSteps(preview.stdout);
    expect(steps["policy-leaves"]).to.equal("update");
    expect(steps.pool).to.equal("replace");
    expect(await emulatorRequestLog(stack.emulator), "API requests during preview").to.deep.equal(
      [],
    );
  });
});
