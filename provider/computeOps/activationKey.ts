/**
 * ActivationKey: `/compute-ops-mgmt/v1beta1/activation-keys` (docs/api-facts.md#activation-keys). A key
 * onboards iLOs (directly or through a secure gateway) or a secure gateway
 * appliance.
 *
 * There is no GET by id and no PATCH: a key is read through the list filtered on
 * the key string, deleted by the key string, and every change of input makes a
 * new key. Keys leave the list once expired, so an expired key reads as gone.
 */
import { z } from "zod";
import {
  checkInputs,
  diffResult,
  diffWithUnknowns,
  createProvablyOnce,
  recoverCommand,
  deleteIgnoringGone,
  parseResponse,
  Validation,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick } from "../core/declaredState";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { GreenLakeClient } from "./client";
import { refusedTenantAcid } from "./tenantAcidInput";

/** No activation-key operation declares Tenant-Acid (docs/api-facts.md#tenant-acid). */
const notTenantScoped = { tenantScoped: false } as const;
import { odataString } from "./odata";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
} from "../core/resource";
import { definedOnly, jsonEqual } from "../core/pulumiResults";
import { registerSecret, registerSecretOutputs } from "../http/redaction";
import { resourceTypes } from "../core/resourceTypes";

const collectionPath = "/compute-ops-mgmt/v1beta1/activation-keys";
/** DELETE takes the key string in the path; keys may hold `+` or `/`, sent percent-encoded. */
const keyPath = (key: string) => `${collectionPath}/${encodeURIComponent(key)}`;

const hour = 3600_000;

// ---------------------------------------------------------------------------
// Input schema

/** The spec bounds none of these strings; 256 keeps a runaway value from the API. */
const maxTextLength = 256;
const tooLong = `must be at most ${maxTextLength} characters`;

export const activationKeyInputs = z
  .object({
    targetDevice: z
      .enum(["ILO", "SECURE_GATEWAY"])
      .describe(
        "The target device to onboard with the key: ILO (an iLO, for direct or secure " +
          "gateway management; needs iLO 6 1.62 / iLO 5 3.09 or later) or SECURE_GATEWAY " +
          "(a secure gateway appliance).",
      ),
    // Spec: number, 0.5 to 168, default 72.
    expirationInHours: z
      .number()
      .min(0.5, "must be between 0.5 and 168 hours")
      .max(168, "must be between 0.5 and 168 hours")
      .default(72)
      .describe("How long the key stays valid, in hours: 0.5 to 168 (default 72)."),
    subscriptionKey: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(maxTextLength, tooLong)
      .optional()
      .describe(
        "The device subscription to associate with the key. It is added to the GreenLake " +
          "workspace and linked to every server onboarded with the key (with auto-subscribe, " +
          "the service may assign another). Left out, a subscription the service assigns is " +
          "reported but not managed.",
      ),
    // Spec: "required for onboarding a server for management through a secure gateway";
    // whether a key is meant for that cannot be told from its inputs, so it stays optional.
    applianceUri: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .optional()
      .describe(
        "The secure gateway appliance URI: required for onboarding a server for management " +
          "through a secure gateway.",
      ),
    // Spec: format uuid, a location of the GreenLake workspace.
    locationId: z
      .string()
      .trim()
      .uuid("must be a UUID (a GreenLake location id)")
      .optional()
      .describe("The location (a UUID of the GreenLake workspace) to associate with the key."),
    // Spec (details): "Service delivery contact email address."
    serviceDeliveryContact: z
      .string()
      .trim()
      .max(maxTextLength, tooLong)
      .email("must be an email address")
      .optional()
      .describe("The service delivery contact (an email address) to associate with the key."),
    tags: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1, "is required")
              .max(maxTextLength, tooLong)
              .describe("The tag's name."),
            value: z.string().max(maxTextLength, tooLong).describe("The tag's value."),
          })
          .strict()
          .describe("One tag."),
      )
      .optional()
      .describe(
        "Tags to associate with the key. Tags not yet in the workspace are created; a tag " +
          "matching a server group adds onboarded servers to that group.",
      ),
    renewBeforeHours: z
      .number()
      .positive("must be more than 0")
      .optional()
      .describe(
        "When the key has less than this many hours left, the next `pulumi preview`/`up` " +
          "replaces it (the new key is made before the old one is deleted), so a scheduled " +
          "pipeline always holds a valid key. More than 0 and less than expirationInHours. " +
          "Changing it alone does not replace the key.",
      ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the key.",
      ),
    tenantAcid: refusedTenantAcid("ActivationKey").describe(
      "Deprecated: no activation-key operation takes `Tenant-Acid`, so a value fails at " +
        "preview. Kept so programs that set it still compile; removing it replaces nothing.",
    ),
  })
  .strict();
