/**
 * Schedule: a REST operation Compute Ops Management sends itself once at a time or
 * every interval from then on, `/compute-ops-mgmt/v1beta2/schedules`
 * (docs/api-facts.md#schedules; schemas schedulePost-v1beta2, schedulePatch-v1beta2,
 * schedule-v1beta2). The usual operation is a POST of a job (a job template on a
 * group, such as a firmware update in a maintenance window).
 *
 * Names are not unique, so a create after a lost answer is proven by a marker the
 * provider writes into the description (docs/design.md#marked-creates). The PATCH
 * cannot change the operation's method or uri: a change of either replaces the
 * schedule. The API deletes a schedule whose associated resource is deleted; a
 * refresh then reads it as gone.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  createProvablyOnce,
  createRecoveryWindowMs,
  deleteIgnoringGone,
  diffResult,
  diffWithUnknowns,
  parseResponse,
  readOrGone,
  recoverCommand,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick } from "../core/declaredState";
import { containsUnknown } from "../core/unknowns";
import { definedOnly, isPlainObject, jsonEqual } from "../core/pulumiResults";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { GreenLakeClient } from "./client";
import { tenantAcidInput } from "./tenantAcidInput";
import { odataString, odataTimestamp } from "./odata";
import { patchOrRead } from "./resourceRequests";

export const schedulesPath = "/compute-ops-mgmt/v1beta2/schedules";
export const schedulePath = (id: string) => `${schedulesPath}/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------------------
// The create marker (docs/design.md#marked-creates)

/** `[pulumi-ops-management create <uuid>]`, the description's last line after a create. */
const markerPattern =
  /(?:\n\n)?\[pulumi-ops-management create [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\]$/;
/** The marker and the blank line before it: 2 + 59 characters. */
const markerLength = 61;
/** The spec's description bound, less the room the marker takes. */
const maxDescriptionLength = 10000 - markerLength;

function markerLine(marker: string): string {
  return `[pulumi-ops-management create ${marker}]`;
}

/** The description a create sends: the declared one, and the marker as its last line. */
function markedDescription(description: string | undefined, marker: string): string {
  return description === undefined || description === ""
    ? markerLine(marker)
    : `${description}\n\n${markerLine(marker)}`;
}

/** The live description without the marker: what the program declares. */
export function declaredDescription(live: string | null | undefined): string | undefined {
  if (live === null || live === undefined) return undefined;
  const stripped = live.replace(markerPattern, "");
  return stripped === "" ? undefined : stripped;
}

// ---------------------------------------------------------------------------
// Inputs

/** The spec's operation methods (scheduleRESTOperationPost-v1beta2). */
const operationMethods = [
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
  "TRACE",
] as const;

/** RFC 3339 with a zone, as `format: date-time` asks. */
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const durationPattern =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const headerNamePattern = /^[0-9a-zA-Z!#$%&'*+.^_`|~-]+$/;
const associatedUriPattern = /^\/compute-ops(-mgmt)?\/v\d+(beta\d+)?\/[a-z-]+\/[^/?#]+$/i;

/** An ISO 8601 duration in seconds (a year 365 days, a month 30), or undefined. */
export function durationSeconds(text: string): number | undefined {
  const m = durationPattern.exec(text);
  if (!m || text === "P" || text.endsWith("T")) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0));
  return (((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s;
}

const stringMap = (what: string, names?: RegExp) =>
  z.record(z.string().max(256, "must be at most 256 characters")).superRefine((map, ctx) => {
    const keys = Object.keys(map);
    if (keys.length > 32) {
      ctx.addIssue({ code: "custom", message: `must have at most 32 ${what}` });
    }
    for (const key of keys) {
      if (key.length < 1 || key.length > 128 || (names !== undefined && !names.test(key))) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is not a valid ${what.replace(/s$/, "")} name (1 to 128 characters${names ? ", a token" : ""})`,
        });
      }
    }
  });

const whenInput = z
  .object({
    startAt: z
      .string()
      .regex(dateTimePattern, 'must be a date-time with a zone, e.g. "2026-12-19T02:00:00Z"')
      .describe(
        "For a one-time schedule, when it runs; for a recurring one, when it first runs. " +
          'A date-time with a zone ("2026-12-19T02:00:00Z"), within a year of now. Compared ' +
          "as an instant, so the API's own spelling of it is not drift.",
      ),
    interval: z
      .string()
      .optional()
      .superRefine((interval, ctx) => {
        if (interval === undefined) return;
        const seconds = durationSeconds(interval);
        if (seconds === undefined) {
          ctx.addIssue({ code: "custom", message: 'must be an ISO 8601 duration, e.g. "P7D"' });
        } else if (seconds <= 15 * 60 || seconds >= 365 * 24 * 3600) {
          ctx.addIssue({
            code: "custom",
            message: "must be longer than PT15M and shorter than P1Y",
          });
        }
      })
      .describe(
        'How long between runs of a recurring schedule, an ISO 8601 duration ("P7D", ' +
          '"PT12H"), longer than PT15M and shorter than P1Y. Leave it out for a one-time schedule.',
      ),
  })
  .strict()
  .describe("When the operation runs.");

const operationInput = z
  .object({
    type: z
      .literal("REST")
      .default("REST")
      .describe('The kind of operation; the API knows "REST" only (the default).'),
    method: z
      .enum(operationMethods, {
        errorMap: () => ({ message: `must be one of: ${operationMethods.join(", ")}` }),
      })
      .describe("The HTTP method of the request. The API cannot change it: a change replaces."),
    uri: z
      .string()
      .regex(/^\//, 'must be a relative URI starting with "/", e.g. "/compute-ops-mgmt/v1/jobs"')
      .max(128, "must be at most 128 characters")
      .describe(
        'The request\'s relative URI, e.g. "/compute-ops-mgmt/v1/jobs", at most 128 ' +
          "characters. The API cannot change it: a change replaces the schedule.",
      ),
    body: z
      .unknown()
      .optional()
      .describe(
        "The request's JSON body, e.g. a job: `{ jobTemplate, resourceId, resourceType, " +
          "jobParams }`. Not secret: anyone who can read schedules sees it, so it must hold " +
          "no credential.",
      ),
    headers: stringMap("headers", headerNamePattern)
      .default({})
      .describe("Request headers, at most 32; values up to 256 characters."),
    query: stringMap("query parameters")
      .default({})
      .describe("Query parameters, at most 32; values up to 256 characters."),
    timeoutInSec: z
      .number()
      .gt(0, "must be above 0 and at most 60 seconds")
      .max(60, "must be above 0 and at most 60 seconds")
      .default(20)
      .describe(
        "Seconds the request may take before it is aborted: above 0, at most 60 (default 20).",
      ),
  })
  .strict()
  .describe("The request the schedule sends (a REST operation).");

/** The inputs' fields; the output schema extends them. */
const scheduleInputFields = z
  .object({
    name: z
      .string()
      .min(1, "is required")
      .max(100, "must be at most 100 characters")
      .describe(
        "The display name, 1 to 100 characters. Not unique: several schedules may share it.",
      ),
    description: z
      .string()
      .max(maxDescriptionLength, `must be at most ${maxDescriptionLength} characters`)
      .optional()
      .describe(
        `A longer description, up to ${maxDescriptionLength} characters. On create the ` +
          "provider adds a last line `[pulumi-ops-management create <uuid>]`, which proves " +
          "the schedule is this resource's if the API's answer is lost; it is never drift, " +
          "and a later change of the description drops it.",
      ),
    purpose: z
      .string()
      .max(64, "must be at most 64 characters")
      .optional()
      .describe("A machine-readable category for the schedule, up to 64 characters."),
    associatedResourceUri: z
      .string()
      .max(128, "must be at most 128 characters")
      .regex(
        associatedUriPattern,
        'must be a resource URI, e.g. a group\'s resourceUri "/compute-ops-mgmt/v1/groups/<id>"',
      )
      .optional()
      .describe(
        "The resource the schedule belongs to, e.g. a Group's `resourceUri`. When that " +
          "resource is deleted the API deletes the schedule too; the next refresh drops it.",
      ),
    schedule: whenInput,
    operation: operationInput,
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the schedule.",
      ),
    tenantAcid: tenantAcidInput.describe(
      "The application customer ID of a tenant, for an MSP workspace acting on behalf of " +
        "that tenant (sent as the `Tenant-Acid` header), if not the stack's. Changing it " +
        "replaces the schedule.",
    ),
  })
  .strict();

export const scheduleInputs = scheduleInputFields;
export type ScheduleInputs = z.infer<typeof scheduleInputs>;

export const scheduleOutputs = scheduleInputFields
  .extend({
    nextStartAt: z
      .string()
      .optional()
      .describe("When the operation runs next, as last read; absent when no run is left."),
    lastRun: z
      .record(z.unknown())
      .optional()
      .describe(
        "The latest run as last read (startedAt, succeeded, status, summary, body), absent " +
          "before the first.",
      ),
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time of schedule creation."),
    updatedAt: z.string().optional().describe("Time of the last schedule update."),
    resourceUri: z.string().optional().describe("URI of the schedule itself (a self link)."),
    historyUri: z.string().optional().describe("URI of the schedule's run history."),
  })
  .describe(
    "An HPE Compute Ops Management schedule: a REST operation (usually a POST of a job, " +
      "such as a group firmware update) run once at a time or every interval. Several " +
      "schedules may share a name. A change of the operation's method or uri, the region or " +
      "the tenant replaces it; every other change is a merge patch. Deleting its associated " +
      "resource deletes it.",
  );
export type ScheduleState = z.infer<typeof scheduleOutputs>;

export const scheduleSchemas = resourceSchemas({
  type: "Schedule",
  inputs: scheduleInputs,
  outputs: scheduleOutputs,
  example: {
    name: "web firmware window",
    description: "Monthly firmware update of the web group",
    purpose: "FIRMWARE_UPDATE",
    associatedResourceUri: "/compute-ops-mgmt/v1/groups/cad23390-5209-43d1-b38d-bc96258b47e5",
    schedule: { startAt: "2026-12-19T02:00:00Z", interval: "P30D" },
    operation: {
      type: "REST",
      method: "POST",
      uri: "/compute-ops-mgmt/v1/jobs",
      body: {
        jobTemplate: "91159b5e-9eeb-11ec-a9da-00155dc0a0c0",
        resourceId: "cad23390-5209-43d1-b38d-bc96258b47e5",
        resourceType: "compute-ops-mgmt/group",
      },
      headers: { "Accept-Language": "en" },
      query: { select: "id" },
      timeoutInSec: 30,
    },
    region: "us-west",
    tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
  },
});

// ---------------------------------------------------------------------------
// API response (schedule-v1beta2; the fields used here)

const scheduleResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullish(),
    purpose: z.string().nullish(),
    associatedResourceUri: z.string().nullish(),
    schedule: z.object({ startAt: z.string(), interval: z.string().nullish() }).passthrough(),
    operation: z
      .object({
        type: z.string(),
        method: z.string(),
        uri: z.string(),
        body: z.unknown().optional(),
        headers: z.record(z.string()).nullish(),
        query: z.record(z.string()).nullish(),
        timeoutInSec: z.number().nullish(),
      })
      .passthrough(),
    nextStartAt: z.string().nullish(),
    lastRun: z.record(z.unknown()).nullish(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    resourceUri: z.string().optional(),
    historyUri: z.string().optional(),
  })
  .passthrough();
type ScheduleResponse = z.infer<typeof scheduleResponse>;

function parseSchedule(body: unknown, what: string): ScheduleResponse {
  return parseResponse(scheduleResponse, body, what, "schedule");
}

// ---------------------------------------------------------------------------
// Fields and comparisons

type When = ScheduleInputs["schedule"];
type Operation = ScheduleInputs["operation"];

/** The fields a PATCH changes (schedulePatch-v1beta2); the operation's method and uri are read-only. */
const patchableFields = [
  "name",
  "description",
  "purpose",
  "associatedResourceUri",
  "schedule",
  "operation",
] as const;
type PatchableField = (typeof patchableFields)[number];
/** The operation's fields a PATCH may change. */
const patchableOperationFields = ["body", "headers", "query", "timeoutInSec"] as const;
/** The operation's fields whose change replaces the schedule. */
const fixedOperationFields = ["type", "method", "uri"] as const;

const readOnlyFields = [
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
  "historyUri",
] as const;

function fieldsOf(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? { ...value } : {};
}

/** Two start times that are the same instant, however written. */
function sameInstant(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") return a === b;
  const [x, y] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? a === b : x === y;
}

/** Two intervals of the same length ("P7D" and "P1W"), or both absent. */
function sameInterval(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") return (a ?? null) === (b ?? null);
  const [x, y] = [durationSeconds(a), durationSeconds(b)];
  return x === undefined || y === undefined ? a === b : x === y;
}

function sameWhen(a: unknown, b: unknown): boolean {
  const [x, y] = [fieldsOf(a), fieldsOf(b)];
  return sameInstant(x.startAt, y.startAt) && sameInterval(x.interval, y.interval);
}

/** The operation with the spec's defaults filled, so a default the API fills is not drift. */
function withOperationDefaults(operation: unknown): Record<string, unknown> {
  const op = fieldsOf(operation);
  return {
    type: op.type ?? "REST",
    method: op.method,
    uri: op.uri,
    body: op.body ?? null,
    headers: op.headers ?? {},
    query: op.query ?? {},
    timeoutInSec: op.timeoutInSec ?? 20,
  };
}

/** The operation's fields among `fields` that differ. */
function changedOperationFields(a: unknown, b: unknown, fields: readonly string[]): string[] {
  const [x, y] = [withOperationDefaults(a), withOperationDefaults(b)];
  return fields.filter((field) => !jsonEqual(x[field], y[field]));
}

function sameField(field: PatchableField, a: unknown, b: unknown): boolean {
  switch (field) {
    case "schedule":
      return sameWhen(a, b);
    case "operation":
      return changedOperationFields(a, b, patchableOperationFields).length === 0;
    case "description":
      // An empty description reads back as none: only the marker was sent.
      return (a ?? "") === (b ?? "");
    default:
      // The API answers null for what is not set.
      return jsonEqual(a ?? null, b ?? null);
  }
}

/** The patchable fields whose declared value differs from the recorded or live one. */
function changedPatchableFields(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): PatchableField[] {
  return patchableFields.filter((field) => !sameField(field, declared[field], current[field]));
}

/** Why the schedule must be replaced: its operation's method or uri, its region or tenant. */
function replacingFields(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const replaces = ["region", "tenantAcid"].filter((f) => !jsonEqual(olds[f], news[f]));
  if (changedOperationFields(olds.operation, news.operation, fixedOperationFields).length > 0) {
    replaces.push("operation");
  }
  return replaces;
}

/**
 * The RFC 7396 merge patch that turns `from` into `to`: a key `to` no longer has
 * is removed with null, objects patch key by key, anything else replaces.
 */
function mergePatchBetween(from: unknown, to: unknown): unknown {
  if (!isPlainObject(from) || !isPlainObject(to)) return to;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(from)) if (!(key in to)) out[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (!jsonEqual(from[key], value)) out[key] = mergePatchBetween(from[key], value);
  }
  return out;
}

/**
 * The merge patch from the recorded schedule to the declared one: changed fields
 * only, null for one no longer declared, the operation's changed parts only (its
 * method and uri are read-only and never sent), the schedule's time whole.
 */
function mergePatchFor(
  current: Record<string, unknown>,
  declared: ScheduleInputs,
): Record<string, unknown> | undefined {
  const changed = changedPatchableFields(current, declared);
  if (changed.length === 0) return undefined;
  const patch: Record<string, unknown> = {};
  for (const field of changed) {
    if (field === "schedule") {
      patch.schedule = {
        startAt: declared.schedule.startAt,
        interval: declared.schedule.interval ?? null,
      };
    } else if (field === "operation") {
      const [was, now] = [
        withOperationDefaults(current.operation),
        withOperationDefaults(declared.operation),
      ];
      patch.operation = Object.fromEntries(
        changedOperationFields(was, now, patchableOperationFields).map((f) => [
          f,
          f === "timeoutInSec" ? now[f] : mergePatchBetween(was[f], now[f]),
        ]),
      );
    } else {
      patch[field] = declared[field] ?? null;
    }
  }
  return patch;
}

/** The live schedule in input shape; where it is the same as declared, the declared spelling. */
function liveInputsFor(
  declared: Partial<ScheduleInputs>,
  live: ScheduleResponse,
): Omit<ScheduleInputs, "region" | "tenantAcid"> {
  const liveWhen: When = definedOnly({
    startAt: live.schedule.startAt,
    interval: live.schedule.interval ?? undefined,
  });
  const op = live.operation;
  const liveOperation = definedOnly({
    type: op.type,
    method: op.method,
    uri: op.uri,
    body: op.body ?? undefined,
    headers: op.headers ?? {},
    query: op.query ?? {},
    timeoutInSec: op.timeoutInSec ?? 20,
  }) as Operation;
  return definedOnly({
    name: live.name,
    description: declaredDescription(live.description),
    purpose: live.purpose ?? undefined,
    associatedResourceUri: live.associatedResourceUri ?? undefined,
    schedule:
      declared.schedule !== undefined && sameWhen(declared.schedule, liveWhen)
        ? declared.schedule
        : liveWhen,
    operation:
      declared.operation !== undefined &&
      sameField("operation", declared.operation, liveOperation) &&
      changedOperationFields(declared.operation, liveOperation, fixedOperationFields).length === 0
        ? declared.operation
        : liveOperation,
  });
}

/** Outputs: the inputs as declared, and the API's read-only fields. */
function outputsFrom(declared: ScheduleInputs, live: ScheduleResponse): ScheduleState {
  return definedOnly({
    ...declared,
    ...pick(live, readOnlyFields),
    nextStartAt: live.nextStartAt ?? undefined,
    lastRun: live.lastRun ?? undefined,
  });
}

/** The body of a POST: every declared field of the spec, the description marked. */
function createBody(inputs: ScheduleInputs, marker: string) {
  return definedOnly({
    name: inputs.name,
    description: markedDescription(inputs.description, marker),
    purpose: inputs.purpose,
    associatedResourceUri: inputs.associatedResourceUri,
    schedule: inputs.schedule,
    operation: inputs.operation,
  });
}

/** True when the live schedule carries every declared field (its description's marker aside). */
function carriesDeclaration(inputs: ScheduleInputs, live: ScheduleResponse): boolean {
  const current = liveInputsFor(inputs, live);
  return (
    changedPatchableFields(current, inputs).length === 0 &&
    changedOperationFields(current.operation, inputs.operation, fixedOperationFields).length === 0
  );
}

/**
 * The schedules of this operation uri created since `since`, when given. The spec
 * filters by neither name nor description (docs/api-facts.md#schedules), so the
 * uri and the creation time narrow the list, and the rest is compared here.
 */
async function schedulesLike(
  client: GreenLakeClient,
  uri: string,
  since?: string,
): Promise<ScheduleResponse[]> {
  const found = await client.list<unknown>(schedulesPath, {
    filter:
      `operation/uri eq ${odataString(uri)}` +
      (since === undefined ? "" : ` and createdAt ge ${since}`),
  });
  return found.map((item) => parseSchedule(item, `GET ${schedulesPath}`));
}

/** What `recover` finds for a schedule whose create never heard back: those that carry its declaration. */
export function scheduleRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = scheduleInputs.parse(withoutProvider(raw));
      const found = await schedulesLike(dependencies.clientFor(inputs), inputs.operation.uri);
      return byCreation(
        found
          .filter((live) => carriesDeclaration(inputs, live))
          .map((live) => ({ id: live.id, createdAt: live.createdAt })),
      );
    },
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

export function scheduleImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates } = dependencies;
  return typedImplementation(scheduleSchemas, {
    async diff(_id, olds, news) {
      const result = diffWithUnknowns("Schedule", olds, news, (known) =>
        diffResult(changedPatchableFields(olds, known), replacingFields(olds, known)),
      );
      // The operation's method or uri unknown (a preview): it may be another request.
      const operation = news.operation;
      const fixedUnknown =
        containsUnknown(operation) &&
        (typeof operation !== "object" ||
          operation === null ||
          fixedOperationFields.some((f) =>
            containsUnknown((operation as Record<string, unknown>)[f]),
          ));
      const replaces = result.replaces ?? [];
      if (fixedUnknown && !replaces.includes("operation")) {
        return { ...result, changes: true, replaces: [...replaces, "operation"] };
      }
      return result;
    },

    async create(inputs) {
      const client = clientFor(inputs);
      // Slack for clocks that disagree: the schedule this POST makes is in the list below.
      const postedAfter = odataTimestamp(Date.now() - createRecoveryWindowMs);
      const marker = randomUUID();
      const body = createBody(inputs, marker);
      // Not retried by the client (a repeat could make a second schedule). Names are
      // not unique, so after a lost answer ours is the new schedule whose description
      // carries this create's marker, whoever else made lookalikes meanwhile.
      const created = await createProvablyOnce(
        {
          noun: "schedule",
          marked: true,
          lookalikes: () => schedulesLike(client, inputs.operation.uri, postedAfter),
          post: async () =>
            parseSchedule(await client.post(schedulesPath, body), `POST ${schedulesPath}`),
          matches: (live) => live.description === body.description,
          wayOut:
            `If one is this resource's, run \`${recoverCommand}\` to record it; otherwise ` +
            "delete it.",
        },
        creates,
      );
      return { id: created.id, outs: outputsFrom(inputs, created) };
    },

    async read(id, old) {
      const live = await readOrGone(async () =>
        parseSchedule(await clientFor(old).get(schedulePath(id)), `GET ${schedulePath(id)}`),
      );
      // Deleted out of band, or with its associated resource (docs/api-facts.md#schedules).
      if (live === undefined) return { id: "" };
      const inputs = definedOnly({
        ...pick(old, ["region", "tenantAcid"]),
        ...liveInputsFor(old, live),
      });
      return { id: live.id, props: outputsFrom(inputs, live), inputs };
    },

    async update(id, olds, inputs) {
      const updated = await patchOrRead(
        clientFor(inputs),
        schedulePath(id),
        mergePatchFor(olds, inputs),
        parseSchedule,
        { noun: "schedule", id, name: inputs.name },
      );
      return { outs: outputsFrom(inputs, updated) };
    },

    async delete(id, recorded) {
      // A schedule deleted with its associated resource is gone already: deleted.
      await deleteIgnoringGone(() => clientFor(recorded).delete(schedulePath(id)));
    },
  });
}

export const schedule = scheduleImplementation();

/** What the registry loads for Schedule. */
export const resourceModule: ResourceModule = {
  schemas: scheduleSchemas,
  implementation: schedule,
  recovery: () => scheduleRecovery(),
};
