/**
 * ServerPoolRequest: a request for servers from a MongoDB Ops Manager server pool,
 * `/groups/{GROUP-ID}/serverPool/requests` (docs/api-facts.md#ops-manager-server-pool). The API has no update, so
 * every change of input is a new request; DELETE cancels one.
 * Server pools are deprecated since Ops Manager 4.0 and disabled by default.
 */
import { z } from "zod";
import {
  diffResult,
  diffWithUnknowns,
  createProvablyOnce,
  isGone,
  readOrGone,
  refuseChangeInPlace,
  updateUnlessGone,
  withoutProvider,
} from "../core/lifecycle";
import { opsManagerSettings } from "../core/configuration";
import { pick } from "../core/declaredState";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
} from "../core/resource";
import { OpsManagerClient } from "./client";
import { defaultOpsManagerDependencies, OpsManagerDependencies } from "./dependencies";
import { definedOnly, jsonEqual, providerKey } from "../core/pulumiResults";
import { awaitCreated, formatElapsed, WaitClock } from "../core/waitForState";
import { resourceTypes } from "../core/resourceTypes";

// ---------------------------------------------------------------------------
// Inputs

/** Ops Manager ids (groups, requests) are 24-hex-digit ObjectIds (docs/api-facts.md#requests). */
const objectId = z
  .string()
  .regex(/^[0-9a-f]{24}$/, "must be an Ops Manager id: 24 hexadecimal digits");

/**
 * MongoDB's documentation (docs/api-facts.md#requests): "You must specify a value for each property in the array. You can
 * specify multiple values for a property if the property's multiSelect option is
 * enabled." Whether a property is multi-select only the pool knows, so a list is
 * accepted here and the API judges it.
 */
/** The documentation bounds neither; 256 keeps a runaway value from the API. */
const maxTextLength = 256;
const tooLong = `must be at most ${maxTextLength} characters`;
const propertyText = z.string().min(1, "must be a non-empty string").max(maxTextLength, tooLong);

const propertyValue = z.union([
  propertyText,
  z.array(propertyText).min(1, "must list at least one value"),
]);

export const serverPoolRequestInputs = z
  .object({
    properties: z
      .array(
        z
          .record(
            z
              .string()
              .min(1, "a property name must not be empty")
              .max(maxTextLength, `a property name ${tooLong}`),
            propertyValue,
          )
          .refine((p) => Object.keys(p).length > 0, "must name at least one property")
          .describe(
            "One server: pool property names and the value wanted for each, or a list of " +
              "values for a property whose `multiSelect` option is enabled.",
          ),
        { invalid_type_error: "must be a list of objects, one per server" },
      )
      .min(1, "must ask for at least one server")
      .describe(
        "The properties that identify the type of server requested: one object per server, " +
          "naming pool properties and the value wanted for each, e.g. " +
          '`[{ Datacenter: "nyc", size: "large" }]`. A value must be given for each property; ' +
          "a property whose `multiSelect` option is enabled may take a list of values. The " +
          "pool's properties are listed by GET /groups/{GROUP-ID}/serverPool/properties.",
      ),
    groupId: objectId
      .optional()
      .describe(
        "The Ops Manager project (group) id, 24 hexadecimal digits, if not the stack's " +
          "`ops-manager:groupId`.",
      ),
    waitForCompletion: z
      .boolean()
      .default(true)
      .describe(
        "Wait until the request is COMPLETED (default true). A request that FAILED, was " +
          "cancelled, expired (no server became available before `expires`) or outlasts " +
          "`timeoutMinutes` then fails the deployment; its id is still recorded, so " +
          "`pulumi destroy` can cancel it.",
      ),
    timeoutMinutes: z
      .number()
      .int("must be a whole number of minutes")
      .min(1, "must be 1 to 1440 minutes")
      .max(1440, "must be 1 to 1440 minutes")
      .default(30)
      .describe(
        "How long to wait for the request, 1 to 1440 minutes (default 30). Changing it (or " +
          "`waitForCompletion`) updates in place: no new request is made.",
      ),
    adoptId: objectId
      .optional()
      .describe(
        "The id of an existing request (24 hexadecimal digits) to manage instead of making " +
          "one; it must ask for the declared `properties` and not be cancelled.",
      ),
  })
  .strict();
