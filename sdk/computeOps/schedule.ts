import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { scheduleInputs, ScheduleState } from "../../provider/computeOps/schedule";
import { OpsManagementResource, type ArgsOf, type OutputsOf } from "../resourceType";

/**
 * The arguments of a schedule, derived from the provider's input schema, where each
 * property's meaning is described (provider/computeOps/schedule.ts).
 */
export type ScheduleArgs = ArgsOf<z.input<typeof scheduleInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Schedule extends OutputsOf<ScheduleState> {}

/**
 * An HPE Compute Ops Management schedule (`/compute-ops-mgmt/v1beta2/schedules`): a
 * REST operation run once at a time or every interval, usually a POST of a job such
 * as a group firmware update in a maintenance window. Give a Group's `resourceUri` as
 * `associatedResourceUri` and the API deletes the schedule with the group.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Schedule extends OpsManagementResource {
  constructor(name: string, args: ScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    super("Schedule", name, args, opts);
  }
}
