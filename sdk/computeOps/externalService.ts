import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

/**
 * The scope of events for which ServiceNow incidents are created. Selections
 * widen one another, from serviceEventIssues to criticalEventIssues to
 * warningEventIssues; utilizationThresholdAlerts stands beside them, and one of
 * serviceEventIssues or utilizationThresholdAlerts must be on. Only the
 * combinations of the API's table are valid (checked before any call).
 */
export interface IncidentCreationScopeArgs {
  /** Incidents for all service events (warning or critical). Default true. */
  serviceEventIssues?: pulumi.Input<boolean>;
  /** Incidents for all critical events that are not service events; needs serviceEventIssues. Default false. */
  criticalEventIssues?: pulumi.Input<boolean>;
  /** Incidents for all warning events too; needs criticalEventIssues. Default false. */
  warningEventIssues?: pulumi.Input<boolean>;
  /** Incidents for breaches of configured power utilization thresholds. Default false. */
  utilizationThresholdAlerts?: pulumi.Input<boolean>;
  /** Incidents for all power change events. Default false. */
  powerResetEvent?: pulumi.Input<boolean>;
  /**
   * Hours a server stays disconnected before an incident is created: 0, 1, 2 or 3;
   * 0 disables these incidents. Left to the service (3) when not declared.
   */
  disconnectedEvent?: pulumi.Input<number>;
}

/** Credentials: OAUTH (ServiceNow, DSCC) or BASIC (vCenter). */
export interface ExternalServiceAuthenticationArgs {
  /** OAUTH: the ID of the client of the external web service. */
  clientId?: pulumi.Input<string>;
  /** OAUTH: the client's secret. */
  clientSecret?: pulumi.Input<string>;
  /** OAUTH: the refresh token; required for SERVICE_NOW, optional for DSCC. */
  refreshToken?: pulumi.Input<string>;
  /** BASIC: the user name, e.g. administrator@vsphere.local. */
  username?: pulumi.Input<string>;
  /** BASIC: the password. */
  password?: pulumi.Input<string>;
}

/** Service data for the declared serviceType. */
export interface ExternalServiceDataArgs {
  /** SERVICE_NOW: the https URL access tokens are obtained from (e.g. .../oauth_token.do). */
  oauthUrl?: pulumi.Input<string>;
  /** SERVICE_NOW: the https endpoint incidents are created at. */
  incidentUrl?: pulumi.Input<string>;
  /** SERVICE_NOW: days after which the refresh token expires, 100 to 365. */
  refreshTokenExpiryInDays?: pulumi.Input<number>;
  /** SERVICE_NOW: which events create incidents. */
  incidentCreationScope?: pulumi.Input<IncidentCreationScopeArgs>;
  /** DSCC: the region the Data Services Cloud Console integration is configured for. */
  region?: pulumi.Input<string>;
  /** VMWARE_VCENTER: the vCenter server's host name, IP address or https URL. */
  vCenterUrl?: pulumi.Input<string>;
  /** VMWARE_VCENTER: the URI of the associated secure gateway appliance. */
  associatedGatewayUri?: pulumi.Input<string>;
  /**
   * VMWARE_VCENTER: the SHA-256 fingerprint of the vCenter server's certificate:
   * 64 hex digits, or 32 colon-separated pairs as vCenter shows it.
   */
  vCenterCertFingerprint?: pulumi.Input<string>;
}

