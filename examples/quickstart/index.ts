/**
 * The quickstart: one approval policy, one ServiceNow integration, one iLO
 * activation key and one Ops Manager server-pool request. Endpoints and API
 * credentials come from stack config (`compute-ops:*`, `ops-manager:*`); the
 * ServiceNow credentials this program hands to Compute Ops Management come from
 * the `quickstart:*` keys.
 */
import * as pulumi from "@pulumi/pulumi";
import { computeOps, opsManager } from "pulumi-ops-management";

const config = new pulumi.Config("quickstart");
// The Compute Ops Management server group whose firmware updates need approval.
const serverGroupId = config.get("serverGroupId") ?? "29d8ba78-16bd-4b2f-b3c1-0395f38ee741";
const approverEmail = config.get("approverEmail") ?? "change-board@example.com";

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
    resources: [{ resourceId: serverGroupId, resourceType: "compute-ops-mgmt/group" }],
  },
});

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

export const approvalPolicyId = firmwareApprovals.id;
export const serviceNowId = serviceNow.id;
export const serviceNowStatus = serviceNow.status;
export const activationKeyExpiresAt = iloKey.expiresAt;
// Stays a secret in state and in `pulumi stack output` (use --show-secrets to read it).
export const activationKey = iloKey.activationKey;
export const serverPoolRequestStatus = dbHosts.statusName;
