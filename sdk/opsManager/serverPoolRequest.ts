import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

export interface ServerPoolRequestArgs {
  /**
   * The properties that identify the type of server requested: one object per
   * server, naming pool properties and the value wanted for each, e.g.
   * `[{ Datacenter: "nyc", size: "large" }]`. A value must be given for each
   * property; a property whose `multiSelect` option is enabled may take a list of
   * values. The pool's properties are listed by
   * GET /groups/{GROUP-ID}/serverPool/properties.
   */
  properties: pulumi.Input<pulumi.Input<Record<string, pulumi.Input<string | string[]>>>[]>;
  /**
   * The Ops Manager project (group) id, 24 hexadecimal digits, if not the stack's
   * `ops-manager:groupId`.
   */
  groupId?: pulumi.Input<string>;
  /**
   * Wait until the request is COMPLETED (default true). A request that FAILED, was
   * cancelled, expired (no server became available before `expires`) or outlasts
   * `timeoutMinutes` then fails the deployment; its id is still recorded, so
   * `pulumi destroy` can cancel it.
   */
  waitForCompletion?: pulumi.Input<boolean>;
  /**
   * How long to wait for the request, 1 to 1440 minutes (default 30). Changing it (or
   * `waitForCompletion`) updates in place: no new request is made.
   */
  timeoutMinutes?: pulumi.Input<number>;
  /**
   * The id of an existing request (24 hexadecimal digits) to manage instead of
   * making one; it must ask for the declared `properties` and not be cancelled.
   */
  adoptId?: pulumi.Input<string>;
}

/**
 * A request to provision servers from a MongoDB Ops Manager server pool (needs the
 * Automation Admin role). Any change of input but the wait settings
 * (`waitForCompletion`, `timeoutMinutes`) makes a new request; `pulumi destroy`
 * cancels it. Server pools are deprecated since Ops Manager 4.0 and disabled by
 * default.
 */
export class ServerPoolRequest extends pulumi.dynamic.Resource {
  /**
   * The status of the request: EXECUTING (pending), CANCELLING, CANCELLED, FAILED or
   * COMPLETED (fulfilled).
   */
  declare public readonly statusName: pulumi.Output<string>;
  /** The number of servers requested. */
  declare public readonly numServers: pulumi.Output<number | undefined>;
  /** The date and time the request was issued. */
  declare public readonly created: pulumi.Output<string>;
  /** The date and time the request expires if no server is available. */
  declare public readonly expires: pulumi.Output<string>;
  /** The date and time the request was completed. */
  declare public readonly completeDate: pulumi.Output<string | undefined>;
  /** The date and time the request was cancelled. */
  declare public readonly cancelDate: pulumi.Output<string | undefined>;
  /** The project (group) for which the servers are requested. */
  declare public readonly groupId: pulumi.Output<string>;
  /** The properties that identify the type of server requested. */
  declare public readonly properties: pulumi.Output<Record<string, string | string[]>[]>;
  /** Links to the request and related resources. */
  declare public readonly links: pulumi.Output<unknown[]>;

  /**
   * Reads an existing server-pool request into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `groupId`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<ServerPoolRequestArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): ServerPoolRequest {
    return new ServerPoolRequest(name, stateForGet<ServerPoolRequestArgs>(["properties"], state), {
      ...opts,
      id,
    });
  }

  constructor(name: string, args: ServerPoolRequestArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      // update records a changed wait setting and resumes waiting; the engine also
      // calls it after a failed or timed-out create, so the shim carries it.
      providerShim("ServerPoolRequest", resourceTypes.ServerPoolRequest),
      name,
      {
        ...args,
        // Listed even when not declared, so the effective group comes back as an output.
        groupId: args.groupId,
        statusName: undefined,
        numServers: undefined,
        created: undefined,
        expires: undefined,
        completeDate: undefined,
        cancelDate: undefined,
        links: undefined,
      },
      withSecretOutputs("ServerPoolRequest", opts),
      resourceTypes.ServerPoolRequest.module,
      "ServerPoolRequest",
    );
  }
}
