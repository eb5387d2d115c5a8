/**
 * Settings (v1): create, list (a filter, no paging), read, merge patch and delete
 * (docs/api-facts.md#settings). Each category's `settings` body is judged by its
 * schema: FIRMWARE takes GEN10/GEN11/GEN12 (a firmware bundle each), the others
 * DEFAULT. iLO settings are HPE-defined: seeded, never created or changed. A
 * setting a group uses is refused deletion with 409 unless `force=true`, which
 * takes it out of those groups first. Names are refused twice with 409.
 */
import {
  badRequest,
  comError,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  mergePatch,
  notFound,
  Reply,
} from "../httpKit";
import type { Catalog } from "./catalog";
import {
  bump,
  descriptionIssues,
  listReply,
  methodNotAllowed,
  nameIssues,
  newObject,
  Obj,
  prefix,
  readBody,
} from "./shared";

export interface SettingData {
  settings: Map<string, Obj>;
  groups: Map<string, Obj>;
  catalog: Catalog;
}

const seededAt = "2025-01-06T09:00:00.000Z";

function seeded(id: string, name: string, category: string, settings: Obj): Obj {
  return {
    id,
    type: "compute-ops-mgmt/setting",
    name,
    category,
    description: null,
    generation: 1,
    createdAt: seededAt,
    updatedAt: seededAt,
    resourceUri: `${prefix}/v1/settings/${id}`,
    settings,
  };
}

/** What every tenant holds before anyone makes a setting: HPE's and an operator's. */
export function seedSettings(): Map<string, Obj> {
  const seeds = [
    seeded("3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1001", "Default firmware", "FIRMWARE", {
      GEN10: { id: "275a59f78916400a761e4bf8c6958934" },
    }),
    seeded("3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1002", "Virtualization - max performance", "BIOS", {
      DEFAULT: {
        redfishData: { Attributes: { WorkloadProfile: "Virtualization-MaxPerformance" } },
      },
    }),
    seeded("3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1003", "iLO security baseline", "ILO", {
      DEFAULT: { Attributes: { AccountService: { MinPasswordLength: 8 } } },
    }),
  ];
  return new Map(seeds.map((s) => [s.id as string, s]));
}

/** The seeded settings' ids: not objects a stack made, so not counted. */
export const seededSettingIds: ReadonlySet<string> = new Set(seedSettings().keys());

