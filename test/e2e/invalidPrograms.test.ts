import { expect } from "chai";
import { emulatorRequestLog, resetEmulatorStats } from "../../emulator/adminClient";
import { DeclaredResource, E2EStack } from "./harness";

/** Programs that must fail at preview, naming the property, before any API call. */
const invalidPrograms: { title: string; resource: DeclaredResource; property: RegExp }[] = [
  {
    title: "a disallowed incident-creation-scope combination",
    property: /incidentCreationScope/,
    resource: {
      type: "ExternalService",
      name: "snow",
      args: {
        name: "ServiceNow",
        serviceType: "SERVICE_NOW",
        authentication: { clientId: "c", clientSecret: "s", refreshToken: "r" },
        serviceData: {
          oauthUrl: "https://example.service-now.com/oauth_token.do",
          incidentUrl: "https://example.service-now.com/api/now/import/x",
          refreshTokenExpiryInDays: 100,
          incidentCreationScope: {
            serviceEventIssues: false,
            criticalEventIssues: false,
            warningEventIssues: false,
            utilizationThresholdAlerts: false,
            powerResetEvent: false,
            disconnectedEvent: 0,
          },
        },
      },
    },
  },
  {
    title: "tenantAcid on an ApprovalPolicy, whose operations do not take Tenant-Acid",
    property: /tenantAcid/,
    resource: {
      type: "ApprovalPolicy",
      name: "fw",
      args: {
        name: "fw",
        tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
        policyData: { approvables: [], resources: [] },
      },
    },
  },
  {
    title: "an activation key expiring after more than 168 hours",
    property: /expirationInHours/,
    resource: {
      type: "ActivationKey",
      name: "key",
      args: { targetDevice: "ILO", expirationInHours: 500 },
    },
  },
  {
    title: "a vCenter integration with OAuth authentication",
    property: /authenticationType/,
    resource: {
      type: "ExternalService",
      name: "vc",
      args: {
        name: "vCenter",
        serviceType: "VMWARE_VCENTER",
        authenticationType: "OAUTH",
        authentication: { username: "u", password: "p" },
        serviceData: {
          vCenterUrl: "https://vcenter.example.com",
          associatedGatewayUri: "/compute-ops-mgmt/v1beta1/appliances/x",
          vCenterCertFingerprint:
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
        },
      },
    },
  },
  {
    title: "more approvers required than listed, deep in policyData",
    property: /policyData\.approvables\[0\]\.minApprovers/,
    resource: {
      type: "ApprovalPolicy",
      name: "policy",
      args: {
        name: "too-many",
        policyData: {
          approvables: [
            {
              approvableName: "Power off",
              approvers: [{ email: "a@example.com" }],
              minApprovers: 3,
            },
          ],
        },
      },
    },
  },
  {
    title: "an approver email that is not one, deep in policyData, quoting the value given",
    property:
      /policyData\.approvables\[0\]\.approvers\[0\]\.email.*must be an email address; got "ops-at-example\.com"/,
    resource: {
      type: "ApprovalPolicy",
      name: "policy",
      args: {
        name: "bad-email",
        policyData: {
          approvables: [
            { approvableName: "Power off", approvers: [{ email: "ops-at-example.com" }] },
          ],
        },
      },
    },
  },
  {
    title: "an approval policy name of a thousand characters",
    property: /name.*must be at most 256 characters/,
    resource: {
      type: "ApprovalPolicy",
      name: "policy",
      args: { name: "n".repeat(1000), policyData: {} },
    },
  },
];

describe("Invalid programs under the real Pulumi engine", function () {
  this.timeout(120_000);
  let stack: E2EStack;

  before(async () => {
    stack = await E2EStack.start();
  });
  after(async () => {
    await stack?.stop();
  });

  for (const program of invalidPrograms) {
    it(`fails preview for ${program.title}, naming the property, and sends no API request`, async () => {
      await resetEmulatorStats(stack.emulator);
      const before = await emulatorRequestLog(stack.emulator);
      await stack.declare([program.resource]);
      const preview = await stack.run(["preview"]);
      expect(preview.code).not.to.equal(0);
      expect(preview.stdout + preview.stderr).to.match(program.property);
      const after = await emulatorRequestLog(stack.emulator);
      expect(after.length, "API requests during the failed preview").to.equal(before.length);
    });
  }

  it("fails preview on a configured region that does not exist, naming the key, and sends no API request", async () => {
    await stack.declare([
      { type: "ActivationKey", name: "key", args: { targetDevice: "ILO", expirationInHours: 12 } },
    ]);
    await stack.workspace.runOk(["config", "set", "compute-ops:region", "mars-1"]);
    try {
      await resetEmulatorStats(stack.emulator);
      const preview = await stack.run(["preview"]);
      expect(preview.code).not.to.equal(0);
      expect(preview.stdout + preview.stderr).to.include(
        'compute-ops:region must be one of us-west, eu-central, ap-northeast; got "mars-1"',
      );
      expect(await emulatorRequestLog(stack.emulator)).to.deep.equal([]);
    } finally {
      await stack.workspace.runOk(["config", "rm", "compute-ops:region"]);
    }
  });
});
