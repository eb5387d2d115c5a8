import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  groupMembershipInputs,
  GroupMembershipState,
} from "../../provider/computeOps/groupMembership";
import { providerShim } from "../providerShim";
import {
  resourceTypes,
  withOutputSlots,
  withSecretOutputs,
  type ArgsOf,
  type OutputsOf,
} from "../resourceType";

/**
 * The arguments of a group's membership, derived from the provider's input schema; each
 * property's meaning is in the schema's descriptions (provider/computeOps/groupMembership.ts).
 */
export type GroupMembershipArgs = ArgsOf<z.input<typeof groupMembershipInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface GroupMembership extends OutputsOf<GroupMembershipState> {}

/**
 * The servers of one server group (`/compute-ops-mgmt/v1/groups/{id}/devices`),
 * managed apart from the Group so another team can own them. Creating it fails if
 * the group already holds servers it does not name; destroying it unassigns only
 * its own servers. Each change waits for the API's asynchronous operation.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class GroupMembership extends pulumi.dynamic.Resource {
  /**
   * Reads an existing group's server set (its id is the group's) into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<GroupMembershipArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): GroupMembership {
    return new GroupMembership(name, (state ?? {}) as GroupMembershipArgs, { ...opts, id });
  }

  constructor(name: string, args: GroupMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("GroupMembership", resourceTypes.GroupMembership),
      name,
      withOutputSlots("GroupMembership", args),
      withSecretOutputs("GroupMembership", opts),
      resourceTypes.GroupMembership.module,
      "GroupMembership",
    );
  }
}
