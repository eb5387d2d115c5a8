import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";

/** One operation that needs approval, and who approves it. */
export interface ApprovableArgs {
  /**
   * The operation that requires approval, case-sensitive: "Update firmware",
   * "Apply internal storage configuration", "Install operating system image",
   * "Apply external storage configuration", "Power on", "Power off", "Reset",
   * "Cold boot", "Update iLO firmware" or "Apply server settings (BIOS and iLO)".
   */
  approvableName: pulumi.Input<string>;
  /** The people who may approve or deny the operation. */
  approvers: pulumi.Input<pulumi.Input<{ email: pulumi.Input<string> }>[]>;
  /** How many approvals the operation needs: 1 (the default) up to the number of approvers. */
  minApprovers?: pulumi.Input<number>;
}

/** A resource the policy applies to: currently only server groups. */
export interface ApprovalPolicyResourceArgs {
  /** The server group's id (a UUID). */
  resourceId: pulumi.Input<string>;
  /** Always "compute-ops-mgmt/group" (the default): policies apply to groups only. */
  resourceType?: pulumi.Input<string>;
}

export interface ApprovalPolicyArgs {
  /** The policy's name. */
  name: pulumi.Input<string>;
  /** A longer description. */
  description?: pulumi.Input<string>;
  /** Which operations need approval, by whom, and on which server groups. */
  policyData: pulumi.Input<{
    approvables?: pulumi.Input<pulumi.Input<ApprovableArgs>[]>;
    resources?: pulumi.Input<pulumi.Input<ApprovalPolicyResourceArgs>[]>;
  }>;
  /** The Compute Ops Management region, if not the stack's (`compute-ops:region`). Changing it replaces the policy. */
  region?: pulumi.Input<string>;
  /** Act for this tenant of an MSP workspace (`Tenant-Acid`). Changing it replaces the policy. */
  tenantAcid?: pulumi.Input<string>;
  /**
   * The id of an existing policy to manage instead of creating one: it is brought
   * to the declared state on create, and deleted by `pulumi destroy` like any other.
   */
  adoptId?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management approval policy: the operations it names need the
 * approval of its approvers before they run on its server groups.
 */
export class ApprovalPolicy extends pulumi.dynamic.Resource {
  /** The policy's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The policy's description. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** Approvables and resources, as declared. */
  declare public readonly policyData: pulumi.Output<{
    approvables: { approvableName: string; approvers: { email: string }[]; minApprovers: number }[];
    resources: { resourceId: string; resourceType: string }[];
  }>;
  /** ACTIVE or INACTIVE. */
  declare public readonly state: pulumi.Output<string>;
  /** Remarks from the service. */
  declare public readonly remarks: pulumi.Output<string>;
  /** Increases on every change. */
  declare public readonly generation: pulumi.Output<number>;
  declare public readonly createdAt: pulumi.Output<string>;
  declare public readonly updatedAt: pulumi.Output<string>;
  declare public readonly resourceUri: pulumi.Output<string>;

  constructor(name: string, args: ApprovalPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ApprovalPolicy", { updatable: true }),
      name,
      {
        ...args,
        state: undefined,
        remarks: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      opts,
      "compute-ops",
      "ApprovalPolicy",
    );
  }
}
