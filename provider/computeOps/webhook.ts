/**
 * Webhook: `/compute-ops-mgmt/v1beta1/webhooks` (docs/api-facts.md#webhooks). Compute
 * Ops Management sends the events its OData `eventFilter` selects to `destination`,
 * with the declared `headers` on every request.
 *
 * POST creates, GET/PATCH/DELETE `/webhooks/{id}` read, change (a JSON merge patch)
 * and delete. After a create, and after any change that makes the API verify the
 * destination again, the provider waits for the handshake to settle: a webhook left
 * PENDING, or one whose destination failed it, is not what the program declared.
 *
 * Header values are credentials (an API key, Basic credentials): secret in state,
 * registered for redaction before any request, and never quoted by check. The API
 * never shows them again (its answers have no `headers`), so the declared values are
 * kept and a change made outside Pulumi cannot be seen.
 */
import { z } from "zod";
import {
  checkInputs,
  createProvablyOnce,
  deleteIgnoringGone,
  diffResult,
  diffWithUnknowns,
  isTransient,
  parseResponse,
  readOrGone,
  recoverCommand,
  replacingFields,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick } from "../core/declaredState";
import { definedOnly, jsonEqual } from "../core/pulumiResults";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import { resourceTypes } from "../core/resourceTypes";
import { isUnknown } from "../core/unknowns";
import {
  awaitCreated,
  formatElapsed,
  waitForState,
  type WaitClock,
  type WaitOutcome,
} from "../core/waitForState";
import { registerEveryStringIn } from "../http/redaction";
import { batchedRead, ListReadSpec } from "./batchedReads";
import type { GreenLakeClient } from "./client";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { patchOrRead, wholeMapPatch } from "./resourceRequests";

const collectionPath = "/compute-ops-mgmt/v1beta1/webhooks";
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;
/**
 * Refresh reads come from the list, whose items are the single GET's schema
 * (webhookResponse-v1beta1). The list declares no query parameter at all: one GET,
 * and a GET for any id it leaves out (docs/api-facts.md#batched-reads).
 */
const listRead: ListReadSpec = {
  collectionPath,
  itemPath,
  strategy: "singlePage",
  pageSize: 1000,
};

/** The prefix of header names the API keeps for itself (docs/api-facts.md#webhooks). */
export const reservedHeaderPrefix = "x-compute-ops-mgmt";
/** How long a create or an update waits for the destination's handshake to settle. */
export const handshakeTimeoutMs = 120_000;

// ---------------------------------------------------------------------------
// Input schema

/** An HTTP header name: an RFC 9110 token. */
const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True for a host only this machine can reach: the real API could never call it. */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Why a destination is refused, or undefined. The contract calls it an https
 * endpoint; plain http is let through for a loopback host only, which just a local
 * emulator run with `allowHttpDestinations` can call (docs/api-facts.md#webhooks).
 */
export function destinationProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute https URL";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return "must be an https URL (plain http only for a loopback address, as a local emulator's receiver)";
}

const headersInput = z
  .record(
    z
      .string({ invalid_type_error: "must be a string" })
      .min(1, "must not be empty")
      .max(8192, "must be at most 8192 characters"),
  )
  .superRefine((headers, ctx) => {
    const lowerNames = new Set<string>();
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      // The name is the problem, not its (secret) value: the message names the key only.
      const refuse = (message: string) =>
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message,
          params: { keyNotValue: true },
        });
      if (!headerNamePattern.test(name)) {
        refuse("is not a valid HTTP header name");
      } else if (lower.startsWith(reservedHeaderPrefix)) {
        refuse(`header names starting with ${reservedHeaderPrefix} are reserved by the API`);
      } else if (lowerNames.has(lower)) {
        refuse("is declared twice (header names ignore case)");
      }
      lowerNames.add(lower);
    }
  });