export type ActivationKeyInputs = z.infer<typeof activationKeyInputs>;

/**
 * What the stack records: the inputs as declared (defaults applied), the key and the
 * API's read-only fields. targetDevice is a string here because a key read by `get`
 * reports it as the API answers it; the fields the API may leave out are optional.
 */
export const activationKeyOutputs = activationKeyInputs
  .extend({
    targetDevice: z
      .string()
      .describe("ILO or SECURE_GATEWAY: as declared, or as the key reports it when read by `get`."),
    subscriptionKey: z
      .string()
      .optional()
      .describe(
        "The device subscription associated with the key: as declared, else as the service " +
          "reports it.",
      ),
    applianceUri: z
      .string()
      .optional()
      .describe("The secure gateway appliance URI: as declared, else as the service reports it."),
    activationKey: z.string().describe("The activation key to enter on the device. Secret."),
    expiresAt: z.string().describe("When the key expires."),
    applianceName: z.string().optional().describe("The name of the appliance."),
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time the key was created."),
    updatedAt: z.string().optional().describe("Time of the key's last update."),
    details: z
      .record(z.unknown())
      .nullish()
      .describe(
        "What the API reports of the key's context, as it returns it: applianceName, " +
          "locationId, serviceDeliveryContact, tags.",
      ),
  })
  .describe(
    "An HPE Compute Ops Management activation key (`/compute-ops-mgmt/v1beta1/activation-keys`) " +
      "for onboarding iLOs or secure gateway appliances. A key cannot be changed: every " +
      "change of input makes a new key. An expired key reads as gone on refresh, and the " +
      "next `up` makes a new one. The key itself is a secret output.",
  );
export type ActivationKeyState = z.infer<typeof activationKeyOutputs>;

export const activationKeySchemas = resourceSchemas({
  type: "ActivationKey",
  inputs: activationKeyInputs,
  outputs: activationKeyOutputs,
});

/**
 * renewBeforeHours must leave the key some time outside its renewal window, or
 * every preview would replace it. Checked on the raw values, so it is reported
 * alongside any other failure.
 */
function crossFieldIssues(raw: Record<string, unknown>): z.ZodIssue[] {
  const expiration = raw.expirationInHours ?? 72;
  const renewBefore = raw.renewBeforeHours;
  if (typeof expiration !== "number" || typeof renewBefore !== "number") return [];
  if (renewBefore < expiration) return [];
  return [
    {
      code: z.ZodIssueCode.custom,
      path: ["renewBeforeHours"],
      message: `must be less than expirationInHours (${expiration})`,
    },
  ];
}

function validateActivationKey(raw: Record<string, unknown>): Validation<ActivationKeyInputs> {
  const result = activationKeyInputs.safeParse(raw);
  const issues = [...(result.success ? [] : result.error.issues), ...crossFieldIssues(raw)];
  if (!result.success || issues.length > 0)
    return { success: false, error: new z.ZodError(issues) };
  return { success: true, data: result.data };
}

// ---------------------------------------------------------------------------
// API response schema (activationKeysResponse-v1beta1), lenient on purpose.

