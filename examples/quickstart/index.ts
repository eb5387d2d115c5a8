/**
 * The quickstart: a server group holding one server (found by name), kept at a
 * firmware baseline and a BIOS setting, updated by a schedule in a monthly
 * maintenance window; an approval policy on the group, a compliance job run on it
 * and a webhook that receives the job's events; one ServiceNow integration, one
 * iLO activation key and one Ops Manager server-pool request. Endpoints and API
 * credentials come from stack config (`compute-ops:*`, `ops-manager:*`); the
 * program's own settings (ServiceNow credentials, the maintenance window, the
 * webhook's destination) from the `quickstart:*` keys.
 */
import * as pulumi from "@pulumi/pulumi";
import { computeOps, opsManager } from "pulumi-ops-management";

const config = new pulumi.Config("quickstart");
const approverEmail = config.get("approverEmail") ?? "change-board@example.com";

// What the group applies to its servers: a firmware baseline (a Service Pack for
// ProLiant found by release) and a BIOS workload profile.
const servicePack = computeOps.getFirmwareBundleOutput({
  releaseVersion: config.get("firmwareRelease") ?? "2024.04.00.00",
  name: "Gen10 Service Pack for ProLiant",
});
const firmwareBaseline = new computeOps.Setting("firmware-baseline", {
  name: "web-firmware-baseline",
  category: "FIRMWARE",
  settings: { GEN10: { id: servicePack.id } },
});
const biosProfile = new computeOps.Setting("bios-profile", {
  name: "web-bios-virtualization",
  category: "BIOS",
  settings: {
    DEFAULT: { redfishData: { Attributes: { WorkloadProfile: "Virtualization-MaxPerformance" } } },
  },
});

// The server group, and the server it holds, found by name or host name.
const webServers = new computeOps.Group("web-servers", {
  name: "web-servers",
  description: "Front-end servers",
  deviceType: "DIRECT_CONNECT_SERVER",
  settingsUris: [firmwareBaseline.resourceUri, biosProfile.resourceUri],
  policies: { onDeviceAdd: { firmwareUpdate: true } },
});
const web01 = computeOps.getServerOutput({ name: config.get("serverName") ?? "web-01" });
const webMembers = new computeOps.GroupMembership("web-servers-members", {
  groupId: webServers.id,
  serverIds: [web01.id],
});

const firmwareApprovals = new computeOps.ApprovalPolicy("firmware-approvals", {
  name: "firmware-approvals",
  description: "Firmware updates on production servers need a second pair of eyes",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware",
        approvers: [{ email: approverEmail }],
        minApprovers: 1,
      },
    ],
    resources: [{ resourceId: webServers.id, resourceType: "compute-ops-mgmt/group" }],
  },
});

// The group's firmware update to its baseline, every 30 days from the start of the
// maintenance window (an RFC 3339 instant within a year, e.g. 2027-01-09T02:00:00Z).
// The policy above holds each run for approval.
const firmwareWindow = new computeOps.Schedule("web-firmware-window", {
  name: "web-servers firmware window",
  description: "Monthly firmware update of web-servers to its baseline",
  associatedResourceUri: webServers.resourceUri,
  schedule: { startAt: config.require("maintenanceWindowStart"), interval: "P30D" },
  operation: {
    method: "POST",
    uri: "/compute-ops-mgmt/v1/jobs",
    body: {
      jobTemplate: "91159b5e-9eeb-11ec-a9da-00155dc0a0c0", // Group Firmware Update
      resourceId: webServers.id,
      resourceType: "compute-ops-mgmt/group",
    },
  },
});

// Job events, sent to an https endpoint of yours when `quickstart:webhookUrl` is set,
// with the secret `quickstart:webhookAuthorization` as the Authorization header.
const webhookUrl = config.get("webhookUrl");
const webhookAuthorization = config.getSecret("webhookAuthorization");
const jobEvents =
  webhookUrl === undefined
    ? undefined
    : new computeOps.Webhook("job-events", {
        name: "web-servers job events",
        destination: webhookUrl,
        eventFilter: "type eq 'compute-ops/job'",
        headers: webhookAuthorization && { Authorization: webhookAuthorization },
      });

// A firmware compliance check on the group. The policy above holds firmware
// updates for approval, not compliance checks, so this runs at once (after the
// webhook, which then receives its events).
const complianceCheck = new computeOps.Job(
  "web-servers-compliance",
  {
    jobTemplate: "Group Firmware Compliance",
    resourceType: "compute-ops-mgmt/group",
    resourceId: webServers.id,
    timeoutMinutes: 10,
  },
  { dependsOn: jobEvents === undefined ? [webMembers] : [webMembers, jobEvents] },
);

const serviceNow = new computeOps.ExternalService("servicenow", {
  name: "ServiceNow incidents",
  description: "Opens ServiceNow incidents for server service events",
  serviceType: "SERVICE_NOW",
  authentication: {
    clientId: config.require("serviceNowClientId"),
    clientSecret: config.requireSecret("serviceNowClientSecret"),
    refreshToken: config.requireSecret("serviceNowRefreshToken"),
  },
  serviceData: {
    oauthUrl: config.get("serviceNowOauthUrl") ?? "https://example.service-now.com/oauth_token.do",
    incidentUrl:
      config.get("serviceNowIncidentUrl") ??
      "https://example.service-now.com/api/now/import/x_hpe_ilo_incident",
    refreshTokenExpiryInDays: 100,
    incidentCreationScope: {
      serviceEventIssues: true,
    },
  },
});

const iloKey = new computeOps.ActivationKey("ilo-onboarding", {
  targetDevice: "ILO",
  expirationInHours: 24,
  // A scheduled pipeline run replaces the key once it has less than 4 hours left.
  renewBeforeHours: 4,
});

const dbHosts = new opsManager.ServerPoolRequest("db-hosts", {
  properties: [{ Datacenter: "nyc", size: "large" }],
  timeoutMinutes: 5,
});

export const groupId = webServers.id;
export const groupSettingsUris = webServers.settingsUris;
export const firmwareBaselineBundle = servicePack.displayName;
export const firmwareWindowNextStart = firmwareWindow.nextStartAt;
export const jobEventsStatus = jobEvents?.status;
export const groupServerIds = webMembers.serverIds;
export const complianceJobState = complianceCheck.state;
export const approvalPolicyId = firmwareApprovals.id;
export const serviceNowId = serviceNow.id;
export const serviceNowStatus = serviceNow.status;
export const activationKeyExpiresAt = iloKey.expiresAt;
// Stays a secret in state and in `pulumi stack output` (use --show-secrets to read it).
export const activationKey = iloKey.activationKey;
export const serverPoolRequestStatus = dbHosts.statusName;
