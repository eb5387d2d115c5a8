import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";
import { resourceTypes, stateForGet, withSecretOutputs } from "../resourceType";

export interface JobArgs {
  /**
   * The job template to run: its UUID, or its name as the API's job-template
   * catalogue lists it, e.g. "Server Power On", "Server Firmware Update", "Group
   * Firmware Update" (names match ignoring case and spaces). A name is resolved to
   * the catalogue's id when the job is created, since HPE's documented ids have
   * changed over time; an unknown name fails the preview, naming the closest ones.
   * Sent as `jobTemplate`, the ID of the job template for this job.
   */
  jobTemplate: pulumi.Input<string>;
  /**
   * Type of the resource to run this job on, e.g. "compute-ops-mgmt/server" or
   * "compute-ops-mgmt/group"; it must be the kind the template runs on.
   */
  resourceType: pulumi.Input<string>;
  /**
   * Id of the resource to run this job on, e.g. a server id such as
   * "744674-N19+8899744674319686" (its "+" is sent encoded where a URL needs it).
   */
  resourceId: pulumi.Input<string>;
  /** Parameters needed to define this job, per the job template's schema. */
  jobParams?: pulumi.Input<Record<string, pulumi.Input<unknown>>>;
  /**
   * Any values; when one of them changes, the job runs again (a new job replaces
   * this one). Jobs otherwise run once.
   */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /**
   * Wait until the job reaches a terminal state (default true). A job that ends in
   * ERROR, with resultCode FAILURE or DECLINED, or that outlasts `timeoutMinutes`,
   * then fails the deployment; its id is still recorded.
   */
  waitForCompletion?: pulumi.Input<boolean>;
  /**
   * How long to wait for the job, 1 to 1440 minutes (default 60). Changing it (or
   * `waitForCompletion`) updates in place: no new job runs.
   */
  timeoutMinutes?: pulumi.Input<number>;
  /**
   * The Compute Ops Management region ("us-west", "eu-central", "ap-northeast"),
   * if not the stack's `compute-ops:region`.
   */
  region?: pulumi.Input<string>;
  /**
   * The application customer ID of a tenant, for an MSP workspace acting on behalf
   * of that tenant (sent as the `Tenant-Acid` header), if not the stack's.
   */
  tenantAcid?: pulumi.Input<string>;
}

/**
 * One run of a Compute Ops Management job template (a multi-step task such as a
 * power operation or a firmware update) on a server, group or appliance. Any change
 * of input but the wait settings (`waitForCompletion`, `timeoutMinutes`, which update
 * in place) runs the job again; `pulumi destroy` only forgets the job, since jobs
 * cannot be deleted.
 */
export class Job extends pulumi.dynamic.Resource {
  /**
   * The current state of the job: PENDING, APPROVAL_PENDING, RUNNING, STALLED, or
   * the terminal ERROR or COMPLETE.
   */
  declare public readonly state: pulumi.Output<string>;
  /**
   * The outcome of a completed job: SUCCESS, FAILURE or DECLINED (rejected by the
   * approvers); absent until the job has one.
   */
  declare public readonly resultCode: pulumi.Output<string | undefined>;
  /** Status message about the job. */
  declare public readonly status: pulumi.Output<string | undefined>;
  /** Additional information about the job's status. */
  declare public readonly statusDetails: pulumi.Output<Record<string, unknown> | undefined>;
  /** Results from job execution. */
  declare public readonly results: pulumi.Output<Record<string, unknown> | undefined>;
  /** Time of job creation. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** Time of the last job update. */
  declare public readonly updatedAt: pulumi.Output<string>;
  /** URI of the job itself, e.g. "/compute-ops-mgmt/v1/jobs/2500759c-…". */
  declare public readonly resourceUri: pulumi.Output<string>;
  /** The job's name, as Compute Ops Management reports it. */
  declare public readonly name: pulumi.Output<string | undefined>;
  /** The job that started this one, if any. */
  declare public readonly parentJobId: pulumi.Output<string | undefined>;
  /** Increases with every change of the job record. */
  declare public readonly generation: pulumi.Output<number | undefined>;
  /** The resource the job runs on, as the API reports it. */
  declare public readonly resource: pulumi.Output<{ id?: string; type?: string } | undefined>;
  /**
   * The id of the job template the job was started with (`jobTemplate` resolved);
   * absent for jobs recorded before the provider kept it.
   */
  declare public readonly jobTemplateId: pulumi.Output<string | undefined>;

  /**
   * Reads an existing job into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may name its `region` and `tenantAcid`; the outputs are what the API holds.
   */
  public static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<JobArgs>,
    opts?: pulumi.CustomResourceOptions,
  ): Job {
    return new Job(
      name,
      stateForGet<JobArgs>(["jobTemplate", "resourceType", "resourceId"], state),
      { ...opts, id },
    );
  }

  constructor(name: string, args: JobArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      // update records a changed wait setting and resumes waiting; the engine also
      // calls it after a failed or timed-out run, so the shim carries it.
      providerShim("Job", resourceTypes.Job),
      name,
      {
        ...args,
        // Secret from the start, so state never holds job parameters in plaintext: they
        // may carry credentials (docs/design.md#secrets-stay-secret).
        jobParams: args.jobParams === undefined ? undefined : pulumi.secret(args.jobParams),
        state: undefined,
        resultCode: undefined,
        status: undefined,
        statusDetails: undefined,
        results: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
        name: undefined,
        parentJobId: undefined,
        generation: undefined,
        resource: undefined,
        jobTemplateId: undefined,
      },
      withSecretOutputs("Job", opts),
      resourceTypes.Job.module,
      "Job",
    );
  }
}
