import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

export interface GroupMembershipArgs {
  /** The group's id (a Group's `id`, or `getGroup`'s). Changing it replaces the membership. */
  groupId: pulumi.Input<string>;
  /**
   * The servers the group holds, by server id (`<productId>+<serialNumber>`, e.g.
   * `P06760-B21+2M212504P8`; see `getServer`). A set. A server added or removed by
   * hand is drift that `up` repairs; a server in another group is not moved.
   */
  serverIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The region, if not the stack's. Changing it replaces the membership. */
  region?: pulumi.Input<string>;
  /** Act for this MSP tenant (`Tenant-Acid`), if not the stack's. Changing it replaces the membership. */
  tenantAcid?: pulumi.Input<string>;
}

/**
 * The servers of one server group (`/compute-ops-mgmt/v1/groups/{id}/devices`),
 * managed apart from the Group so another team can own them. Creating it fails if
 * the group already holds servers it does not name; destroying it unassigns only
 * its own servers. Each change waits for the API's asynchronous operation.
 */
export class GroupMembership extends pulumi.dynamic.Resource {
  declare public readonly groupId: pulumi.Output<string>;
  declare public readonly serverIds: pulumi.Output<string[]>;
  declare public readonly region: pulumi.Output<string | undefined>;
  declare public readonly tenantAcid: pulumi.Output<string | undefined>;

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
    return new GroupMembership(
      name,
      stateForGet<GroupMembershipArgs>(["groupId", "serverIds"], state),
      { ...opts, id },
    );
  }

  constructor(name: string, args: GroupMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("GroupMembership", resourceTypes.GroupMembership),
      name,
      { ...args, region: args.region, tenantAcid: args.tenantAcid },
      withSecretOutputs("GroupMembership", opts),
      resourceTypes.GroupMembership.module,
      "GroupMembership",
    );
  }
}
