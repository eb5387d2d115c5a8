/**
 * Job: one run of a Compute Ops Management job template, `/compute-ops-mgmt/v1/jobs`
 * (seed 000). Jobs cannot be changed or deleted: any change of input (including
 * `triggers`) makes a new run, and delete only forgets the job.
 */
import { z } from "zod";
import { ApiError } from "./apiError";
import { clientFor, createOnce } from "./computeOpsResource";
import { computeOpsRegions } from "./configuration";
import { changedFields, pick } from "./declaredState";
import { odataString } from "./greenLakeClient";
import type { ResourceImplementation } from "./index";
import { jobTemplates, templateIdFor } from "./jobTemplates";
import { checkFailuresFrom, definedOnly, PartialCreateError, providerKey } from "./pulumiResults";
import { waitForState } from "./waitForState";

const collectionPath = "/compute-ops-mgmt/v1/jobs";
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;

/** jobState in the API description: COMPLETE and ERROR are terminal. */
const terminalStates = ["COMPLETE", "ERROR"];

export const jobInputs = z
  .object({
    jobTemplate: z
      .string()
      .min(1)
      .refine((t) => templateIdFor(t) !== undefined, {
        message: `must be a template UUID or one of: ${jobTemplates.map((t) => t.name).join(", ")}`,
      }),
    resourceType: z
      .string()
      .regex(/^compute-ops(-mgmt)?\/[\w-]+$/, 'must be like "compute-ops-mgmt/server"'),
    resourceId: z.string().min(1, "is required"),
    jobParams: z.record(z.unknown()).optional(),
    triggers: z.array(z.unknown()).optional(),
    waitForCompletion: z.boolean().default(true),
    timeoutMinutes: z
      .number()
      .int()
      .min(1, "must be 1 to 1440")
      .max(1440, "must be 1 to 1440")
      .default(60),
    region: z.enum(computeOpsRegions).optional(),
    tenantAcid: z.string().min(1).optional(),
  })
  .strict();
export type JobInputs = z.infer<typeof jobInputs>;

interface JobResponse {
  id: string;
  state: string;
  resultCode?: string | null;
  status?: string;
  statusDetails?: unknown;
  results?: unknown;
  createdAt?: string;
  updatedAt?: string;
  resourceUri?: string;
}

const inputFields = [
  "jobTemplate",
  "resourceType",
  "resourceId",
  "jobParams",
  "triggers",
  "waitForCompletion",
  "timeoutMinutes",
  "region",
  "tenantAcid",
] as const;
/** A job cannot be changed: every input is immutable, and a change is a new run. */
export const immutableFields = inputFields;
const readOnlyFields = [
  "state",
  "resultCode",
  "status",
  "statusDetails",
  "results",
  "createdAt",
  "updatedAt",
  "resourceUri",
] as const;

function outputsFrom(declared: Record<string, unknown>, live: JobResponse) {
  return definedOnly({
    ...pick(declared, inputFields),
    ...pick(live as unknown as Record<string, unknown>, readOnlyFields),
    resultCode: live.resultCode ?? undefined,
  });
}

function failed(job: JobResponse): boolean {
  return job.state === "ERROR" || job.resultCode === "FAILURE";
}

function describe(job: JobResponse): string {
  return [
    `state ${job.state}`,
    job.resultCode ? `resultCode ${job.resultCode}` : undefined,
    job.status ? `status "${job.status}"` : undefined,
    job.statusDetails !== undefined && JSON.stringify(job.statusDetails) !== "{}"
      ? `statusDetails ${JSON.stringify(job.statusDetails)}`
      : undefined,
  ]
    .filter(Boolean)
    .join(", ");
}

/** Test hook: how waiting sleeps and tells time. */
export const jobWaiting = {
  sleep: undefined as ((ms: number) => Promise<void>) | undefined,
  now: undefined as (() => number) | undefined,
};

export const job: ResourceImplementation = {
  async check(_olds, news) {
    const { [providerKey]: provider, ...rest } = news;
    const result = jobInputs.safeParse(rest);
    if (!result.success) return { inputs: news, failures: checkFailuresFrom(result.error) };
    return { inputs: { ...result.data, [providerKey]: provider } };
  },

  async diff(_id, olds, news) {
    const replaces = changedFields(olds, news, inputFields);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(news) {
    const { [providerKey]: provider, ...rest } = news;
    const inputs = jobInputs.parse(rest);
    const client = clientFor(inputs);
    const templateId = templateIdFor(inputs.jobTemplate) as string;
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const created = await createOnce(
      () =>
        client.post<JobResponse>(
          collectionPath,
          definedOnly({
            jobTemplate: templateId,
            resourceId: inputs.resourceId,
            resourceType: inputs.resourceType,
            jobParams: inputs.jobParams,
          }),
        ),
      async () => {
        // Server ids hold '+': the client percent-encodes the filter (%2B).
        const candidates = await client.list<JobResponse & { jobTemplate?: string }>(
          collectionPath,
          {
            filter: `jobTemplate eq ${odataString(templateId)} and resourceId eq ${odataString(inputs.resourceId)} and createdAt ge ${odataString(startedAt)}`,
          },
        );
        return candidates.length === 1 ? candidates[0] : undefined;
      },
    );
    const declared = inputs as Record<string, unknown>;
    if (!inputs.waitForCompletion) return { id: created.id, outs: outputsFrom(declared, created) };
    const outcome = await waitForState({
      label: `compute-ops:Job ${created.id}`,
      poll: () => client.get<JobResponse>(itemPath(created.id)),
      stateOf: (j) => j.state,
      isTerminal: (j) => terminalStates.includes(j.state),
      timeoutMs: inputs.timeoutMinutes * 60_000,
      sleep: jobWaiting.sleep,
      now: jobWaiting.now,
    });
    const outs = outputsFrom(declared, outcome.value);
    if (!outcome.finished) {
      throw new PartialCreateError(
        `job ${created.id} timed out after ${inputs.timeoutMinutes} minutes (timeoutMinutes); last seen: ${describe(outcome.value)}`,
        created.id,
        { ...outs, [providerKey]: provider },
      );
    }
    if (failed(outcome.value)) {
      throw new PartialCreateError(
        `job ${created.id} failed: ${describe(outcome.value)}`,
        created.id,
        { ...outs, [providerKey]: provider },
      );
    }
    return { id: created.id, outs };
  },

  async read(id, props) {
    const declared = (props ?? {}) as Record<string, unknown>;
    const inputs = definedOnly(pick(declared, inputFields));
    try {
      const live = await clientFor(declared).get<JobResponse>(itemPath(id));
      return { id, props: outputsFrom(declared, live), inputs };
    } catch (error) {
      // Jobs made with deleteOnComplete vanish when done: keep the last known outputs.
      if (ApiError.isNotFound(error)) return { id, props: declared, inputs };
      throw error;
    }
  },

  async update() {
    throw new Error("A Job cannot be updated: every change of input runs the job again");
  },

  async delete() {
    // The API has no way to delete a job: forgetting it is all there is to do.
  },
};
