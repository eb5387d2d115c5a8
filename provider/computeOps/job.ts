/**
 * Job: one run of a Compute Ops Management job template, `/compute-ops-mgmt/v1/jobs`
 * (docs/api-facts.md#jobs, schema job-v1). A job cannot be changed or deleted through the API
 * (its PATCH only ends a running job), so every change of input, `triggers`
 * included, is a new run, and delete only forgets the job.
 */
import { z } from "zod";
import {
  checkInputs,
  diffResult,
  diffWithUnknowns,
  createProvablyOnce,
  createRecoveryWindowMs,
  recoverCommand,
  readOrGone,
  refuseChangeInPlace,
  withoutProvider,
} from "../core/lifecycle";
import { computeOpsRegions } from "../core/configuration";
import { pick, projectOnto } from "../core/declaredState";
import { ComputeOpsDependencies, defaultComputeOpsDependencies } from "./dependencies";
import { GreenLakeClient } from "./client";
import { tenantAcidInput } from "./tenantAcidInput";
import { odataString, odataTimestamp } from "./odata";
import {
  byCreation,
  resourceSchemas,
  typedImplementation,
  type Recorded,
  type Recovery,
  type ResourceImplementation,
  type ResourceModule,
} from "../core/resource";
import { isTemplateUuid, squash, templateFor } from "./jobTemplates";
import {
  CatalogRead,
  JobTemplateCatalogs,
  knownTemplateIds,
  processJobTemplateCatalogs,
  resolveTemplate,
  unresolvedReason,
} from "./jobTemplateCatalog";
import { containsUnknown } from "../core/unknowns";
import { definedOnly, jsonEqual, providerKey } from "../core/pulumiResults";
import { awaitCreated, formatElapsed, WaitClock } from "../core/waitForState";
import { resourceTypes } from "../core/resourceTypes";
import { batchedRead, ListReadSpec } from "./batchedReads";
import { registerEveryStringIn } from "../http/redaction";

const collectionPath = "/compute-ops-mgmt/v1/jobs";
// Job ids are UUIDs, but a path segment is encoded whatever it holds.
const itemPath = (id: string) => `${collectionPath}/${encodeURIComponent(id)}`;
/**
 * Refresh reads come from the list, filtered by `id in (...)`, whose items are the
 * single GET's schema (job-v1) (docs/api-facts.md#batched-reads). A job the list
 * leaves out is read by GET.
 */
const listRead: ListReadSpec = {
  collectionPath,
  itemPath,
  strategy: "idFilter",
  pageSize: 1000,
  maxBatchSize: 100,
};

// ---------------------------------------------------------------------------
// Inputs

/** A bound the spec does not give, so a runaway value (a file read by mistake) never reaches the API. */
const maxResourceIdLength = 256;
/** Template names are a few words; a bound the spec does not give, as for resourceId. */
const maxTemplateLength = 256;
/** Job parameters as JSON; template parameters are a few settings, never this much. */
const maxJobParamsBytes = 64 * 1024;

