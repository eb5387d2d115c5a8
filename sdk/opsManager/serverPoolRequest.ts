import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  serverPoolRequestInputs,
  ServerPoolRequestState,
} from "../../provider/opsManager/serverPoolRequest";
import { providerShim } from "../providerShim";
import {
  resourceTypes,
  withOutputSlots,
  withSecretOutputs,
  type ArgsOf,
  type OutputsOf,
} from "../resourceType";

/**
 * The arguments of a server-pool request, derived from the provider's input schema,
 * where each property's meaning is described (provider/opsManager/serverPoolRequest.ts).
 */
export type ServerPoolRequestArgs = ArgsOf<z.input<typeof serverPoolRequestInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ServerPoolRequest extends OutputsOf<ServerPoolRequestState> {}

/**
 * A request to provision servers from a MongoDB Ops Manager server pool (needs the
 * Automation Admin role). Any change of input but the wait settings
 * (`waitForCompletion`, `timeoutMinutes`) makes a new request; `pulumi destroy`
 * cancels it. Server pools are deprecated since Ops Manager 4.0 and disabled by
 * default.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ServerPoolRequest extends pulumi.dynamic.Resource {
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
    return new ServerPoolRequest(name, (state ?? {}) as ServerPoolRequestArgs, { ...opts, id });
  }

  constructor(name: string, args: ServerPoolRequestArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      // update records a changed wait setting and resumes waiting; the engine also
      // calls it after a failed or timed-out create, so the shim carries it.
      providerShim("ServerPoolRequest", resourceTypes.ServerPoolRequest),
      name,
      // Every recorded property gets a slot, groupId too when not declared, so the
      // effective group comes back as an output.
      withOutputSlots("ServerPoolRequest", args),
      withSecretOutputs("ServerPoolRequest", opts),
      resourceTypes.ServerPoolRequest.module,
      "ServerPoolRequest",
    );
  }
}
