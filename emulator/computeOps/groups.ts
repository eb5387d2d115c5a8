/**
 * Server groups (v1): create, list, read, merge patch and delete, and their
 * devices, assigned and unassigned asynchronously: both POSTs answer 202 with the
 * Location of an async operation, and membership changes only when it succeeds
 * (docs/api-facts.md#groups).
 */
import { randomUUID } from "node:crypto";
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
import { Timers } from "../timers";
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

export const deviceTypes = ["DIRECT_CONNECT_SERVER", "OVE_APPLIANCE_SYNERGY", "OVE_APPLIANCE_VM"];

const onDeviceAddFlags = [
  "biosApplySettings",
  "biosFactoryReset",
  "externalStorageConfiguration",
  "firmwarePowerOff",
  "firmwareUpdate",
  "iloApplySettings",
  "osInstall",
  "storageConfiguration",
  "storageVolumeDeletion",
];

const tagPattern = /^[\p{L}\p{N}\p{Zs}_.:=+\-@]+$/u;
const readOnlyGroupFields = [
  "id",
  "type",
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
  "devicesUri",
  "devices",
  "complianceStatus",
  "groupCompliance",
  "securityStatus",
  "deviceType",
];

/** Where each server is placed: its group and the eTag a move must quote. */
export interface Placement {
  groupId: string;
  eTag: string;
}

export interface GroupData {
  groups: Map<string, Obj>;
  asyncOperations: Map<string, Obj>;
  placements: Map<string, Placement>;
  /** The tenant's settings, which settingsUris must name. */
  settings: Map<string, Obj>;
  catalog: Catalog;
}

export interface GroupRunner {
  stepMs: number;
  timers: Timers;
}

function groupIssues(group: Obj, data: GroupData): Issue[] {
  const issues: Issue[] = nameIssues(group);
  if (!deviceTypes.includes(group.deviceType as string)) {
    issues.push({ subject: "deviceType", description: `must be one of ${deviceTypes.join(", ")}` });
  }
  issues.push(...descriptionIssues(group));
  if (group.autoAddTags !== undefined && group.autoAddTags !== null) {
    if (!isObject(group.autoAddTags)) {
      issues.push({ subject: "autoAddTags", description: "must be an object" });
    } else {
      const entries = Object.entries(group.autoAddTags);
      if (entries.length > 1) {
        issues.push({ subject: "autoAddTags", description: "a group can have at most one tag" });
      }
      for (const [key, value] of entries) {
        if (!tagPattern.test(key) || typeof value !== "string" || !tagPattern.test(value)) {
          issues.push({ subject: `autoAddTags.${key}`, description: "is not a valid tag" });
        }
      }
    }
  }
  if (group.settingsUris !== undefined) {
    if (!Array.isArray(group.settingsUris)) {
      issues.push({ subject: "settingsUris", description: "must be an array" });
    } else {
      const known = new Set([...data.settings.values()].map((s) => s.resourceUri));
      group.settingsUris.forEach((uri, i) => {
        if (!known.has(uri)) {
          issues.push({ subject: `settingsUris[${i}]`, description: "is not a setting's URI" });
        }
      });
    }
  }
  const policies = group.policies;
  if (policies !== undefined && policies !== null) {
    if (!isObject(policies)) {
      issues.push({ subject: "policies", description: "must be an object" });
    } else if (group.deviceType === "DIRECT_CONNECT_SERVER") {
      issues.push(...serverPolicyIssues(policies));
    } else if (
      Object.keys(policies).some((k) => k !== "onDeviceAdd") ||
      (isObject(policies.onDeviceAdd) && Object.keys(policies.onDeviceAdd).length > 0)
    ) {
      issues.push({ subject: "policies", description: "an OVE group has no policies" });
    }
  }
  return issues;
}

function serverPolicyIssues(policies: Obj): Issue[] {
  const issues: Issue[] = [];
  for (const key of Object.keys(policies)) {
    if (key !== "onDeviceAdd" && key !== "onDeviceApply") {
      issues.push({ subject: `policies.${key}`, description: "is not a policy" });
    }
  }
  const add = policies.onDeviceAdd;
  if (add !== undefined && add !== null) {
    if (!isObject(add))
      return [{ subject: "policies.onDeviceAdd", description: "must be an object" }];
    for (const [key, value] of Object.entries(add)) {
      const at = `policies.onDeviceAdd.${key}`;
      if (onDeviceAddFlags.includes(key)) {
        if (typeof value !== "boolean")
          issues.push({ subject: at, description: "must be a boolean" });
      } else if (key === "osCompletionTimeoutMin") {
        if (!Number.isInteger(value) || (value as number) < 60 || (value as number) > 720) {
          issues.push({ subject: at, description: "must be an integer from 60 to 720" });
        }
      } else if (key === "storageVolumeName") {
        if (typeof value !== "string")
          issues.push({ subject: at, description: "must be a string" });
      } else if (key !== "storageVolumes") {
        issues.push({ subject: at, description: "is not a policy field" });
      }
    }
  }
  const apply = policies.onDeviceApply;
  if (apply !== undefined && apply !== null) {
    if (
      !isObject(apply) ||
      Object.entries(apply).some(([k, v]) => k !== "firmwareDowngrade" || typeof v !== "boolean")
    ) {
      issues.push({
        subject: "policies.onDeviceApply",
        description: "takes firmwareDowngrade (a boolean) only",
      });
    }
  }
  return issues;
}

