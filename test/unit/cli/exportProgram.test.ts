import { expect } from "chai";
import { exportReport, nameFilterOf } from "../../../cli/export";
import { exportProgram, slugOf, type LiveWorkspace } from "../../../cli/exportProgram";

const groupId = "7c1b8a52-3f0e-4a8e-9b59-1e6f0c3f4a01";
const otherGroupId = "7c1b8a52-3f0e-4a8e-9b59-1e6f0c3f4a02";

function server(serial: string, name: string, hostname: string | null) {
  return {
    id: `P06760-B21+${serial}`,
    name,
    hardware: { serialNumber: serial, productId: "P06760-B21" },
    host: { hostname },
  };
}

function workspace(overrides: Partial<LiveWorkspace> = {}): LiveWorkspace {
  return {
    groups: [
      {
        id: groupId,
        name: "Web servers",
        description: null,
        deviceType: "DIRECT_CONNECT_SERVER",
        autoAddTags: { Role: "web" },
        settingsUris: [],
        policies: {
          onDeviceAdd: {
            firmwareUpdate: true,
            firmwarePowerOff: false,
            osCompletionTimeoutMin: 240,
            storageVolumeName: null,
          },
          onDeviceApply: { firmwareDowngrade: false },
        },
      },
    ],
    groupMembers: { [groupId]: ["P06760-B21+SER2", "P06760-B21+SER1"] },
    servers: [
      server("SER1", "web-01", "web-01.example.com"),
      server("SER2", "dup", null),
      server("SER3", "dup", null),
    ],
    externalServices: [
      {
        id: "0b0f5f5e-5b9e-4a55-9a4c-0a7f5e0f0001",
        name: "ServiceNow",
        description: null,
        serviceType: "SERVICE_NOW",
        authenticationType: "OAUTH",
        authentication: {
          clientId: "snow-client",
          clientSecret: "**********",
          refreshToken: "**********",
        },
        serviceData: {
          oauthUrl: "https://example.service-now.com/oauth_token.do",
          incidentUrl: "https://example.service-now.com/api/now/import/x",
          refreshTokenExpiryInDays: 100,
          incidentCreationScope: {
            serviceEventIssues: true,
            criticalEventIssues: false,
            warningEventIssues: false,
            utilizationThresholdAlerts: false,
            powerResetEvent: false,
            disconnectedEvent: 3,
          },
        },
        state: "ENABLED",
      },
    ],
    approvalPolicies: [
      {
        id: "5d7e0000-0000-4000-8000-000000000002",
        name: "fw approvals",
        description: "",
        policyData: {
          approvables: [
            { approvableName: "Update firmware", approvers: [{ email: "a@example.com" }] },
          ],
          resources: [{ id: groupId, type: "compute-ops-mgmt/group" }],
        },
      },
      {
        id: "5d7e0000-0000-4000-8000-000000000001",
        name: "fw approvals",
        description: "the first of two of one name",
        policyData: {
          approvables: [
            {
              approvableName: "Power off",
              approvers: [{ email: "b@example.com" }],
              minApprovers: 1,
            },
          ],
          resources: [{ resourceId: otherGroupId, resourceType: "compute-ops-mgmt/group" }],
        },
      },
      {
        id: "5d7e0000-0000-4000-8000-000000000003",
        name: "bad",
        policyData: {
          approvables: [{ approvableName: "Reboot everything", approvers: [{ email: "c@x.io" }] }],
          resources: [],
        },
      },
    ],
    ...overrides,
  };
}

