import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { groupInputs, GroupState } from "../../provider/computeOps/group";
import { providerShim } from "../providerShim";
import {
  resourceTypes,
  withOutputSlots,
  withSecretOutputs,
  type ArgsOf,
  type OutputsOf,
} from "../resourceType";

/**
 * The arguments of a server group, derived from the provider's input schema; each
 * property's meaning is in the schema's descriptions (provider/computeOps/group.ts).
 */
export type GroupArgs = ArgsOf<z.input<typeof groupInputs>>;

/** A server group's policies (`groupServerPolicies-v1`); the spec's defaults fill what is left out. */
export type GroupPoliciesArgs = ArgsOf<NonNullable<z.input<typeof groupInputs>["policies"]>>;

/** What happens to a server when it joins the group. Every flag defaults to false. */
export type GroupOnDeviceAddArgs = ArgsOf<
  NonNullable<NonNullable<z.input<typeof groupInputs>["policies"]>["onDeviceAdd"]>
>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Group extends OutputsOf<GroupState> {}

/**
 * An HPE Compute Ops Management server group (`/compute-ops-mgmt/v1/groups`). Its
 * servers are placed by a `GroupMembership`. Give its `id` to an ApprovalPolicy's
 * `policyData.resources[].resourceId` or a Job's `resourceId`. A group that still
 * holds servers is not deleted: destroy fails, naming them.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Group extends pulumi.dynamic.Resource {
  /**
   * Reads an existing server group into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<GroupArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): Group {
    return new Group(name, (state ?? {}) as GroupArgs, { ...opts, id });
  }

  constructor(name: string, args: GroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("Group", resourceTypes.Group),
      name,
      withOutputSlots("Group", args),
      withSecretOutputs("Group", opts),
      resourceTypes.Group.module,
      "Group",
    );
  }
}
