import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "../providerShim";

export interface JobArgs {
  /**
   * The job template: its UUID, or its name from the API's table (seed 000), e.g.
   * "Server Power On", "Server Firmware Update", "Group Firmware Update"; names
   * match ignoring case and spaces ("GroupFirmwareUpdate").
   */
  jobTemplate: pulumi.Input<string>;
  /** The kind of resource the job runs on, e.g. "compute-ops-mgmt/server" or "compute-ops-mgmt/group". */
  resourceType: pulumi.Input<string>;
  /** The id of the server or group. Server ids contain "+", which is sent encoded. */
  resourceId: pulumi.Input<string>;
  /** The template's parameters. */
  jobParams?: pulumi.Input<Record<string, unknown>>;
  /** Any values; when one changes, the job runs again. */
  triggers?: pulumi.Input<unknown[]>;
  /** Wait for the job to finish (default true); a failed job then fails the deployment. */
  waitForCompletion?: pulumi.Input<boolean>;
  /** How long to wait, 1 to 1440 minutes (default 60). */
  timeoutMinutes?: pulumi.Input<number>;
  /** The Compute Ops Management region, if not the stack's. */
  region?: pulumi.Input<string>;
  /** Act for this tenant of an MSP workspace. */
  tenantAcid?: pulumi.Input<string>;
}

/**
 * One run of a Compute Ops Management job template. Any change of input runs the
 * job again; `pulumi destroy` only forgets the job, since jobs cannot be deleted.
 */
export class Job extends pulumi.dynamic.Resource {
  /** PENDING, APPROVAL_PENDING, RUNNING, STALLED, ERROR or COMPLETE. */
  declare public readonly state: pulumi.Output<string>;
  /** SUCCESS or FAILURE once COMPLETE. */
  declare public readonly resultCode: pulumi.Output<string | undefined>;
  declare public readonly status: pulumi.Output<string | undefined>;
  declare public readonly statusDetails: pulumi.Output<unknown>;
  declare public readonly results: pulumi.Output<unknown>;
  declare public readonly createdAt: pulumi.Output<string>;
  declare public readonly updatedAt: pulumi.Output<string>;
  declare public readonly resourceUri: pulumi.Output<string>;

  constructor(name: string, args: JobArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("Job", { updatable: false }),
      name,
      {
        ...args,
        state: undefined,
        resultCode: undefined,
        status: undefined,
        statusDetails: undefined,
        results: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      opts,
      "compute-ops",
      "Job",
    );
  }
}
