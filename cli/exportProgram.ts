/**
 * What `npx pulumi-ops-management export` writes, as a pure function: the objects
 * read from a workspace in, the text of a Pulumi TypeScript program out, one
 * resource per object that adopts it (`adoptId`) with inputs equal to its live
 * values, so that `pulumi up` records everything and changes nothing
 * (docs/design.md#exporting-a-workspace).
 *
 * Each kind of object is one entry of `exportKinds`; a new kind (settings,
 * schedules, webhooks, once the package has resources for them) is one more entry.
 * Every object is checked with the provider's own input schema before it is
 * written: one the program could not declare exactly is left out and named, with
 * the reason, rather than written in a form whose adoption would change it.
 */
import { approvalPolicyInputs, groupResourceType } from "../provider/computeOps/approvalPolicy";
import { validateExternalService } from "../provider/computeOps/externalService";
import { groupInputs } from "../provider/computeOps/group";
import { isPlainObject } from "../provider/core/pulumiResults";

/** What the export reads, as the API answers it. */
export interface LiveWorkspace {
  approvalPolicies: LiveObject[];
  externalServices: LiveObject[];
  groups: LiveObject[];
  /** Each group's server ids (`GET /groups/{id}/devices`), by group id. */
  groupMembers: Record<string, string[]>;
  /** Every server, for finding members by name; empty when no group holds one. */
  servers: LiveObject[];
}

export type LiveObject = Record<string, unknown>;

export const exportKindNames = ["groups", "external-services", "approval-policies"] as const;
export type ExportKindName = (typeof exportKindNames)[number];

export interface ExportOptions {
  /** The kinds to write (default: all). */
  kinds?: readonly ExportKindName[];
  /** Only objects whose name passes (default: all). */
  nameFilter?: (name: string) => boolean;
}

/** One secret config value the program reads, with the line that sets it. */
export interface SecretConfig {
  key: string;
  /** Which object and field it is for: `external service "snow" (SERVICE_NOW) clientSecret`. */
  what: string;
  /** `pulumi config set --secret <key> "<placeholder>"`. */
  command: string;
}

export interface ExportedObject {
  kind: ExportKindName;
  id: string;
  name: string;
  /** The Pulumi resource name in the program. */
  resourceName: string;
}

export interface SkippedObject {
  kind: ExportKindName;
  id: string;
  name: string;
  reason: string;
}

export interface ExportResult {
  program: string;
  exported: ExportedObject[];
  /** Objects the program could not declare exactly, left out. */
  skipped: SkippedObject[];
  secrets: SecretConfig[];
  /** Memberships written (one per group that holds servers). */
  memberships: number;
  /** Server lookups written. */
  serverLookups: number;
  /** What the reader should know: ids written as they are, and why. */
  notes: string[];
}

// ---------------------------------------------------------------------------
// TypeScript source from values

/** A piece of code written as is (a reference to another resource, a config read). */
class Code {
  constructor(readonly text: string) {}
}

const code = (text: string) => new Code(text);

