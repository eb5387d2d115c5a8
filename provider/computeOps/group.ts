/**
 * Group: a server group, `/compute-ops-mgmt/v1/groups` (docs/api-facts.md#groups).
 *
 * POST creates (names are unique: a second one answers 409), GET/PATCH/DELETE
 * `/groups/{id}` read, change (a JSON merge patch) and delete. The PATCH body has
 * no `deviceType`, so a change of it replaces the group. The group's servers are
 * not managed here but by GroupMembership, so one team can own a group and
 * another its servers. A group that still has servers is not deleted: the API
 * would remove them only when asked with `force=true`, which this provider never
 * sends.
 */
import { z } from "zod";
import {
  Adoption,
  adoptExisting,
  checkAdoption,
  checkInputs,
  createProvablyOnce,
  diffResult,
  diffWithUnknowns,
  isGone,
  parseResponse,
  readOrGone,
  replacingFields,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick } from "../core/declaredState";
import {
  ComputeOpsDependencies,
  defaultComputeOpsDependencies,
  listNamed,
  GreenLakeClient,
  patchOrRead,
  refusedTenantAcid,
} from "./client";

/** No group operation declares Tenant-Acid: the stack's value is not sent. */
const notTenantScoped = { tenantScoped: false } as const;
import { byCreation, type Recovery, type ResourceImplementation } from "../core/resource";
import { definedOnly, jsonEqual, providerKey } from "../core/pulumiResults";
import { resourceTypes } from "../core/resourceTypes";

export const groupsPath = "/compute-ops-mgmt/v1/groups";
export const groupPath = (id: string) => `${groupsPath}/${encodeURIComponent(id)}`;

/** The spec's `deviceType` enum. */
export const groupDeviceTypes = [
  "DIRECT_CONNECT_SERVER",
  "OVE_APPLIANCE_SYNERGY",
  "OVE_APPLIANCE_VM",
] as const;

/** Tag keys and values: letters, digits, Unicode spaces and `_ . : = + - @` (spec, autoAddTags). */
const tagPattern = /^[\p{L}\p{N}\p{Zs}_.:=+\-@]+$/u;
const settingsUriPattern =
  /^\/compute-ops-mgmt\/v1(beta\d)?\/settings\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------
// Input schema. Policies are filled with the spec's defaults, so what is declared
// is total and compares with the live answer field by field.

