/**
 * Every input of every resource type may come from another resource's output, and
 * so be unknown during a preview, at any depth: check lets it through and diff
 * plans the update or replacement it may cause.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { implementationOf, ResourceTypeName } from "../../provider";
import { resourceTypeNames } from "../../provider/core/resourceTypes";
import { provider, useTestApis } from "./resourceTestSetup";

const unknown = pulumi.runtime.unknownValue as string;

/** A valid declaration of each type, with every input it takes. */
const declarations: Record<ResourceTypeName, Record<string, unknown>> = {
  ApprovalPolicy: {
    name: "prod",
    description: "production groups",
    policyData: {
      approvables: [
        { approvableName: "Power off", approvers: [{ email: "a@example.com" }], minApprovers: 1 },
      ],
      resources: [
        {
          resourceId: "5c2e1a0e-8b7c-4c3a-9f1e-2a8d8e6b1c11",
          resourceType: "compute-ops-mgmt/group",
        },
      ],
    },
    region: "us-west",
    adoptId: "0d3a3f0e-4f5b-4b43-9a0a-3a6e4f3f8c21",
  },
  ExternalService: {
    name: "ServiceNow",
    description: "incidents",
    serviceType: "SERVICE_NOW",
    authenticationType: "OAUTH",
    authentication: { clientId: "c", clientSecret: "s", refreshToken: "r" },
    serviceData: {
      oauthUrl: "https://example.service-now.com/oauth_token.do",
      incidentUrl: "https://example.service-now.com/api/now/import/x",
      refreshTokenExpiryInDays: 120,
      incidentCreationScope: { serviceEventIssues: true, disconnectedEvent: 2 },
    },
    state: "ENABLED",
    testOnCreate: false,
    region: "us-west",
    tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
    adoptId: "b870f080-6448-48c5-b23a-d04f2d489174",
  },
  ActivationKey: {
    targetDevice: "ILO",
    expirationInHours: 24,
    subscriptionKey: "SUB-1",
    applianceUri: "/compute-ops-mgmt/v1beta1/appliances/a",
    locationId: "5c2e1a0e-8b7c-4c3a-9f1e-2a8d8e6b1c11",
    serviceDeliveryContact: "ops@example.com",
    tags: [{ name: "team", value: "ops" }],
    renewBeforeHours: 4,
    region: "us-west",
  },
  Job: {
    jobTemplate: "Server Power On",
    resourceType: "compute-ops-mgmt/server",
    resourceId: "P06760-B21+2M212504P8",
    jobParams: { adminPass: "x", nested: { list: [1, 2] } },
    triggers: ["one"],
    waitForCompletion: true,
    timeoutMinutes: 10,
    region: "us-west",
    tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
  },
  Group: {
    name: "web",
    description: "front end",
    deviceType: "DIRECT_CONNECT_SERVER",
    autoAddTags: { Role: "web" },
    settingsUris: ["/compute-ops-mgmt/v1/settings/3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1002"],
    policies: {
      onDeviceAdd: { firmwareUpdate: true },
      onDeviceApply: { firmwareDowngrade: false },
    },
    region: "us-west",
    adoptId: "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11",
  },
  GroupMembership: {
    groupId: "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11",
    serverIds: ["P06760-B21+2M212504P8", "P06760-B21+2M212504P9"],
    region: "us-west",
  },
  ServerPoolRequest: {
    properties: [{ Datacenter: "nyc", size: ["small", "medium"] }],
    groupId: "5e2211c17a3e5a48f5497de3",
    waitForCompletion: true,
    timeoutMinutes: 5,
    adoptId: "57f3cefa87d9d625dec353ca",
  },
};

/** Every path to a leaf (or an empty list or object) of a value. */
function leafPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : value !== null && typeof value === "object"
      ? Object.entries(value)
      : [];
  if (entries.length === 0) return [at];
  return entries.flatMap(([k, v]) => leafPaths(v, [...at, k]));
}

