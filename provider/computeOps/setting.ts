/**
 * Setting: what a server group applies to its servers, `/compute-ops-mgmt/v1/settings`
 * (docs/api-facts.md#settings): a firmware baseline, a BIOS configuration, an
 * operating system image, internal or external storage.
 *
 * POST creates, GET/PATCH/DELETE `/settings/{id}` read, change (a JSON merge patch)
 * and delete. The `settings` body is typed per category, as the contract declares
 * it: FIRMWARE takes `GEN10`/`GEN11`/`GEN12`, each naming a firmware bundle; every
 * other category takes `DEFAULT`. The PATCH has no `category`, and a merge patch can
 * remove a field only where the schema lets it be null, so a change of category, or
 * dropping a field that cannot be nulled, replaces the setting. A setting that a
 * group still uses is not deleted: the API answers 409, and the error names the
 * groups. iLO settings are HPE's own: the API neither creates nor changes them, so
 * check refuses the category and points to `getSetting`.
 */
import { z } from "zod";
import {
  Adoption,
  adoptExisting,
  createProvablyOnce,
  diffWithUnknowns,
  isGone,
  parseResponse,
  readOrGone,
  replacingFields,
  withoutProvider,
} from "../core/lifecycle";
import { isApiFailure } from "../core/apiFailure";
import { computeOpsRegions } from "../core/configuration";
import { pick, projectOnto } from "../core/declaredState";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import { definedOnly, isPlainObject, jsonEqual } from "../core/pulumiResults";
import { resourceTypes } from "../core/resourceTypes";
import { GreenLakeClient } from "./client";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { odataString } from "./odata";
import { patchOrRead } from "./resourceRequests";
import { tenantAcidInput } from "./tenantAcidInput";

export const settingsPath = "/compute-ops-mgmt/v1/settings";
export const settingPath = (id: string) => `${settingsPath}/${encodeURIComponent(id)}`;
const groupsPath = "/compute-ops-mgmt/v1/groups";

/** The server categories a Setting manages; the OVE_* ones are OneView appliances'. */
export const serverSettingCategories = [
  "FIRMWARE",
  "BIOS",
  "ILO",
  "OS",
  "STORAGE",
  "EXTERNAL_STORAGE",
] as const;

/** The categories a program can create: iLO settings are HPE's own. */
const creatableCategories = serverSettingCategories.filter((c) => c !== "ILO");

/** zod's enum message, in the project's words; it names the value given, as zod's own does. */
const enumMessage = (values: readonly string[]) => ({
  errorMap: (_issue: unknown, ctx: { data: unknown }) => ({
    message: `must be one of: ${values.join(", ")}; got ${JSON.stringify(ctx.data)}`,
  }),
});

/** A key a settings object does not take: named with what the category takes. */
const takesOnly = (category: string, keys: string) =>
  `is not a field of a ${category} setting's settings, which takes ${keys}`;

// ---------------------------------------------------------------------------
// Each category's settings body (settingFirmware-v1, settingBIOS-v1, ...).

const excludedComponent = z
  .object({
    name: z.string().optional().describe("Name of the component to exclude."),
    target: z.string().optional().describe("Unique identifier for the device."),
  })
  .strict()
  .describe("A component to exclude, by name and device.");

const firmwareBaseline = z
  .object({
    id: z
      .string()
      .trim()
      .min(1, "is required")
      .describe(
        "The firmware bundle's id (`getFirmwareBundle({ releaseVersion, name }).id`). " +
          "Changing it changes the baseline in place.",
      ),
    componentExclusionsEnabled: z
      .boolean()
      .optional()
      .describe("Whether the component exclusions apply."),
    componentExclusions: z
      .array(
        z
          .object({
            componentCategory: z.string().optional().describe("Component exclusion category."),
            componentsToExclude: z
              .union([z.string(), z.array(excludedComponent)])
              .optional()
              .describe("The components to exclude: a name, or a list of `{name, target}`."),
          })
          .strict()
          .describe("Components of one category left out of the baseline."),
      )
      .optional()
      .describe("Components left out of the baseline."),
  })
  .strict(
    "is not a field of a firmware baseline, which takes id, componentExclusionsEnabled and " +
      "componentExclusions",
  )
  .describe("The firmware baseline of one server generation (`settingFirmware-v1`).");

