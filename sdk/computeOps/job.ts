import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { jobInputs, JobState } from "../../provider/computeOps/job";
import { providerShim } from "../providerShim";
import {
  resourceTypes,
  withOutputSlots,
  withSecretOutputs,
  type ArgsOf,
  type OutputsOf,
} from "../resourceType";

/**
 * The arguments of a job, derived from the provider's input schema, where each
 * property's meaning is described (provider/computeOps/job.ts).
 */
export type JobArgs = ArgsOf<z.input<typeof jobInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Job extends OutputsOf<JobState> {}

/**
 * One run of a Compute Ops Management job template (a multi-step task such as a
 * power operation or a firmware update) on a server, group or appliance. Any change
 * of input but the wait settings (`waitForCompletion`, `timeoutMinutes`, which update
 * in place) runs the job again; `pulumi destroy` only forgets the job, since jobs
 * cannot be deleted.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Job extends pulumi.dynamic.Resource {
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
    return new Job(name, (state ?? {}) as JobArgs, { ...opts, id });
  }

  constructor(name: string, args: JobArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      // update records a changed wait setting and resumes waiting; the engine also
      // calls it after a failed or timed-out run, so the shim carries it.
      providerShim("Job", resourceTypes.Job),
      name,
      withOutputSlots("Job", {
        ...args,
        // Secret from the start, so state never holds job parameters in plaintext: they
        // may carry credentials (docs/design.md#secrets-stay-secret).
        jobParams: args.jobParams === undefined ? undefined : pulumi.secret(args.jobParams),
      }),
      withSecretOutputs("Job", opts),
      resourceTypes.Job.module,
      "Job",
    );
  }
}
