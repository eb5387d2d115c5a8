import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type {
  activationKeyInputs,
  ActivationKeyState,
} from "../../provider/computeOps/activationKey";
import { providerShim } from "../providerShim";
import {
  resourceTypes,
  withOutputSlots,
  withSecretOutputs,
  type ArgsOf,
  type OutputsOf,
} from "../resourceType";

/**
 * The arguments of an activation key, derived from the provider's input schema;
 * each property is described there (provider/computeOps/activationKey.ts).
 */
export type ActivationKeyArgs = ArgsOf<z.input<typeof activationKeyInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ActivationKey extends OutputsOf<ActivationKeyState> {}

/**
 * An HPE Compute Ops Management activation key
 * (`/compute-ops-mgmt/v1beta1/activation-keys`) for onboarding iLOs or secure
 * gateway appliances. A key cannot be changed: every change of input makes a new
 * key. An expired key reads as gone on refresh, and the next `up` makes a new one.
 * The key itself is a secret output.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ActivationKey extends pulumi.dynamic.Resource {
  /**
   * Reads an existing activation key into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<ActivationKeyArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): ActivationKey {
    return new ActivationKey(name, (state ?? {}) as ActivationKeyArgs, { ...opts, id });
  }

  constructor(name: string, args: ActivationKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ActivationKey", resourceTypes.ActivationKey),
      name,
      withOutputSlots("ActivationKey", args),
      withSecretOutputs("ActivationKey", opts),
      resourceTypes.ActivationKey.module,
      "ActivationKey",
    );
  }
}
