/**
 * Lookups by name (docs/api-facts.md#lookups): the group, server, setting, firmware
 * bundle, job template or schedule a program references, found with one request
 * when one object matches. Filters use only properties the spec declares for each list;
 * firmware bundles and job templates have no filter, so one page of up to 1000 is
 * matched here. Arguments are checked before any request.
 *
 * They run in the Pulumi program's process (sdk/computeOps/lookups.ts), with the
 * same configuration, client, retries and errors as the resources; nothing here
 * returns or prints a setting, only API data.
 */
import { z } from "zod";
import { applyStackConfig, type StackConfig } from "../core/configuration";
import { GreenLakeClient } from "./client";
import { processClients } from "./clientPool";
import {
  catalogMatches,
  JobTemplateCatalogs,
  processJobTemplateCatalogs,
} from "./jobTemplateCatalog";
import { templateFor } from "./jobTemplates";
import { odataString } from "./odata";
import { declaredDescription, schedulesPath } from "./schedule";

type Item = Record<string, unknown>;

/** A lookup's text argument: trimmed, and refused empty. */
function textArgument(description: string) {
  return z
    .string({ required_error: "is required", invalid_type_error: "must be a non-empty string" })
    .trim()
    .min(1, "must be a non-empty string")
    .describe(description);
}

/** The spec's setting categories. */
export const settingCategories = [
  "BIOS",
  "EXTERNAL_STORAGE",
  "FIRMWARE",
  "ILO",
  "OS",
  "STORAGE",
  "OVE_APPLIANCE_SETTINGS_ANY",
  "OVE_APPLIANCE_SETTINGS_SYNERGY",
  "OVE_SERVER_TEMPLATES_SYNERGY",
  "OVE_SERVER_TEMPLATES_VM",
  "OVE_SOFTWARE_VM",
  "OVE_SOFTWARE_SYNERGY",
] as const;

/** Where a lookup sends its request: the resources' `region`/`tenantAcid` overrides. */
const lookupTarget = {
  region: z
    .string()
    .optional()
    .describe("The Compute Ops Management region to look in, if not the stack's."),
  tenantAcid: z
    .string()
    .optional()
    .describe("The MSP tenant to look in (`Tenant-Acid`), if not the stack's."),
};

/**
 * Each lookup's arguments and result, declared once: the SDK's types, the package
 * schema's functions and the reference page come from these, and the arguments are
 * checked with them before any request.
 */
