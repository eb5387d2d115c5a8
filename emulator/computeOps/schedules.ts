/**
 * Schedules (v1beta2): a REST operation the API sends itself once at `startAt`, or
 * every `interval` from then on (docs/api-facts.md#schedules). Create, list, read,
 * merge patch and delete, each run recorded as the schedule's `lastRun` and in its
 * history. The runs go through the emulator's own router, so a scheduled POST of a
 * job makes a job from the tenant's job-template catalogue as any client's would,
 * and through its clock (../timers.ts), so tests advance time instead of waiting.
 * A schedule whose `associatedResourceUri` names an object that is deleted is
 * deleted with it.
 */
import { randomUUID } from "node:crypto";
import {
  badRequest,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  mergePatch,
  notFound,
  Reply,
} from "../httpKit";
import { Timers } from "../timers";
import { bump, listReply, methodNotAllowed, newObject, Obj, readBody } from "./shared";

export const schedulesPath = "/v1beta2/schedules";

/** The spec's operation methods (scheduleRESTOperationPost-v1beta2). */
const operationMethods = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];
const headerNamePattern = /^[0-9a-zA-Z!#$%&'*+.^_`|~-]+$/;
const yearMs = 365 * 24 * 3600 * 1000;
const readOnlyScheduleFields = [
  "id",
  "type",
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
  "historyUri",
  "nextStartAt",
  "lastRun",
];

/** What a run needs of the emulator: its clock, and its router for the request. */
export interface ScheduleRunner {
  timers: Timers;
  /** Sends the scheduled request as the tenant that owns the schedule. */
  perform: (request: ScheduledRequest) => Reply;
  /** Whether `associatedResourceUri` names an object of the tenant. */
  resolves: (uri: string) => boolean;
}

export interface ScheduledRequest {
  method: string;
  uri: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface ScheduleData {
  schedules: Map<string, Obj>;
  /** Schedule id -> its runs, oldest first. */
  scheduleHistory: Map<string, Obj[]>;
}

/**
 * An ISO 8601 duration (`P7D`, `PT1H30M`, `P1Y2M`) in seconds, or undefined when
 * it is not one. A year counts 365 days and a month 30, as the interval bounds need.
 */
export function durationSeconds(text: string): number | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text,
    );
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0));
  return (((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s;
}

/** An RFC 3339 date-time with a zone, as `format: date-time` asks; its time in ms, or undefined. */
function dateTimeMs(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    return undefined;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function stringMapIssues(value: unknown, subject: string, names?: RegExp): Issue[] {
  if (value === undefined) return [];
  if (!isObject(value)) return [{ subject, description: "must be an object" }];
  const issues: Issue[] = [];
  const entries = Object.entries(value);
  if (entries.length > 32) issues.push({ subject, description: "must have at most 32 entries" });
  for (const [key, v] of entries) {
    if (key.length < 1 || key.length > 128 || (names && !names.test(key))) {
      issues.push({ subject: `${subject}.${key}`, description: "is not a valid name" });
    }
    if (v !== null && (typeof v !== "string" || v.length > 256)) {
      issues.push({
        subject: `${subject}.${key}`,
        description: "must be a string of at most 256 characters or null",
      });
    }
  }
  return issues;
}

function nullableString(value: unknown, subject: string, max: number): Issue[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "string" || value.length > max) {
    return [{ subject, description: `must be a string of at most ${max} characters or null` }];
  }
  return [];
}

/** What the spec and the emulator refuse in a whole schedule (a POST body, or one merged with a patch). */
function scheduleIssues(schedule: Obj, now: number, runner: ScheduleRunner): Issue[] {
  const issues: Issue[] = [];
  const { name, schedule: when, operation } = schedule;
  if (typeof name !== "string" || name.length < 1 || name.length > 100) {
    issues.push({ subject: "name", description: "is required: 1 to 100 characters" });
  }
  issues.push(...nullableString(schedule.description, "description", 10000));
  issues.push(...nullableString(schedule.purpose, "purpose", 64));
  issues.push(...nullableString(schedule.associatedResourceUri, "associatedResourceUri", 128));
  const associated = schedule.associatedResourceUri;
  if (typeof associated === "string" && associated.length <= 128 && !runner.resolves(associated)) {
    issues.push({
      subject: "associatedResourceUri",
      description: "must be the URI of an existing resource",
    });
  }
  if (!isObject(when)) {
    issues.push({ subject: "schedule", description: "is required: an object with startAt" });
  } else {
    const startAt = dateTimeMs(when.startAt);
    if (startAt === undefined) {
      issues.push({ subject: "schedule.startAt", description: "is required: a date-time" });
    } else if (Math.abs(startAt - now) > yearMs) {
      issues.push({
        subject: "schedule.startAt",
        description: "must be within a year of the current time",
      });
    }
    if (when.interval !== undefined && when.interval !== null) {
      const seconds =
        typeof when.interval === "string" ? durationSeconds(when.interval) : undefined;
      if (seconds === undefined) {
        issues.push({ subject: "schedule.interval", description: "must be an ISO 8601 duration" });
      } else if (seconds <= 15 * 60 || seconds >= 365 * 24 * 3600) {
        issues.push({
          subject: "schedule.interval",
          description: "must be longer than PT15M and shorter than P1Y",
        });
      }
    }
  }
  if (!isObject(operation)) {
    issues.push({ subject: "operation", description: "is required: an object" });
    return issues;
  }
  if (operation.type !== "REST") {
    issues.push({ subject: "operation.type", description: "must be REST" });
  }
  if (typeof operation.method !== "string" || !operationMethods.includes(operation.method)) {
    issues.push({
      subject: "operation.method",
      description: `must be one of ${operationMethods.join(", ")}`,
    });
  }
  if (
    typeof operation.uri !== "string" ||
    !operation.uri.startsWith("/") ||
    operation.uri.length > 128
  ) {
    issues.push({
      subject: "operation.uri",
      description: "must be a relative URI of at most 128 characters",
    });
  }
  issues.push(...stringMapIssues(operation.headers, "operation.headers", headerNamePattern));
  issues.push(...stringMapIssues(operation.query, "operation.query"));
  const timeout = operation.timeoutInSec;
  if (timeout !== undefined && (typeof timeout !== "number" || timeout <= 0 || timeout > 60)) {
    issues.push({
      subject: "operation.timeoutInSec",
      description: "must be a number above 0 and at most 60",
    });
  }
  return issues;
}

/** A string map without its nulls: the answer's maps hold strings only (scheduleRESTOperation-v1beta2). */
function withoutNulls(map: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(isObject(map) ? map : {}).filter(([, v]) => v !== null),
  ) as Record<string, string>;
}

/** The schedule's fields with the answer's defaults (schedule-v1beta2). */
function normalized(schedule: Obj): Obj {
  const when = schedule.schedule as Obj;
  const operation = schedule.operation as Obj;
  return {
    ...schedule,
    description: schedule.description ?? null,
    purpose: schedule.purpose ?? null,
    associatedResourceUri: schedule.associatedResourceUri ?? null,
    schedule: { startAt: when.startAt, interval: when.interval ?? null },
    operation: {
      type: operation.type,
      method: operation.method,
      uri: operation.uri,
      body: operation.body ?? null,
      headers: withoutNulls(operation.headers),
      query: withoutNulls(operation.query),
      timeoutInSec: operation.timeoutInSec ?? 20,
    },
  };
}

function intervalMs(schedule: Obj): number | undefined {
  const interval = (schedule.schedule as Obj).interval;
  return typeof interval === "string" ? durationSeconds(interval)! * 1000 : undefined;
}

/**
 * When the schedule runs next: a one-time schedule at its start if it has not run
 * since (a start already past runs at once), a recurring one at the first of its
 * times not before now; null when nothing is left to run.
 */
function nextStart(schedule: Obj, now: number, ranAt?: number): string | null {
  const start = dateTimeMs((schedule.schedule as Obj).startAt)!;
  const every = intervalMs(schedule);
  if (every === undefined) {
    return ranAt !== undefined && ranAt >= start ? null : new Date(start).toISOString();
  }
  const after = ranAt === undefined ? now : Math.max(now, ranAt + 1);
  const steps = start >= after ? 0 : Math.ceil((after - start) / every);
  return new Date(start + steps * every).toISOString();
}

/** The filter's view: the spec lets lists filter by schedule/intervalInSec too. */
function filterView(schedule: Obj): Obj {
  const interval = (schedule.schedule as Obj).interval;
  return {
    ...schedule,
    schedule: {
      ...(schedule.schedule as Obj),
      intervalInSec: typeof interval === "string" ? durationSeconds(interval) : null,
    },
  };
}

/** Runs the schedule at its next start, unless it has changed or gone by then. */
function arm(data: ScheduleData, id: string, runner: ScheduleRunner): void {
  const schedule = data.schedules.get(id);
  const next = schedule?.nextStartAt;
  if (typeof next !== "string") return;
  const generation = schedule!.generation;
  runner.timers.later(
    () => {
      const current = data.schedules.get(id);
      if (current === undefined) return;
      if (current.generation !== generation || current.nextStartAt !== next) return;
      run(data, current, runner);
    },
    Date.parse(next) - runner.timers.now(),
  );
}

/** Sends the scheduled request, records the run, and arms the next one. */
function run(data: ScheduleData, schedule: Obj, runner: ScheduleRunner): void {
  const id = schedule.id as string;
  const operation = schedule.operation as Obj;
  const startedAt = new Date(runner.timers.now()).toISOString();
  const reply = runner.perform({
    method: operation.method as string,
    uri: operation.uri as string,
    query: operation.query as Record<string, string>,
    headers: operation.headers as Record<string, string>,
    body: operation.body,
  });
  const historyId = randomUUID();
  const scheduleUri = schedule.resourceUri as string;
  const entry: Obj = {
    operationType: "REST",
    type: "compute-ops-mgmt/schedule/history",
    id: historyId,
    resourceUri: `${scheduleUri}/history/${historyId}`,
    scheduleId: id,
    scheduleUri,
    startedAt,
    succeeded: reply.status >= 200 && reply.status < 300,
    summary: `${reply.status}`,
    debugId: randomUUID(),
    durationInSec: 0,
    generation: 1,
    createdAt: startedAt,
    updatedAt: startedAt,
    status: reply.status,
    headers: reply.headers ?? {},
    body: reply.body ?? null,
  };
  data.scheduleHistory.set(id, [...(data.scheduleHistory.get(id) ?? []), entry]);
  const ran = {
    ...schedule,
    lastRun: entry,
    nextStartAt: nextStart(schedule, runner.timers.now(), Date.parse(startedAt)),
  };
  data.schedules.set(id, ran);
  arm(data, id, runner);
}

/** Deletes the schedules associated with the object at `uri` (its resourceUri, any API version). */
export function dropSchedulesOf(data: ScheduleData, uri: string): void {
  const target = objectKey(uri);
  if (target === undefined) return;
  for (const [id, schedule] of data.schedules) {
    const associated = schedule.associatedResourceUri;
    if (typeof associated === "string" && objectKey(associated) === target) {
      data.schedules.delete(id);
      data.scheduleHistory.delete(id);
    }
  }
}

/**
 * `groups/<id>` for `/compute-ops-mgmt/v1/groups/<id>`: the spec's own example
 * associates a schedule with `/compute-ops/v1beta2/groups/<id>`, so the prefix and
 * the version do not matter, the collection and the id do.
 */
export function objectKey(uri: string): string | undefined {
  const m = /^\/compute-ops(?:-mgmt)?\/v\d+(?:beta\d+)?\/([a-z-]+)\/([^/?#]+)$/i.exec(uri);
  return m ? `${m[1].toLowerCase()}/${decodeURIComponent(m[2]).toLowerCase()}` : undefined;
}

export function schedules(
  req: EmulatorRequest,
  data: ScheduleData,
  runner: ScheduleRunner,
  id?: string,
  history?: { historyId?: string },
): Reply {
  const now = runner.timers.now();
  if (id === undefined) {
    if (req.method === "GET") {
      return listReply(req, [...data.schedules.values()], 1000, 50, filterView);
    }
    if (req.method !== "POST") return methodNotAllowed();
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const body = parsed.value;
    const readOnly = Object.keys(body).filter((k) => readOnlyScheduleFields.includes(k));
    const issues = [
      ...readOnly.map((subject) => ({ subject, description: "is read-only" })),
      ...scheduleIssues(body, now, runner),
    ];
    if (issues.length > 0) return badRequest(issues);
    const created = newObject("compute-ops-mgmt/schedule", schedulesPath, {
      ...normalized(body),
      lastRun: null,
    });
    created.historyUri = `${created.resourceUri as string}/history`;
    created.nextStartAt = nextStart(created, now);
    data.schedules.set(created.id as string, created);
    arm(data, created.id as string, runner);
    return json(201, created, { Location: created.resourceUri as string });
  }
  const existing = data.schedules.get(id);
  if (!existing) return notFound(`Schedule ${id}`);
  if (history !== undefined) {
    if (req.method !== "GET") return methodNotAllowed();
    const entries = data.scheduleHistory.get(id) ?? [];
    if (history.historyId === undefined) return listReply(req, [...entries].reverse(), 1000, 50);
    const entry = entries.find((e) => e.id === history.historyId);
    return entry ? json(200, entry) : notFound(`Schedule history ${history.historyId}`);
  }
  if (req.method === "GET") return json(200, existing);
  if (req.method === "DELETE") {
    data.schedules.delete(id);
    data.scheduleHistory.delete(id);
    return { status: 204 };
  }
  if (req.method === "PATCH") {
    const parsed = readBody(req);
    if ("reply" in parsed) return parsed.reply;
    const patch = parsed.value;
    const issues: Issue[] = Object.keys(patch)
      .filter((k) => readOnlyScheduleFields.includes(k))
      .map((subject) => ({ subject, description: "is read-only" }));
    // The PATCH schema marks the operation's method and uri read-only: a schedule
    // cannot be turned into another request (docs/api-facts.md#schedules).
    const operationPatch = isObject(patch.operation) ? patch.operation : {};
    const current = existing.operation as Obj;
    for (const field of ["method", "uri", "type"]) {
      if (field in operationPatch && operationPatch[field] !== current[field]) {
        issues.push({ subject: `operation.${field}`, description: "cannot be changed" });
      }
    }
    if (patch.operation !== undefined && !isObject(patch.operation)) {
      issues.push({ subject: "operation", description: "must be an object" });
    }
    if (patch.schedule !== undefined && !isObject(patch.schedule)) {
      issues.push({ subject: "schedule", description: "must be an object" });
    }
    if (issues.length > 0) return badRequest(issues);
    const merged = mergePatch(existing, patch) as Obj;
    const mergedIssues = scheduleIssues(merged, now, runner);
    if (mergedIssues.length > 0) return badRequest(mergedIssues);
    const updated = bump(normalized(merged), existing);
    const lastRunAt =
      isObject(existing.lastRun) && typeof existing.lastRun.startedAt === "string"
        ? Date.parse(existing.lastRun.startedAt)
        : undefined;
    // A new start is a new plan: a one-time schedule moved to a new time runs again.
    const sameStart = (existing.schedule as Obj).startAt === (updated.schedule as Obj).startAt;
    updated.nextStartAt = nextStart(updated, now, sameStart ? lastRunAt : undefined);
    data.schedules.set(id, updated);
    arm(data, id, runner);
    return json(200, updated);
  }
  return methodNotAllowed();
}

/** The emulator's request for a scheduled operation, as its router takes one. */
export function scheduledRequest(request: ScheduledRequest, tenantAcid: string): EmulatorRequest {
  const rawQuery = new URLSearchParams(request.query).toString();
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (tenantAcid !== "") headers["tenant-acid"] = tenantAcid;
  const hasBody = request.body !== null && request.body !== undefined;
  return {
    method: request.method,
    // The uri is relative and starts with "/" (checked on create): the path as sent.
    path: request.uri.split("?")[0],
    rawQuery,
    query: Object.fromEntries(new URLSearchParams(rawQuery)),
    headers,
    rawBody: hasBody ? JSON.stringify(request.body) : "",
    contentType: hasBody
      ? request.method === "PATCH"
        ? "application/merge-patch+json"
        : "application/json"
      : "",
  };
}
