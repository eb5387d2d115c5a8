/**
 * ServerPoolRequest: a request for servers from a MongoDB Ops Manager server pool,
 * `/groups/{GROUP-ID}/serverPool/requests` (seed 004). Requests cannot be
 * changed: a change of input is a new request. DELETE cancels one.
 * Server pools are deprecated since Ops Manager 4.0 and disabled by default.
 */
import { z } from "zod";
import { ApiError } from "./apiError";
import { opsManagerSettings } from "./configuration";
import { changedFields, pick } from "./declaredState";
import type { ResourceImplementation } from "./index";
import { opsManagerClientFor, OpsManagerClient } from "./opsManagerClient";
import {
  checkFailuresFrom,
  definedOnly,
  jsonEqual,
  PartialCreateError,
  providerKey,
} from "./pulumiResults";
import { waitForState } from "./waitForState";

const objectId = z.string().regex(/^[0-9a-f]{24}$/, "must be 24 hexadecimal digits");

export const serverPoolRequestInputs = z
  .object({
    properties: z
      .array(
        z
          .record(
            z.union([
              z.string().min(1, "must not be empty"),
              z
                .array(z.string().min(1, "must not be empty"))
                .min(1, "must list at least one value"),
            ]),
          )
          .refine((p) => Object.keys(p).length > 0, "must name at least one property"),
      )
      .min(1, "must ask for at least one server"),
    groupId: objectId.optional(),
    waitForCompletion: z.boolean().default(true),
    timeoutMinutes: z
      .number()
      .int()
      .min(1, "must be 1 to 1440")
      .max(1440, "must be 1 to 1440")
      .default(30),
    adoptId: objectId.optional(),
  })
  .strict();
export type ServerPoolRequestInputs = z.infer<typeof serverPoolRequestInputs>;

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

const inputFields = [
  "properties",
  "groupId",
  "waitForCompletion",
  "timeoutMinutes",
  "adoptId",
] as const;
/** No update exists: every input is immutable. */
export const immutableFields = inputFields;
const readOnlyFields = [
  "statusName",
  "numServers",
  "created",
  "expires",
  "completeDate",
  "cancelDate",
  "links",
] as const;
/** Seed 004's statuses; a request that is over. */
const gone = ["CANCELLED", "CANCELLING"];
const terminal = ["COMPLETED", "FAILED", "CANCELLED", "CANCELLING"];

function clientAndGroup(inputs: Record<string, unknown>): {
  client: OpsManagerClient;
  groupId: string;
} {
  const settings = opsManagerSettings({
    groupId: typeof inputs.groupId === "string" ? inputs.groupId : undefined,
  });
  return { client: opsManagerClientFor(settings), groupId: settings.groupId };
}

const requestsPath = (groupId: string) =>
  `/groups/${encodeURIComponent(groupId)}/serverPool/requests`;

function outputsFrom(
  declared: Record<string, unknown>,
  live: ServerPoolRequestResponse,
  groupId: string,
) {
  return definedOnly({
    ...pick(declared, inputFields),
    ...pick(live as unknown as Record<string, unknown>, readOnlyFields),
    groupId,
  });
}

function expired(request: ServerPoolRequestResponse, now = Date.now()): boolean {
  return (
    request.statusName !== "COMPLETED" &&
    request.expires !== undefined &&
    Date.parse(request.expires) <= now
  );
}

/** Test hook: how waiting sleeps and tells time. */
export const serverPoolWaiting = {
  sleep: undefined as ((ms: number) => Promise<void>) | undefined,
  now: undefined as (() => number) | undefined,
};