export const lookupSchemas = {
  getGroup: {
    description: "The server group of this name (`/compute-ops-mgmt/v1/groups`, `name eq`).",
    args: z.object({ name: textArgument("The group's exact name."), ...lookupTarget }),
    result: z.object({
      id: z.string().describe("The group's id (a UUID)."),
      name: z.string().describe("The group's name."),
      deviceType: z.string().describe("The type of device the group holds."),
      resourceUri: z.string().describe("The group's URI."),
      serverIds: z
        .array(z.string())
        .describe("The ids of the servers in the group when it was read."),
    }),
  },
  getServer: {
    description:
      "The server of this name, host name or serial number (`/compute-ops-mgmt/v1/servers`). " +
      "Give exactly one of `name` and `serialNumber`.",
    args: z.object({
      name: textArgument(
        "The server's name or host name. The API's `name` filter matches a server's serial " +
          "number and `host/hostname` its host name; both are asked.",
      ).optional(),
      serialNumber: textArgument("The server's serial number.").optional(),
      ...lookupTarget,
    }),
    result: z.object({
      id: z
        .string()
        .describe(
          "`<productId>+<serialNumber>`, what a Job's `resourceId` and a GroupMembership take.",
        ),
      name: z.string().describe("The server's name."),
      serialNumber: z.string().describe("The server's serial number."),
      productId: z.string().describe("The server's product id."),
      hostname: z.string().optional().describe("The server's host name, when it reports one."),
      resourceUri: z.string().describe("The server's URI."),
    }),
  },
  getSetting: {
    description:
      "The setting of this name, and category when given (`/compute-ops-mgmt/v1/settings`).",
    args: z.object({
      name: textArgument("The setting's exact name."),
      category: z
        .enum(settingCategories, {
          errorMap: () => ({ message: `must be one of ${settingCategories.join(", ")}` }),
        })
        .optional()
        .describe("The setting's category, to narrow."),
      ...lookupTarget,
    }),
    result: z.object({
      id: z.string().describe("The setting's id."),
      name: z.string().describe("The setting's name."),
      category: z.string().describe("The setting's category."),
      resourceUri: z.string().describe("What a Group's `settingsUris` takes."),
    }),
  },
  getFirmwareBundle: {
    description:
      "The firmware bundle of this release version and/or name " +
      "(`/compute-ops-mgmt/v1/firmware-bundles`): neither is unique on its own, so both " +
      "may be given to narrow.",
    args: z.object({
      releaseVersion: textArgument('The release version, e.g. "2024.04.00.00".').optional(),
      name: textArgument('The bundle name, e.g. "Gen11 Service Pack for ProLiant".').optional(),
      ...lookupTarget,
    }),
    result: z.object({
      id: z.string().describe("The bundle's id."),
      name: z.string().describe("The bundle's name."),
      releaseVersion: z.string().describe("The bundle's release version."),
      displayName: z.string().optional().describe("The bundle's display name."),
      bundleGeneration: z.string().optional().describe("The server generation it is for."),
      resourceUri: z.string().describe("The bundle's URI."),
    }),
  },
  getJobTemplate: {
    description:
      "The job template of this name, live from `/compute-ops-mgmt/v1beta2/job-templates`: " +
      "the only version the API offers, which its own description marks deprecated and due " +
      "for removal. Should it go, a Job's `jobTemplate` still takes the names of the " +
      "built-in table.",
    args: z.object({
      name: textArgument(
        `The template's name, e.g. "Group Firmware Compliance" (case, spaces and ` +
          "punctuation are ignored).",
      ),
      ...lookupTarget,
    }),
    result: z.object({
      id: z.string().describe("The template's id."),
      name: z.string().describe("The template's name."),
      description: z.string().optional().describe("The template's description."),
    }),
  },
  getSchedule: {
    description:
      "The schedule of this name (`/compute-ops-mgmt/v1beta2/schedules`), and of this " +
      "associated resource when given. Names are not unique and the list filters by neither, " +
      "so every schedule is listed and matched here; several matches fail, naming them.",
    args: z.object({
      name: textArgument('The schedule\'s name, e.g. "web firmware window".'),
      associatedResourceUri: textArgument(
        "The resource the schedule belongs to, e.g. a group's `resourceUri`, to narrow.",
      ).optional(),
      ...lookupTarget,
    }),
    result: z.object({
      id: z.string().describe("The schedule's id."),
      name: z.string().describe("The schedule's name."),
      description: z
        .string()
        .optional()
        .describe("The schedule's description, without the provider's create marker."),
      associatedResourceUri: z
        .string()
        .optional()
        .describe("The resource the schedule belongs to."),
      nextStartAt: z.string().optional().describe("When it runs next; absent when never again."),
      resourceUri: z.string().describe("The schedule's URI."),
    }),
  },
} as const;

export type LookupName = keyof typeof lookupSchemas;
/** A lookup's arguments as a program gives them. */
export type LookupArgs<K extends LookupName> = z.input<(typeof lookupSchemas)[K]["args"]>;
/** A lookup's result. */
export type LookupResult<K extends LookupName> = z.output<(typeof lookupSchemas)[K]["result"]>;
type CheckedArgs<K extends LookupName> = z.output<(typeof lookupSchemas)[K]["args"]>;

export type GroupResult = LookupResult<"getGroup">;
export type ServerResult = LookupResult<"getServer">;
export type SettingResult = LookupResult<"getSetting">;
export type FirmwareBundleResult = LookupResult<"getFirmwareBundle">;
export type JobTemplateResult = LookupResult<"getJobTemplate">;
export type ScheduleResult = LookupResult<"getSchedule">;

/**
 * The arguments, checked before any request; an error names the lookup and the
 * argument (`getGroup: name must be a non-empty string`). A null argument counts as
 * not given.
 */
