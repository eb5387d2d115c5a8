import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";

/** Which ServiceNow events open incidents. Only the combinations of the API's table are valid. */
export interface IncidentCreationScopeArgs {
  /** Service events (default true). */
  serviceEventIssues?: pulumi.Input<boolean>;
  /** Critical events; needs serviceEventIssues. */
  criticalEventIssues?: pulumi.Input<boolean>;
  /** Warning events; needs criticalEventIssues. */
  warningEventIssues?: pulumi.Input<boolean>;
  /** Utilization threshold alerts. */
  utilizationThresholdAlerts?: pulumi.Input<boolean>;
  /** Power change events (default false). */
  powerResetEvent?: pulumi.Input<boolean>;
  /** Hours of disconnection (0 to 3) after which an incident opens. */
  disconnectedEvent?: pulumi.Input<number>;
}

export interface ExternalServiceArgs {
  /** The integration's display name. */
  name: pulumi.Input<string>;
  /** A longer description. */
  description?: pulumi.Input<string>;
  /** SERVICE_NOW, DSCC or VMWARE_VCENTER. Changing it replaces the integration. */
  serviceType: pulumi.Input<"SERVICE_NOW" | "DSCC" | "VMWARE_VCENTER">;
  /**
   * OAUTH (ServiceNow, DSCC) or BASIC (vCenter); defaults from serviceType, and any
   * other pairing is rejected. Changing it replaces the integration.
   */
  authenticationType?: pulumi.Input<"OAUTH" | "BASIC">;
  /**
   * Credentials. OAUTH: `{clientId, clientSecret, refreshToken}` (refreshToken is
   * required for ServiceNow, optional for DSCC). BASIC: `{username, password}`.
   * Always stored as a secret.
   */
  authentication: pulumi.Input<{
    clientId?: pulumi.Input<string>;
    clientSecret?: pulumi.Input<string>;
    refreshToken?: pulumi.Input<string>;
    username?: pulumi.Input<string>;
    password?: pulumi.Input<string>;
  }>;
  /**
   * ServiceNow: `{oauthUrl, incidentUrl, refreshTokenExpiryInDays (100..365),
   * incidentCreationScope}`. DSCC: `{region}`. vCenter: `{vCenterUrl,
   * associatedGatewayUri, vCenterCertFingerprint}` (the SHA-256 fingerprint of the
   * vCenter server's certificate).
   */
  serviceData: pulumi.Input<{
    oauthUrl?: pulumi.Input<string>;
    incidentUrl?: pulumi.Input<string>;
    refreshTokenExpiryInDays?: pulumi.Input<number>;
    incidentCreationScope?: pulumi.Input<IncidentCreationScopeArgs>;
    region?: pulumi.Input<string>;
    vCenterUrl?: pulumi.Input<string>;
    associatedGatewayUri?: pulumi.Input<string>;
    vCenterCertFingerprint?: pulumi.Input<string>;
  }>;
  /** ENABLED (the API's default) or DISABLED; changes in place. */
  state?: pulumi.Input<"ENABLED" | "DISABLED">;
  /** Ask the service to test the integration once it is created. */
  testOnCreate?: pulumi.Input<boolean>;
  /** The Compute Ops Management region, if not the stack's. Changing it replaces the integration. */
  region?: pulumi.Input<string>;
  /** Act for this tenant of an MSP workspace. Changing it replaces the integration. */
  tenantAcid?: pulumi.Input<string>;
  /** The id of an existing integration to manage instead of creating one (see README, Adoption). */
  adoptId?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management external service: a ServiceNow, DSCC or VMware
 * vCenter integration. Its credentials stay secret in state whatever the program
 * passes.
 */
export class ExternalService extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly serviceType: pulumi.Output<string>;
  declare public readonly authenticationType: pulumi.Output<string>;
  /** Secret. */
  declare public readonly authentication: pulumi.Output<Record<string, string>>;
  /** As declared, plus fields the service sets (vCenter's associatedGatewayId). */
  declare public readonly serviceData: pulumi.Output<Record<string, unknown>>;
  /** ENABLED or DISABLED, as declared. */
  declare public readonly state: pulumi.Output<string | undefined>;
  /** ENABLED or SUSPENDED, set by the service. */
  declare public readonly status: pulumi.Output<string>;
  declare public readonly generation: pulumi.Output<number>;
  declare public readonly createdAt: pulumi.Output<string>;
  declare public readonly updatedAt: pulumi.Output<string>;
  declare public readonly resourceUri: pulumi.Output<string>;

  constructor(name: string, args: ExternalServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ExternalService", { updatable: true }),
      name,
      {
        ...args,
        // Secret from the start, so state never holds it in plaintext (DESIGN.md decision 3).
        authentication: pulumi.secret(args.authentication),
        status: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "authentication"],
      },
      "compute-ops",
      "ExternalService",
    );
  }
}