function propertyName(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * `value` as a TypeScript expression, indented for its place at `indent`. A
 * resource's arguments (`compact` false) take one line per input.
 */
function literal(value: unknown, indent: string, compact = indent !== ""): string {
  if (value instanceof Code) return value.text;
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inner = indent + "  ";
    const items = value.map((item) => literal(item, inner));
    const oneLine = `[${items.join(", ")}]`;
    if (!oneLine.includes("\n") && oneLine.length + indent.length <= 90) return oneLine;
    return `[\n${items.map((item) => `${inner}${item},`).join("\n")}\n${indent}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    if (entries.length === 0) return "{}";
    const inner = indent + "  ";
    // A small object of plain values stays on one line, as a person would write it.
    if (compact && entries.every(([, v]) => v instanceof Code || typeof v !== "object")) {
      const oneLine = `{ ${entries.map(([k, v]) => `${propertyName(k)}: ${literal(v, inner)}`).join(", ")} }`;
      if (oneLine.length + indent.length <= 80) return oneLine;
    }
    return `{\n${entries
      .map(([k, v]) => `${inner}${propertyName(k)}: ${literal(v, inner)},`)
      .join("\n")}\n${indent}}`;
  }
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

// ---------------------------------------------------------------------------
// Names: readable, stable, unique

/** "Firmware approvals (EU)" -> "firmware-approvals-eu"; `fallback` when nothing is left. */
export function slugOf(name: string, fallback: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? fallback : slug;
}

/** "firmware-approvals-eu" -> "firmwareApprovalsEu", never starting with a digit. */
function camelOf(slug: string): string {
  const camel = slug.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return /^[0-9]/.test(camel) ? `n${camel}` : camel;
}

/** Hands out names once each: the first asker gets `base`, the next `base-2`, and so on. */
class NameSet {
  private readonly used = new Set<string>();
  constructor(private readonly separator: string) {}

  take(base: string): string {
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}${this.separator}${n}`;
    this.used.add(name);
    return name;
  }
}

/** Objects in a fixed order (name, then id), so that names are handed out the same way each run. */
function inStableOrder(objects: LiveObject[]): LiveObject[] {
  return [...objects].sort(
    (a, b) =>
      nameOf(a).localeCompare(nameOf(b), "en") || String(a.id).localeCompare(String(b.id), "en"),
  );
}

function nameOf(object: LiveObject): string {
  return typeof object.name === "string" ? object.name : "";
}

/** The failures of a provider schema, as one line. */
function issuesText(issues: { path: (string | number)[]; message: string }[]): string {
  return issues.map((i) => `${i.path.join(".") || "(object)"}: ${i.message}`).join("; ");
}

// ---------------------------------------------------------------------------
// The program being written

interface Statement {
  /** Section heading the statement goes under. */
  section: string;
  text: string;
}

class ProgramWriter {
  readonly variables = new NameSet("");
  readonly statements: Statement[] = [];
  readonly secrets: SecretConfig[] = [];
  readonly notes: string[] = [];
  readonly exported: ExportedObject[] = [];
  readonly skipped: SkippedObject[] = [];
  /** Group id -> the variable holding its Group resource. */
  readonly groupVariables = new Map<string, string>();
  /** Server id -> the variable holding its lookup. */
  private readonly serverVariables = new Map<string, string>();
  private readonly serverLookups: string[] = [];
  memberships = 0;

  constructor(
    readonly live: LiveWorkspace,
    /** The kinds being written: a policy's group is a reference only when groups are. */
    readonly kinds: readonly ExportKindName[],
  ) {}

  add(section: string, text: string): void {
    this.statements.push({ section, text });
  }

  /**
   * The expression for a server's id: a `getServerOutput` lookup by its name when
   * the name finds exactly this server, by serial number when only that is unique,
   * and the id itself (with a note) when the server is not in the list.
   */
  serverId(serverId: string): Code | string {
    const known = this.serverVariables.get(serverId);
    if (known !== undefined) return code(`${known}.id`);
    const server = this.live.servers.find((s) => s.id === serverId);
    if (server === undefined) {
      this.notes.push(`server ${serverId} is not in the server list: its id is written as is`);
      return serverId;
    }
    const hardware = isPlainObject(server.hardware) ? server.hardware : {};
    const host = isPlainObject(server.host) ? server.host : {};
    const name = nameOf(server);
    const serial = typeof hardware.serialNumber === "string" ? hardware.serialNumber : "";
    // getServer({ name }) asks `name eq` (which the API matches against serial numbers
    // too) or `host/hostname eq` (docs/api-facts.md#lookups): it must find this one only.
    const finds = (value: string) =>
      this.live.servers.filter((s) => {
        const h = isPlainObject(s.hardware) ? s.hardware : {};
        const n = isPlainObject(s.host) ? s.host : {};
        return s.name === value || h.serialNumber === value || n.hostname === value;
      }).length === 1;
    let args: Record<string, string>;
    if (name !== "" && finds(name)) args = { name };
    else if (serial !== "" && finds(serial)) args = { serialNumber: serial };
    else {
      this.notes.push(
        `server ${serverId} has no name or serial number that finds it alone: its id is written as is`,
      );
      return serverId;
    }
    const variable = this.variables.take(
      `${camelOf(slugOf(name || serial || String(host.hostname ?? ""), "server"))}Server`,
    );
    this.serverVariables.set(serverId, variable);
    this.serverLookups.push(
      `const ${variable} = computeOps.getServerOutput(${literal(args, "", true)});`,
    );
    return code(`${variable}.id`);
  }