/** A deep copy of `value` with an unknown at `path`. */
function unknownAt(value: Record<string, unknown>, path: (string | number)[]) {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  let parent = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  parent[path[path.length - 1]] = unknown;
  return copy;
}

describe("Unknown inputs at preview", () => {
  useTestApis();

  for (const type of resourceTypeNames) {
    describe(type, () => {
      const declared = declarations[type];
      const implementation = implementationOf(type);

      it("checks the declaration as valid with every value known", async () => {
        // As recorded after its adoption: check then has no adoption to preview, which
        // would read the object (test/unit/core/adoption.test.ts covers that read).
        const olds = { adoptId: declared.adoptId };
        const result = await implementation.check!(olds, { ...declared, __provider: provider });
        expect(result.failures ?? []).to.deep.equal([]);
      });

      it("lets each input through when it is unknown, whole or at any depth, and returns the inputs as they came", async () => {
        const paths = [
          ...Object.keys(declared).map((k) => [k]),
          ...leafPaths(declared).filter((p) => p.length > 1),
        ];
        for (const path of paths) {
          const news = { ...unknownAt(declared, path), __provider: provider };
          const result = await implementation.check!({}, news);
          expect(result.failures ?? [], path.join(".")).to.deep.equal([]);
          expect(result.inputs, path.join(".")).to.deep.equal(news);
        }
      });

      it("lets every input through when all are unknown", async () => {
        const news = {
          ...Object.fromEntries(Object.keys(declared).map((k) => [k, unknown])),
          __provider: provider,
        };
        const result = await implementation.check!({}, news);
        expect(result.failures ?? []).to.deep.equal([]);
      });

      it("still names a known bad input next to an unknown one", async () => {
        const first = Object.keys(declared)[0];
        const last = Object.keys(declared).slice(-1)[0];
        const news = { ...declared, [first]: unknown, [last]: 12345, __provider: provider };
        const result = await implementation.check!({}, news);
        expect((result.failures ?? []).map((f) => f.property)).to.deep.equal([last]);
      });
    });
  }

  describe("diff", () => {
    async function recorded(type: ResourceTypeName) {
      // Recorded after its adoption, so check previews no adoption (which would read).
      const result = await implementationOf(type).check!(
        { adoptId: declarations[type].adoptId },
        { ...declarations[type], __provider: provider },
      );
      return result.inputs as Record<string, unknown>;
    }

    it("plans an update for an approval policy's unknown description and a replace for its unknown region", async () => {
      const olds = await recorded("ApprovalPolicy");
      const policy = implementationOf("ApprovalPolicy");
      const description = await policy.diff!("p1", olds, { ...olds, description: unknown });
      expect(description).to.include({ changes: true });
      expect(description.replaces).to.deep.equal([]);
      const region = await policy.diff!("p1", olds, { ...olds, region: unknown });
      expect(region.replaces).to.deep.equal(["region"]);
    });

    it("replaces a server-pool request whose properties are unknown, and a job whose parameters are", async () => {
      const request = await recorded("ServerPoolRequest");
      const spr = await implementationOf("ServerPoolRequest").diff!("r1", request, {
        ...request,
        properties: [{ Datacenter: unknown }],
      });
      expect(spr.replaces).to.deep.equal(["properties"]);
      const job = await recorded("Job");
      const jobDiff = await implementationOf("Job").diff!("j1", job, {
        ...job,
        jobParams: unknown,
      });
      expect(jobDiff.replaces).to.deep.equal(["jobParams"]);
    });

    it("leaves an activation key alone when only renewBeforeHours is unknown", async () => {
      const key = await recorded("ActivationKey");
      const olds = { ...key, expiresAt: new Date(Date.now() + 20 * 3600_000).toISOString() };
      const result = await implementationOf("ActivationKey").diff!("k1", olds, {
        ...key,
        renewBeforeHours: unknown,
      });
      expect(result).to.include({ changes: false });
    });
  });
});
