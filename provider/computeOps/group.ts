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
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { GreenLakeClient } from "./client";
import { refusedTenantAcid } from "./tenantAcidInput";
import { listNamed, patchOrRead, wholeMapPatch } from "./resourceRequests";
import { checkName, createUnderWay } from "./batchedNameChecks";

/** No group operation declares Tenant-Acid: the stack's value is not sent. */
const notTenantScoped = { tenantScoped: false } as const;
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import { definedOnly, jsonEqual } from "../core/pulumiResults";
import { resourceTypes } from "../core/resourceTypes";

export const groupsPath = "/compute-ops-mgmt/v1/groups";
export const groupPath = (id: string) => `${groupsPath}/${encodeURIComponent(id)}`;

/** The spec's `deviceType` enum. */
export const groupDeviceTypes = [
  "DIRECT_CONNECT_SERVER",
  "OVE_APPLIANCE_SYNERGY",
  "OVE_APPLIANCE_VM",
] as const;
type GroupDeviceType = (typeof groupDeviceTypes)[number];

/** Tag keys and values: letters, digits, Unicode spaces and `_ . : = + - @` (spec, autoAddTags). */
const tagPattern = /^[\p{L}\p{N}\p{Zs}_.:=+\-@]+$/u;
const settingsUriPattern =
  /^\/compute-ops-mgmt\/v1(beta\d)?\/settings\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------
// Input schema. Policies are filled with the spec's defaults, so what is declared
// is total and compares with the live answer field by field.

const storageVolumeInput = z
  .object({
    id: z
      .string()
      .trim()
      .toLowerCase()
      .uuid("must be a UUID")
      .describe("The volume's id (a UUID), compared ignoring case."),
    name: z.string().optional().describe("The volume's name."),
  })
  .strict()
  .describe("One storage volume, by id and name.");

const onDeviceAddInput = z
  .object({
    biosApplySettings: z
      .boolean()
      .default(false)
      .describe(
        "Apply the group's BIOS settings (the group needs one of HPE's BIOS/workload profiles).",
      ),
    biosFactoryReset: z
      .boolean()
      .default(false)
      .describe("Reset the server's BIOS settings to factory defaults when it leaves the group."),
    externalStorageConfiguration: z
      .boolean()
      .default(false)
      .describe("Apply the group's external storage configuration."),
    firmwarePowerOff: z
      .boolean()
      .default(false)
      .describe("Power the server off after a firmware update; valid only with `firmwareUpdate`."),
    firmwareUpdate: z
      .boolean()
      .default(false)
      .describe("Update the server's firmware to the group's baseline."),
    iloApplySettings: z.boolean().default(false).describe("Apply the group's iLO settings."),
    osInstall: z.boolean().default(false).describe("Install the group's operating system image."),
    storageConfiguration: z
      .boolean()
      .default(false)
      .describe("Apply the group's internal storage configuration."),
    storageVolumeDeletion: z
      .boolean()
      .default(false)
      .describe("Delete existing storage volumes first."),
    osCompletionTimeoutMin: z
      .number()
      .int("must be a whole number")
      .min(60, "must be from 60 to 720")
      .max(720, "must be from 60 to 720")
      .default(240)
      .describe("Minutes an operating system installation may take: 60 to 720, default 240."),
    storageVolumeName: z.string().optional().describe("The name of the volume to create."),
    storageVolumes: z
      .array(storageVolumeInput)
      .optional()
      .describe("Storage volumes, by id (a UUID) and name."),
  })
  .strict()
  .describe("What happens to a server when it joins the group. Every flag defaults to false.")
  .superRefine((add, ctx) => {
    if (add.firmwarePowerOff && !add.firmwareUpdate) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["firmwarePowerOff"],
        message: "is valid only when firmwareUpdate is true",
      });
    }
  });

const onDeviceApplyInput = z
  .object({
    firmwareDowngrade: z
      .boolean()
      .default(false)
      .describe("Allow firmware older than the server's to be applied. Default false."),
  })
  .strict()
  .describe("When settings are applied to the group's servers.");