  secret(key: string, what: string, placeholder: string): Code {
    this.secrets.push({
      key,
      what,
      command: `pulumi config set --secret ${key} "<${placeholder}>"`,
    });
    return code(`config.requireSecret(${JSON.stringify(key)})`);
  }

  text(kindsWritten: readonly ExportKind[]): string {
    const lines = [
      "// Written by `npx pulumi-ops-management export`: each resource adopts the object",
      "// named by its adoptId, with the inputs it had when exported, so `pulumi up`",
      "// records it and changes nothing. `pulumi destroy` would delete them all.",
    ];
    if (this.secrets.length > 0) lines.push('import * as pulumi from "@pulumi/pulumi";');
    lines.push('import { computeOps } from "pulumi-ops-management";', "");
    if (this.secrets.length > 0) {
      lines.push(
        "// Credentials the API never shows: set each with the `pulumi config set --secret`",
        "// line the export printed.",
        "const config = new pulumi.Config();",
        "",
      );
    }
    if (this.serverLookups.length > 0) {
      lines.push("// Servers, found by name (read on every run, never changed).");
      lines.push(...this.serverLookups, "");
    }
    for (const kind of kindsWritten) {
      const texts = this.statements.filter((s) => s.section === kind.name).map((s) => s.text);
      if (texts.length === 0) continue;
      lines.push(`// ${kind.title}`);
      lines.push(...texts, "");
    }
    return `${lines.join("\n").trimEnd()}\n`;
  }

  get lookups(): number {
    return this.serverLookups.length;
  }
}

// ---------------------------------------------------------------------------
// The kinds

interface ExportKind {
  name: ExportKindName;
  title: string;
  /** The objects of this kind. */
  objects: (live: LiveWorkspace) => LiveObject[];
  /**
   * Writes one object's resource, or answers why it cannot be declared exactly.
   * `resourceName` is the object's slug, free among this kind's names.
   */
  write: (
    object: LiveObject,
    names: { resourceName: string; variable: string },
    writer: ProgramWriter,
  ) => string | undefined;
}

/** The policies keys a program can declare (docs/api-facts.md#groups). */
const onDeviceAddKeys = [
  "biosApplySettings",
  "biosFactoryReset",
  "externalStorageConfiguration",
  "firmwarePowerOff",
  "firmwareUpdate",
  "iloApplySettings",
  "osInstall",
  "storageConfiguration",
  "storageVolumeDeletion",
  "osCompletionTimeoutMin",
  "storageVolumeName",
  "storageVolumes",
];

/** The spec's policy defaults, as the provider fills them in. */
const policyDefaults = groupInputs.parse({
  name: "defaults",
  deviceType: "DIRECT_CONNECT_SERVER",
  policies: {},
}).policies as { onDeviceAdd: Record<string, unknown>; onDeviceApply: Record<string, unknown> };