const webhookInputObject = z
  .object({
    // The contract gives no length or uniqueness for names (docs/api-facts.md#webhooks).
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(256, "must be at most 256 characters")
      .describe("The name of the webhook. Several webhooks may share a name."),
    destination: z
      .string()
      .trim()
      .superRefine((value, ctx) => {
        const problem = destinationProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .describe(
        "The https endpoint the events are sent to. It must answer the API's handshake (a GET " +
          "carrying a verification challenge) and accept POSTs. Changing it starts a new handshake.",
      ),
    eventFilter: z
      .string()
      .trim()
      .min(1, "is required: an OData filter such as type eq 'compute-ops/job'")
      .max(2048, "must be at most 2048 characters")
      .describe(
        "The OData filter selecting the events to receive, e.g. " +
          "`type eq 'compute-ops/job' and data/state eq 'COMPLETE'`.",
      ),
    headers: headersInput
      .default({})
      .describe(
        "HTTP headers sent with every request to the destination (an API key, Basic " +
          "credentials). Always stored as a secret. Names starting with x-compute-ops-mgmt are " +
          "the API's. The API never shows them again, so a value changed outside Pulumi cannot " +
          "be detected; a changed value here is sent on the next `up`.",
      ),
    state: z
      .enum(["ENABLED", "DISABLED"])
      .default("ENABLED")
      .describe(
        "ENABLED (default) or DISABLED. The API disables a webhook whose deliveries keep " +
          "failing; the next `up` enables it again, which starts a new handshake.",
      ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the webhook.",
      ),
  })
  .strict();

export const webhookInputs = webhookInputObject;
export type WebhookInputs = z.infer<typeof webhookInputs>;

export const webhookOutputs = webhookInputObject
  .extend({
    headers: z.record(z.string()).describe("The declared headers. Secret."),
    state: z
      .string()
      .describe("ENABLED or DISABLED: as declared, or as the API reports it on refresh."),
    status: z
      .string()
      .optional()
      .describe(
        "The API's verdict: PENDING (handshake under way), ACTIVE, WARNING (recent failures " +
          "or a failed handshake), ERROR (disabled by the API) or DISABLED.",
      ),
    statusReason: z.string().optional().describe("What the last status change was about."),
    deliveriesUri: z
      .string()
      .optional()
      .describe("Where the most recent deliveries to the destination are listed."),
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time the webhook was created."),
    updatedAt: z.string().optional().describe("Time of the last update."),
    resourceUri: z.string().optional().describe("URI of the webhook itself (a self link)."),
  })
  .describe(
    "An HPE Compute Ops Management webhook (`/compute-ops-mgmt/v1beta1/webhooks`): the " +
      "events an OData filter selects, sent to an https destination. Its headers stay " +
      "secret in state whatever the program passes.",
  );
export type WebhookState = z.infer<typeof webhookOutputs>;

export const webhookSchemas = resourceSchemas({
  type: "Webhook",
  inputs: webhookInputs,
  outputs: webhookOutputs,
  example: {
    name: "Job events",
    destination: "https://hooks.example.com/compute-ops",
    eventFilter: "type eq 'compute-ops/job' and data/state eq 'COMPLETE'",
    headers: { "X-Api-Key": "example-key-value" },
    state: "ENABLED",
    region: "us-west",
  },
});

// ---------------------------------------------------------------------------
// API response schema (webhookResponse-v1beta1), lenient on purpose.

const webhookResponse = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    destination: z.string().optional(),
    eventFilter: z.string().optional(),
    state: z.string().optional(),
    status: z.string().optional(),
    statusReason: z.string().nullish(),
    deliveriesUri: z.string().optional(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    resourceUri: z.string().optional(),
  })
  .passthrough();
type WebhookResponse = z.infer<typeof webhookResponse>;

function parseWebhook(body: unknown, what: string): WebhookResponse {
  return parseResponse(webhookResponse, body, what, "webhook");
}

// ---------------------------------------------------------------------------
// Fields

/** The fields the API shows back and a PATCH may change. */
const visibleFields = ["name", "destination", "eventFilter", "state"] as const;
/** Set by the API only. */
const readOnlyFields = [
  "status",
  "statusReason",
  "deliveriesUri",
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
] as const;
/** A different region is a different object space. */
const immutableFields = resourceTypes.Webhook.replacedBy;

/** The fields whose declared value differs from `current` (old outputs or live). */
function changedFields(
  current: Partial<Record<string, unknown>>,
  declared: Partial<Record<string, unknown>>,
): string[] {
  const changed: string[] = visibleFields.filter(
    (field) => declared[field] !== undefined && declared[field] !== current[field],
  );
  if (declared.headers !== undefined && !jsonEqual(declared.headers, current.headers ?? {})) {
    changed.push("headers");
  }
  return changed;
}

/**
 * The merge patch from `olds` to `inputs`. A merge patch merges objects key by key,
 * so `headers` carries every declared header (the API cannot show which values it
 * holds, so all are sent) and null for each header the program no longer declares.
 */
function mergePatchFor(olds: Partial<WebhookState>, inputs: WebhookInputs) {
  const changed = changedFields(olds, inputs);
  if (changed.length === 0) return undefined;
  const patch: Record<string, unknown> = Object.fromEntries(
    changed.map((field) => [field, inputs[field as keyof WebhookInputs]]),
  );
  if (changed.includes("headers")) patch.headers = wholeMapPatch(olds.headers, inputs.headers);
  return patch;
}

/**
 * True when a change makes the API verify the destination again: enabling the
 * webhook restarts the handshake (docs/api-facts.md#webhooks), and a new destination
 * or new headers are only proven by one.
 */
function startsHandshake(patch: Record<string, unknown> | undefined, inputs: WebhookInputs) {
  if (patch === undefined || inputs.state !== "ENABLED") return false;
  return ["state", "destination", "headers"].some((field) => field in patch);
}

function outputsFrom(declared: WebhookInputs, live: WebhookResponse): WebhookState;
function outputsFrom(declared: Partial<WebhookState>, live: WebhookResponse): Partial<WebhookState>;
function outputsFrom(
  declared: Partial<WebhookState>,
  live: WebhookResponse,
): Partial<WebhookState> {
  return definedOnly({
    ...pick(declared, ["name", "destination", "eventFilter", "headers", "state", "region"]),
    ...pick(live, readOnlyFields),
    statusReason: live.statusReason ?? undefined,
  });
}

/** The body of a POST: the contract requires every field, headers included ({} for none). */
function createBody(inputs: WebhookInputs): Record<string, unknown> {
  return pick(inputs, ["name", "destination", "eventFilter", "headers", "state"]);
}

/** True when the live webhook carries every declared field the API shows (headers it never shows). */
function sameDeclaredWebhook(inputs: WebhookInputs, live: WebhookResponse): boolean {
  return visibleFields.every((field) => live[field] === inputs[field]);
}

/**
 * Every webhook, from one GET: the list declares neither a filter nor paging
 * (docs/api-facts.md#webhooks). A list that says it holds more than it answered cannot
 * show every lookalike, so it fails rather than guess.
 */
async function listWebhooks(client: GreenLakeClient): Promise<WebhookResponse[]> {
  const items = await client.listUnpaged<unknown>(collectionPath, {
    noun: "webhooks",
    consequence:
      "the list takes no paging parameters, so the provider cannot see every webhook of this name",
  });
  return items.map((item) => parseWebhook(item, `GET ${collectionPath}`));
}

/** The webhooks a create of these inputs could be confused with: the same name. */
async function webhooksNamed(client: GreenLakeClient, name: string): Promise<WebhookResponse[]> {
  return (await listWebhooks(client)).filter((live) => live.name === name);
}

/** What `recover` finds for a webhook whose create never heard back: those of its name and fields. */
export function webhookRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = webhookInputs.parse(withoutProvider(raw));
      const found = await webhooksNamed(dependencies.clientFor(inputs), inputs.name);
      return byCreation(found.filter((live) => sameDeclaredWebhook(inputs, live)));
    },
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

