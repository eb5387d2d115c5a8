/**
 * Lookups: the groups, servers, settings, firmware bundles, job templates and
 * schedules a program references, found by name, as `getX` (a promise) and
 * `getXOutput` (an Output, taking Inputs) pairs. They run in the program's process with the
 * provider's client: configuration from the stack (`compute-ops:*`), then the
 * `HPE_COM_*` environment, the same retries and errors. Each sends one request
 * when one object matches, and fails naming the matches when none or several do.
 * Results hold API data only, never a setting or credential.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  LookupArgs,
  LookupName,
  LookupResult,
  lookupInProgram,
} from "../../provider/computeOps/lookups";

// Arguments and results come from the provider's lookup schemas (type-only imports,
// erased at compile time); what each field means is on docs/reference/lookups.md.
export type GetGroupArgs = LookupArgs<"getGroup">;
export type GetGroupResult = LookupResult<"getGroup">;
/** Exactly one of `name` and `serialNumber`. */
export type GetServerArgs = LookupArgs<"getServer">;
export type GetServerResult = LookupResult<"getServer">;
export type GetSettingArgs = LookupArgs<"getSetting">;
export type GetSettingResult = LookupResult<"getSetting">;
/** `releaseVersion`, `name`, or both: neither is unique on its own. */
export type GetFirmwareBundleArgs = LookupArgs<"getFirmwareBundle">;
export type GetFirmwareBundleResult = LookupResult<"getFirmwareBundle">;
export type GetJobTemplateArgs = LookupArgs<"getJobTemplate">;
export type GetJobTemplateResult = LookupResult<"getJobTemplate">;
/** `name`, and `associatedResourceUri` to narrow: schedule names are not unique. */
export type GetScheduleArgs = LookupArgs<"getSchedule">;
export type GetScheduleResult = LookupResult<"getSchedule">;
/** Where to look: a region or MSP tenant other than the stack's. */
export type LookupTargetArgs = Pick<GetGroupArgs, "region" | "tenantAcid">;

/** Loaded on first use, so importing the SDK does not load the HTTP client. */
async function lookup<K extends LookupName>(
  name: K,
  args: LookupArgs<K>,
): Promise<LookupResult<K>> {
  const provider = require("../../provider/computeOps/lookups") as {
    lookupInProgram: typeof lookupInProgram;
  };
  return provider.lookupInProgram(name, args, {
    get: (key) => pulumi.runtime.getConfig(key),
  });
}

type OutputArgs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The server group of this name (`/compute-ops-mgmt/v1/groups`, `name eq`). */
export function getGroup(args: GetGroupArgs): Promise<GetGroupResult> {
  return lookup("getGroup", args);
}
export function getGroupOutput(args: OutputArgs<GetGroupArgs>): pulumi.Output<GetGroupResult> {
  return pulumi.output(args).apply((a) => getGroup(a as GetGroupArgs));
}

/** The server of this name, host name or serial number (`/compute-ops-mgmt/v1/servers`). */
export function getServer(args: GetServerArgs): Promise<GetServerResult> {
  return lookup("getServer", args);
}
export function getServerOutput(args: OutputArgs<GetServerArgs>): pulumi.Output<GetServerResult> {
  return pulumi.output(args).apply((a) => getServer(a as GetServerArgs));
}

/** The setting of this name, and category when given (`/compute-ops-mgmt/v1/settings`). */
export function getSetting(args: GetSettingArgs): Promise<GetSettingResult> {
  return lookup("getSetting", args);
}
export function getSettingOutput(
  args: OutputArgs<GetSettingArgs>,
): pulumi.Output<GetSettingResult> {
  return pulumi.output(args).apply((a) => getSetting(a as GetSettingArgs));
}

/** The firmware bundle of this release version and/or name (`/compute-ops-mgmt/v1/firmware-bundles`). */
export function getFirmwareBundle(args: GetFirmwareBundleArgs): Promise<GetFirmwareBundleResult> {
  return lookup("getFirmwareBundle", args);
}
export function getFirmwareBundleOutput(
  args: OutputArgs<GetFirmwareBundleArgs>,
): pulumi.Output<GetFirmwareBundleResult> {
  return pulumi.output(args).apply((a) => getFirmwareBundle(a as GetFirmwareBundleArgs));
}

/**
 * The job template of this name, live from `/compute-ops-mgmt/v1beta2/job-templates`:
 * the only version the API offers, which its own description marks deprecated and
 * due for removal. Should it go, a Job's `jobTemplate` still takes the names of
 * the built-in table.
 */
export function getJobTemplate(args: GetJobTemplateArgs): Promise<GetJobTemplateResult> {
  return lookup("getJobTemplate", args);
}
export function getJobTemplateOutput(
  args: OutputArgs<GetJobTemplateArgs>,
): pulumi.Output<GetJobTemplateResult> {
  return pulumi.output(args).apply((a) => getJobTemplate(a as GetJobTemplateArgs));
}

/**
 * The schedule of this name, and of this associated resource when given
 * (`/compute-ops-mgmt/v1beta2/schedules`); names are not unique, so several matches
 * fail, naming them.
 */
export function getSchedule(args: GetScheduleArgs): Promise<GetScheduleResult> {
  return lookup("getSchedule", args);
}
export function getScheduleOutput(
  args: OutputArgs<GetScheduleArgs>,
): pulumi.Output<GetScheduleResult> {
  return pulumi.output(args).apply((a) => getSchedule(a as GetScheduleArgs));
}