/** A group's policies as a program declares them: the values that are not the defaults. */
function declaredPolicies(live: unknown): Record<string, unknown> {
  const policies = isPlainObject(live) ? live : {};
  const add = isPlainObject(policies.onDeviceAdd) ? policies.onDeviceAdd : {};
  const apply = isPlainObject(policies.onDeviceApply) ? policies.onDeviceApply : {};
  const onDeviceAdd: Record<string, unknown> = {};
  for (const key of onDeviceAddKeys) {
    const value = add[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (value === policyDefaults.onDeviceAdd[key]) continue;
    onDeviceAdd[key] =
      key === "storageVolumes"
        ? (value as Record<string, unknown>[]).map((v) => ({
            id: String(v.id).toLowerCase(),
            ...(typeof v.name === "string" ? { name: v.name } : {}),
          }))
        : value;
  }
  const declared: Record<string, unknown> = {};
  if (Object.keys(onDeviceAdd).length > 0) declared.onDeviceAdd = onDeviceAdd;
  if (
    typeof apply.firmwareDowngrade === "boolean" &&
    apply.firmwareDowngrade !== policyDefaults.onDeviceApply.firmwareDowngrade
  ) {
    declared.onDeviceApply = { firmwareDowngrade: apply.firmwareDowngrade };
  }
  return declared;
}

const groupsKind: ExportKind = {
  name: "groups",
  title: "Server groups, and the servers each holds",
  objects: (live) => live.groups,
  write(group, { resourceName, variable }, writer) {
    const deviceType = group.deviceType;
    const tags = isPlainObject(group.autoAddTags) ? group.autoAddTags : {};
    const uris = Array.isArray(group.settingsUris) ? group.settingsUris : [];
    const inputs: Record<string, unknown> = {
      name: group.name,
      description:
        typeof group.description === "string" && group.description !== ""
          ? group.description
          : undefined,
      deviceType,
      autoAddTags: Object.keys(tags).length > 0 ? tags : undefined,
      settingsUris: uris.length > 0 ? uris : undefined,
      // Declared whole (the defaults left implicit), so a policy changed by hand is drift.
      policies:
        deviceType === "DIRECT_CONNECT_SERVER" ? declaredPolicies(group.policies) : undefined,
    };
    const parsed = groupInputs.safeParse(inputs);
    if (!parsed.success) return issuesText(parsed.error.issues);
    if (parsed.data.name !== group.name) return "its name has leading or trailing spaces";
    writer.groupVariables.set(String(group.id), variable);
    writer.add(
      "groups",
      `const ${variable} = new computeOps.Group(${JSON.stringify(resourceName)}, ${literal(
        { adoptId: group.id, ...inputs },
        "",
      )});`,
    );
    const members = [...(writer.live.groupMembers[String(group.id)] ?? [])].sort();
    if (members.length > 0) {
      // A membership that names exactly the servers the group holds assigns nothing.
      writer.memberships++;
      writer.add(
        "groups",
        `new computeOps.GroupMembership(${JSON.stringify(resourceName)}, ${literal(
          { groupId: code(`${variable}.id`), serverIds: members.map((id) => writer.serverId(id)) },
          "",
        )});`,
      );
    }
    return undefined;
  },
};

/** The serviceData keys a program declares, per service type (the provider's schema). */
const serviceDataKeys: Record<string, readonly string[]> = {
  SERVICE_NOW: ["oauthUrl", "incidentUrl", "refreshTokenExpiryInDays", "incidentCreationScope"],
  DSCC: ["region"],
  VMWARE_VCENTER: ["vCenterUrl", "associatedGatewayUri", "vCenterCertFingerprint"],
};
const incidentScopeKeys = [
  "serviceEventIssues",
  "criticalEventIssues",
  "warningEventIssues",
  "utilizationThresholdAlerts",
  "powerResetEvent",
  "disconnectedEvent",
];
/** The credentials of each authentication type; the secret ones the API answers masked. */
const credentialKeys: Record<string, { plain: string; secrets: string[] }> = {
  OAUTH: { plain: "clientId", secrets: ["clientSecret", "refreshToken"] },
  BASIC: { plain: "username", secrets: ["password"] },
};
const authenticationTypeOf: Record<string, string> = {
  SERVICE_NOW: "OAUTH",
  DSCC: "OAUTH",
  VMWARE_VCENTER: "BASIC",
};

const externalServicesKind: ExportKind = {
  name: "external-services",
  title: "External services (the credentials come from secret config)",
  objects: (live) => live.externalServices,
  write(service, { resourceName }, writer) {
    const serviceType = String(service.serviceType ?? "");
    const authType = authenticationTypeOf[serviceType];
    if (authType === undefined) return `serviceType ${serviceType || "(none)"} is not supported`;
    const liveData = isPlainObject(service.serviceData) ? service.serviceData : {};
    const serviceData: Record<string, unknown> = {};
    for (const key of serviceDataKeys[serviceType]) {
      const value = liveData[key];
      if (value === undefined || value === null) continue;
      if (key === "incidentCreationScope" && isPlainObject(value)) {
        serviceData[key] = Object.fromEntries(
          incidentScopeKeys
            .filter((k) => value[k] !== undefined && value[k] !== null)
            .map((k) => [k, value[k]]),
        );
      } else if (key === "vCenterCertFingerprint" && typeof value === "string") {
        // The form the provider sends and compares: 64 lower-case hex digits.
        serviceData[key] = value.replace(/:/g, "").toLowerCase();
      } else serviceData[key] = value;
    }
    const liveAuth = isPlainObject(service.authentication) ? service.authentication : {};
    const { plain, secrets } = credentialKeys[authType];
    // DSCC's refreshToken is optional; ServiceNow's is required; a live one is kept.
    const secretKeys = secrets.filter(
      (key) =>
        key !== "refreshToken" ||
        serviceType === "SERVICE_NOW" ||
        (typeof liveAuth[key] === "string" && liveAuth[key] !== ""),
    );
    const plainValue = liveAuth[plain];
    if (typeof plainValue !== "string" || plainValue === "" || /^\*+$/.test(plainValue)) {
      return `the API does not show its ${plain}`;
    }
    const label = `external service ${JSON.stringify(nameOf(service))} (${serviceType})`;
    const state =
      service.state === "ENABLED" || service.state === "DISABLED" ? service.state : undefined;
    const base: Record<string, unknown> = {
      name: service.name,
      description:
        typeof service.description === "string" && service.description !== ""
          ? service.description
          : undefined,
      serviceType,
      serviceData,
      state,
    };
    // Checked with stand-ins for the secrets, which only the user knows.
    const checked = validateExternalService({
      ...base,
      authentication: {
        [plain]: plainValue,
        ...Object.fromEntries(secretKeys.map((k) => [k, "set-by-config"])),
      },
    });
    if (!checked.success) return issuesText(checked.error.issues);
    if (checked.data.name !== service.name) return "its name has leading or trailing spaces";
    const authentication: Record<string, unknown> = { [plain]: plainValue };
    for (const key of secretKeys) {
      authentication[key] = writer.secret(
        `${camelOf(resourceName)}${key[0].toUpperCase()}${key.slice(1)}`,
        `${label} ${key}`,
        key,
      );
    }
    writer.add(
      "external-services",
      `new computeOps.ExternalService(${JSON.stringify(resourceName)}, ${literal(
        {
          adoptId: service.id,
          // The API masks the secrets: adopting records the configured ones and sends none.
          keepCredentialsOnAdopt: true,
          ...base,
          authentication,
        },
        "",
      )});`,
    );
    return undefined;
  },
};

const approvalPoliciesKind: ExportKind = {
  name: "approval-policies",
  title: "Approval policies",
  objects: (live) => live.approvalPolicies,
  write(policy, { resourceName }, writer) {
    const data = isPlainObject(policy.policyData) ? policy.policyData : {};
    const approvables = (Array.isArray(data.approvables) ? data.approvables : []).map((a) => {
      const approvable = isPlainObject(a) ? a : {};
      return {
        approvableName: approvable.approvableName,
        approvers: (Array.isArray(approvable.approvers) ? approvable.approvers : []).map((p) => ({
          email: isPlainObject(p) ? p.email : undefined,
        })),
        minApprovers: approvable.minApprovers ?? 1,
      };
    });
    const resources = (Array.isArray(data.resources) ? data.resources : []).map((r) => {
      const resource = isPlainObject(r) ? r : {};
      // Answers may spell the fields id/type (docs/api-facts.md#approval-policies).
      return {
        resourceId: String(resource.resourceId ?? resource.id ?? "").toLowerCase(),
        resourceType: String(resource.resourceType ?? resource.type ?? groupResourceType),
      };
    });
    const inputs: Record<string, unknown> = {
      name: policy.name,
      description:
        typeof policy.description === "string" && policy.description !== ""
          ? policy.description
          : undefined,
      policyData: { approvables, resources },
    };
    const parsed = approvalPolicyInputs.safeParse(inputs);
    if (!parsed.success) return issuesText(parsed.error.issues);
    if (parsed.data.name !== policy.name) return "its name has leading or trailing spaces";
    const written = resources.map((r) => {
      const group = writer.groupVariables.get(r.resourceId);
      if (group !== undefined) return { ...r, resourceId: code(`${group}.id`) };
      if (!writer.kinds.includes("groups")) {
        writer.notes.push("groups are not exported: approval policies name their groups by id");
        return r;
      }
      writer.notes.push(
        `approval policy ${JSON.stringify(nameOf(policy))} names group ${r.resourceId}, which is not exported: its id is written as is`,
      );
      return r;
    });
    writer.add(
      "approval-policies",
      `new computeOps.ApprovalPolicy(${JSON.stringify(resourceName)}, ${literal(
        {
          adoptId: policy.id,
          ...inputs,
          policyData: { approvables, resources: written },
        },
        "",
      )});`,
    );
    return undefined;
  },
};

/** In the order they are written: groups first, as policies refer to them. */
const exportKinds: readonly ExportKind[] = [groupsKind, externalServicesKind, approvalPoliciesKind];

/** The suffix of each kind's variables, so a group and a policy of one name stay apart. */
const variableSuffix: Record<ExportKindName, string> = {
  groups: "Group",
  "external-services": "Service",
  "approval-policies": "Policy",
};

/** The program that adopts the workspace's objects of the chosen kinds and names. */
export function exportProgram(live: LiveWorkspace, options: ExportOptions = {}): ExportResult {
  const kinds = exportKinds.filter((k) => (options.kinds ?? exportKindNames).includes(k.name));
  const writer = new ProgramWriter(
    live,
    kinds.map((k) => k.name),
  );
  for (const kind of kinds) {
    const resourceNames = new NameSet("-");
    for (const object of inStableOrder(kind.objects(live))) {
      const name = nameOf(object);
      if (options.nameFilter !== undefined && !options.nameFilter(name)) continue;
      const id = String(object.id ?? "");
      const fallback = kind.name.replace(/s$/, "").replace(/-/g, "");
      const slug = slugOf(name, fallback);
      const resourceName = resourceNames.take(slug);
      const variable = writer.variables.take(`${camelOf(slug)}${variableSuffix[kind.name]}`);
      const reason =
        id === "" ? "it has no id" : kind.write(object, { resourceName, variable }, writer);
      if (reason !== undefined) writer.skipped.push({ kind: kind.name, id, name, reason });
      else writer.exported.push({ kind: kind.name, id, name, resourceName });
    }
  }
  return {
    program: writer.text(kinds),
    exported: writer.exported,
    skipped: writer.skipped,
    secrets: writer.secrets,
    memberships: writer.memberships,
    serverLookups: writer.lookups,
    notes: [...new Set(writer.notes)],
  };
}