export type ServerPoolRequestInputs = z.infer<typeof serverPoolRequestInputs>;
type Properties = ServerPoolRequestInputs["properties"];

/**
 * What the stack records: the inputs as declared (defaults applied), the group the
 * request was made in, and the request's read-only fields as last read.
 */
export const serverPoolRequestOutputs = serverPoolRequestInputs
  .extend({
    groupId: z
      .string()
      .describe(
        "The project (group) for which the servers are requested: the declared one, or the " +
          "stack's `ops-manager:groupId`.",
      ),
    statusName: z
      .string()
      .describe(
        "The status of the request: EXECUTING (pending), CANCELLING, CANCELLED, FAILED or " +
          "COMPLETED (fulfilled).",
      ),
    numServers: z.number().optional().describe("The number of servers requested."),
    created: z.string().optional().describe("The date and time the request was issued."),
    expires: z
      .string()
      .optional()
      .describe("The date and time the request expires if no server is available."),
    completeDate: z.string().optional().describe("The date and time the request was completed."),
    cancelDate: z.string().optional().describe("The date and time the request was cancelled."),
    links: z.array(z.unknown()).optional().describe("Links to the request and related resources."),
  })
  .describe(
    "A request to provision servers from a MongoDB Ops Manager server pool (needs the " +
      "Automation Admin role). Any change of input but the wait settings " +
      "(`waitForCompletion`, `timeoutMinutes`) makes a new request; `pulumi destroy` cancels " +
      "it. Server pools are deprecated since Ops Manager 4.0 and disabled by default.",
  );
export type ServerPoolRequestState = z.infer<typeof serverPoolRequestOutputs>;

export const serverPoolRequestSchemas = resourceSchemas({
  type: "ServerPoolRequest",
  inputs: serverPoolRequestInputs,
  outputs: serverPoolRequestOutputs,
});

// ---------------------------------------------------------------------------
// API response (docs/api-facts.md#request-entity)

interface ServerPoolRequestResponse {
  id: string;
  statusName: string;
  numServers?: number;
  created?: string;
  expires?: string;
  completeDate?: string;
  cancelDate?: string;
  groupId?: string;
  /** What the request asks for, in the shape a program declares it. */
  properties?: Properties;
  links?: unknown[];
}

// ---------------------------------------------------------------------------
// Fields

/** The API has no update: every input of the request is immutable. */
const requestFields = resourceTypes.ServerPoolRequest.replacedBy;
/** How the provider waits for the request: a change is recorded in place, with no new request. */
const waitFields = resourceTypes.ServerPoolRequest.waitSettings;
const inputFields = [...requestFields, ...waitFields];

/** The request's read-only fields the stack records as the API sends them; `statusName` is typed apart, as always sent. */
const outputFields = [
  "numServers",
  "created",
  "expires",
  "completeDate",
  "cancelDate",
  "links",
] as const;

/** The statusName values of docs/api-facts.md#request-statuses that mean the request was cancelled (by us or by hand). */
const cancelled = ["CANCELLING", "CANCELLED"];
/** States a request does not leave by itself. */
const terminal = ["COMPLETED", "FAILED", ...cancelled];
/** States in which a request holds no server, so there is nothing to cancel. */
const nothingToCancel = ["FAILED", ...cancelled];

const requestsPath = (groupId: string) =>
  `/groups/${encodeURIComponent(groupId)}/serverPool/requests`;
const requestPath = (groupId: string, id: string) =>
  `${requestsPath(groupId)}/${encodeURIComponent(id)}`;

/** Ops Manager's page size for lists: its documented default (the maximum is 500). */
export const requestsPerPage = 100;

/**
 * Every request of the group: `pageNum` from 1 until `totalCount` requests are read
 * or a page comes back empty (docs/api-facts.md#requests).
 */
