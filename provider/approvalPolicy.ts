/**
 * ApprovalPolicy: `/compute-ops-mgmt/v1beta2/approval-policies` (seed 001).
 * Operations named in a policy need the approval of its approvers before they
 * run on the policy's server groups.
 */
import { z } from "zod";
import { ApiError } from "./apiError";
import { clientFor, createOnce } from "./computeOpsResource";
import { computeOpsRegions } from "./configuration";
import { changedFields, pick, projectOnto } from "./declaredState";
import { odataString } from "./greenLakeClient";
import type { ResourceImplementation } from "./index";
import { checkFailuresFrom, definedOnly, PartialCreateError, providerKey } from "./pulumiResults";

const collectionPath = "/compute-ops-mgmt/v1beta2/approval-policies";
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;

// The approvableName table of the API description (case-sensitive).
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

const approvable = z
  .object({
    approvableName: z.enum(approvableNames, {
      errorMap: () => ({ message: `must be one of: ${approvableNames.join(", ")}` }),
    }),
    approvers: z
      .array(z.object({ email: z.string().email("must be an email address") }).strict())
      .min(1, "needs at least one approver"),
    minApprovers: z.number().int().min(1).default(1),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.minApprovers > a.approvers.length) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["minApprovers"],
        message: `must be between 1 and the number of approvers (${a.approvers.length})`,
      });
    }
  });

export const approvalPolicyInputs = z
  .object({
    name: z.string().trim().min(1, "is required"),
    description: z.string().optional(),
    policyData: z
      .object({
        approvables: z.array(approvable).default([]),
        resources: z
          .array(
            z
              .object({
                resourceId: z.string().uuid("must be a UUID (a server group id)"),
                // "Currently policy can be configured only for the group resource type."
                resourceType: z
                  .literal("compute-ops-mgmt/group", {
                    errorMap: () => ({ message: 'only "compute-ops-mgmt/group" is supported' }),
                  })
                  .default("compute-ops-mgmt/group"),
              })
              .strict(),
          )
          .default([]),
      })
      .strict(),
    region: z.enum(computeOpsRegions).optional(),
    tenantAcid: z.string().min(1).optional(),
    adoptId: z.string().min(1).optional(),
  })
  .strict();
export type ApprovalPolicyInputs = z.infer<typeof approvalPolicyInputs>;

/** The API's policy; resources may come back as `resourceId/resourceType` or `id/type` (api-facts). */
interface ApprovalPolicyResponse {
  id: string;
  name: string;
  description?: string;
  state?: string;
  remarks?: string;
  generation?: number;
  createdAt?: string;
  updatedAt?: string;
  resourceUri?: string;
  policyData?: {
    approvables?: {
      approvableName: string;
      approvers: { email: string }[];
      minApprovers?: number;
    }[];
    resources?: { resourceId?: string; resourceType?: string; id?: string; type?: string }[];
  };
}

/** Fields the API holds that the program declares. */
const apiFields = ["name", "description", "policyData"] as const;
/** Every input, including those that pick where the policy lives. */
const inputFields = [...apiFields, "region", "tenantAcid", "adoptId"] as const;
/** A different region or tenant is a different object space; another adoptId another object. */
export const immutableFields = ["region", "tenantAcid", "adoptId"] as const;
const readOnlyFields = [
  "state",
  "remarks",
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
] as const;

function parseInputs(news: Record<string, unknown>): ApprovalPolicyInputs {
  const { [providerKey]: _provider, ...rest } = news;
  return approvalPolicyInputs.parse(rest);
}

/** The live policy in input shape. */
function liveInputs(live: ApprovalPolicyResponse): Record<string, unknown> {
  return {
    name: live.name,
    description: live.description,
    policyData: {
      approvables: (live.policyData?.approvables ?? []).map((a) => ({
        approvableName: a.approvableName,
        approvers: a.approvers.map((p) => ({ email: p.email })),
        minApprovers: a.minApprovers ?? 1,
      })),
      resources: (live.policyData?.resources ?? []).map((r) => ({
        resourceId: r.resourceId ?? r.id,
        resourceType: r.resourceType ?? r.type,
      })),
    },
  };
}

