import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { webhookInputs, WebhookState } from "../../provider/computeOps/webhook";
import { OpsManagementResource, type ArgsOf, type OutputsOf } from "../resourceType";

/**
 * The arguments of a webhook, derived from the provider's input schema; each
 * property's meaning is on the reference page (docs/reference/Webhook.md).
 */
export type WebhookArgs = ArgsOf<z.input<typeof webhookInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Webhook extends OutputsOf<WebhookState> {}

/**
 * An HPE Compute Ops Management webhook (`/compute-ops-mgmt/v1beta1/webhooks`): the
 * events its OData filter selects, sent to an https destination once the destination
 * has answered the API's handshake. Its headers stay secret in state whatever the
 * program passes.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Webhook extends OpsManagementResource {
  constructor(name: string, args: WebhookArgs, opts?: pulumi.CustomResourceOptions) {
    super("Webhook", name, args, opts);
  }
}
