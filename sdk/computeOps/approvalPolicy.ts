import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

/** One operation that needs approval, and who approves it. */
export interface ApprovableArgs {
  /**
   * The type of operation that requires approval, case-sensitive, from the API's
   * "Approvable Name" column: "Update firmware", "Apply internal storage
   * configuration", "Install operating system image", "Apply external storage
   * configuration", "Power on", "Power off", "Reset", "Cold boot", "Update iLO
   * firmware" or "Apply server settings (BIOS and iLO)". Each may appear once.
   */
  approvableName: pulumi.Input<string>;
  /**
   * The approvers: they have the authority to approve or deny the operation for
   * the policy's servers or groups. At least one; emails are compared ignoring case.
   */
  approvers: pulumi.Input<pulumi.Input<{ email: pulumi.Input<string> }>[]>;
  /**
   * The minimum number of approvals the request needs: 1 (the default) up to the
   * number of approvers. A single decline declines the request whatever this value.
   */
  minApprovers?: pulumi.Input<number>;
}

/** A resource the policy is assigned to. */
export interface ApprovalPolicyResourceArgs {
  /** The unique identifier (a UUID) of the server group assigned to the policy. */
  resourceId: pulumi.Input<string>;
  /**
   * The type of the resource: "compute-ops-mgmt/group", the default and the only
   * type a policy can currently be configured for.
   */
  resourceType?: pulumi.Input<string>;
}

/** The declared policy data: approvables and the resources they apply to. */
export interface ApprovalPolicyData {
  approvables: { approvableName: string; approvers: { email: string }[]; minApprovers: number }[];
  resources: { resourceId: string; resourceType: string }[];
}

export interface ApprovalPolicyArgs {
  /** The policy name (unique in the workspace). */
  name: pulumi.Input<string>;
  /** The policy description. Removing it from the program clears it. */
  description?: pulumi.Input<string>;
  /**
   * Data for the policy: the approvers of each operation and the server groups the
   * policy is assigned to. Changes in place; lists are compared as sets.
   */
  policyData: pulumi.Input<{
    approvables?: pulumi.Input<pulumi.Input<ApprovableArgs>[]>;
    resources?: pulumi.Input<pulumi.Input<ApprovalPolicyResourceArgs>[]>;
  }>;
  /**
   * The Compute Ops Management region (us-west, eu-central or ap-northeast), if
   * not the stack's `compute-ops:region`. Changing it replaces the policy.
   */
  region?: pulumi.Input<string>;
  /**
   * @deprecated No approval-policy operation takes `Tenant-Acid`: a value fails at
   * preview. Kept so programs that set it still compile; remove it (that does not
   * replace the policy).
   */
  tenantAcid?: pulumi.Input<string>;
  /**
   * The id of an existing policy to manage instead of creating one (Pulumi's
   * `import` does not reach dynamic providers). On create the policy is read, the
   * declared fields are patched onto it, and from then on it is managed like any
   * other: **`pulumi destroy` deletes it** (set `retainOnDelete`, or run
   * `pulumi state delete` first, if it must outlive the stack). Naming another id
   * later replaces the resource; dropping `adoptId` changes nothing.
   */
  adoptId?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management approval policy (`/compute-ops-mgmt/v1beta2/approval-policies`):
 * the operations it names need the approval of its approvers before they run on
 * its server groups.
 */
export class ApprovalPolicy extends pulumi.dynamic.Resource {
  /** The policy name. */
  declare public readonly name: pulumi.Output<string>;
  /** The policy description, if declared. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** Approvables and resources, as declared (defaults applied). */
  declare public readonly policyData: pulumi.Output<ApprovalPolicyData>;
  /** The region override, if declared. */
  declare public readonly region: pulumi.Output<string | undefined>;
  /** The tenant override, if declared. */
  declare public readonly tenantAcid: pulumi.Output<string | undefined>;
  /** The id of the adopted policy, if the policy was adopted. */
  declare public readonly adoptId: pulumi.Output<string | undefined>;
  /** The approval policy state: ACTIVE or INACTIVE. */
  declare public readonly state: pulumi.Output<string>;
  /** Comments on the policy, set by the service. */
  declare public readonly remarks: pulumi.Output<string | undefined>;
  /** Monotonically increasing update counter. */
  declare public readonly generation: pulumi.Output<number>;
  /** Time of policy creation. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** Time of the last policy update. */
  declare public readonly updatedAt: pulumi.Output<string>;
  /** URI of the policy itself (a self link). */
  declare public readonly resourceUri: pulumi.Output<string>;

  /**
   * Reads an existing approval policy into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<ApprovalPolicyArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): ApprovalPolicy {
    return new ApprovalPolicy(
      name,
      stateForGet<ApprovalPolicyArgs>(["name", "policyData"], state),
      { ...opts, id },
    );
  }

  constructor(name: string, args: ApprovalPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ApprovalPolicy", resourceTypes.ApprovalPolicy),
      name,
      {
        ...args,
        // Every output needs a key here, or Pulumi creates no Output property for it.
        description: args.description,
        region: args.region,
        tenantAcid: args.tenantAcid,
        adoptId: args.adoptId,
        state: undefined,
        remarks: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      withSecretOutputs("ApprovalPolicy", opts),
      resourceTypes.ApprovalPolicy.module,
      "ApprovalPolicy",
    );
  }
}