function checkedArguments<K extends LookupName>(lookup: K, args: object): CheckedArgs<K> {
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null));
  const result = lookupSchemas[lookup].args.safeParse(given);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${lookup}: ${issue.path.join(".")} ${issue.message}`);
  }
  return result.data as CheckedArgs<K>;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The one match, or an error saying there is none or listing them all. */
export function exactlyOne<T extends Item>(
  items: T[],
  what: string,
  criteria: string,
  narrow?: string,
): T {
  if (items.length === 1) return items[0];
  if (items.length === 0) throw new Error(`no ${what} has ${criteria}`);
  const listed = items.map((i) => `${String(i.id)} (${String(i.name ?? "")})`).join(", ");
  throw new Error(
    `${items.length} ${what}s match ${criteria}: ${listed}${narrow ? `; ${narrow}` : ""}`,
  );
}

export async function findGroup(
  client: GreenLakeClient,
  args: LookupArgs<"getGroup">,
): Promise<GroupResult> {
  const { name } = checkedArguments("getGroup", args);
  const items = await client.list<Item>("/compute-ops-mgmt/v1/groups", {
    filter: `name eq ${odataString(name)}`,
    pageSize: 1000,
  });
  const group = exactlyOne(
    items.filter((g) => g.name === name),
    "group",
    `name "${name}"`,
  );
  const devices = Array.isArray(group.devices) ? (group.devices as Item[]) : [];
  return {
    id: String(group.id),
    name,
    deviceType: String(group.deviceType),
    resourceUri: String(group.resourceUri),
    serverIds: devices.map((d) => String(d.deviceId)),
  };
}

/**
 * By `serialNumber` (`hardware/serialNumber`), or by `name`: the spec's `name`
 * filter takes a server's serial number and `host/hostname` its host name, so both
 * are asked (as HPE's own PowerShell module does).
 */
export async function findServer(
  client: GreenLakeClient,
  args: LookupArgs<"getServer">,
): Promise<ServerResult> {
  const { name, serialNumber } = checkedArguments("getServer", args);
  if ((name === undefined) === (serialNumber === undefined)) {
    throw new Error("getServer: give exactly one of name or serialNumber");
  }
  const filter =
    serialNumber !== undefined
      ? `hardware/serialNumber eq ${odataString(serialNumber)}`
      : `name eq ${odataString(name as string)} or host/hostname eq ${odataString(name as string)}`;
  const items = await client.list<Item>("/compute-ops-mgmt/v1/servers", {
    filter,
    pageSize: 100,
  });
  const server = exactlyOne(
    items,
    "server",
    serialNumber !== undefined ? `serialNumber "${serialNumber}"` : `name "${name}"`,
    "use serialNumber to narrow",
  );
  const hardware = (server.hardware ?? {}) as Item;
  const host = (server.host ?? {}) as Item;
  return {
    id: String(server.id),
    name: String(server.name ?? ""),
    serialNumber: String(hardware.serialNumber ?? ""),
    productId: String(hardware.productId ?? ""),
    hostname: str(host.hostname),
    resourceUri: String(server.resourceUri),
  };
}

/** By name, and by category too when given (one of the spec's categories). */
export async function findSetting(
  client: GreenLakeClient,
  args: LookupArgs<"getSetting">,
): Promise<SettingResult> {
  const { name, category } = checkedArguments("getSetting", args);
  const filter =
    `name eq ${odataString(name)}` +
    (category !== undefined ? ` and category eq ${odataString(category)}` : "");
  // The settings list has a filter and no paging.
  const items = await client.listUnpaged<Item>("/compute-ops-mgmt/v1/settings", {
    filter,
    noun: "settings",
  });
  const setting = exactlyOne(
    items,
    "setting",
    `name "${name}"${category !== undefined ? ` and category ${category}` : ""}`,
    "add category to narrow",
  );
  return {
    id: String(setting.id),
    name: String(setting.name),
    category: String(setting.category),
    resourceUri: String(setting.resourceUri),
  };
}

/**
 * By `releaseVersion`, `name`, or both: neither is unique on its own (a release
 * exists for several server generations), so both may be given to narrow.
 */
export async function findFirmwareBundle(
  client: GreenLakeClient,
  args: LookupArgs<"getFirmwareBundle">,
): Promise<FirmwareBundleResult> {
  const { releaseVersion, name } = checkedArguments("getFirmwareBundle", args);
  if (releaseVersion === undefined && name === undefined) {
    throw new Error("getFirmwareBundle: give releaseVersion, name, or both");
  }
  // The list has no filter parameter: one page of up to 1000 is matched here.
  const items = await client.list<Item>("/compute-ops-mgmt/v1/firmware-bundles", {
    pageSize: 1000,
  });
  const criteria = [
    releaseVersion !== undefined ? `releaseVersion "${releaseVersion}"` : undefined,
    name !== undefined ? `name "${name}"` : undefined,
  ]
    .filter(Boolean)
    .join(" and ");
  const bundle = exactlyOne(
    items.filter(
      (b) =>
        (releaseVersion === undefined || b.releaseVersion === releaseVersion) &&
        (name === undefined || b.name === name),
    ),
    "firmware bundle",
    criteria,
    releaseVersion === undefined ? "add releaseVersion to narrow" : "add name to narrow",
  );
  return {
    id: String(bundle.id),
    name: String(bundle.name),
    releaseVersion: String(bundle.releaseVersion),
    displayName: str(bundle.displayName),
    bundleGeneration: str(bundle.bundleGeneration),
    resourceUri: String(bundle.resourceUri),
  };
}

/**
 * By name, compared ignoring case, spaces and punctuation, from the live
 * `/v1beta2/job-templates` list (the only version the spec has, marked for
 * removal), read once per client and process and shared with the Jobs
 * (docs/api-facts.md#job-templates). When the API no longer serves it, the error says
 * so; a Job's `jobTemplate` then takes the names of the spec's table.
 */
export async function findJobTemplate(
  client: GreenLakeClient,
  args: LookupArgs<"getJobTemplate">,
  catalogs: JobTemplateCatalogs = processJobTemplateCatalogs,
): Promise<JobTemplateResult> {
  const { name } = checkedArguments("getJobTemplate", args);
  const read = await catalogs.read(client);
  if ("failed" in read) throw read.failed;
  if ("gone" in read) {
    const known = templateFor(name);
    throw new Error(
      `getJobTemplate: the API no longer lists job templates (${read.gone})` +
        (known
          ? `; a Job's jobTemplate takes "${known.name}" (id ${known.id}) by name from the spec's table`
          : ""),
    );
  }
  const template = exactlyOne(catalogMatches(read.listed, name), "job template", `name "${name}"`);
  return {
    id: String(template.id),
    name: String(template.name),
    description: str(template.description),
  };
}

/**
 * By `name`, narrowed by `associatedResourceUri`: neither is a filter property of the
 * schedules list (docs/api-facts.md#schedules), so every page is read and matched here.
 */
export async function findSchedule(
  client: GreenLakeClient,
  args: LookupArgs<"getSchedule">,
): Promise<ScheduleResult> {
  const { name, associatedResourceUri } = checkedArguments("getSchedule", args);
  const items = await client.list<Item>(schedulesPath, { pageSize: 1000 });
  const schedule = exactlyOne(
    items.filter(
      (s) =>
        s.name === name &&
        (associatedResourceUri === undefined || s.associatedResourceUri === associatedResourceUri),
    ),
    "schedule",
    `name "${name}"${associatedResourceUri !== undefined ? ` and associatedResourceUri ${associatedResourceUri}` : ""}`,
    "several schedules may share a name: add associatedResourceUri to narrow",
  );
  return {
    id: String(schedule.id),
    name,
    description: declaredDescription(str(schedule.description)),
    associatedResourceUri: str(schedule.associatedResourceUri),
    nextStartAt: str(schedule.nextStartAt),
    resourceUri: String(schedule.resourceUri),
  };
}

const finders: {
  [K in LookupName]: (client: GreenLakeClient, args: LookupArgs<K>) => Promise<LookupResult<K>>;
} = {
  getGroup: findGroup,
  getServer: findServer,
  getSetting: findSetting,
  getFirmwareBundle: findFirmwareBundle,
  getJobTemplate: (client, args) => findJobTemplate(client, args),
  getSchedule: findSchedule,
};

/**
 * A lookup in the program's process: settings from the stack's configuration (the
 * program's `compute-ops:*`), then the environment, like the provider's; the
 * client the resources use.
 */
export async function lookupInProgram<K extends LookupName>(
  lookup: K,
  args: LookupArgs<K>,
  stackConfig: StackConfig,
): Promise<LookupResult<K>> {
  applyStackConfig(stackConfig);
  const client = processClients.forResource(args);
  const find: (client: GreenLakeClient, args: LookupArgs<K>) => Promise<LookupResult<K>> =
    finders[lookup];
  return find(client, args);
}