const activationKeyResponse = z
  .object({
    id: z.string().min(1),
    activationKey: z.string().min(1),
    expiresAt: z.string().min(1),
    targetDevice: z.string().optional(),
    subscriptionKey: z.string().nullish(),
    applianceUri: z.string().nullish(),
    applianceName: z.string().nullish(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    // applianceName, locationId, serviceDeliveryContact, tags: read as the API gives them.
    details: z.record(z.unknown()).nullish(),
  })
  .passthrough();
type ActivationKeyResponse = z.infer<typeof activationKeyResponse>;

function parseKey(body: unknown, what: string): ActivationKeyResponse {
  const key = parseResponse(activationKeyResponse, body, what, "activation key");
  // The key is a secret output: errors and logs must not show it from now on.
  registerSecretOutputs(resourceTypes.ActivationKey.secretOutputs, key);
  return key;
}

// ---------------------------------------------------------------------------
// Fields

/**
 * No PATCH exists (docs/api-facts.md#activation-keys): every input the key is made from replaces it. Only
 * renewBeforeHours does not: it is the provider's schedule, not part of the key,
 * and revoking a key in use because the schedule changed would help nobody.
 */
const immutableFields = resourceTypes.ActivationKey.replacedBy;
/** What the POST sends: what the key is made from, but where it is made. */
const apiFields = immutableFields.filter((field) => field !== "region");
/** Every input. */
const inputFields = [...apiFields, "renewBeforeHours", "region", "tenantAcid"] as const;
/**
 * Inputs the API fills in when the program leaves them out (a subscription applied
 * by auto-subscribe, the gateway's URI): left out, they are not compared.
 */
const apiFilledFields = ["subscriptionKey", "applianceUri"] as const;
/** Set by the API only. */
const readOnlyFields = [
  "activationKey",
  "expiresAt",
  "generation",
  "createdAt",
  "updatedAt",
  "details",
] as const;

// ---------------------------------------------------------------------------
// Shapes and comparisons

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

/**
 * The inputs a key's outputs carry: as declared, or, for a key read by `get`, the
 * ones the key reports (as the API answers them, an empty or null value included).
 */
type KeyInputs = Omit<
  Partial<ActivationKeyInputs>,
  "targetDevice" | (typeof apiFilledFields)[number]
> & {
  targetDevice?: string;
  subscriptionKey?: string | null;
  applianceUri?: string | null;
};

/**
 * Outputs: the inputs as declared, the key and the API's read-only fields. A
 * declared subscriptionKey or applianceUri stays as declared even when the API
 * reports another (auto-subscribe may assign another subscription, docs/api-facts.md#activation-keys):
 * otherwise every refresh would replace the key. Whole for a key made from parsed
 * inputs; partial for one read by `get`, which has only what the key reports.
 */
function outputsFrom(
  declared: ActivationKeyInputs,
  live: ActivationKeyResponse,
): ActivationKeyState;
function outputsFrom(declared: KeyInputs, live: ActivationKeyResponse): Partial<ActivationKeyState>;
function outputsFrom(
  declared: KeyInputs,
  live: ActivationKeyResponse,
): Partial<ActivationKeyState> {
  return definedOnly({
    ...pick(declared, inputFields),
    subscriptionKey: declared.subscriptionKey ?? nonEmpty(live.subscriptionKey),
    applianceUri: declared.applianceUri ?? nonEmpty(live.applianceUri),
    applianceName: nonEmpty(live.applianceName),
    ...pick(live, readOnlyFields),
  });
}

/**
 * True when the key is due for renewal: it expires within `renewBeforeHours`
 * from now, or has expired already (with no window declared).
 */
export function dueForRenewal(expiresAt: unknown, renewBeforeHours: unknown, now = Date.now()) {
  if (typeof expiresAt !== "string") return false;
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires)) return false;
  const window = typeof renewBeforeHours === "number" ? renewBeforeHours * hour : 0;
  return now >= expires - window;
}

/** How far expiresAt - createdAt may be from expirationInHours for the same key. */
const expirationToleranceMs = 60_000;

/** The keys for the declared target device: what a new key could be confused with. */
async function keysFor(
  client: GreenLakeClient,
  inputs: ActivationKeyInputs,
): Promise<ActivationKeyResponse[]> {
  return (
    await client.list<unknown>(collectionPath, {
      filter: `targetDevice eq ${odataString(inputs.targetDevice)}`,
    })
  ).map((item) => parseKey(item, `GET ${collectionPath}`));
}

/**
 * True when a key carries the declared inputs: keys have no name, so the target,
 * subscription and appliance where declared, and a lifetime of expirationInHours.
 */
function madeFrom(inputs: ActivationKeyInputs, key: ActivationKeyResponse): boolean {
  if (key.targetDevice !== undefined && key.targetDevice !== inputs.targetDevice) return false;
  for (const field of apiFilledFields) {
    if (inputs[field] !== undefined && key[field] !== inputs[field]) return false;
  }
  if (key.createdAt === undefined) return false;
  const lifetime = Date.parse(key.expiresAt) - Date.parse(key.createdAt);
  return Math.abs(lifetime - inputs.expirationInHours * hour) <= expirationToleranceMs;
}

/** What `recover` finds for a key whose create never heard back: unexpired keys made from its inputs. */
export function activationKeyRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = activationKeyInputs.parse(withoutProvider(raw));
      const keys = await keysFor(dependencies.clientFor(inputs), inputs);
      return byCreation(
        keys
          .filter((key) => madeFrom(inputs, key) && Date.parse(key.expiresAt) > Date.now())
          .map((key) => {
            registerSecret(key.activationKey);
            return {
              id: key.id,
              createdAt: key.createdAt,
              props: { activationKey: key.activationKey },
            };
          }),
      );
    },
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

