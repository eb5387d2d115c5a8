/**
 * GroupMembership: which servers a group holds, through
 * `/compute-ops-mgmt/v1/groups/{id}/devices` (docs/api-facts.md#groups). Separate
 * from Group, so one team can own a group and another the placement of servers.
 *
 * Assign (POST `/devices`) and unassign (POST `/devices/unassign`) answer 202 with
 * the Location of an async operation; membership changes only when it succeeds,
 * so each change is awaited before the group is read back. Assigning a server the
 * group already holds has no effect (spec), so an assign may be repeated; an
 * unassign is repeated only for the servers a re-read shows still present.
 *
 * The resource's id is the group's id. It owns the group's whole membership: a
 * server added by hand is drift, removed by the next `up`. It never takes over a
 * group that already holds servers the program does not name, and never sends
 * `force=true` (which would unassign every server).
 */
import { z } from "zod";
import {
  diffResult,
  diffWithUnknowns,
  isGone,
  isTransient,
  readOrGone,
  replacingFields,
  updateUnlessGone,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { GreenLakeClient } from "./client";
import { refusedTenantAcid } from "./tenantAcidInput";

import {
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import { definedOnly, jsonEqual } from "../core/pulumiResults";
import { resourceTypes } from "../core/resourceTypes";
import { waitForState, WaitClock } from "../core/waitForState";
import { groupPath } from "./group";

/** No device-assignment operation declares Tenant-Acid: the stack's value is not sent. */
const notTenantScoped = { tenantScoped: false } as const;

/** A server id: product id `+` serial number (docs/api-facts.md#percent-encoding). */
const serverIdPattern = /^[^\s+]+\+[^\s+]+$/;
/** How long one assign or unassign may take. */
const operationTimeoutMs = 10 * 60_000;

export const groupMembershipInputs = z
  .object({
    groupId: z
      .string()
      .trim()
      .toLowerCase()
      .uuid("must be a UUID (a server group id)")
      .describe(
        "The group's id (a Group's `id`, or `getGroup`'s). Changing it replaces the membership.",
      ),
    serverIds: z
      .array(
        z
          .string()
          .trim()
          .regex(serverIdPattern, "must be a server id (<productId>+<serialNumber>)"),
      )
      .superRefine((ids, ctx) => {
        const seen = new Set<string>();
        ids.forEach((serverId, i) => {
          if (seen.has(serverId)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [i],
              message: `${serverId} is listed twice`,
            });
          }
          seen.add(serverId);
        });
      })
      .describe(
        "The servers the group holds, by server id (`<productId>+<serialNumber>`, e.g. " +
          "`P06760-B21+2M212504P8`; see `getServer`). A set. A server added or removed by hand " +
          "is drift that `up` repairs; a server in another group is not moved.",
      ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the membership.",
      ),
    tenantAcid: refusedTenantAcid("GroupMembership").describe(
      "Deprecated: no device-assignment operation takes `Tenant-Acid`, so a value fails at " +
        "preview. Kept so programs that set it still compile; removing it replaces nothing.",
    ),
  })
  .strict();
export type GroupMembershipInputs = z.infer<typeof groupMembershipInputs>;

/** What the stack records: the inputs, with the servers as the group last held them. */
export const groupMembershipOutputs = groupMembershipInputs.describe(
  "The servers of one server group (`/compute-ops-mgmt/v1/groups/{id}/devices`), managed " +
    "apart from the Group so another team can own them. Creating it fails if the group " +
    "already holds servers it does not name; destroying it unassigns only its own servers.",
);
export type GroupMembershipState = z.infer<typeof groupMembershipOutputs>;

export const groupMembershipSchemas = resourceSchemas({
  type: "GroupMembership",
  inputs: groupMembershipInputs,
  outputs: groupMembershipOutputs,
  example: {
    groupId: "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11",
    serverIds: ["P06760-B21+2M212504P8", "P06760-B21+2M212504P9"],
    region: "us-west",
  },
});

const immutableFields = resourceTypes.GroupMembership.replacedBy;
const devicesPath = (groupId: string) => `${groupPath(groupId)}/devices`;