/** The inputs' fields; the output schema extends them, the input schema refines them. */
const jobInputFields = z
  .object({
    // A name is judged against the live catalogue in check (docs/api-facts.md#job-templates),
    // which a schema cannot ask; here only its shape.
    jobTemplate: z
      .string()
      .min(1, "is required: a job template's name or UUID")
      .max(maxTemplateLength, `must be at most ${maxTemplateLength} characters`)
      .describe(
        "The job template to run: its UUID, or its name as the API's job-template catalogue " +
          'lists it, e.g. "Server Power On", "Server Firmware Update", "Group Firmware Update" ' +
          "(names match ignoring case and spaces). A name is resolved to the catalogue's id " +
          "when the job is created, since HPE's documented ids have changed over time; an " +
          "unknown name fails the preview, naming the closest ones. Sent as `jobTemplate`, " +
          "the ID of the job template for this job.",
      ),
    // The spec's examples say "compute-ops-mgmt/server"; the job-template table (docs/api-facts.md#job-templates) still
    // says "compute-ops/server". Both spellings reach the API as written.
    resourceType: z
      .string()
      .regex(
        /^compute-ops(-mgmt)?\/[\w-]+$/,
        'must be a resource type like "compute-ops-mgmt/server" or "compute-ops-mgmt/group"',
      )
      .describe(
        'Type of the resource to run this job on, e.g. "compute-ops-mgmt/server" or ' +
          '"compute-ops-mgmt/group"; it must be the kind the template runs on.',
      ),
    // Server ids hold '+' ("P06760-B21+2M212504P8"): kept raw here and in the JSON
    // body; encoded as %2B wherever it goes into a URL (filters, paths).
    resourceId: z
      .string()
      .min(1, "is required: the id of the server, group or appliance")
      .max(maxResourceIdLength, `must be at most ${maxResourceIdLength} characters`)
      .describe(
        'Id of the resource to run this job on, e.g. a server id such as "744674-N19+8899744674319686" ' +
          '(its "+" is sent encoded where a URL needs it).',
      ),
    jobParams: z
      .record(z.unknown())
      .refine(
        (params) => Buffer.byteLength(JSON.stringify(params)) <= maxJobParamsBytes,
        `must be at most ${maxJobParamsBytes / 1024} KiB as JSON`,
      )
      .optional()
      .describe(
        "Parameters needed to define this job, per the job template's schema. Secret: they " +
          "may hold credentials.",
      ),
    triggers: z
      .array(z.unknown())
      .optional()
      .describe(
        "Any values; when one of them changes, the job runs again (a new job replaces this " +
          "one). Jobs otherwise run once.",
      ),
    waitForCompletion: z
      .boolean()
      .default(true)
      .describe(
        "Wait until the job reaches a terminal state (default true). A job that ends in ERROR, " +
          "with resultCode FAILURE or DECLINED, or that outlasts `timeoutMinutes`, then fails " +
          "the deployment; its id is still recorded.",
      ),
    timeoutMinutes: z
      .number()
      .int("must be a whole number of minutes")
      .min(1, "must be 1 to 1440 minutes")
      .max(1440, "must be 1 to 1440 minutes")
      .default(60)
      .describe(
        "How long to wait for the job, 1 to 1440 minutes (default 60). Changing it (or " +
          "`waitForCompletion`) updates in place: no new job runs.",
      ),
    region: z
      .enum(computeOpsRegions)
      .optional()
      .describe(
        "The Compute Ops Management region, if not the stack's `compute-ops:region`. " +
          "Changing it runs the job again.",
      ),
    tenantAcid: tenantAcidInput.describe(
      "The application customer ID of a tenant, for an MSP workspace acting on behalf of " +
        "that tenant (sent as the `Tenant-Acid` header), if not the stack's.",
    ),
  })
  .strict();

export const jobInputs = jobInputFields.superRefine((inputs, ctx) => {
  // The job-template table (docs/api-facts.md#job-templates) says what kind of resource each template runs on; a group
  // template sent to a server would only fail later, in the API.
  const template = templateFor(inputs.jobTemplate);
  const kind = inputs.resourceType.split("/")[1];
  if (template !== undefined && kind !== undefined && kind !== template.resourceKind) {
    ctx.addIssue({
      code: "custom",
      path: ["resourceType"],
      message: `must be "compute-ops-mgmt/${template.resourceKind}" for the job template "${template.name}"`,
    });
  }
});
export type JobInputs = z.infer<typeof jobInputs>;

/**
 * What the stack records: the inputs as declared (defaults applied), the template id
 * the job ran with, and the job's read-only fields as last read.
 */
