import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";

export interface ServerPoolRequestArgs {
  /**
   * One object per server wanted, naming pool properties and the values wanted,
   * e.g. `{ Datacenter: "nyc", size: "large" }`; a multi-select property takes a list.
   * The pool's properties are listed by GET /groups/{GROUP-ID}/serverPool/properties.
   */
  properties: pulumi.Input<pulumi.Input<Record<string, pulumi.Input<string | string[]>>>[]>;
  /** The Ops Manager project (group) id, if not the stack's (`ops-manager:groupId`). */
  groupId?: pulumi.Input<string>;
  /** Wait until the request is COMPLETED (default true). */
  waitForCompletion?: pulumi.Input<boolean>;
  /** How long to wait, 1 to 1440 minutes (default 30). */
  timeoutMinutes?: pulumi.Input<number>;
  /** The id of an existing request to manage instead of making one. */
  adoptId?: pulumi.Input<string>;
}

/**
 * A request for servers from a MongoDB Ops Manager server pool; `pulumi destroy`
 * cancels it. Server pools are deprecated since Ops Manager 4.0 and disabled by
 * default.
 */
export class ServerPoolRequest extends pulumi.dynamic.Resource {
  /** EXECUTING, CANCELLING, CANCELLED, FAILED or COMPLETED. */
  declare public readonly statusName: pulumi.Output<string>;
  declare public readonly numServers: pulumi.Output<number>;
  declare public readonly created: pulumi.Output<string>;
  /** When the request expires if no server becomes available. */
  declare public readonly expires: pulumi.Output<string>;
  declare public readonly completeDate: pulumi.Output<string | undefined>;
  declare public readonly cancelDate: pulumi.Output<string | undefined>;
  /** The effective project (group) id. */
  declare public readonly groupId: pulumi.Output<string>;
  declare public readonly properties: pulumi.Output<Record<string, string | string[]>[]>;
  declare public readonly links: pulumi.Output<unknown[]>;

  constructor(name: string, args: ServerPoolRequestArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ServerPoolRequest", { updatable: false }),
      name,
      {
        ...args,
        statusName: undefined,
        numServers: undefined,
        created: undefined,
        expires: undefined,
        completeDate: undefined,
        cancelDate: undefined,
        groupId: args.groupId,
        links: undefined,
      },
      opts,
      "ops-manager",
      "ServerPoolRequest",
    );
  }
}