const operationResponse = z
  .object({
    id: z.string().optional(),
    state: z.string(),
    error: z.unknown().optional(),
    logMessages: z.array(z.object({ message: z.string() }).passthrough()).nullish(),
  })
  .passthrough();
type Operation = z.infer<typeof operationResponse>;

const doneStates = ["SUCCEEDED", "FAILED", "CANCELLED", "TIMEDOUT", "PAUSED"];

/** Server id lists compared as sets; diff's new value is not parsed yet, so either may be anything. */
function sameSet(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown) => (Array.isArray(v) ? [...v] : []).sort();
  return jsonEqual(sorted(a), sorted(b));
}

/** The ids of the servers in the group; a 404 if the group is gone. */
async function liveMembers(client: GreenLakeClient, groupId: string): Promise<string[]> {
  // The devices list has no paging: an answer that holds fewer than its total would
  // make servers look removed.
  const items = await client.listUnpaged<{ deviceId?: unknown }>(devicesPath(groupId), {
    noun: "servers",
    consequence: "the membership cannot be compared",
  });
  return items.map((d) => String(d.deviceId));
}

/** The path of a Location header, whether it is a path or a whole URL. */
function locationPath(location: string): string {
  return location.startsWith("/") ? location : new URL(location).pathname;
}

/** Waits for an assign or unassign; throws, naming the operation, unless it succeeded. */
async function awaitOperation(
  client: GreenLakeClient,
  location: string,
  label: string,
  clock: WaitClock,
): Promise<void> {
  const path = locationPath(location);
  const outcome = await waitForState<Operation>({
    label,
    poll: async () => operationResponse.parse(await client.get(path)),
    stateOf: (op) => op.state,
    isTerminal: (op) => doneStates.includes(op.state),
    timeoutMs: operationTimeoutMs,
    intervalMs: 500,
    maxIntervalMs: 5_000,
    isTransient,
    clock,
  });
  if (outcome.finished && outcome.value.state === "SUCCEEDED") return;
  const messages = (outcome.value.logMessages ?? []).map((m) => m.message).join("; ");
  const state = outcome.finished ? outcome.value.state : `still ${outcome.value.state}`;
  throw new Error(
    `${label}: async operation ${path} is ${state}${messages ? ` (${messages})` : ""}; ` +
      "run `pulumi up` again to retry",
  );
}

/**
 * What `recover` finds for a membership whose create never finished: nothing to
 * adopt. Its id is the group's, and the next `up` creates it again: servers the
 * program names that are already in the group count as its own.
 */
export function groupMembershipRecovery(): Recovery {
  return { candidates: async () => [] };
}