/** How the handshake is awaited: polls of the webhook until its status leaves PENDING. */
function handshakeWait(client: GreenLakeClient, live: WebhookResponse, clock: WaitClock) {
  return {
    label: `compute-ops:Webhook ${live.id} (${live.name ?? ""})`,
    poll: async () => parseWebhook(await client.get(itemPath(live.id)), `GET ${itemPath(live.id)}`),
    stateOf: (value: WebhookResponse) => value.status ?? "unknown",
    isTerminal: (value: WebhookResponse) => value.status !== "PENDING",
    timeoutMs: handshakeTimeoutMs,
    intervalMs: 250,
    maxIntervalMs: 5_000,
    clock,
  };
}

/**
 * Why the handshake's outcome is a failure, or undefined for ACTIVE (or a webhook
 * declared DISABLED): still PENDING at the timeout, or WARNING or ERROR, each with
 * the API's reason and the way out.
 */
function handshakeFailure(outcome: WaitOutcome<WebhookResponse>): string | undefined {
  const live = outcome.value;
  if (!outcome.finished) {
    return (
      `webhook ${live.id}: the destination's handshake was still PENDING after ` +
      `${formatElapsed(outcome.elapsedMs)}; check that the destination answers the API's GET, ` +
      "then run `pulumi up` again"
    );
  }
  if (live.status === "WARNING" || live.status === "ERROR") {
    return (
      `webhook ${live.id} is ${live.status}: ${live.statusReason ?? "no reason given"}. ` +
      "Fix the destination (it must answer the handshake GET and accept POSTs with the " +
      "declared headers), then run `pulumi up` again: an enabled webhook that is not ACTIVE " +
      "is enabled anew, which starts a new handshake"
    );
  }
  return undefined;
}

