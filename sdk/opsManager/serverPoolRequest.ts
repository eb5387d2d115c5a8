import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  serverPoolRequestInputs,
  ServerPoolRequestState,
} from "../../provider/opsManager/serverPoolRequest";
import { OpsManagementResource, type ArgsOf, type OutputsOf } from "../resourceType";

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
export class ServerPoolRequest extends OpsManagementResource {
  constructor(name: string, args: ServerPoolRequestArgs, opts?: pulumi.CustomResourceOptions) {
    super("ServerPoolRequest", name, args, opts);
  }
}