const policiesInput = z
  .object({
    onDeviceAdd: onDeviceAddInput
      .default({})
      .describe(
        "What happens to a server when it joins the group; the spec's defaults fill the rest.",
      ),
    onDeviceApply: onDeviceApplyInput
      .default({})
      .describe("When settings are applied; the spec's defaults fill the rest."),
  })
  .strict()
  .describe(
    "A server group's policies (`groupServerPolicies-v1`); the spec's defaults fill what is left out.",
  );

/** The inputs' fields, before the rule that joins two of them; the outputs extend these. */
const groupInputFields = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(100, "must be at most 100 characters")
      .describe("The group name: 1 to 100 characters, unique in the workspace. Changes in place."),
    description: z
      .string()
      .max(10000, "must be at most 10000 characters")
      .optional()
      .describe(
        "The group description, up to 10000 characters. Removing it from the program clears it.",
      ),
    deviceType: z
      .enum(groupDeviceTypes, {
        errorMap: () => ({ message: `must be one of: ${groupDeviceTypes.join(", ")}` }),
      })
      .describe(
        "The kind of device the group holds. The API cannot change it (its PATCH has no " +
          "deviceType): changing it replaces the group.",
      ),
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
      })
      .describe(
        'At most one tag (`{ Department: "Development" }`); servers carrying it join the group ' +
          "by themselves. Case insensitive; no two groups may share a tag. Letters, digits, " +
          "spaces and `_ . : = + - @` only.",
      ),
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
      })
      .describe(
        "The settings the group applies, by their `resourceUri` " +
          "(`/compute-ops-mgmt/v1/settings/<uuid>`): a Setting's `resourceUri` output, or " +
          "`getSetting`'s. A set: order is not drift.",
      ),
    policies: policiesInput
      .optional()
      .describe(
        "What happens to a server that joins the group, and how settings are applied. Server " +
          "groups only (an OVE group has none). Undeclared, the group's own policies are left alone.",
      ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the group.",
      ),
    tenantAcid: refusedTenantAcid("Group").describe(
      "Deprecated: no group operation takes `Tenant-Acid`, so a value fails at preview. Kept " +
        "so programs that set it still compile; removing it replaces nothing.",
    ),
    adoptId: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .optional()
      .describe(
        "The id of an existing group to manage instead of creating one. On create the group is " +
          "read, the declared fields are patched onto it, and from then on it is managed like " +
          "any other: `pulumi destroy` deletes it (set `retainOnDelete` if it must outlive the " +
          "stack). Naming another id later replaces the resource; dropping `adoptId` changes nothing.",
      ),
  })
  .strict();

