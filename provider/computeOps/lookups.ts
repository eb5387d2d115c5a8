/**
 * Lookups by name (docs/api-facts.md#lookups): the group, server, setting, firmware
 * bundle or job template a program references, found with one request when one
 * object matches. Filters use only properties the spec declares for each list;
 * firmware bundles and job templates have no filter, so one page of up to 1000 is
 * matched here. Arguments are checked before any request.
 *
 * They run in the Pulumi program's process (sdk/computeOps/lookups.ts), with the
 * same configuration, client, retries and errors as the resources; nothing here
 * returns or prints a setting, only API data.
 */
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

type Item = Record<string, unknown>;

/** Where a lookup sends its request: the resources' `region`/`tenantAcid` overrides. */
export interface LookupTarget {
  region?: string;
  tenantAcid?: string;
}

export interface GroupResult {
  id: string;
  name: string;
  deviceType: string;
  resourceUri: string;
  /** The ids of the servers in the group when it was read. */
  serverIds: string[];
}
export interface ServerResult {
  /** `<productId>+<serialNumber>`. */
  id: string;
  name: string;
  serialNumber: string;
  productId: string;
  hostname?: string;
  resourceUri: string;
}
export interface SettingResult {
  id: string;
  name: string;
  category: string;
  /** What a Group's `settingsUris` takes. */
  resourceUri: string;
}
export interface FirmwareBundleResult {
  id: string;
  name: string;
  releaseVersion: string;
  displayName?: string;
  bundleGeneration?: string;
  resourceUri: string;
}
export interface JobTemplateResult {
  id: string;
  name: string;
  description?: string;
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
];

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** A string argument, or an error naming it; called before any request. */
function argument(lookup: string, args: Item, key: string, required: boolean): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) {
    if (required) throw new Error(`${lookup}: ${key} is required`);
    return undefined;
  }
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`${lookup}: ${key} must be a non-empty string`);
  }
  return value.trim();
}

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
  args: { name?: unknown },
): Promise<GroupResult> {
  const name = argument("getGroup", args, "name", true) as string;
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
  args: { name?: unknown; serialNumber?: unknown },
): Promise<ServerResult> {
  const name = argument("getServer", args, "name", false);
  const serialNumber = argument("getServer", args, "serialNumber", false);
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
  args: { name?: unknown; category?: unknown },
): Promise<SettingResult> {
  const name = argument("getSetting", args, "name", true) as string;
  const category = argument("getSetting", args, "category", false);
  if (category !== undefined && !settingCategories.includes(category)) {
    throw new Error(`getSetting: category must be one of ${settingCategories.join(", ")}`);
  }
  const filter =
    `name eq ${odataString(name)}` +
    (category !== undefined ? ` and category eq ${odataString(category)}` : "");
  // The settings list has a filter and no paging.
  const page = await client.get<{ items?: Item[]; total?: number }>(
    "/compute-ops-mgmt/v1/settings",
    { filter },
  );
  const items = Array.isArray(page.items) ? page.items : [];
  if (typeof page.total === "number" && page.total > items.length) {
    throw new Error(`GET /compute-ops-mgmt/v1/settings answered ${items.length} of ${page.total}`);
  }
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
  args: { releaseVersion?: unknown; name?: unknown },
): Promise<FirmwareBundleResult> {
  const releaseVersion = argument("getFirmwareBundle", args, "releaseVersion", false);
  const name = argument("getFirmwareBundle", args, "name", false);
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
  args: { name?: unknown },
  catalogs: JobTemplateCatalogs = processJobTemplateCatalogs,
): Promise<JobTemplateResult> {
  const name = argument("getJobTemplate", args, "name", true) as string;
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

const finders = {
  getGroup: findGroup,
  getServer: findServer,
  getSetting: findSetting,
  getFirmwareBundle: findFirmwareBundle,
  getJobTemplate: findJobTemplate,
};
export type LookupName = keyof typeof finders;

/**
 * A lookup in the program's process: settings from the stack's configuration (the
 * program's `compute-ops:*`), then the environment, like the provider's; the
 * client the resources use.
 */
export async function lookupInProgram<K extends LookupName>(
  lookup: K,
  args: Parameters<(typeof finders)[K]>[1] & LookupTarget,
  stackConfig: StackConfig,
): Promise<Awaited<ReturnType<(typeof finders)[K]>>> {
  applyStackConfig(stackConfig);
  const client = processClients.forResource(args);
  const find = finders[lookup] as (c: GreenLakeClient, a: unknown) => Promise<unknown>;
  return (await find(client, args)) as Awaited<ReturnType<(typeof finders)[K]>>;
}