export interface ExternalServiceArgs {
  /** The name given to the integration (1 to 256 characters, unique). */
  name: pulumi.Input<string>;
  /** An optional longer description (up to 256 characters). Removing it clears it. */
  description?: pulumi.Input<string>;
  /**
   * The type of external service: SERVICE_NOW, DSCC (Data Services Cloud Console)
   * or VMWARE_VCENTER. It cannot be changed: changing it replaces the integration.
   */
  serviceType: pulumi.Input<"SERVICE_NOW" | "DSCC" | "VMWARE_VCENTER">;
  /**
   * The authentication method: OAUTH (ServiceNow, DSCC) or BASIC (vCenter).
   * Derived from serviceType when left out; any other pairing is rejected.
   */
  authenticationType?: pulumi.Input<"OAUTH" | "BASIC">;
  /**
   * The credentials for the authenticationType. Always stored as a secret; the
   * service never shows them again, so a changed secret here is sent on the next
   * `up`, but a secret changed outside Pulumi cannot be detected.
   */
  authentication: pulumi.Input<ExternalServiceAuthenticationArgs>;
  /**
   * SERVICE_NOW: `{oauthUrl, incidentUrl, refreshTokenExpiryInDays,
   * incidentCreationScope}`. DSCC: `{region}`. VMWARE_VCENTER: `{vCenterUrl,
   * associatedGatewayUri, vCenterCertFingerprint}`.
   */
  serviceData: pulumi.Input<ExternalServiceDataArgs>;
  /**
   * ENABLED (the service's default) or DISABLED; changes in place. Left out, the
   * state is not managed.
   */
  state?: pulumi.Input<"ENABLED" | "DISABLED">;
  /**
   * Run the service's integration test once the integration is created (a
   * ServiceNow test incident, a DSCC connection test); the result is recorded as
   * an activity. Default false.
   */
  testOnCreate?: pulumi.Input<boolean>;
  /**
   * The Compute Ops Management region (us-west, eu-central or ap-northeast), if
   * not the stack's. Changing it replaces the integration.
   */
  region?: pulumi.Input<string>;
  /**
   * Act for this tenant of an MSP workspace (`Tenant-Acid`), if not the stack's.
   * Changing it replaces the integration.
   */
  tenantAcid?: pulumi.Input<string>;
  /**
   * The id of an existing integration to manage instead of creating one. On
   * create it is read (its serviceType must match), the declared fields and
   * credentials are patched onto it, and from then on it is managed like any
   * other: **`pulumi destroy` deletes it** (set `retainOnDelete` if it must
   * outlive the stack). Naming another id later replaces the resource; dropping
   * `adoptId` changes nothing.
   */
  adoptId?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management external service
 * (`/compute-ops-mgmt/v1beta1/external-services`): a ServiceNow, DSCC or VMware
 * vCenter integration. Its credentials stay secret in state whatever the program
 * passes.
 */
export class ExternalService extends pulumi.dynamic.Resource {
  /** The integration's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The description, if declared. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** SERVICE_NOW, DSCC or VMWARE_VCENTER. */
  declare public readonly serviceType: pulumi.Output<string>;
  /** OAUTH or BASIC. */
  declare public readonly authenticationType: pulumi.Output<string>;
  /** The declared credentials. Secret. */
  declare public readonly authentication: pulumi.Output<Record<string, string>>;
  /** As declared (defaults applied), plus fields the service sets (vCenter's associatedGatewayId). */
  declare public readonly serviceData: pulumi.Output<Record<string, unknown>>;
  /** ENABLED or DISABLED, if declared. */
  declare public readonly state: pulumi.Output<string | undefined>;
  /** Whether the integration was tested on create. */
  declare public readonly testOnCreate: pulumi.Output<boolean | undefined>;
  /** The region override, if declared. */
  declare public readonly region: pulumi.Output<string | undefined>;
  /** The tenant override, if declared. */
  declare public readonly tenantAcid: pulumi.Output<string | undefined>;
  /** The id of the adopted integration, if it was adopted. */
  declare public readonly adoptId: pulumi.Output<string | undefined>;
  /** The status the service reports: ENABLED or SUSPENDED. */
  declare public readonly status: pulumi.Output<string>;
  /** Monotonically increasing update counter. */
  declare public readonly generation: pulumi.Output<number>;
  /** Time the integration was created. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** Time of the last update. */
  declare public readonly updatedAt: pulumi.Output<string>;
  /** URI of the integration itself (a self link). */
  declare public readonly resourceUri: pulumi.Output<string>;

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
    return new ExternalService(
      name,
      stateForGet<ExternalServiceArgs>(
        ["name", "serviceType", "authentication", "serviceData"],
        state,
      ),
      { ...opts, id },
    );
  }

  constructor(name: string, args: ExternalServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ExternalService", resourceTypes.ExternalService),
      name,
      {
        ...args,
        // Every output needs a key here, or Pulumi creates no Output property for it.
        description: args.description,
        authenticationType: args.authenticationType,
        state: args.state,
        testOnCreate: args.testOnCreate,
        region: args.region,
        tenantAcid: args.tenantAcid,
        adoptId: args.adoptId,
        // Secret from the start, so state never holds it in plaintext (docs/design.md#secrets-stay-secret).
        authentication: pulumi.secret(args.authentication),
        status: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      withSecretOutputs("ExternalService", opts),
      resourceTypes.ExternalService.module,
      "ExternalService",
    );
  }
}