export const groupInputs = groupInputFields.superRefine((group, ctx) => {
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

/** What the stack records: the inputs as declared (defaults applied) and the API's read-only fields. */
export const groupOutputs = groupInputFields
  .extend({
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time of group creation."),
    updatedAt: z.string().optional().describe("Time of the last group update."),
    resourceUri: z.string().optional().describe("URI of the group itself (a self link)."),
    devicesUri: z.string().optional().describe("URI of the group's devices list."),
    complianceStatus: z
      .string()
      .nullish()
      .describe("COMPLIANT, NOT_COMPLIANT, UNKNOWN or NOT_APPLICABLE, as last read."),
    securityStatus: z
      .string()
      .nullish()
      .describe("RISK, OK, IGNORED, UNKNOWN or UNSUPPORTED, as last read."),
  })
  .describe(
    "An HPE Compute Ops Management server group (`/compute-ops-mgmt/v1/groups`). Its servers " +
      "are placed by a GroupMembership. A group that still holds servers is not deleted: " +
      "destroy fails, naming them.",
  );
export type GroupState = z.infer<typeof groupOutputs>;

export const groupSchemas = resourceSchemas({
  type: "Group",
  inputs: groupInputs,
  outputs: groupOutputs,
  example: {
    name: "web",
    description: "front end",
    deviceType: "DIRECT_CONNECT_SERVER",
    autoAddTags: { Role: "web" },
    settingsUris: ["/compute-ops-mgmt/v1/settings/3e2a63c4-8a44-4e0e-9f44-1a1d0b7f1002"],
    policies: {
      onDeviceAdd: { firmwareUpdate: true },
      onDeviceApply: { firmwareDowngrade: false },
    },
    region: "us-west",
    adoptId: "0f6b1c9e-2a57-4d1e-9a43-6b0d0e2c7a11",
  },
});
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
type ApiField = (typeof apiFields)[number];
/**
 * Values of the API's fields: recorded or live ones, or the new inputs of a diff,
 * which may not be parsed yet, so each is compared as whatever it holds.
 */
type ApiValues = { readonly [F in ApiField]?: unknown };
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

/** An object's own fields; none for anything else. Compared values are not parsed yet. */
function fieldsOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" ? { ...value } : {};
}

function canonicalTags(tags: unknown): string[] {
  return Object.entries(fieldsOf(tags))
    .map(([k, v]) => `${k}\u0000${String(v)}`.toLowerCase())
    .sort();
}

function canonicalUris(uris: unknown): string[] {
  return (Array.isArray(uris) ? uris : []).map((u) => String(u).toLowerCase()).sort();
}

/** Live policies in input shape: the spec's defaults filled, nulls dropped. */
function livePolicies(live: GroupResponse): Policies | undefined {
  if (live.deviceType !== undefined && live.deviceType !== "DIRECT_CONNECT_SERVER")
    return undefined;
  const policies = fieldsOf(live.policies);
  const add = fieldsOf(policies.onDeviceAdd);
  for (const key of ["storageVolumeName", "storageVolumes"]) {
    if (add[key] === null) delete add[key];
  }
  if (Array.isArray(add.storageVolumes)) {
    add.storageVolumes = add.storageVolumes.map((volume) => {
      const v = fieldsOf(volume);
      return definedOnly({ id: String(v.id).toLowerCase(), name: v.name ?? undefined });
    });
  }
  const parsed = policiesInput.safeParse({
    onDeviceAdd: pick(add, Object.keys(onDeviceAddInput.innerType().shape)),
    onDeviceApply: pick(fieldsOf(policies.onDeviceApply), ["firmwareDowngrade"]),
  });
  // Policies the schema refuses (set in the console, outside the spec's ranges) are
  // recorded as the API answers them: they then differ from the declared ones, and
  // the next update sends the declared policies, rather than the drift going unseen.
  return parsed.success ? parsed.data : (policies as Policies);
}

function canonicalPolicies(policies: unknown): unknown {
  if (policies === undefined || policies === null) return undefined;
  const value = fieldsOf(policies);
  const add = fieldsOf(value.onDeviceAdd);
  const volumes = Array.isArray(add.storageVolumes) ? add.storageVolumes : [];
  const volumeId = (volume: unknown) => String(fieldsOf(volume).id);
  return {
    ...value,
    onDeviceAdd: {
      ...add,
      storageVolumes:
        volumes.length > 0
          ? [...volumes].sort((a, b) => volumeId(a).localeCompare(volumeId(b)))
          : undefined,
    },
  };
}

function sameField(field: ApiField, a: unknown, b: unknown): boolean {
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
function clearedValue(field: ApiField): unknown {
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
function changedApiFields(current: ApiValues, declared: ApiValues): ApiField[] {
  return apiFields.filter((field) => {
    if (declared[field] === undefined) {
      return current[field] !== undefined && !sameField(field, clearedValue(field), current[field]);
    }
    return !sameField(field, declared[field], current[field]);
  });
}

/**
 * The merge patch (RFC 7396) from `current` to `declared`: changed fields only;
 * tags as a merge of their own; the whole `policies` object when any part
 * changed; the cleared value for a field no longer declared.
 */
function mergePatchFor(
  current: ApiValues,
  declared: ApiValues,
): Record<string, unknown> | undefined {
  const changed = changedApiFields(current, declared);
  if (changed.length === 0) return undefined;
  return Object.fromEntries(
    changed.map((field) => {
      const wanted = declared[field] ?? clearedValue(field);
      if (field !== "autoAddTags") return [field, wanted];
      // Tags as a merge patch of their own: a merge patch merges objects, so each
      // current tag the program no longer declares is removed with null.
      return [field, wholeMapPatch(current.autoAddTags, fieldsOf(wanted))];
    }),
  );
}

/** Outputs: the inputs as declared, and the API's read-only fields. */
function outputsFrom(declared: GroupInputs, live: GroupResponse): GroupState {
  return definedOnly({
    ...declared,
    ...pick(live, readOnlyFields),
  });
}

/** The body of a POST: what the program declares of the API's fields, and the device type. */
function createBody(inputs: GroupInputs) {
  return definedOnly(pick(inputs, [...apiFields, "deviceType"]));
}

/**
 * The live deviceType, typed as the spec's enum: the value is kept as the API
 * answers it, so one outside the enum differs from the declared one and diff
 * replaces the group.
 */
function liveDeviceType(live: GroupResponse): GroupDeviceType {
  return live.deviceType as GroupDeviceType;
}

/**
 * The live tags, typed as declared: the spec leaves a tag's value untyped, and
 * the value is kept as the API answers it (compared as text either way).
 */
function liveTags(live: GroupResponse): Record<string, string> {
  return (live.autoAddTags ?? {}) as Record<string, string>;
}

/** The live group in input shape, for the fields `declared` names. */
function liveInputsFor(declared: Partial<GroupInputs>, live: GroupResponse): GroupInputs {
  const keepIfSame = <F extends ApiField>(field: F, value: GroupInputs[F]) =>
    sameField(field, declared[field], value) ? declared[field] : value;
  return {
    // The spec requires a name in every answer; "" stands for one missing, which
    // differs from the declared name as an absent one did.
    name: live.name ?? "",
    deviceType: liveDeviceType(live),
    description: declared.description !== undefined ? (live.description ?? undefined) : undefined,
    autoAddTags:
      declared.autoAddTags !== undefined ? keepIfSame("autoAddTags", liveTags(live)) : undefined,
    settingsUris:
      declared.settingsUris !== undefined
        ? keepIfSame("settingsUris", live.settingsUris ?? [])
        : undefined,
    policies: declared.policies !== undefined ? livePolicies(live) : undefined,
  };
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
  return typedImplementation(groupSchemas, {
    adoptionOf: (inputs) => adoptionOf(inputs, clientFor(inputs, notTenantScoped)),

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

    async create(inputs, provider) {
      const client = clientFor(inputs, notTenantScoped);

      const adoption = adoptionOf(inputs, client);
      if (adoption !== undefined) {
        const adopted = await adoptExisting(adoption, provider);
        return { id: adopted.id, outs: outputsFrom(inputs, adopted) };
      }

      const body = createBody(inputs);
      const created = await createUnderWay(client, groupsPath, () =>
        createProvablyOnce(
          {
            noun: "group",
            name: inputs.name,
            // Shared with the name checks of the creates waiting with it
            // (docs/design.md#batched-name-checks).
            lookalikes: () =>
              checkName(client, { collectionPath: groupsPath, parse: parseGroup }, inputs.name),
            post: async () => parseGroup(await client.post(groupsPath, body), `POST ${groupsPath}`),
            // After a lost answer, only a group with the declared content is ours.
            matches: (live) => carriesDeclaration(inputs, live),
          },
          creates,
        ),
      );
      return { id: created.id, outs: outputsFrom(inputs, created) };
    },

    async read(id, old) {
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

    async update(id, olds, inputs) {
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

    async delete(id, recorded) {
      const client = clientFor(recorded, notTenantScoped);
      try {
        await client.delete(groupPath(id));
      } catch (error) {
        if (isGone(error)) return;
        const status = (error as { status?: number }).status;
        const members = status === 400 ? await memberIds(client, id).catch(() => []) : [];
        if (members.length === 0) throw error;
        const name = typeof recorded.name === "string" ? `${recorded.name} ` : "";
        throw new Error(
          `group ${name}(${id}) still has ${members.length} server(s): ${members.join(", ")}. ` +
            "Remove them first (delete or empty the GroupMembership that placed them, or unassign " +
            "them in the console), then destroy again; this provider never deletes a group with force.",
        );
      }
    },
  });
}

export const group = groupImplementation();

/** What the registry loads for Group. */
export const resourceModule: ResourceModule = {
  schemas: groupSchemas,
  implementation: group,
  recovery: () => groupRecovery(),
};