export async function listRequests(
  client: OpsManagerClient,
  groupId: string,
  itemsPerPage = requestsPerPage,
): Promise<ServerPoolRequestResponse[]> {
  const all: ServerPoolRequestResponse[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = await client.get<{ results?: ServerPoolRequestResponse[]; totalCount?: number }>(
      `${requestsPath(groupId)}?pageNum=${pageNum}&itemsPerPage=${itemsPerPage}`,
    );
    const results = Array.isArray(page.results) ? page.results : [];
    all.push(...results);
    const total = typeof page.totalCount === "number" ? page.totalCount : undefined;
    if (results.length === 0 || total === undefined || all.length >= total) return all;
  }
}

/**
 * Properties compared for equality: key order never matters, and neither does the
 * order of a multi-select property's values (a set of acceptable values).
 */
function comparableProperties(properties: unknown): unknown {
  if (!Array.isArray(properties)) return properties;
  return properties.map((p) =>
    p !== null && typeof p === "object"
      ? Object.fromEntries(
          Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? [...v].map(String).sort() : v]),
        )
      : p,
  );
}

function sameProperties(a: unknown, b: unknown): boolean {
  return jsonEqual(comparableProperties(a), comparableProperties(b));
}

/** The request's read-only fields, as outputs. */
function liveOutputs(live: ServerPoolRequestResponse) {
  return { statusName: live.statusName, ...pick(live, outputFields) };
}

/**
 * Outputs: the declaration, the request's read-only fields, and always the effective
 * group id. A parsed declaration holds the input fields only, so it is recorded whole.
 */
function outputsFrom(
  declared: ServerPoolRequestInputs,
  live: ServerPoolRequestResponse,
  groupId: string,
): ServerPoolRequestState {
  return definedOnly({ ...declared, ...liveOutputs(live), groupId });
}

/** docs/api-facts.md#request-statuses: a request expires if no server becomes available by `expires`. */
function hasExpired(request: ServerPoolRequestResponse, now: number): boolean {
  return (
    request.statusName !== "COMPLETED" &&
    request.expires !== undefined &&
    Date.parse(request.expires) <= now
  );
}