/** The response's policies: the spec's defaults filled in. */
function withPolicyDefaults(group: Obj): Obj {
  if (group.deviceType !== "DIRECT_CONNECT_SERVER") {
    return { ...group, policies: { onDeviceAdd: null } };
  }
  const policies = isObject(group.policies) ? group.policies : {};
  const add = isObject(policies.onDeviceAdd) ? policies.onDeviceAdd : {};
  const apply = isObject(policies.onDeviceApply) ? policies.onDeviceApply : {};
  return {
    ...group,
    policies: {
      onDeviceAdd: {
        ...Object.fromEntries(onDeviceAddFlags.map((flag) => [flag, false])),
        osCompletionTimeoutMin: 240,
        ...add,
      },
      onDeviceApply: { firmwareDowngrade: false, ...apply },
    },
  };
}

function tagConflict(group: Obj, data: GroupData): Reply | undefined {
  const key = (tags: unknown) =>
    isObject(tags)
      ? Object.entries(tags)
          .map(([k, v]) => `${k}=${String(v)}`.toLowerCase())
          .join()
      : "";
  const own = key(group.autoAddTags);
  for (const other of data.groups.values()) {
    if (other.id === group.id) continue;
    if (other.name === group.name) {
      return comError(
        409,
        "HPE_GL_ERROR_CONFLICT",
        `A group named "${String(group.name)}" already exists`,
      );
    }
    if (own !== "" && key(other.autoAddTags) === own) {
      return comError(409, "HPE_GL_ERROR_CONFLICT", `Another group already has the tag ${own}`);
    }
  }
  return undefined;
}

function devicesOf(groupId: string, data: GroupData): Obj[] {
  const devices: Obj[] = [];
  for (const [serverId, placement] of data.placements) {
    if (placement.groupId !== groupId) continue;
    const server = data.catalog.servers.get(serverId);
    const hardware = (server?.hardware ?? {}) as Obj;
    devices.push({
      id: serverId,
      type: "compute-ops-mgmt/group/device",
      deviceId: serverId,
      deviceUri: `${prefix}/v1/servers/${serverId}`,
      eTag: placement.eTag,
      groupId,
      productId: hardware.productId,
      serial: hardware.serialNumber,
      overallSecurityStatus: "OK",
      subscriptionState: "SUBSCRIBED",
      subscriptionTier: "ENHANCED",
      resourceUri: `${prefix}/v1/groups/${groupId}/devices/${serverId}`,
    });
  }
  return devices;
}

function view(group: Obj, data: GroupData): Obj {
  return { ...group, devices: devicesOf(group.id as string, data) };
}

export function groups(
  req: EmulatorRequest,
  data: GroupData,
  runner: GroupRunner,
  id?: string,
  sub?: string,
): Reply {
  if (id === undefined) {
    if (req.method === "GET") {
      return listReply(
        req,
        [...data.groups.values()].map((g) => view(g, data)),
        1000,
      );
    }
    if (req.method !== "POST") return methodNotAllowed();
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const body = parsed.value;
    const issues = groupIssues(body, data);
    if (issues.length > 0) return badRequest(issues);
    const conflict = tagConflict(body, data);
    if (conflict) return conflict;
    const created = newObject("compute-mgmt-ops/group", "/v1/groups", {
      ...withPolicyDefaults(body),
      description: body.description ?? null,
      autoAddTags: body.autoAddTags ?? {},
      settingsUris: body.settingsUris ?? [],
      complianceStatus: "UNKNOWN",
      securityStatus: "UNKNOWN",
      groupCompliance: { summary: "UNKNOWN" },
    });
    created.devicesUri = `${created.resourceUri as string}/devices`;
    data.groups.set(created.id as string, created);
    return json(201, view(created, data), { Location: created.resourceUri as string });
  }
  const existing = data.groups.get(id);
  if (!existing) return notFound(`Group ${id}`);
  if (sub === "/devices") return devicesRequest(req, data, runner, existing, "assign");
  if (sub === "/devices/unassign") return devicesRequest(req, data, runner, existing, "unassign");
  if (req.method === "GET") return json(200, view(existing, data));
  if (req.method === "DELETE") {
    const members = devicesOf(id, data);
    if (members.length > 0 && req.query.force !== "true") {
      return badRequest([
        {
          subject: "force",
          source: "query.parameter",
          description:
            `the group still has ${members.length} device(s); remove them first, ` +
            "or provide force=true to remove all devices and delete the group",
        },
      ]);
    }
    for (const member of members) data.placements.delete(member.deviceId as string);
    data.groups.delete(id);
    return { status: 204 };
  }
  if (req.method === "PATCH") {
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const patch = parsed.value;
    const readOnly = Object.keys(patch).filter((k) => readOnlyGroupFields.includes(k));
    if (readOnly.length > 0) {
      return badRequest(readOnly.map((subject) => ({ subject, description: "cannot be changed" })));
    }
    const merged = mergePatch(existing, patch) as Obj;
    const issues = groupIssues(merged, data);
    if (issues.length > 0) return badRequest(issues);
    const conflict = tagConflict(merged, data);
    if (conflict) return conflict;
    const updated = bump(
      withPolicyDefaults({
        ...merged,
        description: merged.description ?? null,
        autoAddTags: merged.autoAddTags ?? {},
        settingsUris: merged.settingsUris ?? [],
      }),
      existing,
    );
    data.groups.set(id, updated);
    return json(200, view(updated, data));
  }
  return methodNotAllowed();
}

