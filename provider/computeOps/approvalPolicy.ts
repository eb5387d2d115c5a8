/**
 * ApprovalPolicy: `/compute-ops-mgmt/v1beta2/approval-policies` (docs/api-facts.md#approval-policies).
 * Operations named in a policy need the approval of its approvers before they
 * run on the policy's server groups.
 *
 * POST creates, GET/PATCH/DELETE `/approval-policies/{id}` read, change (a JSON
 * merge patch) and delete (204). A policy that already exists can be adopted
 * (`adoptId`, docs/design.md#adoption-instead-of-import).
 */
import { z } from "zod";
import {
  Adoption,
  adoptExisting,
  createProvablyOnce,
  deleteIgnoringGone,
  diffResult,
  diffWithUnknowns,
  parseResponse,
  readOrGone,
  replacingFields,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick } from "../core/declaredState";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { refusedTenantAcid } from "./tenantAcidInput";
import { listNamed, patchOrRead } from "./resourceRequests";
import { checkName, createUnderWay } from "./batchedNameChecks";
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
import { batchedRead, ListReadSpec } from "./batchedReads";

const collectionPath = "/compute-ops-mgmt/v1beta2/approval-policies";
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;
/**
 * Refresh reads come from the list, whose items are the single GET's schema
 * (approvalPolicyResponse-v1beta2). It declares no id filter, so it is read whole,
 * 1000 a page (docs/api-facts.md#batched-reads); it lists only active policies, and
 * any other is read by GET.
 */
const listRead: ListReadSpec = {
  collectionPath,
  itemPath,
  strategy: "wholeList",
  pageSize: 1000,
};

/** The "Approvable Name" column of the API description (case-sensitive). */
export const approvableNames = [
  "Update firmware",
  "Apply internal storage configuration",
  "Install operating system image",
  "Apply external storage configuration",
  "Power on",
  "Power off",
  "Reset",
  "Cold boot",
  "Update iLO firmware",
  "Apply server settings (BIOS and iLO)",
] as const;

/** "Currently policy can be configured only for the group resource type." (spec, resources-v1beta2) */
export const groupResourceType = "compute-ops-mgmt/group";

// ---------------------------------------------------------------------------
// Input schema

const approverInput = z
  .object({
    // Email addresses are compared ignoring case: an address the API lower-cases
    // on the way back is the same approver, not drift.
    email: z
      .string()
      .trim()
      .toLowerCase()
      .email("must be an email address")
      .describe("The approver's email address, compared ignoring case."),
  })
  .strict()
  .describe("One person who may approve or deny the operation.");

const approvableInput = z
  .object({
    approvableName: z
      .enum(approvableNames, {
        errorMap: () => ({ message: `must be one of: ${approvableNames.join(", ")}` }),
      })
      .describe(
        "The type of operation that requires approval, case-sensitive, from the API's " +
          '"Approvable Name" column. Each may appear once in a policy.',
      ),
    approvers: z
      .array(approverInput)
      .min(1, "needs at least one approver")
      .describe(
        "Who has the authority to approve or deny the operation for the policy's groups. " +
          "At least one.",
      ),
    // Spec: minimum 1, default 1.
    minApprovers: z
      .number()
      .int("must be a whole number")
      .min(1)
      .default(1)
      .describe(
        "The minimum number of approvals a request needs: 1 (the default) up to the number " +
          "of approvers. A single decline declines the request whatever this value.",
      ),
  })
  .strict()
  .describe("One operation that needs approval, and who approves it.")
  .superRefine((approvable, ctx) => {
    // No approvers at all is reported once, on approvers.
    const count = approvable.approvers.length;
    if (count > 0 && approvable.minApprovers > count) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["minApprovers"],
        message: `must be between 1 and the number of approvers (${count})`,
      });
    }
    const seen = new Set<string>();
    approvable.approvers.forEach((approver, i) => {
      if (seen.has(approver.email)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["approvers", i, "email"],
          message: `${approver.email} is listed twice`,
        });
      }
      seen.add(approver.email);
    });
  });