/** The lifecycle on the given dependencies (the process's own by default). */
export function groupMembershipImplementation(
  dependencies: ComputeOpsDependencies = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, clock } = dependencies;

  async function assign(client: GreenLakeClient, groupId: string, serverIds: string[]) {
    if (serverIds.length === 0) return;
    const { location } = await client.postAccepted(
      devicesPath(groupId),
      { devices: serverIds.map((deviceId) => ({ deviceId })) },
      // Assigning a server the group holds has no effect: safe to repeat.
      { idempotent: true },
    );
    await awaitOperation(
      client,
      location,
      `assign ${serverIds.join(", ")} to group ${groupId}`,
      clock,
    );
  }

  async function unassign(client: GreenLakeClient, groupId: string, serverIds: string[]) {
    if (serverIds.length === 0) return;
    const label = `unassign ${serverIds.join(", ")} from group ${groupId}`;
    const send = (ids: string[]) =>
      client.postAccepted(`${devicesPath(groupId)}/unassign`, {
        devices: ids.map((deviceId) => ({ deviceId })),
      });
    let accepted: { location: string };
    try {
      accepted = await send(serverIds);
    } catch (error) {
      if (!(error as { ambiguous?: boolean }).ambiguous) throw error;
      // The answer was lost: send again only for the servers still in the group.
      const live = new Set(await liveMembers(client, groupId));
      const still = serverIds.filter((id) => live.has(id));
      if (still.length === 0) return;
      accepted = await send(still);
    }
    await awaitOperation(client, accepted.location, label, clock);
  }

  /** Brings the group's servers to `declared`; the servers it holds afterwards. */
  async function converge(
    client: GreenLakeClient,
    groupId: string,
    declared: string[],
  ): Promise<string[]> {
    const live = await liveMembers(client, groupId);
    await unassign(
      client,
      groupId,
      live.filter((id) => !declared.includes(id)),
    );
    await assign(
      client,
      groupId,
      declared.filter((id) => !live.includes(id)),
    );
    return liveMembers(client, groupId);
  }

  /** What the stack records: the declared group and region, and the servers as they are. */
  function outputs(
    scope: Pick<GroupMembershipState, "groupId" | "region">,
    declared: string[] | undefined,
    live: string[],
  ): GroupMembershipState {
    // Nothing recorded (a `GroupMembership.get`) is the live set, even an empty one.
    const serverIds = declared !== undefined && sameSet(declared, live) ? declared : live;
    return definedOnly({ groupId: scope.groupId, region: scope.region, serverIds });
  }

  return typedImplementation(groupMembershipSchemas, {
    async diff(id, olds, news) {
      const result = diffWithUnknowns("GroupMembership", olds, news, (known) =>
        diffResult(
          sameSet(olds.serverIds, known.serverIds) ? [] : ["serverIds"],
          replacingFields(id, olds, known, immutableFields),
        ),
      );
      // A server is in one group at a time: the old membership releases the servers
      // before the new one assigns them.
      return { ...result, deleteBeforeReplace: (result.replaces ?? []).length > 0 };
    },

    async create(inputs) {
      const client = clientFor(inputs, notTenantScoped);
      let live: string[];
      try {
        live = await liveMembers(client, inputs.groupId);
      } catch (error) {
        if (isGone(error)) throw new Error(`groupId ${inputs.groupId}: no such group exists`);
        throw error;
      }
      // Only what the program names becomes ours: servers someone else placed stay.
      const others = live.filter((id) => !inputs.serverIds.includes(id));
      if (others.length > 0) {
        throw new Error(
          `group ${inputs.groupId} already holds servers this GroupMembership does not name: ` +
            `${others.join(", ")}. Add them to serverIds to manage them, or unassign them first.`,
        );
      }
      await assign(
        client,
        inputs.groupId,
        inputs.serverIds.filter((id) => !live.includes(id)),
      );
      return {
        id: inputs.groupId,
        outs: outputs(inputs, inputs.serverIds, await liveMembers(client, inputs.groupId)),
      };
    },

    async read(id, old) {
      const live = await readOrGone(() => liveMembers(clientFor(old, notTenantScoped), id));
      if (live === undefined) return { id: "" };
      const props = outputs(
        { groupId: old.groupId ?? id, region: old.region },
        old.serverIds,
        live,
      );
      return { id, props, inputs: props };
    },

    async update(id, _olds, inputs) {
      const client = clientFor(inputs, notTenantScoped);
      // The membership lives as long as its group: a group gone fails naming it.
      const live = await updateUnlessGone(
        { noun: "group membership of group", id },
        () => converge(client, id, inputs.serverIds),
        () => liveMembers(client, id),
      );
      return { outs: outputs(inputs, inputs.serverIds, live) };
    },

    async delete(id, recorded) {
      const client = clientFor(recorded, notTenantScoped);
      const live = await readOrGone(() => liveMembers(client, id));
      // The group is gone, and its membership with it.
      if (live === undefined) return;
      // Recorded state is not parsed again: a membership recorded without servers unassigns none.
      const ours = (recorded.serverIds ?? []).filter((s) => live.includes(s));
      try {
        await unassign(client, id, ours);
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    },
  });
}

export const groupMembership = groupMembershipImplementation();

/** What the registry loads for GroupMembership. */
export const resourceModule: ResourceModule = {
  schemas: groupMembershipSchemas,
  implementation: groupMembership,
  recovery: () => groupMembershipRecovery(),
};