/** The webhook lifecycle on the given dependencies (the process's own by default). */
export function webhookImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates" | "clock"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates, clock } = dependencies;
  return typedImplementation(webhookSchemas, {
    async check(_olds, news) {
      const checked = checkInputs("Webhook", news, (raw) => webhookInputs.safeParse(raw));
      // The header values go into every text redacted from now on, before any call
      // (not an unknown's placeholder, which is no secret).
      const headers = withoutProvider(news).headers;
      if (headers !== null && typeof headers === "object") {
        registerEveryStringIn(Object.values(headers).filter((value) => !isUnknown(value)));
      }
      return checked;
    },

    async diff(id, olds, news) {
      return diffWithUnknowns("Webhook", olds, news, (known) => {
        const changes = changedFields(olds, known);
        // An enabled webhook the API left in WARNING or ERROR is enabled anew (a new handshake).
        if (
          changes.length === 0 &&
          known.state === "ENABLED" &&
          (olds.status === "WARNING" || olds.status === "ERROR")
        ) {
          changes.push("state");
        }
        return diffResult(changes, replacingFields(id, olds, known, immutableFields));
      });
    },

    async create(inputs, provider) {
      registerEveryStringIn(inputs.headers);
      const client = clientFor(inputs);
      const created = await createProvablyOnce(
        {
          noun: "webhook",
          // Names are not unique (docs/design.md#provable-creates): creates of this
          // process take turns, and a new webhook of the name and fields is ours.
          lookalikes: () => webhooksNamed(client, inputs.name),
          post: async () =>
            parseWebhook(
              await client.post(collectionPath, createBody(inputs)),
              `POST ${collectionPath}`,
            ),
          matches: (live) => sameDeclaredWebhook(inputs, live),
          serializeBy: `webhooks ${client.settings.endpoint}`,
          wayOut: `If one is this resource's, run \`${recoverCommand}\`; otherwise delete it.`,
        },
        creates,
      );
      // Whatever ends the wait (a failed handshake, the timeout, polls that keep
      // failing) records the webhook with what was last read: it exists.
      const outs = await awaitCreated({
        ...handshakeWait(client, created, clock),
        id: created.id,
        noun: "webhook",
        lastSeen: created,
        outputsOf: (live) => outputsFrom(inputs, live),
        provider,
        failureOf: handshakeFailure,
      });
      return { id: created.id, outs };
    },

    async read(id, old) {
      const live = await readOrGone(async () =>
        parseWebhook(await batchedRead(clientFor(old), listRead, id), `GET ${itemPath(id)}`),
      );
      // Deleted out of band: an empty id tells the engine it is gone (docs/design.md#diff-declared-against-live).
      if (live === undefined) return { id: "" };
      if (old.headers !== undefined) registerEveryStringIn(old.headers);
      // The API shows everything but the headers; a webhook read by `get` has none recorded.
      const liveInputs = definedOnly({
        ...pick(old, ["headers", "region"]),
        ...pick(live, visibleFields),
      });
      return { id: live.id, props: outputsFrom(liveInputs, live), inputs: liveInputs };
    },

    async update(id, olds, inputs) {
      registerEveryStringIn(inputs.headers);
      const client = clientFor(inputs);
      let patch = mergePatchFor(olds, inputs);
      // Diff asked to enable anew a webhook the API left in WARNING or ERROR.
      if (patch === undefined && inputs.state === "ENABLED" && olds.status !== "ACTIVE") {
        patch = { state: "ENABLED" };
      }
      const updated = await patchOrRead(client, itemPath(id), patch, parseWebhook, {
        noun: "webhook",
        id,
        name: inputs.name,
      });
      if (!startsHandshake(patch, inputs)) return { outs: outputsFrom(inputs, updated) };
      const outcome = await waitForState({
        ...handshakeWait(client, updated, clock),
        isTransient,
      });
      // The change is made; the next `up` sees the same difference and sends it again.
      const failure = handshakeFailure(outcome);
      if (failure !== undefined) throw new Error(failure);
      return { outs: outputsFrom(inputs, outcome.value) };
    },

    async delete(id, recorded) {
      // Deleting a webhook deletes its deliveries too (docs/api-facts.md#webhooks).
      await deleteIgnoringGone(() => clientFor(recorded).delete(itemPath(id)));
    },
  });
}

export const webhook = webhookImplementation();

/** What the registry loads for Webhook. */
export const resourceModule: ResourceModule = {
  schemas: webhookSchemas,
  implementation: webhook,
  recovery: () => webhookRecovery(),
};