const firmwareSettings = z
  .object({
    GEN10: firmwareBaseline.optional().describe("The baseline of Gen10 servers."),
    GEN11: firmwareBaseline.optional().describe("The baseline of Gen11 servers."),
    GEN12: firmwareBaseline.optional().describe("The baseline of Gen12 servers."),
  })
  .strict(takesOnly("FIRMWARE", "GEN10, GEN11 and GEN12"))
  .superRefine((settings, ctx) => {
    if (settings.GEN10 === undefined && settings.GEN11 === undefined && !settings.GEN12) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: "a FIRMWARE setting names the bundle of at least one of GEN10, GEN11, GEN12",
      });
    }
  })
  .describe(
    "FIRMWARE: the baseline per server generation, `{ GEN10?, GEN11?, GEN12? }`, each " +
      "`{ id, componentExclusionsEnabled?, componentExclusions? }`.",
  );

/** A BIOS attribute that would put a credential into the stack's state in plain text. */
const credentialAttribute = /password|passwd|secret/i;

const biosDefault = z
  .object({
    enableCustomWorkloadProfile: z
      .boolean()
      .optional()
      .describe(
        "Configure with the WorkloadProfile in `Attributes`, restart, then apply every " +
          "attribute with the `Custom` profile. Default false.",
      ),
    redfishData: z
      .object({
        Attributes: z
          .record(
            z.union([z.string(), z.number(), z.boolean()], {
              errorMap: () => ({ message: "must be a string, a number or a boolean" }),
            }),
          )
          .superRefine((attributes, ctx) => {
            for (const key of Object.keys(attributes)) {
              if (credentialAttribute.test(key)) {
                ctx.addIssue({
                  code: z.ZodIssueCode.custom,
                  path: [key],
                  message:
                    "is a credential, which would be stored in plain text in the stack's " +
                    "state and the API's answers; set BIOS passwords outside Pulumi",
                  params: { keyNotValue: true },
                });
              }
            }
          })
          .optional()
          .describe(
            "BIOS attributes and their values, as HPE's Redfish `Bios` resource names them " +
              '(`{ WorkloadProfile: "Virtualization-MaxPerformance" }`). Removing one ' +
              "stops setting it.",
          ),
      })
      .strict("is not a field of redfishData, which takes Attributes")
      .optional()
      .describe("The DMTF Redfish BIOS data: `{ Attributes }`."),
  })
  .strict(takesOnly("BIOS", "enableCustomWorkloadProfile and redfishData"))
  .describe("How servers configure their BIOS (`settingBIOS-v1`).");

const volumeRaidTypes = [
  "RAID0",
  "RAID1",
  "RAID1_TRIPLE",
  "RAID10",
  "RAID10_TRIPLE",
  "RAID5",
  "RAID50",
  "RAID6",
  "RAID60",
] as const;
const driveTechnologies = ["SAS_HDD", "SAS_SSD", "SATA_HDD", "SATA_SSD", "NVME_SSD"] as const;
const readCachePolicies = ["READ_AHEAD", "ADAPTIVE_READ_AHEAD", "OFF"] as const;
const writeCachePolicies = [
  "PROTECTED_WRITE_BACK",
  "UNPROTECTED_WRITE_BACK",
  "WRITE_THROUGH",
  "OFF",
] as const;
const singleVolumeRaidTypes = ["RAID0", "RAID1", "RAID5"] as const;

const whole = () => z.number().int("must be a whole number").nullable().optional();

const volume = z
  .object({
    raidType: z.enum(volumeRaidTypes, enumMessage(volumeRaidTypes)).describe("The RAID type."),
    capacityInGiB: whole().describe("Size in GiB; null: the drives' whole capacity."),
    driveCount: whole().describe("Drives in the volume; null: the fewest the RAID type takes."),
    driveTechnology: z
      .enum(driveTechnologies, enumMessage(driveTechnologies))
      .nullable()
      .optional()
      .describe("The drives' media type; null: the first that fulfils the drive count."),
    id: z
      .string()
      .uuid("must be a UUID")
      .nullable()
      .optional()
      .describe("Identifies the volume definition when settings are applied."),
    ioPerfModeEnabled: z
      .boolean()
      .nullable()
      .optional()
      .describe("The volume's ioPerfModeEnabled; null: the controller decides."),
    readCachePolicy: z
      .enum(readCachePolicies, enumMessage(readCachePolicies))
      .nullable()
      .optional()
      .describe("The volume's read cache policy; null: the controller decides."),
    spareDriveCount: whole().describe("Spare drives configured with the volume."),
    writeCachePolicy: z
      .enum(writeCachePolicies, enumMessage(writeCachePolicies))
      .nullable()
      .optional()
      .describe("The volume's write cache policy; null: the controller decides."),
  })
  .strict()
  .describe("One volume definition.");

