import * as pulumi from "@pulumi/pulumi";
import { computeOps } from "pulumi-ops-management";

const config = new pulumi.Config("migration");

const args = {
  name: "migrated-approvals",
  description: "moved from the dynamic provider to the plugin",
  policyData: {
    approvables: [
      {
        approvableName: "Update firmware" as const,
        approvers: [{ email: "cab@example.com" }],
        minApprovers: 1,
      },
    ],
  },
};

/**
 * After the migration the program declares the plugin's resource by its token, as any
 * language's SDK for the plugin does; the name stays, so the URN's name does.
 */
class PluginApprovalPolicy extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("ops-management:compute-ops:ApprovalPolicy", name, props);
  }
}

const policy =
  config.get("stage") === "plugin"
    ? new PluginApprovalPolicy("approvals", args)
    : new computeOps.ApprovalPolicy("approvals", args);

export const policyId = policy.id;