const categories = [
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
const readOnlyFields = ["id", "type", "generation", "createdAt", "updatedAt", "resourceUri"];

type Check = (value: unknown, at: string, issues: Issue[]) => void;

const oneOf =
  (values: readonly string[], nullable = false): Check =>
  (value, at, issues) => {
    if (value === null && nullable) return;
    if (typeof value !== "string" || !values.includes(value)) {
      issues.push({ subject: at, description: `must be one of ${values.join(", ")}` });
    }
  };
const ofType =
  (type: "string" | "boolean" | "number" | "integer" | "object", nullable = false): Check =>
  (value, at, issues) => {
    if (value === null && nullable) return;
    const fits =
      type === "integer"
        ? Number.isInteger(value)
        : type === "object"
          ? isObject(value)
          : typeof value === type;
    if (!fits) issues.push({ subject: at, description: `must be a ${type}` });
  };

/** An object of these fields, those in `required` required; other fields are not refused. */
function fields(shape: Record<string, Check>, required: string[] = []): Check {
  return (value, at, issues) => {
    if (!isObject(value)) {
      issues.push({ subject: at, description: "must be an object" });
      return;
    }
    for (const name of required) {
      if (value[name] === undefined)
        issues.push({ subject: `${at}.${name}`, description: "is required" });
    }
    for (const [name, check] of Object.entries(shape)) {
      if (value[name] !== undefined) check(value[name], `${at}.${name}`, issues);
    }
  };
}

const arrayOf =
  (item: Check): Check =>
  (value, at, issues) => {
    if (!Array.isArray(value)) {
      issues.push({ subject: at, description: "must be an array" });
      return;
    }
    value.forEach((element, i) => item(element, `${at}[${i}]`, issues));
  };

const firmware = (bundleIds: Set<string>): Check => {
  const shape = fields(
    {
      id: ofType("string"),
      componentExclusionsEnabled: ofType("boolean"),
      componentExclusions: arrayOf(fields({ componentCategory: ofType("string") })),
    },
    ["id"],
  );
  return (value, at, issues) => {
    shape(value, at, issues);
    const id = isObject(value) ? value.id : undefined;
    // Not in the contract: the emulator's own check that the bundle exists.
    if (typeof id === "string" && !bundleIds.has(id)) {
      issues.push({ subject: `${at}.id`, description: `no firmware bundle ${id}` });
    }
  };
};

const volume = fields(
  {
    raidType: oneOf([
      "RAID0",
      "RAID1",
      "RAID1_TRIPLE",
      "RAID10",
      "RAID10_TRIPLE",
      "RAID5",
      "RAID50",
      "RAID6",
      "RAID60",
    ]),
    capacityInGiB: ofType("integer", true),
    driveCount: ofType("integer", true),
    driveTechnology: oneOf(["SAS_HDD", "SAS_SSD", "SATA_HDD", "SATA_SSD", "NVME_SSD"], true),
    id: ofType("string", true),
    ioPerfModeEnabled: ofType("boolean", true),
    readCachePolicy: oneOf(["READ_AHEAD", "ADAPTIVE_READ_AHEAD", "OFF"], true),
    spareDriveCount: ofType("integer", true),
    writeCachePolicy: oneOf(
      ["PROTECTED_WRITE_BACK", "UNPROTECTED_WRITE_BACK", "WRITE_THROUGH", "OFF"],
      true,
    ),
  },
  ["raidType"],
);

/** DEFAULT of STORAGE: multi-volume `{volumes}` or single-volume `{raidType, volumeSizeInGB}`. */
const storage: Check = (value, at, issues) => {
  if (isObject(value) && value.volumes !== undefined) {
    fields({ volumes: arrayOf(volume) })(value, at, issues);
    return;
  }
  fields({ raidType: oneOf(["RAID0", "RAID1", "RAID5"]), volumeSizeInGB: ofType("number") }, [
    "raidType",
    "volumeSizeInGB",
  ])(value, at, issues);
  const size = isObject(value) ? value.volumeSizeInGB : undefined;
  if (typeof size === "number" && !(size > 0 || size === -1)) {
    issues.push({ subject: `${at}.volumeSizeInGB`, description: "must be a number >0 or -1" });
  }
};

const defaults: Record<string, Check> = {
  BIOS: fields({
    enableCustomWorkloadProfile: ofType("boolean"),
    redfishData: fields({ Attributes: ofType("object") }),
  }),
  STORAGE: storage,
  OS: fields(
    {
      osType: oneOf(["MICROSOFT_WINDOWS", "VMWARE_ESXI", "RHEL", "SUSE_LINUX"]),
      mediaUrl: ofType("string"),
      unattendedInstallationFileUrl: ofType("string"),
    },
    ["osType", "mediaUrl"],
  ),
  EXTERNAL_STORAGE: fields({ externalStorageHostOs: ofType("string") }, ["externalStorageHostOs"]),
  ILO: fields({ Attributes: ofType("object") }),
};

/** What the category's settings body breaks: its keys and each one's schema. */
function settingsIssues(category: string, settings: unknown, data: SettingData): Issue[] {
  const issues: Issue[] = [];
  if (settings === undefined) return issues;
  if (!isObject(settings)) return [{ subject: "settings", description: "must be an object" }];
  const generations = ["GEN10", "GEN11", "GEN12"];
  const allowed = category === "FIRMWARE" ? generations : ["DEFAULT"];
  for (const key of Object.keys(settings)) {
    if (!allowed.includes(key)) {
      issues.push({
        subject: `settings.${key}`,
        description: `is not a key of ${category} settings (${allowed.join(", ")})`,
      });
    }
  }
  if (category === "FIRMWARE") {
    const bundleIds = new Set(data.catalog.firmwareBundles.map((b) => b.id as string));
    for (const key of generations) {
      if (settings[key] !== undefined)
        firmware(bundleIds)(settings[key], `settings.${key}`, issues);
    }
  } else if (settings.DEFAULT !== undefined && defaults[category] !== undefined) {
    defaults[category](settings.DEFAULT, "settings.DEFAULT", issues);
  }
  return issues;
}

function settingIssues(setting: Obj, data: SettingData): Issue[] {
  const issues: Issue[] = nameIssues(setting);
  if (!categories.includes(setting.category as string)) {
    issues.push({ subject: "category", description: `must be one of ${categories.join(", ")}` });
  }
  issues.push(...descriptionIssues(setting));
  issues.push(...settingsIssues(setting.category as string, setting.settings, data));
  return issues;
}

/**
 * Nulls a merge patch may not hold: null removes a field only where the PATCH schema
 * lets it be null, `description` and the untyped BIOS attributes (docs/api-facts.md#settings).
 * Arrays are values, replaced whole; their items are judged by the schema.
 */
function misplacedNulls(patch: unknown, path: string[] = []): Issue[] {
  if (!isObject(patch)) return [];
  return Object.entries(patch).flatMap(([key, value]) => {
    const at = [...path, key];
    if (value === null) {
      const allowed =
        (at.length === 1 && key === "description") ||
        (at.length === 5 &&
          at[0] === "settings" &&
          at[2] === "redfishData" &&
          at[3] === "Attributes");
      return allowed ? [] : [{ subject: at.join("."), description: "must not be null" }];
    }
    return misplacedNulls(value, at);
  });
}

function nameTaken(setting: Obj, data: SettingData): Reply | undefined {
  for (const other of data.settings.values()) {
    if (other.id !== setting.id && other.name === setting.name) {
      return comError(
        409,
        "HPE_GL_ERROR_CONFLICT",
        `A setting named "${String(setting.name)}" already exists`,
      );
    }
  }
  return undefined;
}

/** The groups whose settingsUris name this setting. */
function groupsUsing(setting: Obj, data: SettingData): Obj[] {
  return [...data.groups.values()].filter(
    (group) =>
      Array.isArray(group.settingsUris) && group.settingsUris.includes(setting.resourceUri),
  );
}

export function settings(req: EmulatorRequest, data: SettingData, id?: string): Reply {
  if (id === undefined) {
    if (req.method === "GET") {
      const all = [...data.settings.values()];
      // A filter and no paging: every match in one answer.
      return listReply(req, all, Math.max(all.length, 1));
    }
    if (req.method !== "POST") return methodNotAllowed();
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const body = parsed.value;
    const issues = settingIssues(body, data);
    if (body.category === "ILO") {
      issues.push({
        subject: "category",
        description: "ILO settings are HPE-defined only; adding a new ILO setting is not supported",
      });
    }
    if (issues.length > 0) return badRequest(issues);
    const conflict = nameTaken(body, data);
    if (conflict) return conflict;
    const created = newObject("compute-ops-mgmt/setting", "/v1/settings", {
      name: body.name,
      category: body.category,
      description: body.description ?? null,
      settings: body.settings ?? {},
    });
    data.settings.set(created.id as string, created);
    return json(201, created, { Location: created.resourceUri as string });
  }
  const existing = data.settings.get(id);
  if (!existing) return notFound(`Setting ${id}`);
  if (req.method === "GET") return json(200, existing);
  if (req.method === "DELETE") {
    const users = groupsUsing(existing, data);
    if (users.length > 0 && req.query.force !== "true") {
      return comError(
        409,
        "HPE_GL_ERROR_CONFLICT",
        `The setting is in use by ${users.length} group(s): ` +
          users.map((g) => `"${String(g.name)}" (${String(g.id)})`).join(", "),
      );
    }
    for (const group of users) {
      const kept = (group.settingsUris as unknown[]).filter((u) => u !== existing.resourceUri);
      data.groups.set(group.id as string, bump({ ...group, settingsUris: kept }, group));
    }
    data.settings.delete(id);
    return { status: 204 };
  }
  if (req.method === "PATCH") {
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const patch = parsed.value;
    const refused = [
      ...Object.keys(patch)
        .filter((k) => readOnlyFields.includes(k) || k === "category")
        .map((subject) => ({ subject, description: "cannot be changed" })),
      ...misplacedNulls(patch),
    ];
    if (existing.category === "ILO" && patch.settings !== undefined) {
      refused.push({ subject: "settings", description: "ILO settings cannot be modified" });
    }
    if (refused.length > 0) return badRequest(refused);
    const merged = mergePatch(existing, patch) as Obj;
    const issues = settingIssues(merged, data);
    if (issues.length > 0) return badRequest(issues);
    const conflict = nameTaken(merged, data);
    if (conflict) return conflict;
    const updated = bump({ ...merged, description: merged.description ?? null }, existing);
    data.settings.set(id, updated);
    return json(200, updated);
  }
  return methodNotAllowed();
}