const storageDefault = z
  .object({
    volumes: z
      .array(volume)
      .min(1, "must hold at least one volume")
      .optional()
      .describe("Several volumes (`settingMultiVolumeStorage-v1`)."),
    raidType: z
      .enum(singleVolumeRaidTypes, enumMessage(singleVolumeRaidTypes))
      .optional()
      .describe("One volume's RAID type (`settingSingleVolumeStorage-v1`), with volumeSizeInGB."),
    volumeSizeInGB: z
      .number()
      .refine((size) => size > 0 || size === -1, "must be above 0, or -1 for the whole disk")
      .optional()
      .describe("One volume's size in GB: above 0, or -1 for the whole disk."),
  })
  .strict(takesOnly("STORAGE", "volumes, or raidType with volumeSizeInGB"))
  .superRefine((storage, ctx) => {
    const single = storage.raidType !== undefined || storage.volumeSizeInGB !== undefined;
    if (storage.volumes !== undefined && single) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: "give either volumes, or raidType with volumeSizeInGB, not both",
      });
    } else if (storage.volumes === undefined) {
      for (const field of ["raidType", "volumeSizeInGB"] as const) {
        if (storage[field] === undefined) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [field],
            message: "is required for one volume (or give volumes)",
          });
        }
      }
    }
  })
  .describe(
    "Internal storage: `{ volumes }` (several volumes) or `{ raidType, volumeSizeInGB }` (one).",
  );

const osTypes = ["MICROSOFT_WINDOWS", "VMWARE_ESXI", "RHEL", "SUSE_LINUX"] as const;
const osDefault = z
  .object({
    osType: z.enum(osTypes, enumMessage(osTypes)).describe("The operating system."),
    mediaUrl: z
      .string()
      .trim()
      .url("must be a URL")
      .describe("The URL of the OS image's ISO file."),
    unattendedInstallationFileUrl: z
      .string()
      .trim()
      .url("must be a URL")
      .optional()
      .describe("The URL of the unattended installation file."),
  })
  .strict(takesOnly("OS", "osType, mediaUrl and unattendedInstallationFileUrl"))
  .describe("The operating system image to install (`settingOS-v1`).");

const hostOsTypes = [
  "UNKNOWN",
  "AIX",
  "APPLE",
  "CITRIX_HYPERVISOR",
  "HP_UX",
  "IBM_VIO_SERVER",
  "INFORM",
  "NETAPP",
  "OE_LINUX_UEK",
  "OPENVMS",
  "ORACLE_VM",
  "RHE_LINUX",
  "RHE_VIRTUALIZATION",
  "SOLARIS",
  "SUSE_LINUX",
  "SUSE_VIRTUALIZATION",
  "UBUNTU",
  "VMWARE_ESXI",
  "WINDOWS_SERVER",
] as const;
const externalStorageDefault = z
  .object({
    externalStorageHostOs: z
      .enum(hostOsTypes, enumMessage(hostOsTypes))
      .describe("The OS type of the Data Services Cloud Console hosts."),
  })
  .strict(takesOnly("EXTERNAL_STORAGE", "externalStorageHostOs"))
  .describe("External storage in Data Services Cloud Console (`settingExternalStorage-v1`).");

const iloDefault = z
  .object({
    Attributes: z
      .record(z.record(z.unknown()))
      .optional()
      .describe("iLO settings by Redfish endpoint; HPE-defined only."),
  })
  .strict(takesOnly("ILO", "Attributes"))
  .describe("iLO security settings (`settingILO-v1`): HPE-defined, never created or changed.");

/** `{ DEFAULT: body }`, the settings of every category but FIRMWARE. */
function defaultOnly<T extends z.ZodTypeAny>(category: string, body: T) {
  return z
    .object({ DEFAULT: body.describe(`The ${category} settings.`) })
    .strict(takesOnly(category, "DEFAULT"))
    .describe(`${category}: \`{ DEFAULT }\`.`);
}

