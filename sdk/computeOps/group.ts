import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

/** What happens to a server when it joins the group. Every flag defaults to false. */
export interface GroupOnDeviceAddArgs {
  /** Apply the group's BIOS settings (the group needs one of HPE's BIOS/workload profiles). */
  biosApplySettings?: pulumi.Input<boolean>;
  /** Reset the server's BIOS settings to factory defaults when it leaves the group. */
  biosFactoryReset?: pulumi.Input<boolean>;
  /** Apply the group's external storage configuration. */
  externalStorageConfiguration?: pulumi.Input<boolean>;
  /** Power the server off after a firmware update; valid only with `firmwareUpdate`. */
  firmwarePowerOff?: pulumi.Input<boolean>;
  /** Update the server's firmware to the group's baseline. */
  firmwareUpdate?: pulumi.Input<boolean>;
  /** Apply the group's iLO settings. */
  iloApplySettings?: pulumi.Input<boolean>;
  /** Install the group's operating system image. */
  osInstall?: pulumi.Input<boolean>;
  /** Minutes an OS installation may take: 60 to 720, default 240. */
  osCompletionTimeoutMin?: pulumi.Input<number>;
  /** Apply the group's internal storage configuration. */
  storageConfiguration?: pulumi.Input<boolean>;
  /** Delete existing storage volumes first. */
  storageVolumeDeletion?: pulumi.Input<boolean>;
  /** The name of the volume to create. */
  storageVolumeName?: pulumi.Input<string>;
  /** Storage volumes, by id (a UUID) and name. */
  storageVolumes?: pulumi.Input<
    pulumi.Input<{ id: pulumi.Input<string>; name?: pulumi.Input<string> }>[]
  >;
}

/** A server group's policies (`groupServerPolicies-v1`); the spec's defaults fill what is left out. */
export interface GroupPoliciesArgs {
  onDeviceAdd?: pulumi.Input<GroupOnDeviceAddArgs>;
  /** When settings are applied: `firmwareDowngrade` (default false) allows older firmware. */
  onDeviceApply?: pulumi.Input<{ firmwareDowngrade?: pulumi.Input<boolean> }>;
}

export interface GroupArgs {
  /** The group name: 1 to 100 characters, unique in the workspace. Changes in place. */
  name: pulumi.Input<string>;
  /** Up to 10000 characters. Removing it from the program clears it. */
  description?: pulumi.Input<string>;
  /**
   * DIRECT_CONNECT_SERVER, OVE_APPLIANCE_SYNERGY or OVE_APPLIANCE_VM. The API cannot
   * change it (its PATCH has no deviceType): **changing it replaces the group**.
   */
  deviceType: pulumi.Input<string>;
  /**
   * At most one tag (`{ Department: "Development" }`); servers carrying it join the
   * group by themselves. Case insensitive; no two groups may share a tag. Letters,
   * digits, spaces and `_ . : = + - @` only.
   */
  autoAddTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * The settings the group applies, by their `resourceUri`
   * (`/compute-ops-mgmt/v1/settings/<uuid>`; see `getSetting`). A set: order is not drift.
   */
  settingsUris?: pulumi.Input<pulumi.Input<string>[]>;
  /** Server groups only (an OVE group has none). Undeclared, the group's own policies are left alone. */
  policies?: pulumi.Input<GroupPoliciesArgs>;
  /** The region (us-west, eu-central or ap-northeast), if not the stack's. Changing it replaces the group. */
  region?: pulumi.Input<string>;
  /** Act for this MSP tenant (`Tenant-Acid`), if not the stack's. Changing it replaces the group. */
  tenantAcid?: pulumi.Input<string>;
  /**
   * The id of an existing group to manage instead of creating one. Its declared
   * fields are patched onto it; **`pulumi destroy` deletes it**. Naming another id
   * later replaces the resource; dropping `adoptId` changes nothing.
   */
  adoptId?: pulumi.Input<string>;
}

/**
 * An HPE Compute Ops Management server group (`/compute-ops-mgmt/v1/groups`). Its
 * servers are placed by a `GroupMembership`. Give its `id` to an ApprovalPolicy's
 * `policyData.resources[].resourceId` or a Job's `resourceId`. A group that still
 * holds servers is not deleted: destroy fails, naming them.
 */
export class Group extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly deviceType: pulumi.Output<string>;
  declare public readonly autoAddTags: pulumi.Output<Record<string, string> | undefined>;
  declare public readonly settingsUris: pulumi.Output<string[] | undefined>;
  /** The policies as declared, with the spec's defaults filled in. */
  declare public readonly policies: pulumi.Output<Record<string, unknown> | undefined>;
  declare public readonly region: pulumi.Output<string | undefined>;
  declare public readonly tenantAcid: pulumi.Output<string | undefined>;
  declare public readonly adoptId: pulumi.Output<string | undefined>;
  /** Monotonically increasing update counter. */
  declare public readonly generation: pulumi.Output<number>;
  declare public readonly createdAt: pulumi.Output<string>;
  declare public readonly updatedAt: pulumi.Output<string>;
  /** The group's own URI. */
  declare public readonly resourceUri: pulumi.Output<string>;
  /** The URI of the group's devices list. */
  declare public readonly devicesUri: pulumi.Output<string>;
  /** COMPLIANT, NOT_COMPLIANT, UNKNOWN or NOT_APPLICABLE, as last read. */
  declare public readonly complianceStatus: pulumi.Output<string | undefined>;
  /** RISK, OK, IGNORED, UNKNOWN or UNSUPPORTED, as last read. */
  declare public readonly securityStatus: pulumi.Output<string | undefined>;

  /**
   * Reads an existing server group into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<GroupArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): Group {
    return new Group(name, stateForGet<GroupArgs>(["name", "deviceType"], state), { ...opts, id });
  }

  constructor(name: string, args: GroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("Group", resourceTypes.Group),
      name,
      {
        ...args,
        description: args.description,
        autoAddTags: args.autoAddTags,
        settingsUris: args.settingsUris,
        policies: args.policies,
        region: args.region,
        tenantAcid: args.tenantAcid,
        adoptId: args.adoptId,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
        devicesUri: undefined,
        complianceStatus: undefined,
        securityStatus: undefined,
      },
      withSecretOutputs("Group", opts),
      resourceTypes.Group.module,
      "Group",
    );
  }
}