function devicesRequest(
  req: EmulatorRequest,
  data: GroupData,
  runner: GroupRunner,
  group: Obj,
  action: "assign" | "unassign",
): Reply {
  const groupId = group.id as string;
  if (action === "assign" && req.method === "GET") {
    const extra = Object.keys(req.query).filter((k) => k !== "filter");
    if (extra.length > 0) {
      return badRequest(
        extra.map((subject) => ({
          source: "query.parameter" as const,
          subject,
          description: "is not a parameter of this operation",
        })),
      );
    }
    const all = devicesOf(groupId, data);
    return listReply(req, all, Math.max(all.length, 1));
  }
  if (req.method !== "POST") return methodNotAllowed();
  const force = action === "unassign" && req.query.force === "true";
  let ids: string[];
  if (force) {
    ids = devicesOf(groupId, data).map((d) => d.deviceId as string);
  } else {
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const devices = parsed.value.devices;
    if (!Array.isArray(devices) || devices.length === 0) {
      return badRequest([{ subject: "devices", description: "must list at least one device" }]);
    }
    const issues: Issue[] = [];
    ids = [];
    devices.forEach((device, i) => {
      const at = `devices[${i}]`;
      if (!isObject(device) || typeof device.deviceId !== "string") {
        issues.push({ subject: `${at}.deviceId`, description: "is required" });
        return;
      }
      const serverId = device.deviceId;
      const placement = data.placements.get(serverId);
      if (!data.catalog.servers.has(serverId)) {
        issues.push({ subject: `${at}.deviceId`, description: `no server ${serverId}` });
      } else if (action === "unassign" && placement?.groupId !== groupId) {
        issues.push({ subject: `${at}.deviceId`, description: "is not in this group" });
      } else if (
        action === "assign" &&
        placement !== undefined &&
        placement.groupId !== groupId &&
        device.eTag !== placement.eTag
      ) {
        issues.push({
          subject: `${at}.eTag`,
          description: "the device is in another group: its latest eTag is required to move it",
        });
      }
      ids.push(serverId);
    });
    if (issues.length > 0) return badRequest(issues);
  }
  const operation = newObject("compute-ops-mgmt/async-operation", "/v1/async-operations", {
    operationType: action === "assign" ? "ADD_DEVICE_TO_GROUP" : "REMOVE_DEVICE_FROM_GROUP",
    state: "INITIALIZED",
    progressPercent: 0,
    error: null,
    logMessages: [],
    recommendations: [],
    results: [],
    sourceResourceUri: group.resourceUri,
    startedAt: null,
    endedAt: null,
  });
  const operationId = operation.id as string;
  data.asyncOperations.set(operationId, operation);
  const step = (fields: Obj) => {
    const current = data.asyncOperations.get(operationId);
    if (current) data.asyncOperations.set(operationId, bump({ ...current, ...fields }, current));
  };
  runner.timers.later(() => {
    step({ state: "RUNNING", progressPercent: 50, startedAt: new Date().toISOString() });
    runner.timers.later(() => {
      for (const serverId of ids) {
        const placement = data.placements.get(serverId);
        if (action === "assign" && placement?.groupId !== groupId) {
          data.placements.set(serverId, { groupId, eTag: randomUUID() });
        }
        if (action === "unassign" && placement?.groupId === groupId) {
          data.placements.delete(serverId);
        }
      }
      step({
        state: "SUCCEEDED",
        progressPercent: 100,
        endedAt: new Date().toISOString(),
        results: ids.map((serverId) => ({ resourceUri: `${prefix}/v1/servers/${serverId}` })),
        logMessages: [
          {
            message: `${action === "assign" ? "Assigned" : "Unassigned"} ${ids.length} device(s)`,
            timestamp: new Date().toISOString(),
          },
        ],
      });
    }, runner.stepMs);
  }, runner.stepMs);
  return { status: 202, headers: { Location: operation.resourceUri as string } };
}

/** GET /v1/async-operations/{id}. */
export function asyncOperations(req: EmulatorRequest, data: GroupData, id: string): Reply {
  if (req.method !== "GET") return methodNotAllowed();
  const found = data.asyncOperations.get(id);
  return found ? json(200, found) : notFound(`Async operation ${id}`);
}