const settingsByCategory = {
  FIRMWARE: firmwareSettings,
  BIOS: defaultOnly("BIOS", biosDefault),
  ILO: defaultOnly("ILO", iloDefault),
  OS: defaultOnly("OS", osDefault),
  STORAGE: defaultOnly("STORAGE", storageDefault),
  EXTERNAL_STORAGE: defaultOnly("EXTERNAL_STORAGE", externalStorageDefault),
} as const;

// ---------------------------------------------------------------------------
// Inputs: the fields every category shares, and its own settings.

const sharedFields = {
  name: z
    .string()
    .trim()
    .min(1, "is required")
    .max(100, "must be at most 100 characters")
    .describe(
      "The setting's name: 1 to 100 characters. The provider treats it as unique (a name " +
        "already taken fails the create). Changes in place.",
    ),
  description: z
    .string()
    .max(10000, "must be at most 10000 characters")
    .optional()
    .describe("Up to 10000 characters. Removing it from the program clears it."),
  region: z
    .enum(computeOpsRegions)
    .optional()
    .describe(
      "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
        "Changing it replaces the setting.",
    ),
  tenantAcid: tenantAcidInput.describe(
    "The MSP tenant (`Tenant-Acid`), if not the stack's. Changing it replaces the setting. " +
      "A Group only uses the settings of its own workspace (group operations take no tenant).",
  ),
  adoptId: z
    .string()
    .trim()
    .uuid("must be a UUID")
    .optional()
    .describe(
      "The id of an existing setting (of the declared category) to manage instead of " +
        "creating one: it is read, the declared fields are patched onto it, and from then " +
        "on `pulumi destroy` deletes it. Naming another id later replaces the resource.",
    ),
};

const categoryDescription =
  "FIRMWARE, BIOS, OS, STORAGE or EXTERNAL_STORAGE (ILO settings are HPE's own: reference " +
  'one with `getSetting({ name, category: "ILO" })`). The API cannot change it: changing it ' +
  "replaces the setting.";

function branch<C extends keyof typeof settingsByCategory>(category: C) {
  return z
    .object({
      ...sharedFields,
      category: z.literal(category).describe(categoryDescription),
      settings: settingsByCategory[category],
    })
    .strict();
}

export const settingInputs = z
  .discriminatedUnion(
    "category",
    [
      branch("FIRMWARE"),
      branch("BIOS"),
      branch("ILO"),
      branch("OS"),
      branch("STORAGE"),
      branch("EXTERNAL_STORAGE"),
    ],
    {
      errorMap: (issue, ctx) =>
        issue.code === z.ZodIssueCode.invalid_union_discriminator
          ? { message: `must be one of: ${creatableCategories.join(", ")}` }
          : { message: ctx.defaultError },
    },
  )
  .superRefine((setting, ctx) => {
    if (setting.category === "ILO") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["category"],
        message:
          "ILO settings are HPE-defined: the API neither creates nor changes them. " +
          'Reference one with getSetting({ name, category: "ILO" }) and its resourceUri',
      });
    }
  });
export type SettingInputs = z.infer<typeof settingInputs>;

/** The declared object for the package schema and the reference page: one settings type per category. */
const declaredSetting = z
  .object({
    ...sharedFields,
    category: z.enum(serverSettingCategories).describe(categoryDescription),
    settings: z
      .union([
        settingsByCategory.FIRMWARE,
        settingsByCategory.BIOS,
        settingsByCategory.OS,
        settingsByCategory.STORAGE,
        settingsByCategory.EXTERNAL_STORAGE,
        settingsByCategory.ILO,
      ])
      .describe(
        "The settings of the category, as the API takes them: FIRMWARE `{ GEN10?, GEN11?, " +
          "GEN12? }` (each `{ id }` of a firmware bundle), every other category `{ DEFAULT }`. " +
          "A field of another category fails at preview, named by its path. A merge patch " +
          "changes them in place; dropping a field the API cannot clear replaces the setting.",
      ),
  })
  .strict();

export const settingOutputs = z
  .object({
    ...sharedFields,
    category: z.enum(serverSettingCategories).describe(categoryDescription),
    settings: z.record(z.unknown()).describe("The settings, as declared."),
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time of the setting's creation."),
    updatedAt: z.string().optional().describe("Time of the setting's last update."),
    resourceUri: z
      .string()
      .describe("The setting's URI: what a Group's `settingsUris` takes (`setting.resourceUri`)."),
  })
  .describe(
    "An HPE Compute Ops Management server setting (`/compute-ops-mgmt/v1/settings`): a " +
      "firmware baseline, BIOS, OS image, internal or external storage configuration that a " +
      "Group applies through its `settingsUris`. A setting a group still uses is not " +
      "deleted: destroy fails, naming the group.",
  );