/** What progress lines and messages call the request: its id and what it asks for. */
function requestLabel(id: string, properties: Properties): string {
  const wanted = properties
    .map((p) =>
      Object.entries(p)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : v}`)
        .join(" "),
    )
    .join("; ");
  return `ops-manager:ServerPoolRequest ${id} (${wanted})`;
}

/**
 * Waits until the request is COMPLETED and returns its outputs. Anything else
 * (FAILED, cancelled, expired, the timeout, a request that cannot be read) is
 * recorded as a partial create, so `pulumi destroy` can cancel the request.
 */
function awaitRequest(
  client: OpsManagerClient,
  groupId: string,
  inputs: ServerPoolRequestInputs,
  provider: unknown,
  lastSeen: ServerPoolRequestResponse,
  clock: WaitClock,
): Promise<ServerPoolRequestState> {
  const id = lastSeen.id;
  const label = requestLabel(id, inputs.properties);
  const retry =
    "Its id is recorded: change `properties` (or run `pulumi up --replace` on it) to make a new request, or `pulumi destroy` to cancel it.";
  return awaitCreated({
    id,
    noun: "request",
    label,
    lastSeen,
    provider,
    clock,
    outputsOf: (live) => outputsFrom(inputs, live, groupId),
    poll: () => client.get<ServerPoolRequestResponse>(requestPath(groupId, id)),
    stateOf: (r) => r.statusName,
    isTerminal: (r) => terminal.includes(r.statusName) || hasExpired(r, clock.now()),
    timeoutMs: inputs.timeoutMinutes * 60_000,
    failureOf: ({ finished, value: live, elapsedMs }) => {
      if (live.statusName === "COMPLETED") return undefined;
      if (!finished) {
        return (
          `${label} is still ${live.statusName} after timeoutMinutes (${inputs.timeoutMinutes}); ` +
          `it expires at ${live.expires ?? "an unknown time"}. Its id is recorded: the next ` +
          "`pulumi up` waits for it again."
        );
      }
      if (live.statusName === "FAILED") {
        return (
          `${label} FAILED after ${formatElapsed(elapsedMs)} (expires ${live.expires ?? "unknown"}): ` +
          `no server in the pool could be provisioned for these properties. ${retry}`
        );
      }
      if (cancelled.includes(live.statusName)) {
        return `${label} was cancelled (${live.statusName}) while it was awaited. ${retry}`;
      }
      return `${label} expired at ${live.expires} while ${live.statusName}: no server became available. ${retry}`;
    },
  });
}

/**
 * The declared inputs that differ. olds are the recorded outputs: they carry the
 * declared inputs verbatim and the effective group id, so each compares exactly.
 */
function changedInputs(
  fields: readonly string[],
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): string[] {
  return fields.filter((field) => {
    if (field === "properties") return !sameProperties(olds.properties, news.properties);
    if (field === "groupId") {
      // Undeclared means the stack's group: the request moves only if that changed.
      let wanted = news.groupId;
      if (wanted === undefined) {
        try {
          wanted = opsManagerSettings({}).groupId;
        } catch {
          return false; // No stack group to compare with; create would say so.
        }
      }
      return olds.groupId !== undefined && olds.groupId !== wanted;
    }
    return !jsonEqual(olds[field], news[field]);
  });
}

/** What `recover` finds for a request whose create never heard back: live requests for its properties. */
export function serverPoolRequestRecovery(
  dependencies: Pick<OpsManagerDependencies, "clientFor"> = defaultOpsManagerDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = serverPoolRequestInputs.parse(withoutProvider(raw));
      const { client, groupId } = dependencies.clientFor(inputs.groupId);
      const requests = await listRequests(client, groupId);
      return byCreation(
        requests
          .filter(
            (r) =>
              sameProperties(r.properties, inputs.properties) && !cancelled.includes(r.statusName),
          )
          .map((r) => ({ id: r.id, createdAt: r.created })),
      );
    },
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

/** The server-pool request lifecycle on the given dependencies (the process's own by default). */
export function serverPoolRequestImplementation(
  dependencies: OpsManagerDependencies = defaultOpsManagerDependencies,
): ResourceImplementation {
  const { clientFor, clock, creates } = dependencies;
  return typedImplementation(serverPoolRequestSchemas, {
    async diff(_id, olds, news) {
      // A changed wait setting updates in place; anything else is a new request.
      return diffWithUnknowns("ServerPoolRequest", olds, news, (known) =>
        diffResult(
          changedInputs(waitFields, olds, known),
          changedInputs(requestFields, olds, known),
        ),
      );
    },

    async create(inputs, provider) {
      const { client, groupId } = clientFor(inputs.groupId);
      let request: ServerPoolRequestResponse;

      if (inputs.adoptId !== undefined) {
        // Adoption (docs/design.md#adoption-instead-of-import): take over an existing request instead of
        // POSTing. A request cannot be changed, so it is taken only if it asks for what
        // the program declares, and a cancelled one is history, not something to manage.
        request = await client.get<ServerPoolRequestResponse>(requestPath(groupId, inputs.adoptId));
        if (cancelled.includes(request.statusName)) {
          throw new Error(
            `adoptId ${inputs.adoptId}: the server-pool request is ${request.statusName} and cannot be adopted; remove adoptId to make a new request`,
          );
        }
        if (
          request.properties !== undefined &&
          !sameProperties(request.properties, inputs.properties)
        ) {
          throw new Error(
            `adoptId ${inputs.adoptId}: the server-pool request asks for ${JSON.stringify(request.properties)} but the program declares ${JSON.stringify(inputs.properties)}; declare the request's properties to adopt it`,
          );
        }
      } else {
        // Identical declarations are legitimate, so requests of this process take
        // turns: after a lost answer, the one new request asking for these
        // properties is ours (docs/design.md#provable-creates).
        request = await createProvablyOnce<ServerPoolRequestResponse>(
          {
            noun: "server-pool request",
            lookalikes: async () =>
              (await listRequests(client, groupId)).filter(
                (r) =>
                  sameProperties(r.properties, inputs.properties) &&
                  !cancelled.includes(r.statusName),
              ),
            // MongoDB's documentation (docs/api-facts.md#requests): "Send a document that contains only the properties array."
            // The client never repeats this POST: a second one would be a second request.
            post: () =>
              client.post<ServerPoolRequestResponse>(requestsPath(groupId), {
                properties: inputs.properties,
              }),
            matches: () => true,
            serializeBy: `server-pool ${groupId}`,
          },
          creates,
        );
      }

      if (!inputs.waitForCompletion) {
        return { id: request.id, outs: outputsFrom(inputs, request, groupId) };
      }
      const outs = await awaitRequest(client, groupId, inputs, provider, request, clock);
      return { id: request.id, outs };
    },

    async read(id, recorded) {
      const { client, groupId } = clientFor(recorded.groupId);
      const live = await readOrGone(() =>
        client.get<ServerPoolRequestResponse>(requestPath(groupId, id)),
      );
      if (live === undefined) return { id: "" };
      // Cancelled by hand (or being cancelled): the servers are released and the
      // request is history, so it reads as gone and the next `up` makes a new one.
      if (cancelled.includes(live.statusName)) return { id: "" };
      // A FAILED request stays: its statusName is the news a refresh brings.
      // The request carries none of the wait settings and cannot change, so the
      // declared inputs are what was recorded.
      const inputs = definedOnly({
        ...pick(recorded, inputFields),
        [providerKey]: recorded[providerKey],
      });
      // `ServerPoolRequest.get(name, id)` records nothing: the properties come from the request.
      const described =
        recorded.properties === undefined && live.properties !== undefined
          ? { ...recorded, properties: live.properties }
          : recorded;
      return {
        id,
        props: {
          ...definedOnly({ ...pick(described, inputFields), ...liveOutputs(live), groupId }),
          [providerKey]: recorded[providerKey],
        },
        inputs,
      };
    },

    async update(id, olds, inputs, provider) {
      // Two things come here, and neither makes a new request: a change of a wait
      // setting, and a create that failed or timed out. Either way the wait resumes
      // under the new settings, so a request that has since COMPLETED clears the
      // failure, and a FAILED or expired one fails the step again.
      refuseChangeInPlace(
        "ServerPoolRequest",
        changedInputs(requestFields, olds, inputs),
        "makes a new request",
      );
      const { client, groupId } = clientFor(olds.groupId ?? inputs.groupId);
      // The recorded outputs are the request's fields as last read.
      const lastSeen: ServerPoolRequestResponse = { ...olds, id };
      if (!inputs.waitForCompletion) {
        // A request gone from the API fails naming it and the way out. (While
        // waiting, a 404 already fails as "could not follow the request", id kept.)
        const path = requestPath(groupId, id);
        const live = await updateUnlessGone(
          { noun: "server pool request", id },
          () => client.get<ServerPoolRequestResponse>(path),
          () => client.get(path),
        );
        return { outs: outputsFrom(inputs, live, groupId) };
      }
      return { outs: await awaitRequest(client, groupId, inputs, provider, lastSeen, clock) };
    },

    async delete(id, props) {
      const { client, groupId } = clientFor(props.groupId);
      const path = requestPath(groupId, id);
      // MongoDB's documentation (docs/api-facts.md#requests) documents DELETE as "cancel", not what it answers for a request that
      // is already cancelled or failed. So look first: a request that is gone,
      // cancelled or FAILED holds no server, and leaving it alone is success.
      const statusNow = async (): Promise<string | undefined> =>
        (await readOrGone(() => client.get<ServerPoolRequestResponse>(path)))?.statusName;
      const before = await statusNow();
      if (before === undefined || nothingToCancel.includes(before)) return;
      try {
        await client.delete(path);
      } catch (error) {
        if (isGone(error)) return;
        // It may have failed or been cancelled between the look and the DELETE.
        const after = await statusNow();
        if (after === undefined || nothingToCancel.includes(after)) return;
        throw error;
      }
    },
  });
}

export const serverPoolRequest = serverPoolRequestImplementation();
