/**
 * ServerPoolRequest: a request for servers from a MongoDB Ops Manager server pool,
 * `/groups/{GROUP-ID}/serverPool/requests` (docs/api-facts.md#ops-manager-server-pool). The API has no update, so
 * every change of input is a new request; DELETE cancels one.
 * Server pools are deprecated since Ops Manager 4.0 and disabled by default.
 */
import { z } from "zod";
import {
  checkInputs,
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
import { byCreation, type Recovery, type ResourceImplementation } from "../core/resource";
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
          .refine((p) => Object.keys(p).length > 0, "must name at least one property"),
        { invalid_type_error: "must be a list of objects, one per server" },
      )
      .min(1, "must ask for at least one server"),
    groupId: objectId.optional(),
    waitForCompletion: z.boolean().default(true),
    timeoutMinutes: z
      .number()
      .int("must be a whole number of minutes")
      .min(1, "must be 1 to 1440 minutes")
      .max(1440, "must be 1 to 1440 minutes")
      .default(30),
    adoptId: objectId.optional(),
  })
  .strict();
export type ServerPoolRequestInputs = z.infer<typeof serverPoolRequestInputs>;

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
  properties?: unknown[];
  links?: unknown[];
}

// ---------------------------------------------------------------------------
// Fields

/** The API has no update: every input of the request is immutable. */
const requestFields = resourceTypes.ServerPoolRequest.replacedBy;
/** How the provider waits for the request: a change is recorded in place, with no new request. */
const waitFields = resourceTypes.ServerPoolRequest.waitSettings;
const inputFields = [...requestFields, ...waitFields];

const outputFields = [
  "statusName",
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
          Object.entries(p as Record<string, unknown>).map(([k, v]) => [
            k,
            Array.isArray(v) ? [...v].map(String).sort() : v,
          ]),
        )
      : p,
  );
}

function sameProperties(a: unknown, b: unknown): boolean {
  return jsonEqual(comparableProperties(a), comparableProperties(b));
}

/** The group's recorded outputs always carry the effective group id. */
function outputsFrom(
  declared: Record<string, unknown>,
  live: ServerPoolRequestResponse,
  groupId: string,
) {
  return definedOnly({
    ...pick(declared, inputFields),
    ...pick(live as unknown as Record<string, unknown>, outputFields),
    groupId,
  });
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
function requestLabel(id: string, properties: unknown): string {
  const wanted = Array.isArray(properties)
    ? properties
        .map((p) =>
          Object.entries(p as Record<string, unknown>)
            .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : String(v)}`)
            .join(" "),
        )
        .join("; ")
    : "";
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
): Promise<Record<string, unknown>> {
  const id = lastSeen.id;
  const label = requestLabel(id, inputs.properties);
  const retry =
    "Its id is recorded: change `properties` (or run `pulumi up --replace` on it) to make a new request, or `pulumi destroy` to cancel it.";
  return awaitCreated<ServerPoolRequestResponse>({
    id,
    noun: "request",
    label,
    lastSeen,
    provider,
    clock,
    outputsOf: (live) => outputsFrom(inputs as Record<string, unknown>, live, groupId),
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
  return {
    async check(_olds, news) {
      return checkInputs("ServerPoolRequest", news, (raw) =>
        serverPoolRequestInputs.safeParse(raw),
      );
    },

    async diff(_id, olds, news) {
      // A changed wait setting updates in place; anything else is a new request.
      return diffWithUnknowns("ServerPoolRequest", olds, news, (known) =>
        diffResult(
          changedInputs(waitFields, olds, known),
          changedInputs(requestFields, olds, known),
        ),
      );
    },

    async create(news) {
      const provider = news[providerKey];
      const inputs = serverPoolRequestInputs.parse(withoutProvider(news));
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

    async read(id, props) {
      const recorded = (props ?? {}) as Record<string, unknown>;
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
        props: { ...outputsFrom(described, live, groupId), [providerKey]: recorded[providerKey] },
        inputs,
      };
    },

    async update(id, olds, news) {
      // Two things come here, and neither makes a new request: a change of a wait
      // setting, and a create that failed or timed out. Either way the wait resumes
      // under the new settings, so a request that has since COMPLETED clears the
      // failure, and a FAILED or expired one fails the step again.
      refuseChangeInPlace(
        "ServerPoolRequest",
        changedInputs(requestFields, olds, news),
        "makes a new request",
      );
      const provider = news[providerKey];
      const inputs = serverPoolRequestInputs.parse(withoutProvider(news));
      const { client, groupId } = clientFor(olds.groupId ?? inputs.groupId);
      const lastSeen = { ...(olds as unknown as ServerPoolRequestResponse), id };
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
  };
}

export const serverPoolRequest = serverPoolRequestImplementation();