export type SettingState = z.infer<typeof settingOutputs>;

export const settingSchemas = resourceSchemas({
  type: "Setting",
  inputs: settingInputs,
  outputs: settingOutputs,
  declared: declaredSetting,
  example: {
    name: "gen10-baseline",
    description: "SPP 2024.04",
    category: "FIRMWARE",
    settings: {
      GEN10: {
        id: "8f1c2a7e5d3b4c6a9e0f1a2b3c4d5e6f",
        componentExclusionsEnabled: false,
        componentExclusions: [{ componentCategory: "NIC", componentsToExclude: "Broadcom" }],
      },
    },
    region: "us-west",
    tenantAcid: "7d9cbd92-5a44-4b2f-8e3b-0a4f5b6c7d8e",
    adoptId: "3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1001",
  },
});

// ---------------------------------------------------------------------------
// API response (settingsResponse-v1). Lenient: names what is read.

const settingResponse = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    description: z.string().nullish(),
    category: z.string().optional(),
    settings: z.record(z.unknown()).nullish(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    resourceUri: z.string().optional(),
  })
  .passthrough();
type SettingResponse = z.infer<typeof settingResponse>;

function parseSetting(body: unknown, what: string): SettingResponse {
  return parseResponse(settingResponse, body, what, "setting");
}

// ---------------------------------------------------------------------------
// Settings: projection, comparison and merge patches.

type Json = Record<string, unknown>;

/**
 * Where a merge patch may remove a key with null (docs/api-facts.md#settings): BIOS
 * attributes, an object whose values the contract leaves untyped. Everywhere else
 * in `settings` the schema types the value and does not allow null.
 */
function nullable(path: readonly string[]): boolean {
  return path.length === 4 && path[1] === "redfishData" && path[2] === "Attributes";
}

/**
 * The live settings in the shape the program declares: the keys it declares, at
 * every depth, except BIOS attributes, taken whole (an attribute set by hand is drift).
 */
function liveSettings(declared: unknown, live: unknown): Json {
  const projected = projectOnto(declared, live ?? {});
  if (!isPlainObject(projected)) return {};
  const attributes = (value: unknown) =>
    ((value as { DEFAULT?: { redfishData?: { Attributes?: unknown } } } | undefined)?.DEFAULT
      ?.redfishData?.Attributes ?? undefined) as unknown;
  const declaredAttributes = attributes(declared);
  const liveAttributes = attributes(live);
  if (isPlainObject(declaredAttributes) && isPlainObject(liveAttributes)) {
    const body = projected.DEFAULT as { redfishData: Json };
    body.redfishData = { ...body.redfishData, Attributes: liveAttributes };
  }
  return jsonEqual(projected, declared) ? (declared as Json) : projected;
}

/**
 * The merge patch from `current` to `wanted` settings, and the paths it cannot
 * express: keys dropped where null is not allowed. Objects merge; arrays and
 * other values are sent whole.
 */
function settingsPatch(
  current: unknown,
  wanted: unknown,
  path: string[] = [],
): { patch: Json; blocked: string[] } {
  const patch: Json = {};
  const blocked: string[] = [];
  const from = isPlainObject(current) ? current : {};
  const to = isPlainObject(wanted) ? wanted : {};
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined || jsonEqual(from[key], value)) continue;
    if (isPlainObject(value) && isPlainObject(from[key])) {
      const inner = settingsPatch(from[key], value, [...path, key]);
      patch[key] = inner.patch;
      blocked.push(...inner.blocked);
    } else {
      patch[key] = value;
    }
  }
  for (const key of Object.keys(from)) {
    if (from[key] === undefined || to[key] !== undefined) continue;
    if (nullable([...path, key])) patch[key] = null;
    else blocked.push(["settings", ...path, key].join("."));
  }
  return { patch, blocked };
}

/** The API fields a merge patch changes; `settings` compares at every depth. */
const apiFields = ["name", "description", "settings"] as const;
type ApiValues = { readonly [F in (typeof apiFields)[number]]?: unknown };
const immutableFields = resourceTypes.Setting.replacedBy;