const onDeviceAddInput = z
  .object({
    biosApplySettings: z.boolean().default(false),
    biosFactoryReset: z.boolean().default(false),
    externalStorageConfiguration: z.boolean().default(false),
    firmwarePowerOff: z.boolean().default(false),
    firmwareUpdate: z.boolean().default(false),
    iloApplySettings: z.boolean().default(false),
    osInstall: z.boolean().default(false),
    storageConfiguration: z.boolean().default(false),
    storageVolumeDeletion: z.boolean().default(false),
    osCompletionTimeoutMin: z
      .number()
      .int("must be a whole number")
      .min(60, "must be from 60 to 720")
      .max(720, "must be from 60 to 720")
      .default(240),
    storageVolumeName: z.string().optional(),
    storageVolumes: z
      .array(
        z
          .object({
            id: z.string().trim().toLowerCase().uuid("must be a UUID"),
            name: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()
  .superRefine((add, ctx) => {
    if (add.firmwarePowerOff && !add.firmwareUpdate) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["firmwarePowerOff"],
        message: "is valid only when firmwareUpdate is true",
      });
    }
  });

const policiesInput = z
  .object({
    onDeviceAdd: onDeviceAddInput.default({}),
    onDeviceApply: z
      .object({ firmwareDowngrade: z.boolean().default(false) })
      .strict()
      .default({}),
  })
  .strict();

export const groupInputs = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
    description: z.string().max(10000, "must be at most 10000 characters").optional(),
    deviceType: z.enum(groupDeviceTypes, {
      errorMap: () => ({ message: `must be one of: ${groupDeviceTypes.join(", ")}` }),
    }),
    autoAddTags: z
      .record(
        z.string().regex(tagPattern, "may hold letters, digits, spaces and _ . : = + - @ only"),
      )
      .optional()
      .superRefine((tags, ctx) => {
        if (tags === undefined) return;
        const keys = Object.keys(tags);
        if (keys.length > 1) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: "a group can have at most one tag",
          });
        }
        for (const key of keys) {
          if (!tagPattern.test(key)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [key],
              message: "tag keys may hold letters, digits, spaces and _ . : = + - @ only",
            });
          }
        }
      }),
    settingsUris: z
      .array(
        z
          .string()
          .trim()
          .regex(
            settingsUriPattern,
            "must be a setting's resourceUri (/compute-ops-mgmt/v1/settings/<uuid>)",
          ),
      )
      .optional()
      .superRefine((uris, ctx) => {
        const seen = new Set<string>();
        uris?.forEach((uri, i) => {
          if (seen.has(uri.toLowerCase())) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [i],
              message: `${uri} is listed twice`,
            });
          }
          seen.add(uri.toLowerCase());
        });
      }),
    policies: policiesInput.optional(),
    region: z.enum(computeOpsRegions).optional(),
    tenantAcid: refusedTenantAcid("Group"),
    adoptId: z.string().trim().min(1, "must not be empty").optional(),
  })
  .strict()
  .superRefine((group, ctx) => {
    if (group.policies !== undefined && group.deviceType !== "DIRECT_CONNECT_SERVER") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["policies"],
        message: `a ${group.deviceType} group has no policies; leave policies out`,
      });
    }
  });
export type GroupInputs = z.infer<typeof groupInputs>;
type Policies = z.infer<typeof policiesInput>;

// ---------------------------------------------------------------------------
// API response schema (groupResponse-v1). Lenient: names what is read. Its
// `type` is misspelled in the spec ("compute-mgmt-ops/group") and not read.

const groupResponse = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    description: z.string().nullish(),
    deviceType: z.string().optional(),
    autoAddTags: z.record(z.unknown()).nullish(),
    settingsUris: z.array(z.string()).nullish(),
    policies: z.record(z.unknown()).nullish(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    resourceUri: z.string().optional(),
    devicesUri: z.string().optional(),
    complianceStatus: z.string().nullish(),
    securityStatus: z.string().nullish(),
  })
  .passthrough();
type GroupResponse = z.infer<typeof groupResponse>;

export function parseGroup(body: unknown, what: string): GroupResponse {
  return parseResponse(groupResponse, body, what, "group");
}

// ---------------------------------------------------------------------------
// Fields

const apiFields = ["name", "description", "autoAddTags", "settingsUris", "policies"] as const;
const inputFields = [...apiFields, "deviceType", "region", "tenantAcid", "adoptId"] as const;
const immutableFields = resourceTypes.Group.replacedBy;
/** Set by the API only; membership and compliance change without the program. */
const readOnlyFields = [
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
  "devicesUri",
  "complianceStatus",
  "securityStatus",
] as const;

// ---------------------------------------------------------------------------
// Comparisons: tags ignore case (the spec calls them case insensitive), settings
// URIs are a set, policies compare with the spec's defaults filled in.

function canonicalTags(tags: unknown): string[] {
  return Object.entries((tags ?? {}) as Record<string, unknown>)
    .map(([k, v]) => `${k}\u0000${String(v)}`.toLowerCase())
    .sort();
}

function canonicalUris(uris: unknown): string[] {
  return ((uris ?? []) as string[]).map((u) => u.toLowerCase()).sort();
}

