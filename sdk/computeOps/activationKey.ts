import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";

export interface ActivationKeyArgs {
  /** ILO or SECURE_GATEWAY: what the key onboards. */
  targetDevice: pulumi.Input<"ILO" | "SECURE_GATEWAY">;
  /** How long the key stays valid: 0.5 to 168 hours (default 72). */
  expirationInHours?: pulumi.Input<number>;
  /** The subscription key to apply to devices onboarded with this key. */
  subscriptionKey?: pulumi.Input<string>;
  /** The secure gateway appliance's URI, for onboarding through a gateway. */
  applianceUri?: pulumi.Input<string>;
  /** The location to assign to onboarded devices. */
  locationId?: pulumi.Input<string>;
  /** The service delivery contact for onboarded devices. */
  serviceDeliveryContact?: pulumi.Input<string>;
  /** Tags for onboarded devices. */
  tags?: pulumi.Input<pulumi.Input<{ name: pulumi.Input<string>; value: pulumi.Input<string> }>[]>;
  /**
   * When the key has less than this many hours left, the next `pulumi preview`/`up`
   * replaces it (the new key is made before the old is deleted), so a scheduled
   * pipeline always holds a valid key. Must be less than expirationInHours.
   */
  renewBeforeHours?: pulumi.Input<number>;
  /** The Compute Ops Management region, if not the stack's. */
  region?: pulumi.Input<string>;
  /** Act for this tenant of an MSP workspace. */
  tenantAcid?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management activation key. Keys cannot be changed: every
 * change of input makes a new key. The key itself is a secret output.
 */
export class ActivationKey extends pulumi.dynamic.Resource {
  /** The key to enter on the device. Secret. */
  declare public readonly activationKey: pulumi.Output<string>;
  /** When the key stops working. */
  declare public readonly expiresAt: pulumi.Output<string>;
  declare public readonly targetDevice: pulumi.Output<string>;
  declare public readonly expirationInHours: pulumi.Output<number>;
  declare public readonly subscriptionKey: pulumi.Output<string | undefined>;
  declare public readonly applianceUri: pulumi.Output<string | undefined>;
  declare public readonly applianceName: pulumi.Output<string | undefined>;
  declare public readonly generation: pulumi.Output<number>;
  declare public readonly createdAt: pulumi.Output<string>;
  declare public readonly updatedAt: pulumi.Output<string>;
  declare public readonly resourceUri: pulumi.Output<string>;

  constructor(name: string, args: ActivationKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ActivationKey", { updatable: false }),
      name,
      {
        ...args,
        activationKey: undefined,
        expiresAt: undefined,
        applianceName: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "activationKey"],
      },
      "compute-ops",
      "ActivationKey",
    );
  }
}