export const serverPoolRequest: ResourceImplementation = {
  async check(_olds, news) {
    const { [providerKey]: provider, ...rest } = news;
    const result = serverPoolRequestInputs.safeParse(rest);
    if (!result.success) return { inputs: news, failures: checkFailuresFrom(result.error) };
    return { inputs: { ...result.data, [providerKey]: provider } };
  },

  async diff(_id, olds, news) {
    // The group id in outputs is the effective one; compare it only if declared.
    const fields =
      news.groupId === undefined ? inputFields.filter((f) => f !== "groupId") : inputFields;
    const replaces = changedFields(olds, news, fields);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(news) {
    const { [providerKey]: provider, ...rest } = news;
    const inputs = serverPoolRequestInputs.parse(rest);
    const { client, groupId } = clientAndGroup(inputs);
    const declared = inputs as Record<string, unknown>;
    let request: ServerPoolRequestResponse;
    if (inputs.adoptId !== undefined) {
      request = await client.get<ServerPoolRequestResponse>(
        `${requestsPath(groupId)}/${inputs.adoptId}`,
      );
    } else {
      const attemptedAt = Date.now() - 60_000;
      try {
        // Only {"properties": [...]} may be sent (seed 004).
        request = await client.post<ServerPoolRequestResponse>(requestsPath(groupId), {
          properties: inputs.properties,
        });
      } catch (error) {
        if (!(error instanceof ApiError && error.ambiguous)) throw error;
        // The answer was lost: a request with these properties made just now is ours.
        const list = await client.get<{ results: ServerPoolRequestResponse[] }>(
          requestsPath(groupId),
        );
        const found = list.results.filter(
          (r) =>
            jsonEqual(r.properties, inputs.properties) &&
            !gone.includes(r.statusName) &&
            r.created !== undefined &&
            Date.parse(r.created) >= attemptedAt,
        );
        if (found.length !== 1) throw error;
        request = found[0];
      }
    }
    if (!inputs.waitForCompletion)
      return { id: request.id, outs: outputsFrom(declared, request, groupId) };
    const outcome = await waitForState({
      label: `ops-manager:ServerPoolRequest ${request.id}`,
      poll: () => client.get<ServerPoolRequestResponse>(`${requestsPath(groupId)}/${request.id}`),
      stateOf: (r) => r.statusName,
      isTerminal: (r) => terminal.includes(r.statusName) || expired(r),
      timeoutMs: inputs.timeoutMinutes * 60_000,
      sleep: serverPoolWaiting.sleep,
      now: serverPoolWaiting.now,
    });
    const live = outcome.value;
    const outs = { ...outputsFrom(declared, live, groupId), [providerKey]: provider };
    if (!outcome.finished) {
      throw new PartialCreateError(
        `server-pool request ${live.id} is still ${live.statusName} after ${inputs.timeoutMinutes} minutes (timeoutMinutes)`,
        live.id,
        outs,
      );
    }
    if (live.statusName !== "COMPLETED") {
      const why = expired(live) && live.statusName !== "FAILED" ? "expired" : live.statusName;
      throw new PartialCreateError(
        `server-pool request ${live.id} ended ${why}${live.statusName === "FAILED" ? " (no server in the pool matched its properties before it expired)" : ""}`,
        live.id,
        outs,
      );
    }
    return { id: live.id, outs: outputsFrom(declared, live, groupId) };
  },

  async read(id, props) {
    const declared = (props ?? {}) as Record<string, unknown>;
    const { client, groupId } = clientAndGroup(declared);
    let live: ServerPoolRequestResponse;
    try {
      live = await client.get<ServerPoolRequestResponse>(`${requestsPath(groupId)}/${id}`);
    } catch (error) {
      if (ApiError.isNotFound(error)) return { id: "" };
      throw error;
    }
    // Cancelled (by hand, or being cancelled): the servers are released, so it is gone.
    if (gone.includes(live.statusName)) return { id: "" };
    // groupId is always recorded (the effective group); diff ignores it when undeclared.
    const inputs = definedOnly(pick(declared, inputFields));
    return { id, props: outputsFrom(declared, live, groupId), inputs };
  },

  async update() {
    throw new Error("A ServerPoolRequest cannot be updated: every change makes a new request");
  },

  async delete(id, props) {
    const { client, groupId } = clientAndGroup(props);
    const path = `${requestsPath(groupId)}/${id}`;
    // Look first: a request already cancelled or failed holds no servers, and
    // cancelling it again is not an operation the API documents.
    let current: ServerPoolRequestResponse;
    try {
      current = await client.get<ServerPoolRequestResponse>(path);
    } catch (error) {
      if (ApiError.isNotFound(error)) return;
      throw error;
    }
    if (["CANCELLED", "CANCELLING", "FAILED"].includes(current.statusName)) return;
    try {
      await client.delete(path);
    } catch (error) {
      if (!ApiError.isNotFound(error)) throw error;
    }
  },
};