export const jobOutputs = jobInputFields
  .extend({
    jobTemplateId: z
      .string()
      .optional()
      .describe(
        "The id of the job template the job was started with (`jobTemplate` resolved); " +
          "absent for jobs recorded before the provider kept it.",
      ),
    state: z
      .string()
      .describe(
        "The current state of the job: PENDING, APPROVAL_PENDING, RUNNING, STALLED, or the " +
          "terminal ERROR or COMPLETE.",
      ),
    resultCode: z
      .string()
      .optional()
      .describe(
        "The outcome of a completed job: SUCCESS, FAILURE or DECLINED (rejected by the " +
          "approvers); absent until the job has one.",
      ),
    status: z.string().optional().describe("Status message about the job."),
    statusDetails: z
      .record(z.unknown())
      .optional()
      .describe("Additional information about the job's status."),
    results: z.record(z.unknown()).optional().describe("Results from job execution."),
    createdAt: z.string().optional().describe("Time of job creation."),
    updatedAt: z.string().optional().describe("Time of the last job update."),
    resourceUri: z
      .string()
      .optional()
      .describe('URI of the job itself, e.g. "/compute-ops-mgmt/v1/jobs/2500759c-…".'),
    name: z.string().optional().describe("The job's name, as Compute Ops Management reports it."),
    generation: z.number().optional().describe("Increases with every change of the job record."),
    resource: z
      .object({
        id: z.string().optional().describe("The resource's id."),
        type: z.string().optional().describe("The resource's type."),
      })
      .optional()
      .describe("The resource the job runs on, as the API reports it."),
    parentJobId: z.string().optional().describe("The job that started this one, if any."),
  })
  .describe(
    "One run of a Compute Ops Management job template (a multi-step task such as a power " +
      "operation or a firmware update) on a server, group or appliance. Any change of input " +
      "but the wait settings (`waitForCompletion`, `timeoutMinutes`, which update in place) " +
      "runs the job again; `pulumi destroy` only forgets the job, since jobs cannot be deleted.",
  );
export type JobState = z.infer<typeof jobOutputs>;

export const jobSchemas = resourceSchemas({
  type: "Job",
  inputs: jobInputs,
  outputs: jobOutputs,
  example: {
    jobTemplate: "Server Power On",
    resourceType: "compute-ops-mgmt/server",
    resourceId: "P06760-B21+2M212504P8",
    jobParams: { adminPass: "x", nested: { list: [1, 2] } },
    triggers: ["one"],
    waitForCompletion: true,
    timeoutMinutes: 10,
    region: "us-west",
    tenantAcid: "3f1c6f0e-8d1b-4c1e-9a53-4c5b1d2e7f01",
  },
});

/** The declaration as the stack records it: the inputs, and the template id the job ran with. */
type JobDeclaration = JobInputs & { jobTemplateId?: string };

// ---------------------------------------------------------------------------
// API response (job-v1; only the fields used here)