/** Live policies in input shape: the spec's defaults filled, nulls dropped. */
function livePolicies(live: GroupResponse): Policies | undefined {
  if (live.deviceType !== undefined && live.deviceType !== "DIRECT_CONNECT_SERVER")
    return undefined;
  const policies = (live.policies ?? {}) as Record<string, unknown>;
  const add = { ...((policies.onDeviceAdd ?? {}) as Record<string, unknown>) };
  for (const key of ["storageVolumeName", "storageVolumes"]) {
    if (add[key] === null) delete add[key];
  }
  if (Array.isArray(add.storageVolumes)) {
    add.storageVolumes = (add.storageVolumes as Record<string, unknown>[]).map((v) =>
      definedOnly({ id: String(v.id).toLowerCase(), name: v.name ?? undefined }),
    );
  }
  const parsed = policiesInput.safeParse({
    onDeviceAdd: pick(add, Object.keys(onDeviceAddInput.innerType().shape)),
    onDeviceApply: pick((policies.onDeviceApply ?? {}) as Record<string, unknown>, [
      "firmwareDowngrade",
    ]),
  });
  return parsed.success ? parsed.data : (policies as unknown as Policies);
}

function canonicalPolicies(policies: unknown): unknown {
  if (policies === undefined || policies === null) return undefined;
  const value = policies as Policies;
  const volumes = value.onDeviceAdd?.storageVolumes;
  return {
    ...value,
    onDeviceAdd: {
      ...value.onDeviceAdd,
      storageVolumes:
        volumes && volumes.length > 0
          ? [...volumes].sort((a, b) => a.id.localeCompare(b.id))
          : undefined,
    },
  };
}

function sameField(field: (typeof apiFields)[number], a: unknown, b: unknown): boolean {
  switch (field) {
    case "description":
      // The API answers null for a group without one, and clears one with "".
      return (a ?? "") === (b ?? "");
    case "autoAddTags":
      return jsonEqual(canonicalTags(a), canonicalTags(b));
    case "settingsUris":
      return jsonEqual(canonicalUris(a), canonicalUris(b));
    case "policies":
      return jsonEqual(canonicalPolicies(a), canonicalPolicies(b));
    default:
      return jsonEqual(a, b);
  }
}

/**
 * What a field the program stops declaring becomes. groupUpdateRequest-v1 types
 * none of these as nullable, so a merge patch's null would be refused with 400
 * (docs/api-facts.md#clearing-a-field): an empty description, no tag, no
 * settings, and the policies of a group made without any (the spec's defaults).
 * `name` is required, so it is never cleared.
 */
function clearedValue(field: (typeof apiFields)[number]): unknown {
  switch (field) {
    case "description":
      return "";
    case "autoAddTags":
      return {};
    case "settingsUris":
      return [];
    case "policies":
      return policiesInput.parse({});
    default:
      return undefined;
  }
}

/**
 * The API fields whose declared value differs from `current`. A field the program
 * stopped declaring is a change when its value is not already the cleared one; one
 * it never declared is not compared (`current` holds it only when it was declared).
 */
function changedApiFields(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): (typeof apiFields)[number][] {
  return apiFields.filter((field) => {
    if (declared[field] === undefined) {
      return current[field] !== undefined && !sameField(field, clearedValue(field), current[field]);
    }
    return !sameField(field, declared[field], current[field]);
  });
}

/**
 * Tags as a merge patch of their own: since a merge patch merges objects, each
 * current key the program no longer declares is removed with null (a group holds
 * at most one tag, and the spec leaves a tag's value untyped).
 */
function tagsPatch(current: unknown, wanted: Record<string, unknown>): Record<string, unknown> {
  const removed = Object.keys((current ?? {}) as Record<string, unknown>).filter(
    (key) => !Object.prototype.hasOwnProperty.call(wanted, key),
  );
  return { ...Object.fromEntries(removed.map((key) => [key, null])), ...wanted };
}

/**
 * The merge patch (RFC 7396) from `current` to `declared`: changed fields only;
 * tags as a merge of their own; the whole `policies` object when any part
 * changed; the cleared value for a field no longer declared.
 */
