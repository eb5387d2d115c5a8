import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

export interface ActivationKeyArgs {
  /**
   * The target device to onboard with the key: ILO (an iLO, for direct or secure
   * gateway management; needs iLO 6 1.62 / iLO 5 3.09 or later) or SECURE_GATEWAY
   * (a secure gateway appliance).
   */
  targetDevice: pulumi.Input<"ILO" | "SECURE_GATEWAY">;
  /** How long the key stays valid, in hours: 0.5 to 168 (default 72). */
  expirationInHours?: pulumi.Input<number>;
  /**
   * The device subscription to associate with the key. It is added to the
   * GreenLake workspace and linked to every server onboarded with the key (with
   * auto-subscribe, the service may assign another). Left out, a subscription the
   * service assigns is reported but not managed.
   */
  subscriptionKey?: pulumi.Input<string>;
  /**
   * The secure gateway appliance URI: required for onboarding a server for
   * management through a secure gateway.
   */
  applianceUri?: pulumi.Input<string>;
  /** The location (a UUID of the GreenLake workspace) to associate with the key. */
  locationId?: pulumi.Input<string>;
  /** The service delivery contact (an email address) to associate with the key. */
  serviceDeliveryContact?: pulumi.Input<string>;
  /**
   * Tags to associate with the key. Tags not yet in the workspace are created; a
   * tag matching a server group adds onboarded servers to that group.
   */
  tags?: pulumi.Input<pulumi.Input<{ name: pulumi.Input<string>; value: pulumi.Input<string> }>[]>;
  /**
   * When the key has less than this many hours left, the next `pulumi preview`/`up`
   * replaces it (the new key is made before the old one is deleted), so a
   * scheduled pipeline always holds a valid key. More than 0 and less than
   * expirationInHours. Changing it alone does not replace the key.
   */
  renewBeforeHours?: pulumi.Input<number>;
  /** The Compute Ops Management region, if not the stack's. Changing it replaces the key. */
  region?: pulumi.Input<string>;
  /**
   * @deprecated No activation-key operation takes `Tenant-Acid`: a value fails at
   * preview. Kept so programs that set it still compile; remove it (that does not
   * replace the key).
   */
  tenantAcid?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management activation key
 * (`/compute-ops-mgmt/v1beta1/activation-keys`) for onboarding iLOs or secure
 * gateway appliances. A key cannot be changed: every change of input makes a new
 * key. An expired key reads as gone on refresh, and the next `up` makes a new one.
 * The key itself is a secret output.
 */
export class ActivationKey extends pulumi.dynamic.Resource {
  /** The activation key to enter on the device. Secret. */
  declare public readonly activationKey: pulumi.Output<string>;
  /** When the key expires. */
  declare public readonly expiresAt: pulumi.Output<string>;
  /** ILO or SECURE_GATEWAY. */
  declare public readonly targetDevice: pulumi.Output<string>;
  /** The key's validity, in hours. */
  declare public readonly expirationInHours: pulumi.Output<number>;
  /** The device subscription associated with the key: as declared, else as the service reports it. */
  declare public readonly subscriptionKey: pulumi.Output<string | undefined>;
  /** The secure gateway appliance URI: as declared, else as the service reports it. */
  declare public readonly applianceUri: pulumi.Output<string | undefined>;
  /** The name of the appliance. */
  declare public readonly applianceName: pulumi.Output<string | undefined>;
  /** The location, if declared. */
  declare public readonly locationId: pulumi.Output<string | undefined>;
  /** The service delivery contact, if declared. */
  declare public readonly serviceDeliveryContact: pulumi.Output<string | undefined>;
  /** The tags, if declared. */
  declare public readonly tags: pulumi.Output<{ name: string; value: string }[] | undefined>;
  /** The renewal window in hours, if declared. */
  declare public readonly renewBeforeHours: pulumi.Output<number | undefined>;
  /** The region override, if declared. */
  declare public readonly region: pulumi.Output<string | undefined>;
  /** The tenant override, if declared. */
  declare public readonly tenantAcid: pulumi.Output<string | undefined>;
  /** Monotonically increasing update counter. */
  declare public readonly generation: pulumi.Output<number>;
  /** Time the key was created. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** Time of the key's last update. */
  declare public readonly updatedAt: pulumi.Output<string>;
  /**
   * What the API reports of the key's context, as it returns it: applianceName,
   * locationId, serviceDeliveryContact, tags.
   */
  declare public readonly details: pulumi.Output<
    | {
        applianceName?: string;
        locationId?: string;
        serviceDeliveryContact?: string;
        tags?: { name: string; value: string }[];
      }
    | undefined
  >;

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
    return new ActivationKey(name, stateForGet<ActivationKeyArgs>(["targetDevice"], state), {
      ...opts,
      id,
    });
  }

  constructor(name: string, args: ActivationKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ActivationKey", resourceTypes.ActivationKey),
      name,
      {
        ...args,
        // Every output needs a key here, or Pulumi creates no Output property for it.
        expirationInHours: args.expirationInHours,
        subscriptionKey: args.subscriptionKey,
        applianceUri: args.applianceUri,
        locationId: args.locationId,
        serviceDeliveryContact: args.serviceDeliveryContact,
        tags: args.tags,
        renewBeforeHours: args.renewBeforeHours,
        region: args.region,
        tenantAcid: args.tenantAcid,
        activationKey: undefined,
        expiresAt: undefined,
        applianceName: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        details: undefined,
      },
      withSecretOutputs("ActivationKey", opts),
      resourceTypes.ActivationKey.module,
      "ActivationKey",
    );
  }
}