interface JobResponse {
  id: string;
  state: string;
  resultCode?: string | null;
  status?: string;
  statusDetails?: Record<string, unknown> | null;
  results?: Record<string, unknown>;
  createdAt?: string;
  updatedAt?: string;
  resourceUri?: string;
  jobTemplate?: string;
  name?: string;
  parentJobId?: string | null;
  generation?: number;
  resource?: { id?: string; type?: string };
  jobParams?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Fields

/** A job cannot be changed: every input of the run is immutable, and a change is a new run. */
const runFields = resourceTypes.Job.replacedBy;
/** How the provider waits for the run: a change is recorded in place, with no new run. */
const waitFields = resourceTypes.Job.waitSettings;
const inputFields = [...runFields, ...waitFields];

/**
 * What is recorded beside the declared inputs: the template id the job was started
 * with, so a later diff compares what ran, whatever the name resolves to by then.
 * State written before it was recorded has none, and keeps having none on refresh.
 */
const recordedFields = [...inputFields, "jobTemplateId"] as const;

/** The job's read-only fields the stack records as the API sends them; `state` is typed apart, as always sent. */
const outputFields = [
  "resultCode",
  "status",
  "statusDetails",
  "results",
  "createdAt",
  "updatedAt",
  "resourceUri",
  "name",
  "generation",
  "resource",
] as const;

/**
 * Where the wait ends (docs/api-facts.md#job-states): ERROR and COMPLETE are
 * final; a STALLED job stays stalled until a person acknowledges it, so waiting on
 * it would only burn the timeout. APPROVAL_PENDING waits for the approvers.
 */
const terminalStates = ["COMPLETE", "ERROR", "STALLED"];

/**
 * A finished job that did not do its work: ERROR is a failure of the job framework;
 * STALLED stopped making progress; a COMPLETE job reports its own outcome in
 * resultCode, where FAILURE and DECLINED (rejected by the approvers of an approval
 * policy) mean it did not run through.
 */
function hasFailed(live: JobResponse): boolean {
  return (
    live.state === "ERROR" ||
    live.state === "STALLED" ||
    live.resultCode === "FAILURE" ||
    live.resultCode === "DECLINED"
  );
}

/** What the user can do about a job that failed this way. */
function wayOut(live: JobResponse): string {
  if (live.state === "STALLED") {
    return (
      "The job is STALLED: it stays so until someone acknowledges it in Compute Ops " +
      "Management. Its id is recorded; once it is dismissed, `pulumi up` reads it again, " +
      "or change `triggers` (or another input) to run a new job."
    );
  }
  return "Its id is recorded; change `triggers` (or another input) to run the job again.";
}

/** The job's read-only fields, as outputs. */
function liveOutputs(live: JobResponse) {
  return {
    state: live.state,
    ...pick(live, outputFields),
    // The API sends null for "no result code yet"; Pulumi outputs have no null-vs-absent.
    resultCode: live.resultCode ?? undefined,
    statusDetails: live.statusDetails ?? undefined,
    // null when the job has no parent: Pulumi outputs have no null-vs-absent.
    parentJobId: live.parentJobId ?? undefined,
  };
}

/**
 * Outputs: the declaration, and the job's read-only fields. A parsed declaration
 * holds the input fields only, so it is recorded whole.
 */
function outputsFrom(declared: JobDeclaration, live: JobResponse): JobState {
  return definedOnly({ ...declared, ...liveOutputs(live) });
}

/** "state ERROR, resultCode FAILURE, status "…", statusDetails {…}" for messages. */
function describeJob(live: JobResponse): string {
  const details =
    live.statusDetails && Object.keys(live.statusDetails).length > 0
      ? `statusDetails ${JSON.stringify(live.statusDetails)}`
      : undefined;
  return [
    `state ${live.state}`,
    live.resultCode ? `resultCode ${live.resultCode}` : undefined,
    live.status ? `status "${live.status}"` : undefined,
    details,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
}

/** What progress lines and messages call the job: its id, template and target. */
function jobLabel(id: string, inputs: JobInputs): string {
  const template = templateFor(inputs.jobTemplate)?.name ?? inputs.jobTemplate;
  return `compute-ops:Job ${id} (${template} on ${inputs.resourceId})`;
}

/**
 * Waits for the job to reach a terminal state and returns its outputs; a job that
 * ends in failure, outlasts the timeout or can no longer be read is recorded as a
 * partial create.
 */
function awaitJob(
  client: GreenLakeClient,
  id: string,
  inputs: JobInputs,
  templateId: string | undefined,
  provider: unknown,
  lastSeen: JobResponse,
  clock: WaitClock,
): Promise<JobState> {
  const label = jobLabel(id, inputs);
  const recorded = { ...inputs, jobTemplateId: templateId };
  return awaitCreated({
    id,
    noun: "job",
    label,
    lastSeen,
    provider,
    clock,
    outputsOf: (live) => outputsFrom(recorded, live),
    // The spec: a job with deleteOnComplete is deleted once it reaches COMPLETE, so
    // a job that vanishes while awaited has completed.
    poll: async () =>
      (await readOrGone(() => client.get<JobResponse>(itemPath(id)))) ?? {
        ...lastSeen,
        id,
        state: "COMPLETE",
        status: "The job completed and was deleted (deleteOnComplete)",
      },
    stateOf: (live) => {
      if (live.state === "APPROVAL_PENDING") return "APPROVAL_PENDING (waiting for approval)";
      return live.resultCode ? `${live.state} ${live.resultCode}` : live.state;
    },
    isTerminal: (live) => terminalStates.includes(live.state),
    timeoutMs: inputs.timeoutMinutes * 60_000,
    failureOf: ({ finished, value: live, elapsedMs }) => {
      if (!finished) {
        // Nothing is PATCHed: the job's state PATCH only relabels the record and
        // leaves the work on the hardware as it is (docs/api-facts.md#job-states).
        const waiting =
          live.state === "APPROVAL_PENDING"
            ? "The job waits for its approvers: approve or decline it in Compute Ops Management. "
            : "The job goes on in Compute Ops Management: wait for it there, or end it there. ";
        return (
          `${label} did not finish within timeoutMinutes (${inputs.timeoutMinutes}); last seen: ` +
          `${describeJob(live)}. ${waiting}Its id is recorded: the next \`pulumi up\` ` +
          "waits for it again (raise timeoutMinutes to wait longer)."
        );
      }
      if (hasFailed(live)) {
        return (
          `${label} failed after ${formatElapsed(elapsedMs)}: ${describeJob(live)}. ` + wayOut(live)
        );
      }
      return undefined;
    },
  });
}

/**
 * The declared inputs that differ. A template compares by name (case and spaces
 * ignored), else by id: the recorded one the job ran with, or else the ids a name
 * has in the spec's table and in a catalogue this process has read. So a name
 * equals its UUID, and a job recorded with an id the docs have since changed
 * does not run again while its declaration stays the same.
 */
function changedInputs(
  fields: readonly string[],
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  catalogue?: CatalogRead,
): string[] {
  return fields.filter((field) => {
    const old = olds[field];
    const now = news[field];
    if (field === "jobTemplate" && typeof old === "string" && typeof now === "string") {
      if (squash(old) === squash(now)) return false;
      const ranWith =
        typeof olds.jobTemplateId === "string"
          ? new Set([olds.jobTemplateId.toLowerCase()])
          : knownTemplateIds(old, catalogue);
      return ![...knownTemplateIds(now, catalogue)].some((id) => ranWith.has(id));
    }
    return !jsonEqual(old, now);
  });
}

/**
 * The job as its GET answers, read with the other refreshes of the same client
 * (job-v1, trusted as the client's typed GETs are).
 */
async function readJob(client: GreenLakeClient, id: string): Promise<JobResponse> {
  return (await batchedRead(client, listRead, id)) as JobResponse;
}

/**
 * The jobs of a template on a resource, created since `since` when given.
 * `resource/id` is the filter name the spec gives; the client percent-encodes the
 * whole filter, so a server id's '+' arrives as %2B (docs/api-facts.md#percent-encoding).
 */
function jobsLike(
  client: GreenLakeClient,
  templateId: string,
  resourceId: string,
  since?: string,
): Promise<JobResponse[]> {
  return client.list<JobResponse>(collectionPath, {
    filter:
      `jobTemplate eq ${odataString(templateId)}` +
      ` and resource/id eq ${odataString(resourceId)}` +
      (since === undefined ? "" : ` and createdAt ge ${since}`),
  });
}

/** True when the job runs the declared template on the declared resource with the declared parameters. */
function runsDeclaration(inputs: JobInputs, templateId: string, live: JobResponse): boolean {
  return (
    (live.jobTemplate === undefined || live.jobTemplate === templateId) &&
    (live.resource?.id === undefined || live.resource.id === inputs.resourceId) &&
    (live.resource?.type === undefined || live.resource.type === inputs.resourceType) &&
    // The API may add parameters of its own; the declared ones must be as sent.
    (inputs.jobParams === undefined ||
      jsonEqual(inputs.jobParams, projectOnto(inputs.jobParams, live.jobParams ?? {})))
  );
}

/**
 * The template id to send for a declared template (docs/api-facts.md#job-templates), or
 * an error that names `jobTemplate` and says why there is none.
 */
async function templateIdOf(
  catalogs: JobTemplateCatalogs,
  client: GreenLakeClient,
  template: string,
  log?: (line: string) => void,
): Promise<string> {
  const resolution = await resolveTemplate(catalogs, client, template);
  if ("id" in resolution) {
    if (resolution.from === "table") {
      log?.(
        `compute-ops:Job: the API no longer lists job templates; "${template}" is ` +
          `${resolution.id} by the spec's table`,
      );
    }
    return resolution.id;
  }
  throw new Error(`compute-ops:Job jobTemplate "${template}" ${unresolvedReason(resolution)}`);
}

/** What `recover` finds for a job whose create never heard back: runs of its declaration. */
export function jobRecovery(
  dependencies: Pick<
    ComputeOpsDependencies,
    "clientFor" | "jobTemplates"
  > = defaultComputeOpsDependencies,
): Recovery {
  const catalogs = dependencies.jobTemplates ?? processJobTemplateCatalogs;
  return {
    async candidates(raw) {
      const inputs = jobInputs.parse(withoutProvider(raw));
      const client = dependencies.clientFor(inputs);
      const templateId = await templateIdOf(catalogs, client, inputs.jobTemplate);
      const jobs = await jobsLike(client, templateId, inputs.resourceId);
      return byCreation(jobs.filter((live) => runsDeclaration(inputs, templateId, live)));
    },
  };
}

// ---------------------------------------------------------------------------
// Lifecycle

/** The job lifecycle on the given dependencies (the process's own by default). */
export function jobImplementation(
  dependencies: ComputeOpsDependencies = defaultComputeOpsDependencies,
): ResourceImplementation {
  const { clientFor, clock, creates } = dependencies;
  const catalogs = dependencies.jobTemplates ?? processJobTemplateCatalogs;

  /**
   * Why a template name would start no job, judged against the live catalogue
   * (docs/api-facts.md#job-templates); undefined when it resolves, and when it cannot be
   * judged: a UUID, an unknown value (a preview), the name the recorded job ran
   * with (a stack made before a rename keeps working), or a catalogue that cannot
   * be read (a preview without credentials or network), which leaves the name to
   * create.
   */
  async function templateProblem(
    olds: Recorded<JobState>,
    news: Record<string, unknown>,
  ): Promise<string | undefined> {
    const template = news.jobTemplate;
    // An empty or overlong name is the schema's failure; an unknown one is judged at up.
    if (
      typeof template !== "string" ||
      template === "" ||
      template.length > maxTemplateLength ||
      containsUnknown(template)
    ) {
      return undefined;
    }
    if (isTemplateUuid(template)) return undefined;
    if (typeof olds.jobTemplate === "string" && squash(olds.jobTemplate) === squash(template)) {
      return undefined;
    }
    const client = clientOrNothing(news);
    if (client === undefined) return undefined;
    const resolution = await resolveTemplate(catalogs, client, template);
    return "unreadable" in resolution ? undefined : unresolvedReason(resolution);
  }

  /** The client check and diff would use, or nothing while its settings are unknown or wrong. */
  function clientOrNothing(news: Record<string, unknown>): GreenLakeClient | undefined {
    if (containsUnknown(news.region) || containsUnknown(news.tenantAcid)) return undefined;
    try {
      return clientFor(news);
    } catch {
      // Configuration problems are check's own failures, reported by checkInputs.
      return undefined;
    }
  }

  return typedImplementation(jobSchemas, {
    async check(olds, news) {
      // The template stays as the program wrote it (a name reads better in a preview);
      // create maps it to the catalogue's id, and diff compares names, then ids.
      const checked = checkInputs("Job", news, (raw) => jobInputs.safeParse(raw));
      const reason = await templateProblem(olds, news);
      if (reason === undefined) return checked;
      return {
        inputs: checked.inputs,
        failures: [...(checked.failures ?? []), { property: "jobTemplate", reason }],
      };
    },

    async diff(_id, olds, news) {
      // olds are the recorded outputs, which carry the declared inputs verbatim, so
      // a plain comparison of each declared input is exact: an added, removed or
      // changed job parameter or trigger is a new run; a changed wait setting is not.
      // Check has read the catalogue in this process already; diff only looks at
      // what it gave.
      const client = clientOrNothing(news);
      const catalogue = client === undefined ? undefined : catalogs.alreadyRead(client);
      return diffWithUnknowns("Job", olds, news, (known) =>
        diffResult(
          changedInputs(waitFields, olds, known),
          changedInputs(runFields, olds, known, catalogue),
        ),
      );
    },

    async create(inputs, provider) {
      // Job parameters may hold credentials: no error or log shows them.
      registerEveryStringIn(inputs.jobParams);
      const client = clientFor(inputs);
      // A name goes by the live catalogue's id: the docs' ids have changed over time.
      const templateId = await templateIdOf(catalogs, client, inputs.jobTemplate, clock.log);
      // Slack for clocks that disagree: the job this POST makes is in the lists below.
      const postedAfter = odataTimestamp(Date.now() - createRecoveryWindowMs);

      // Not retried by the client (a repeat would run the job twice). When the answer
      // is lost, ours is the one new job of this template on this resource with the
      // declared parameters. Job creates of this process take turns, so identical
      // declarations (which differ only in `triggers`) never take the same job.
      const created = await createProvablyOnce<JobResponse>(
        {
          noun: "job",
          lookalikes: () => jobsLike(client, templateId, inputs.resourceId, postedAfter),
          post: () =>
            client.post<JobResponse>(
              collectionPath,
              definedOnly({
                jobTemplate: templateId,
                resourceId: inputs.resourceId,
                resourceType: inputs.resourceType,
                jobParams: inputs.jobParams,
              }),
            ),
          matches: (live) => runsDeclaration(inputs, templateId, live),
          serializeBy: `jobs ${client.settings.endpoint} ${client.settings.tenantAcid ?? ""}`,
          wayOut: `Run \`${recoverCommand}\` to record one of them (a job cannot be deleted through the API).`,
        },
        creates,
      );

      if (!inputs.waitForCompletion) {
        const recorded = { ...inputs, jobTemplateId: templateId };
        return { id: created.id, outs: outputsFrom(recorded, created) };
      }
      const outs = await awaitJob(client, created.id, inputs, templateId, provider, created, clock);
      return { id: created.id, outs };
    },

    async read(id, recorded) {
      // The API knows nothing of the inputs (the wait settings are the provider's),
      // so the declared inputs are what was recorded: a refresh shows the job's
      // progress in its outputs and never invents drift.
      const inputs = definedOnly({
        ...pick(recorded, inputFields),
        [providerKey]: recorded[providerKey],
      });
      const live = await readOrGone(() => readJob(clientFor(recorded), id));
      // Jobs with deleteOnComplete vanish once COMPLETE (spec): the run happened,
      // so the job keeps its last known outputs instead of reading as gone (which
      // would make the next `up` run it again).
      if (live === undefined) return { id, props: recorded, inputs };
      // `Job.get(name, id)` records nothing: what the job runs comes from the job itself.
      const described =
        recorded.jobTemplate === undefined
          ? definedOnly({
              jobTemplate: live.jobTemplate,
              resourceType: live.resource?.type,
              resourceId: live.resource?.id,
              ...recorded,
            })
          : recorded;
      return {
        id,
        props: {
          ...definedOnly({ ...pick(described, recordedFields), ...liveOutputs(live) }),
          [providerKey]: recorded[providerKey],
        },
        inputs,
      };
    },

    async update(id, olds, inputs, provider) {
      // Two things come here, and neither runs the job again: a change of a wait
      // setting (raising timeoutMinutes after a timeout, as the timeout's message
      // advises), and a create that failed or timed out. Either way the wait resumes
      // under the new settings, so a job that has since completed clears the
      // failure, one that ended in error fails the step again, and a completed job
      // costs one read.
      refuseChangeInPlace("Job", changedInputs(runFields, olds, inputs), "runs the job again");
      registerEveryStringIn(inputs.jobParams);
      const client = clientFor(inputs);
      // The recorded outputs are the job's fields as last read.
      const lastSeen: JobResponse = { ...olds, id };
      // The id the job was started with, when this version recorded it.
      const templateId = olds.jobTemplateId;
      if (!inputs.waitForCompletion) {
        const recorded = { ...inputs, jobTemplateId: templateId };
        return { outs: outputsFrom(recorded, lastSeen) };
      }
      return {
        outs: await awaitJob(client, id, inputs, templateId, provider, lastSeen, clock),
      };
    },

    async delete() {
      // The API has no DELETE for jobs (docs/api-facts.md#jobs): forgetting the job is all there is.
    },
  });
}

export const job = jobImplementation();

/** What the registry loads for Job. */
export const resourceModule: ResourceModule = {
  schemas: jobSchemas,
  implementation: job,
  recovery: () => jobRecovery(),
};
