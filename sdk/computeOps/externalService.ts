import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  externalServiceInputs,
  ExternalServiceState,
} from "../../provider/computeOps/externalService";
import { providerShim } from "../providerShim";
import {
  resourceTypes,
  withOutputSlots,
  withSecretOutputs,
  type ArgsOf,
  type OutputsOf,
} from "../resourceType";

/**
 * The arguments of an external service, derived from the provider's input schema;
 * each property is described there (provider/computeOps/externalService.ts).
 * `authentication` and `serviceData` take the shape of the serviceType.
 */
export type ExternalServiceArgs = ArgsOf<z.input<typeof externalServiceInputs>>;

/** Credentials: OAUTH (ServiceNow, DSCC) or BASIC (vCenter). */
export type ExternalServiceAuthenticationArgs = ExternalServiceArgs["authentication"];

/** Service data for the declared serviceType. */
export type ExternalServiceDataArgs = ExternalServiceArgs["serviceData"];

/** The scope of events for which ServiceNow incidents are created. */
export type IncidentCreationScopeArgs = NonNullable<
  Extract<ExternalServiceDataArgs, { oauthUrl: unknown }>["incidentCreationScope"]
>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ExternalService extends OutputsOf<ExternalServiceState> {}

/**
 * An HPE Compute Ops Management external service
 * (`/compute-ops-mgmt/v1beta1/external-services`): a ServiceNow, DSCC or VMware
 * vCenter integration. Its credentials stay secret in state whatever the program
 * passes.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ExternalService extends pulumi.dynamic.Resource {
  /**
   * Reads an existing external service into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region` and `tenantAcid`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<ExternalServiceArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): ExternalService {
    return new ExternalService(name, (state ?? {}) as ExternalServiceArgs, { ...opts, id });
  }

  constructor(name: string, args: ExternalServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ExternalService", resourceTypes.ExternalService),
      name,
      withOutputSlots("ExternalService", {
        ...args,
        // Secret from the start, so state never holds it in plaintext (docs/design.md#secrets-stay-secret).
        authentication: pulumi.secret(args.authentication),
      }),
      withSecretOutputs("ExternalService", opts),
      resourceTypes.ExternalService.module,
      "ExternalService",
    );
  }
}