function mergePatchFor(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const changed = changedApiFields(current, declared);
  if (changed.length === 0) return undefined;
  return Object.fromEntries(
    changed.map((field) => {
      const wanted = declared[field] ?? clearedValue(field);
      if (field !== "autoAddTags") return [field, wanted];
      return [field, tagsPatch(current.autoAddTags, wanted as Record<string, unknown>)];
    }),
  );
}

function outputsFrom(declared: Record<string, unknown>, live: GroupResponse) {
  return definedOnly({
    ...pick(declared, inputFields),
    ...pick(live as Record<string, unknown>, readOnlyFields),
  });
}

function createBody(inputs: GroupInputs): Record<string, unknown> {
  return definedOnly(pick(inputs as Record<string, unknown>, [...apiFields, "deviceType"]));
}

/** The live group in input shape, for the fields `declared` names. */
function liveInputsFor(declared: Record<string, unknown>, live: GroupResponse) {
  const current: Record<string, unknown> = { name: live.name, deviceType: live.deviceType };
  const keepIfSame = (field: (typeof apiFields)[number], value: unknown) =>
    sameField(field, declared[field], value) ? declared[field] : value;
  if (declared.description !== undefined) current.description = live.description ?? undefined;
  if (declared.autoAddTags !== undefined) {
    current.autoAddTags = keepIfSame("autoAddTags", live.autoAddTags ?? {});
  }
  if (declared.settingsUris !== undefined) {
    current.settingsUris = keepIfSame("settingsUris", live.settingsUris ?? []);
  }
  if (declared.policies !== undefined) current.policies = livePolicies(live);
  return current;
}

/** The servers still in a group, by id, for the error that refuses to delete it. */
async function memberIds(client: GreenLakeClient, id: string): Promise<string[]> {
  const page = await client.get<{ items?: { deviceId?: string }[] }>(`${groupPath(id)}/devices`);
  return (page.items ?? []).map((d) => d.deviceId ?? "?");
}

// ---------------------------------------------------------------------------
// Lifecycle

/** True when the live group carries every field the program declares. */
function carriesDeclaration(inputs: GroupInputs, live: GroupResponse): boolean {
  const declared = createBody(inputs);
  return (
    live.name === inputs.name &&
    live.deviceType === inputs.deviceType &&
    changedApiFields(liveInputsFor(declared, live), declared).length === 0
  );
}

/** What `recover` finds for a group whose create never heard back: the one of its name, if it matches. */
export function groupRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = groupInputs.parse(withoutProvider(raw));
      const found = await listNamed(
        dependencies.clientFor(inputs, notTenantScoped),
        groupsPath,
        inputs.name,
        parseGroup,
      );
      return byCreation(
        found
          .filter((live) => carriesDeclaration(inputs, live))
          .map((live) => ({ id: live.id, createdAt: live.createdAt })),
      );
    },
  };
}

/**
 * How create adopts the group `adoptId` names, and how check previews it: its
 * declared fields patched on, the rest left as it is. Undefined without an adoptId.
 */
function adoptionOf(
  inputs: GroupInputs,
  client: ReturnType<ComputeOpsDependencies["clientFor"]>,
): Adoption<GroupResponse> | undefined {
  const adoptId = inputs.adoptId;
  if (adoptId === undefined) return undefined;
  return {
    noun: "group",
    adoptId,
    read: async () => parseGroup(await client.get(groupPath(adoptId)), `GET ${groupPath(adoptId)}`),
    refuse: (existing) => {
      if (existing.deviceType !== inputs.deviceType) {
        throw new Error(
          `adoptId ${adoptId}: the group's deviceType is ${String(existing.deviceType)}, ` +
            `not ${inputs.deviceType}; declare its deviceType to adopt it`,
        );
      }
    },
    patchFor: (existing) => {
      const declared = createBody(inputs);
      return mergePatchFor(liveInputsFor(declared, existing), declared);
    },
    liveFor: (existing) => liveInputsFor(createBody(inputs), existing),
    patch: async (id, body) =>
      parseGroup(await client.patch(groupPath(id), body), `PATCH ${groupPath(id)}`),
    outputsFor: (live) => outputsFrom(inputs, live),
  };
}