const policyResourceInput = z
  .object({
    // Spec: format uuid. UUIDs are compared ignoring case, like the API does.
    resourceId: z
      .string()
      .trim()
      .toLowerCase()
      .uuid("must be a UUID (a server group id)")
      .describe("The unique identifier (a UUID) of the server group assigned to the policy."),
    resourceType: z
      .literal(groupResourceType, {
        errorMap: () => ({ message: `only "${groupResourceType}" is supported` }),
      })
      .default(groupResourceType)
      .describe(
        `The type of the resource: "${groupResourceType}", the default and the only type a ` +
          "policy can currently be configured for.",
      ),
  })
  .strict()
  .describe("A server group the policy is assigned to.");

const policyDataInput = z
  .object({
    approvables: z
      .array(approvableInput)
      .default([])
      .describe("The operations that need approval; compared as a set."),
    resources: z
      .array(policyResourceInput)
      .default([])
      .describe("The server groups the policy applies to; compared as a set."),
  })
  .strict()
  .superRefine((policyData, ctx) => {
    // One entry per operation and per group: a second entry would say the same thing twice
    // (or two different things), so it is refused here rather than left to the API.
    const names = new Set<string>();
    policyData.approvables.forEach((a, i) => {
      if (names.has(a.approvableName)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["approvables", i, "approvableName"],
          message: `"${a.approvableName}" is listed twice`,
        });
      }
      names.add(a.approvableName);
    });
    const ids = new Set<string>();
    policyData.resources.forEach((r, i) => {
      if (ids.has(r.resourceId)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["resources", i, "resourceId"],
          message: `${r.resourceId} is listed twice`,
        });
      }
      ids.add(r.resourceId);
    });
  });

/** No approval-policy operation declares Tenant-Acid. */
const notTenantScoped = { tenantScoped: false } as const;

/**
 * Neither the spec nor the API pages bound a policy's name or description; 256 is
 * the bound the API gives an external service's, and keeps a runaway value (a file
 * read by mistake) from reaching the API.
 */
const maxTextLength = 256;
const tooLong = `must be at most ${maxTextLength} characters`;

export const approvalPolicyInputs = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(maxTextLength, tooLong)
      .describe("The policy name, unique in the workspace."),
    description: z
      .string()
      .max(maxTextLength, tooLong)
      .optional()
      .describe("The policy description. Removing it from the program clears it."),
    policyData: policyDataInput.describe(
      "The approvers of each operation and the server groups the policy is assigned to. " +
        "Changes in place; lists are compared as sets.",
    ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it replaces the policy.",
      ),
    tenantAcid: refusedTenantAcid("ApprovalPolicy").describe(
      "Deprecated: no approval-policy operation takes `Tenant-Acid`, so a value fails at " +
        "preview. Kept so programs that set it still compile; removing it replaces nothing.",
    ),
    // policy_id is declared `format: uuid`.
    adoptId: z
      .string()
      .trim()
      .uuid("must be a UUID (the id of the approval policy to adopt)")
      .optional()
      .describe(
        "The id of an existing policy to manage instead of creating one. On create the " +
          "policy is read, the declared fields are patched onto it, and from then on it is " +
          "managed like any other: `pulumi destroy` deletes it (set `retainOnDelete` if it " +
          "must outlive the stack). Naming another id later replaces the resource; dropping " +
          "`adoptId` changes nothing.",
      ),
  })
  .strict();
export type ApprovalPolicyInputs = z.infer<typeof approvalPolicyInputs>;
type PolicyData = ApprovalPolicyInputs["policyData"];

/** What the stack records: the inputs as declared (defaults applied) and the API's read-only fields. */
export const approvalPolicyOutputs = approvalPolicyInputs
  .extend({
    state: z.string().optional().describe("The approval policy state: ACTIVE or INACTIVE."),
    remarks: z.string().nullish().describe("Comments on the policy, set by the service."),
    generation: z.number().optional().describe("Monotonically increasing update counter."),
    createdAt: z.string().optional().describe("Time of policy creation."),
    updatedAt: z.string().optional().describe("Time of the last policy update."),
    resourceUri: z.string().optional().describe("URI of the policy itself (a self link)."),
  })
  .describe(
    "An HPE Compute Ops Management approval policy (`/compute-ops-mgmt/v1beta2/approval-policies`): " +
      "the operations it names need the approval of its approvers before they run on its " +
      "server groups.",
  );