/** Outputs: the declared inputs as declared, and the API's read-only fields. */
function outputsFrom(declared: Record<string, unknown>, live: ApprovalPolicyResponse) {
  return definedOnly({
    ...pick(declared, inputFields),
    ...pick(live as unknown as Record<string, unknown>, readOnlyFields),
  });
}

function apiBody(inputs: ApprovalPolicyInputs) {
  return definedOnly(pick(inputs as Record<string, unknown>, apiFields));
}

export const approvalPolicy: ResourceImplementation = {
  async check(_olds, news) {
    const { [providerKey]: provider, ...rest } = news;
    const result = approvalPolicyInputs.safeParse(rest);
    if (!result.success) return { inputs: news, failures: checkFailuresFrom(result.error) };
    return { inputs: { ...result.data, [providerKey]: provider } };
  },

  async diff(_id, olds, news) {
    const changes = changedFields(olds, news, inputFields);
    const replaces = changes.filter((f) => (immutableFields as readonly string[]).includes(f));
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(news) {
    const inputs = parseInputs(news);
    const client = clientFor(inputs);
    if (inputs.adoptId !== undefined) {
      // Adoption: take the existing policy and bring it to the declared state.
      const existing = await client.get<ApprovalPolicyResponse>(itemPath(inputs.adoptId));
      // Only what the program declares is brought over; the rest stays as it is.
      const body = apiBody(inputs);
      const patch = mergePatchFor(pick(liveInputs(existing), Object.keys(body)), body);
      if (patch === undefined) return { id: existing.id, outs: outputsFrom(inputs, existing) };
      try {
        const updated = await client.patch<ApprovalPolicyResponse>(itemPath(existing.id), patch);
        return { id: updated.id, outs: outputsFrom(inputs, updated) };
      } catch (error) {
        throw new PartialCreateError(
          `adopted approval policy ${existing.id} but could not bring it to the declared state: ${(error as Error).message}`,
          existing.id,
          { ...outputsFrom(inputs, existing), [providerKey]: news[providerKey] },
        );
      }
    }
    const created = await createOnce(
      () => client.post<ApprovalPolicyResponse>(collectionPath, apiBody(inputs)),
      async () =>
        (
          await client.list<ApprovalPolicyResponse>(collectionPath, {
            filter: `name eq ${odataString(inputs.name)}`,
          })
        )[0],
    );
    return { id: created.id, outs: outputsFrom(inputs, created) };
  },

  async read(id, props) {
    const declared = (props ?? {}) as Record<string, unknown>;
    let live: ApprovalPolicyResponse;
    try {
      live = await clientFor(declared).get<ApprovalPolicyResponse>(itemPath(id));
    } catch (error) {
      if (ApiError.isNotFound(error)) return { id: "" };
      throw error;
    }
    const current = projectOnto(pick(declared, apiFields), liveInputs(live)) as Record<
      string,
      unknown
    >;
    const inputs = definedOnly({ ...pick(declared, immutableFields), ...current });
    return { id: live.id, props: outputsFrom(inputs, live), inputs };
  },

  async update(id, olds, news) {
    const inputs = parseInputs(news);
    const patch = mergePatchFor(pick(olds, apiFields), apiBody(inputs));
    const client = clientFor(inputs);
    const updated =
      patch === undefined
        ? await client.get<ApprovalPolicyResponse>(itemPath(id))
        : await client.patch<ApprovalPolicyResponse>(itemPath(id), patch);
    return { outs: outputsFrom(inputs, updated) };
  },

  async delete(id, props) {
    try {
      await clientFor(props).delete(itemPath(id));
    } catch (error) {
      // Already gone: deleting succeeds (DESIGN.md decision 5).
      if (!ApiError.isNotFound(error)) throw error;
    }
  },
};

/**
 * The merge patch from `current` to `declared`: changed top-level fields, the
 * whole `policyData` when any part of it changed (a merge patch replaces arrays,
 * RFC 7396), and null for a description no longer declared.
 */
function mergePatchFor(
  current: Record<string, unknown>,
  declared: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const changed = changedFields(current, declared, apiFields);
  if (changed.length === 0) return undefined;
  return Object.fromEntries(changed.map((f) => [f, declared[f] ?? null]));
}
