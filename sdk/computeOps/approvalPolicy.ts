import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  approvalPolicyInputs,
  ApprovalPolicyState,
} from "../../provider/computeOps/approvalPolicy";
import { OpsManagementResource, type ArgsOf, type OutputsOf } from "../resourceType";

/**
 * The arguments of an approval policy, derived from the provider's input schema;
 * each property's meaning is on the reference page (docs/reference/ApprovalPolicy.md).
 */
export type ApprovalPolicyArgs = ArgsOf<z.input<typeof approvalPolicyInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ApprovalPolicy extends OutputsOf<ApprovalPolicyState> {}

/**
 * An HPE Compute Ops Management approval policy (`/compute-ops-mgmt/v1beta2/approval-policies`):
 * the operations it names need the approval of its approvers before they run on
 * its server groups.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ApprovalPolicy extends OpsManagementResource {
  constructor(name: string, args: ApprovalPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super("ApprovalPolicy", name, args, opts);
  }
}