export type ApprovalPolicyState = z.infer<typeof approvalPolicyOutputs>;

export const approvalPolicySchemas = resourceSchemas({
  type: "ApprovalPolicy",
  inputs: approvalPolicyInputs,
  outputs: approvalPolicyOutputs,
  example: {
    name: "prod",
    description: "production groups",
    policyData: {
      approvables: [
        { approvableName: "Power off", approvers: [{ email: "a@example.com" }], minApprovers: 1 },
      ],
      resources: [
        {
          resourceId: "5c2e1a0e-8b7c-4c3a-9f1e-2a8d8e6b1c11",
          resourceType: "compute-ops-mgmt/group",
        },
      ],
    },
    region: "us-west",
    adoptId: "0d3a3f0e-4f5b-4b43-9a0a-3a6e4f3f8c21",
  },
});

// ---------------------------------------------------------------------------
// API response schema (approvalPolicyResponse-v1beta2). Lenient on purpose: it
// names what the provider reads and lets everything else through.

const approvalPolicyResponse = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    description: z.string().nullish(),
    state: z.string().optional(),
    remarks: z.string().nullish(),
    generation: z.number().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    resourceUri: z.string().optional(),
    policyData: z
      .object({
        approvables: z
          .array(
            z
              .object({
                approvableName: z.string(),
                approvers: z.array(z.object({ email: z.string() }).passthrough()).default([]),
                minApprovers: z.number().nullish(),
              })
              .passthrough(),
          )
          .nullish(),
        // docs/api-facts.md#approval-policies: the filter grammar names policyData/resources/id and .../type, and a
        // public tool reads id/type back, so the live API may use either spelling.
        resources: z
          .array(
            z
              .object({
                resourceId: z.string().optional(),
                resourceType: z.string().optional(),
                id: z.string().optional(),
                type: z.string().optional(),
              })
              .passthrough(),
          )
          .nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
type ApprovalPolicyResponse = z.infer<typeof approvalPolicyResponse>;

function parsePolicy(body: unknown, what: string): ApprovalPolicyResponse {
  return parseResponse(approvalPolicyResponse, body, what, "approval policy");
}

// ---------------------------------------------------------------------------
// Fields

/** Fields the API holds that the program declares. */
const apiFields = ["name", "description", "policyData"] as const;
/**
 * Inputs whose change makes a new policy. `adoptId` is handled in diff: naming
 * another policy replaces, dropping it once adopted changes nothing.
 */
const immutableFields = resourceTypes.ApprovalPolicy.replacedBy;
/** Set by the API only. */
const readOnlyFields = [
  "state",
  "remarks",
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
] as const;

// ---------------------------------------------------------------------------
// Shapes and comparisons

/** The live policy's data in input shape, with the API's defaults and spellings resolved. */
function livePolicyData(live: ApprovalPolicyResponse): PolicyData {
  return {
    approvables: (live.policyData?.approvables ?? []).map((a) => ({
      approvableName: a.approvableName as PolicyData["approvables"][number]["approvableName"],
      approvers: a.approvers.map((p) => ({ email: p.email.trim().toLowerCase() })),
      minApprovers: a.minApprovers ?? 1,
    })),
    resources: (live.policyData?.resources ?? []).map((r) => ({
      resourceId: (r.resourceId ?? r.id ?? "").toLowerCase(),
      // Only groups exist; an answer that leaves the type out means a group.
      resourceType: (r.resourceType ?? r.type ?? groupResourceType) as typeof groupResourceType,
    })),
  };
}

/**
 * The policy data with every list sorted: approvers, approvables and groups are
 * sets, so the order the API answers in is not drift.
 */
function canonicalPolicyData(value: unknown): unknown {
  const data = (value ?? {}) as Partial<PolicyData>;
  const byKey =
    <T>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    approvables: [...(data.approvables ?? [])]
      .map((a) => ({
        ...a,
        minApprovers: a.minApprovers ?? 1,
        approvers: [...(a.approvers ?? [])].sort(byKey((p) => p.email)),
      }))
      .sort(byKey((a) => a.approvableName)),
    resources: [...(data.resources ?? [])]
      .map((r) => ({ ...r, resourceType: r.resourceType ?? groupResourceType }))
      .sort(byKey((r) => r.resourceId)),
  };
}

function samePolicyData(a: unknown, b: unknown): boolean {
  return jsonEqual(canonicalPolicyData(a), canonicalPolicyData(b));
}

/**
 * The API fields whose declared value differs from `current`. A description the
 * program stopped declaring is a change too (it is cleared to ""), unless it is
 * already empty: the contract clears a description with "", so "" and absent are
 * the same (docs/api-facts.md#approval-policies). Name and policyData are always declared.
 */
function changedApiFields(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): (typeof apiFields)[number][] {
  return apiFields.filter((field) => {
    if (field === "policyData") return !samePolicyData(declared.policyData, current.policyData);
    if (field === "description")
      return (declared.description ?? "") !== (current.description ?? "");
    return !jsonEqual(declared[field], current[field]);
  });
}

/**
 * The merge patch (RFC 7396) that brings `current` to `declared`: the changed
 * top-level fields only, the whole `policyData` when any part of it changed
 * (a merge patch replaces arrays, docs/api-facts.md#merge-patch-and-content-types), and "" for a description no
 * longer declared: the PATCH schema's description is a string, not nullable.
 * Undefined when nothing changed.
 */
function mergePatchFor(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const changed = changedApiFields(current, declared);
  if (changed.length === 0) return undefined;
  return Object.fromEntries(changed.map((field) => [field, declared[field] ?? ""]));
}

/** Outputs: the inputs as declared, and the API's read-only fields. */
function outputsFrom(
  declared: ApprovalPolicyInputs,
  live: ApprovalPolicyResponse,
): ApprovalPolicyState {
  return definedOnly({
    ...declared,
    ...pick(live, readOnlyFields),
  });
}

/** The body of a POST: what the program declares of the API's fields. */
function createBody(inputs: ApprovalPolicyInputs): Record<string, unknown> {
  return definedOnly(pick(inputs, apiFields));
}

/** True when the live policy carries every declared field. */
function carriesDeclaration(inputs: ApprovalPolicyInputs, live: ApprovalPolicyResponse): boolean {
  return (
    live.name === inputs.name &&
    (live.description ?? "") === (inputs.description ?? "") &&
    samePolicyData(livePolicyData(live), inputs.policyData)
  );
}

/** What `recover` finds for a policy whose create never heard back: the one of its name, if it matches. */
export function approvalPolicyRecovery(
  dependencies: Pick<ComputeOpsDependencies, "clientFor"> = defaultComputeOpsDependencies,
): Recovery {
  return {
    async candidates(raw) {
      const inputs = approvalPolicyInputs.parse(withoutProvider(raw));
      const found = await listNamed(
        dependencies.clientFor(inputs),
        collectionPath,
        inputs.name,
        parsePolicy,
      );
      return byCreation(found.filter((live) => carriesDeclaration(inputs, live)));
    },
  };
}

/**
 * How create adopts the policy `adoptId` names, and how check previews it: what the
 * program declares is brought to the declared state, the rest stays as it is.
 * Undefined without an adoptId.
 */
function adoptionOf(
  inputs: ApprovalPolicyInputs,
  client: ReturnType<ComputeOpsDependencies["clientFor"]>,
): Adoption<ApprovalPolicyResponse> | undefined {
  const adoptId = inputs.adoptId;
  if (adoptId === undefined) return undefined;
  const current = (existing: ApprovalPolicyResponse) => ({
    name: existing.name,
    description: existing.description || undefined,
    policyData: livePolicyData(existing),
  });
  return {
    noun: "approval policy",
    adoptId,
    read: async () => parsePolicy(await client.get(itemPath(adoptId)), `GET ${itemPath(adoptId)}`),
    patchFor: (existing) =>
      mergePatchFor(
        inputs.description === undefined
          ? { ...current(existing), description: undefined }
          : current(existing),
        createBody(inputs),
      ),
    liveFor: current,
    patch: async (id, body) =>
      parsePolicy(await client.patch(itemPath(id), body), `PATCH ${itemPath(id)}`),
    outputsFor: (live) => outputsFrom(inputs, live),
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

/** The approval policy lifecycle on the given dependencies (the process's own by default). */
export function approvalPolicyImplementation(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "creates"
  > = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, creates } = dependencies;
  return typedImplementation(approvalPolicySchemas, {
    adoptionOf: (inputs) => adoptionOf(inputs, clientFor(inputs, notTenantScoped)),

    async diff(id, olds, news) {
      return diffWithUnknowns("ApprovalPolicy", olds, news, (known) => {
        const changes = changedApiFields(olds, known);
        const replaces = replacingFields(id, olds, known, immutableFields);
        return diffResult(changes, replaces);
      });
    },

    async create(inputs, provider) {
      const client = clientFor(inputs, notTenantScoped);

      const adoption = adoptionOf(inputs, client);
      if (adoption !== undefined) {
        const adopted = await adoptExisting(adoption, provider);
        return { id: adopted.id, outs: outputsFrom(inputs, adopted) };
      }

      const body = createBody(inputs);
      const created = await createUnderWay(client, collectionPath, () =>
        createProvablyOnce(
          {
            noun: "approval policy",
            name: inputs.name,
            // Shared with the name checks of the creates waiting with it
            // (docs/design.md#batched-name-checks).
            lookalikes: () =>
              checkName(
                client,
                { collectionPath: collectionPath, parse: parsePolicy },
                inputs.name,
              ),
            post: async () =>
              parsePolicy(await client.post(collectionPath, body), `POST ${collectionPath}`),
            // After a lost answer, only a policy with the declared content is ours: another
            // run that took the name at the same moment declared something else.
            matches: (live) => carriesDeclaration(inputs, live),
          },
          creates,
        ),
      );
      return { id: created.id, outs: outputsFrom(inputs, created) };
    },

    async read(id, old) {
      const live = await readOrGone(async () =>
        parsePolicy(
          await batchedRead(clientFor(old, notTenantScoped), listRead, id),
          `GET ${itemPath(id)}`,
        ),
      );
      // Deleted out of band: an empty id tells the engine it is gone (docs/design.md#diff-declared-against-live).
      if (live === undefined) return { id: "" };
      const policyData = livePolicyData(live);
      // Live values in input shape, for the fields the program declared: a description
      // the program never set is the server's business, not drift.
      const liveInputs = definedOnly({
        ...pick(old, [...immutableFields, "adoptId"]),
        name: live.name ?? "",
        description: old.description !== undefined ? live.description || undefined : undefined,
        // The same sets in another order keep the declared order, so state does not churn.
        policyData:
          old.policyData !== undefined && samePolicyData(old.policyData, policyData)
            ? old.policyData
            : policyData,
      });
      return { id: live.id, props: outputsFrom(liveInputs, live), inputs: liveInputs };
    },

    async update(id, olds, inputs) {
      const patch = mergePatchFor(olds, createBody(inputs));
      const updated = await patchOrRead(
        clientFor(inputs, notTenantScoped),
        itemPath(id),
        patch,
        parsePolicy,
        { noun: "approval policy", id, name: inputs.name },
      );
      return { outs: outputsFrom(inputs, updated) };
    },

    async delete(id, recorded) {
      await deleteIgnoringGone(() => clientFor(recorded, notTenantScoped).delete(itemPath(id)));
    },
  });
}

export const approvalPolicy = approvalPolicyImplementation();

/** What the registry loads for ApprovalPolicy. */
export const resourceModule: ResourceModule = {
  schemas: approvalPolicySchemas,
  implementation: approvalPolicy,
  recovery: () => approvalPolicyRecovery(),
};
