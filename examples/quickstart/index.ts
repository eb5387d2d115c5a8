/**
 * The quickstart: a server group holding one server (found by name), an approval
 * policy on the group, a compliance job run on it, one ServiceNow integration, one
 * iLO activation key and one Ops Manager server-pool request. Endpoints and API
 * credentials come from stack config (`compute-ops:*`, `ops-manager:*`); the
 * ServiceNow credentials this program hands to Compute Ops Management come from
 * the `quickstart:*` keys.
 */
import * as pulumi from "@pulumi/pulumi";
import { computeOps, opsManager } from "pulumi-ops-management";

const config = new pulumi.Config("quickstart");
const approverEmail = config.get("approverEmail") ?? "change-board@example.com";

// The server group, and the server it holds, found by name or host name.
const webServers = new computeOps.Group("web-servers", {
  name: "web-servers",
  description: "Front-end servers",
  deviceType: "DIRECT_CONNECT_SERVER",
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

// A firmware compliance check on the group. The policy above holds firmware
// updates for approval, not compliance checks, so this runs at once.
const complianceCheck = new computeOps.Job(
  "web-servers-compliance",
  {
    jobTemplate: "Group Firmware Compliance",
    resourceType: "compute-ops-mgmt/group",
    resourceId: webServers.id,
    timeoutMinutes: 10,
  },
  { dependsOn: [webMembers] },
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
export const groupServerIds = webMembers.serverIds;
export const complianceJobState = complianceCheck.state;
export const approvalPolicyId = firmwareApprovals.id;
export const serviceNowId = serviceNow.id;
export const serviceNowStatus = serviceNow.status;
export const activationKeyExpiresAt = iloKey.expiresAt;
// Stays a secret in state and in `pulumi stack output` (use --show-secrets to read it).
export const activationKey = iloKey.activationKey;
export const serverPoolRequestStatus = dbHosts.statusName;