describe("export's program (pure: live objects in, program text out)", () => {
  it("adopts each object by id, with its live values and references as expressions", () => {
    const result = exportProgram(workspace());
    const text = result.program;
    expect(text).to.include('new computeOps.Group("web-servers", {');
    expect(text).to.include(`adoptId: "${groupId}"`);
    // Only the policies that are not the spec's defaults are written.
    expect(text).to.include("  policies: {\n    onDeviceAdd: { firmwareUpdate: true },\n  },");
    expect(text).to.include('autoAddTags: { Role: "web" },');
    expect(text).to.include("groupId: webServersGroup.id");
    expect(text).to.include("resourceId: webServersGroup.id");
    expect(text).to.include('computeOps.getServerOutput({ name: "web-01" })');
    // "dup" finds two servers: the serial number finds one.
    expect(text).to.include('serialNumber: "SER2"');
    expect(result.memberships).to.equal(1);
    expect(result.serverLookups).to.equal(2);
  });

  it("names stay readable and unique, handed out in a stable order", () => {
    const first = exportProgram(workspace());
    const reversed = workspace();
    reversed.approvalPolicies = [...reversed.approvalPolicies].reverse();
    expect(exportProgram(reversed).program).to.equal(first.program);
    const policies = first.exported.filter((e) => e.kind === "approval-policies");
    expect(policies.map((p) => [p.id.slice(-1), p.resourceName])).to.deep.equal([
      ["1", "fw-approvals"],
      ["2", "fw-approvals-2"],
    ]);
    expect(slugOf("  Ünïcode / Names!! ", "x")).to.equal("unicode-names");
    expect(slugOf("***", "policy")).to.equal("policy");
  });

  it("reads masked credentials from secret config, and writes no secret", () => {
    const result = exportProgram(workspace());
    expect(result.program).to.include("keepCredentialsOnAdopt: true");
    expect(result.program).to.include('clientId: "snow-client"');
    expect(result.program).to.include(
      'clientSecret: config.requireSecret("servicenowClientSecret")',
    );
    expect(result.program).not.to.include("**********");
    expect(result.secrets.map((s) => s.command)).to.deep.equal([
      'pulumi config set --secret servicenowClientSecret "<clientSecret>"',
      'pulumi config set --secret servicenowRefreshToken "<refreshToken>"',
    ]);
  });

  it("names what it cannot declare exactly, with the reason, and leaves it out", () => {
    const result = exportProgram(workspace());
    expect(result.skipped).to.have.length(1);
    expect(result.skipped[0]).to.include({ kind: "approval-policies", name: "bad" });
    expect(result.skipped[0].reason).to.include("approvableName");
    expect(result.program).not.to.include("Reboot everything");
    // A group that is not exported is named by its id, and the output says so.
    expect(result.program).to.include(`resourceId: "${otherGroupId}"`);
    expect(result.notes.join("\n")).to.include(otherGroupId);
  });

  it("writes only the kinds and names asked for", () => {
    const result = exportProgram(workspace(), {
      kinds: ["approval-policies"],
      nameFilter: (name) => name.startsWith("fw"),
    });
    expect(result.exported.map((e) => e.kind)).to.deep.equal([
      "approval-policies",
      "approval-policies",
    ]);
    expect(result.program).not.to.include("computeOps.Group(");
    expect(result.program).not.to.include("pulumi.Config");
    expect(result.program).to.include(`resourceId: "${groupId}"`);
    // One note for them all, not one per policy.
    expect(result.notes).to.deep.equal([
      "groups are not exported: approval policies name their groups by id",
    ]);
  });

  it("reports what it wrote, what it left out and why, and placeholders only", () => {
    const result = exportProgram(workspace());
    const report = exportReport(result, "index.ts").join("\n");
    expect(report).to.include(
      "Wrote index.ts: 1 group(s), 1 external service(s), 2 approval policy(ies), 1 group membership(s), 2 server lookup(s).",
    );
    expect(report).to.include("Left out: activation keys, jobs and server-pool requests");
    expect(report).to.include('approval-policies "bad" (id 5d7e0000-0000-4000-8000-000000000003)');
    expect(report).to.include('pulumi config set --secret servicenowClientSecret "<clientSecret>"');
    expect(report).not.to.include("**********");
  });

  it("filters names by substring, or by /regex/ with flags", () => {
    expect(nameFilterOf(undefined)("anything")).to.equal(true);
    expect(nameFilterOf("fw")("prod fw approvals")).to.equal(true);
    expect(nameFilterOf("fw")("FW")).to.equal(false);
    expect(nameFilterOf("/^fw/i")("FW approvals")).to.equal(true);
    expect(nameFilterOf("/^fw/i")("prod fw")).to.equal(false);
  });
});