function changedFields(current: ApiValues, declared: ApiValues): string[] {
  return apiFields.filter((field) =>
    field === "description"
      ? (current.description ?? "") !== (declared.description ?? "")
      : !jsonEqual(current[field], declared[field]),
  );
}

/** The merge patch from `current` to `declared`, or undefined when they agree. */
function mergePatchFor(current: ApiValues, declared: ApiValues): Json | undefined {
  const changed = changedFields(current, declared);
  if (changed.length === 0) return undefined;
  const patch: Json = {};
  if (changed.includes("name")) patch.name = declared.name;
  // settingsUpdateRequest-v1 types description ["string", "null"]: null clears it.
  if (changed.includes("description")) patch.description = declared.description ?? null;
  if (changed.includes("settings")) {
    patch.settings = settingsPatch(current.settings, declared.settings).patch;
  }
  return patch;
}

/** The live setting in input shape, for the fields `declared` names. */
function liveInputsFor(declared: Partial<SettingInputs>, live: SettingResponse): Json {
  return definedOnly({
    name: live.name ?? "",
    category: live.category,
    description: declared.description !== undefined ? (live.description ?? undefined) : undefined,
    settings: liveSettings(declared.settings, live.settings),
  });
}

/** Outputs: the inputs as declared, and the API's read-only fields. */
function outputsFrom(declared: SettingInputs, live: SettingResponse): SettingState {
  return definedOnly({
    ...declared,
    generation: live.generation,
    createdAt: live.createdAt,
    updatedAt: live.updatedAt,
    resourceUri: live.resourceUri ?? settingPath(live.id),
  });
}

function createBody(inputs: SettingInputs): Json {
  return definedOnly(pick(inputs, ["name", "description", "category", "settings"]));
}

/** True when the live setting carries every declared field. */
function carriesDeclaration(inputs: SettingInputs, live: SettingResponse): boolean {
  return (
    live.name === inputs.name &&
    live.category === inputs.category &&
    changedFields(liveInputsFor(inputs, live), inputs).length === 0
  );
}

/**
 * Every setting of this exact name. The list takes a filter and no paging, so an
 * answer short of its total cannot prove the name free, and fails.
 */
async function settingsNamed(client: GreenLakeClient, name: string): Promise<SettingResponse[]> {
  const items = await client.listUnpaged<unknown>(settingsPath, {
    filter: `name eq ${odataString(name)}`,
    noun: "settings",
    consequence:
      "the list takes no paging parameters, so the provider cannot tell whether the name is free",
  });
  return items
    .map((item) => parseSetting(item, `GET ${settingsPath}`))
    .filter((setting) => setting.name === name);
}

/** The groups whose settingsUris hold this setting, for the error that refuses to delete it. */
async function groupsUsing(client: GreenLakeClient, uri: string): Promise<string[]> {
  const groups = await client.list<{ id?: string; name?: string; settingsUris?: unknown }>(
    groupsPath,
  );
  return groups
    .filter(
      (group) =>
        Array.isArray(group.settingsUris) &&
        group.settingsUris.some((u) => String(u).toLowerCase() === uri.toLowerCase()),
    )
    .map((group) => `"${group.name ?? "?"}" (${group.id ?? "?"})`);
}

// ---------------------------------------------------------------------------
// Lifecycle

export function settingRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = settingInputs.parse(withoutProvider(raw));
      const found = await settingsNamed(dependencies.clientFor(inputs), inputs.name);
      return byCreation(
        found
          .filter((live) => carriesDeclaration(inputs, live))
          .map((live) => ({ id: live.id, createdAt: live.createdAt })),
      );
    },
  };
}

function adoptionOf(
  inputs: SettingInputs,
  client: GreenLakeClient,
): Adoption<SettingResponse> | undefined {
  const adoptId = inputs.adoptId;
  if (adoptId === undefined) return undefined;
  return {
    noun: "setting",
    adoptId,
    read: async () =>
      parseSetting(await client.get(settingPath(adoptId)), `GET ${settingPath(adoptId)}`),
    refuse: (existing) => {
      if (existing.category !== inputs.category) {
        throw new Error(
          `adoptId ${adoptId}: the setting's category is ${String(existing.category)}, ` +
            `not ${inputs.category}; declare its category to adopt it`,
        );
      }
    },
    patchFor: (existing) => mergePatchFor(liveInputsFor(inputs, existing), inputs),
    liveFor: (existing) => liveInputsFor(inputs, existing),
    patch: async (id, body) =>
      parseSetting(await client.patch(settingPath(id), body), `PATCH ${settingPath(id)}`),
    outputsFor: (live) => outputsFrom(inputs, live),
  };
}

