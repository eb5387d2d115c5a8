import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { jobInputs, JobState } from "../../provider/computeOps/job";
import { OpsManagementResource, type ArgsOf, type OutputsOf } from "../resourceType";

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
export class Job extends OpsManagementResource {
  constructor(name: string, args: JobArgs, opts?: pulumi.CustomResourceOptions) {
    super("Job", name, args, opts);
  }
}