/** The activationKey lifecycle on the given dependencies (the process's own by default). */
export function activationKeyImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates } = dependencies;
  return typedImplementation(activationKeySchemas, {
    // Its own check: the cross-field rule is judged on the raw values, beside the schema's.
    async check(_olds, news) {
      // Nothing time-dependent goes into the inputs: renewal is decided in diff, so a
      // key outside its window shows no change.
      return checkInputs("ActivationKey", news, validateActivationKey);
    },

    async diff(_id, olds, news) {
      // An unknown renewBeforeHours changes nothing by itself: renewal is judged at up.
      return diffWithUnknowns(
        "ActivationKey",
        olds,
        news,
        (known) => {
          const replaces: string[] = immutableFields.filter((field) => {
            const apiFilled = apiFilledFields.some((filled) => filled === field);
            if (known[field] === undefined && apiFilled) return false;
            return !jsonEqual(olds[field], known[field]);
          });
          // A key inside its renewal window (or expired) is replaced, the new key made
          // before the old one is deleted, so a scheduled pipeline always holds a valid key.
          if (dueForRenewal(olds.expiresAt, known.renewBeforeHours)) replaces.push("expiresAt");
          // Never a change without a replace: there is no update for a key.
          return diffResult([], replaces);
        },
        ["renewBeforeHours"],
      );
    },

    async create(inputs) {
      const client = clientFor(inputs, notTenantScoped);
      const body = definedOnly(pick(inputs, apiFields));
      // Keys have no name: ours is the one new key that matches, listed before and
      // after the POST. Key creates of this process take turns, so two identical
      // declarations never take the same key (docs/design.md#provable-creates).
      const created = await createProvablyOnce(
        {
          noun: "activation key",
          lookalikes: () => keysFor(client, inputs),
          post: async () =>
            parseKey(await client.post(collectionPath, body), `POST ${collectionPath}`),
          matches: (key) => madeFrom(inputs, key),
          serializeBy: `activation-keys ${client.settings.endpoint} ${client.settings.tenantAcid ?? ""}`,
          wayOut: `Run \`${recoverCommand}\` to record or delete them; unrecorded keys also expire on their own.`,
        },
        creates,
      );
      return { id: created.id, outs: outputsFrom(inputs, created) };
    },

    async read(id, old) {
      const key = old.activationKey;
      const client = clientFor(old, notTenantScoped);
      let live: ReturnType<typeof parseKey> | undefined;
      if (typeof key === "string" && key !== "") {
        registerSecret(key);
        // No GET by id (docs/api-facts.md#activation-keys): the list, filtered on the key string (the client
        // percent-encodes the filter, quotes included).
        const found = await client.list<unknown>(collectionPath, {
          filter: `activationKey eq ${odataString(key)}`,
        });
        live = found
          .map((item) => parseKey(item, `GET ${collectionPath}`))
          .find((k) => k.activationKey === key);
      } else {
        // `ActivationKey.get(name, id)` knows only the id, which no filter takes: the
        // whole list (a workspace holds a handful of live keys), matched by id.
        const all = (await client.list<unknown>(collectionPath)).map((item) =>
          parseKey(item, `GET ${collectionPath}`),
        );
        live = all.find((k) => k.id === id);
        if (live !== undefined) registerSecret(live.activationKey);
      }
      // Expired keys leave the list; one not yet swept is just as unusable.
      if (live === undefined || Date.parse(live.expiresAt) <= Date.now()) return { id: "" };
      // A key cannot change: its inputs are the ones it was made from. A key read by
      // `ActivationKey.get(name, id)` has none recorded: they come from the key.
      const inputs: KeyInputs = definedOnly(
        old.targetDevice === undefined
          ? {
              ...pick(live, ["targetDevice", "subscriptionKey", "applianceUri"]),
              ...pick(old, inputFields),
            }
          : pick(old, inputFields),
      );
      return { id: live.id ?? id, props: outputsFrom(inputs, live), inputs };
    },

    async update() {
      throw new Error("an ActivationKey cannot be updated in place: every change makes a new key");
    },

    async delete(_id, recorded) {
      const key = recorded.activationKey;
      // A key whose string was never recorded cannot be addressed; it expires on its own.
      if (typeof key !== "string" || key === "") return;
      // The key travels in the path, encoded: errors must not show it in either form.
      registerSecret(key);
      registerSecret(encodeURIComponent(key));
      // Deleted or expired already: deleting succeeds.
      await deleteIgnoringGone(() => clientFor(recorded, notTenantScoped).delete(keyPath(key)));
    },
  });
}

export const activationKey = activationKeyImplementation();