export function settingImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates } = dependencies;
  return typedImplementation(settingSchemas, {
    adoptionOf: (inputs) => adoptionOf(inputs, clientFor(inputs)),

    async diff(id, olds, news) {
      const result = diffWithUnknowns("Setting", olds, news, (known) => {
        const changes = changedFields(olds, known);
        const replaces = replacingFields(id, olds, known, immutableFields);
        // A key the program dropped that a merge patch cannot remove: only a new setting lacks it.
        if (
          replaces.length === 0 &&
          changes.includes("settings") &&
          settingsPatch(olds.settings, known.settings).blocked.length > 0
        ) {
          replaces.push("settings");
        }
        return {
          changes: changes.length > 0 || replaces.length > 0,
          replaces,
          deleteBeforeReplace: false,
        };
      });
      // The name is the setting's identity: a replacement of the same name can only be
      // made once the old one is gone (and a group using it makes that fail, naming it).
      const replaced = (result.replaces ?? []).length > 0;
      return { ...result, deleteBeforeReplace: replaced && olds.name === news.name };
    },

    async create(inputs, provider) {
      const client = clientFor(inputs);
      const adoption = adoptionOf(inputs, client);
      if (adoption !== undefined) {
        const adopted = await adoptExisting(adoption, provider);
        return { id: adopted.id, outs: outputsFrom(inputs, adopted) };
      }
      const body = createBody(inputs);
      const created = await createProvablyOnce(
        {
          noun: "setting",
          name: inputs.name,
          lookalikes: () => settingsNamed(client, inputs.name),
          post: async () =>
            parseSetting(await client.post(settingsPath, body), `POST ${settingsPath}`),
          matches: (live) => carriesDeclaration(inputs, live),
          // The contract does not say names are unique; creates of one name take turns here.
          serializeBy: `setting:${inputs.name}`,
        },
        creates,
      );
      return { id: created.id, outs: outputsFrom(inputs, created) };
    },

    async read(id, old) {
      const live = await readOrGone(async () =>
        parseSetting(await clientFor(old).get(settingPath(id)), `GET ${settingPath(id)}`),
      );
      if (live === undefined) return { id: "" };
      const inputs = definedOnly({
        ...pick(old, ["region", "tenantAcid", "adoptId"]),
        ...liveInputsFor(old as Partial<SettingInputs>, live),
      }) as SettingInputs;
      return { id: live.id, props: outputsFrom(inputs, live), inputs };
    },

    async update(id, olds, inputs) {
      const patch = mergePatchFor(olds, inputs);
      const updated = await patchOrRead(clientFor(inputs), settingPath(id), patch, parseSetting, {
        noun: "setting",
        id,
        name: inputs.name,
      });
      return { outs: outputsFrom(inputs, updated) };
    },

    async delete(id, recorded) {
      const client = clientFor(recorded);
      try {
        await client.delete(settingPath(id));
      } catch (error) {
        if (isGone(error)) return;
        if (!isApiFailure(error) || error.status !== 409) throw error;
        const uri =
          typeof recorded.resourceUri === "string" ? recorded.resourceUri : settingPath(id);
        // Groups take no Tenant-Acid: they are the workspace's.
        const users = await groupsUsing(clientFor(recorded, { tenantScoped: false }), uri).catch(
          () => [],
        );
        const name = typeof recorded.name === "string" ? `"${recorded.name}" ` : "";
        throw new Error(
          `setting ${name}(${id}) is still used by ` +
            (users.length > 0 ? `group ${users.join(", ")}` : "a group (the API answered 409)") +
            ": remove it from the group's settingsUris (or delete the group) first, then run " +
            "again. To replace a setting a group uses, give the new one another name: it is " +
            "then made first, the group moves to it, and the old one is deleted.",
        );
      }
    },
  });
}

export const setting = settingImplementation();

/** What the registry loads for Setting. */
export const resourceModule: ResourceModule = {
  schemas: settingSchemas,
  implementation: setting,
  recovery: () => settingRecovery(),
};