export function groupImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates } = dependencies;
  return {
    async check(olds, news) {
      const checked = checkInputs("Group", news, (raw) => groupInputs.safeParse(raw));
      return checkAdoption(olds, checked, (valid) => {
        const inputs = groupInputs.parse(withoutProvider(valid));
        return adoptionOf(inputs, clientFor(inputs, notTenantScoped));
      });
    },

    async diff(id, olds, news) {
      const result = diffWithUnknowns("Group", olds, news, (known) =>
        diffResult(
          changedApiFields(olds, known),
          replacingFields(id, olds, known, immutableFields),
        ),
      );
      // Names are unique: a replacement of the same name can only be made once the
      // old group is gone (its GroupMembership is then replaced first, releasing the servers).
      const replaced = (result.replaces ?? []).length > 0;
      return { ...result, deleteBeforeReplace: replaced && olds.name === news.name };
    },

    async create(news) {
      const inputs = groupInputs.parse(withoutProvider(news));
      const client = clientFor(inputs, notTenantScoped);

      const adoption = adoptionOf(inputs, client);
      if (adoption !== undefined) {
        const adopted = await adoptExisting(adoption, news[providerKey]);
        return { id: adopted.id, outs: outputsFrom(inputs, adopted) };
      }

      const body = createBody(inputs);
      const created = await createProvablyOnce(
        {
          noun: "group",
          name: inputs.name,
          lookalikes: () => listNamed(client, groupsPath, inputs.name, parseGroup),
          post: async () => parseGroup(await client.post(groupsPath, body), `POST ${groupsPath}`),
          // After a lost answer, only a group with the declared content is ours.
          matches: (live) => carriesDeclaration(inputs, live),
        },
        creates,
      );
      return { id: created.id, outs: outputsFrom(inputs, created) };
    },

    async read(id, props) {
      const old = (props ?? {}) as Record<string, unknown>;
      const live = await readOrGone(async () =>
        parseGroup(
          await clientFor(old, notTenantScoped).get(groupPath(id)),
          `GET ${groupPath(id)}`,
        ),
      );
      if (live === undefined) return { id: "" };
      const inputs = definedOnly({
        ...pick(old, [...immutableFields, "adoptId"]),
        ...liveInputsFor(old, live),
      });
      return { id: live.id, props: outputsFrom(inputs, live), inputs };
    },

    async update(id, olds, news) {
      const inputs = groupInputs.parse(withoutProvider(news));
      const patch = mergePatchFor(olds, createBody(inputs));
      const updated = await patchOrRead(
        clientFor(inputs, notTenantScoped),
        groupPath(id),
        patch,
        parseGroup,
        { noun: "group", id, name: inputs.name },
      );
      return { outs: outputsFrom(inputs, updated) };
    },

    async delete(id, props) {
      const client = clientFor(props, notTenantScoped);
      try {
        await client.delete(groupPath(id));
      } catch (error) {
        if (isGone(error)) return;
        const status = (error as { status?: number }).status;
        const members = status === 400 ? await memberIds(client, id).catch(() => []) : [];
        if (members.length === 0) throw error;
        const name = typeof props.name === "string" ? `${props.name} ` : "";
        throw new Error(
          `group ${name}(${id}) still has ${members.length} server(s): ${members.join(", ")}. ` +
            "Remove them first (delete or empty the GroupMembership that placed them, or unassign " +
            "them in the console), then destroy again; this provider never deletes a group with force.",
        );
      }
    },
  };
}

export const group = groupImplementation();
