/**
 * Lookups: the groups, servers, settings, firmware bundles and job templates a
 * program references, found by name, as `getX` (a promise) and `getXOutput` (an
 * Output, taking Inputs) pairs. They run in the program's process with the
 * provider's client: configuration from the stack (`compute-ops:*`), then the
 * `HPE_COM_*` environment, the same retries and errors. Each sends one request
 * when one object matches, and fails naming the matches when none or several do.
 * Results hold API data only, never a setting or credential.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where to look: a region or MSP tenant other than the stack's. */
export interface LookupTargetArgs {
  region?: string;
  tenantAcid?: string;
}

export interface GetGroupResult {
  id: string;
  name: string;
  deviceType: string;
  resourceUri: string;
  /** The servers in the group when it was read. */
  serverIds: string[];
}
export interface GetServerResult {
  /** `<productId>+<serialNumber>`, what a Job's `resourceId` and a GroupMembership take. */
  id: string;
  name: string;
  serialNumber: string;
  productId: string;
  hostname?: string;
  resourceUri: string;
}
export interface GetSettingResult {
  id: string;
  name: string;
  category: string;
  /** What a Group's `settingsUris` takes. */
  resourceUri: string;
}
export interface GetFirmwareBundleResult {
  id: string;
  name: string;
  releaseVersion: string;
  displayName?: string;
  bundleGeneration?: string;
  resourceUri: string;
}
export interface GetJobTemplateResult {
  id: string;
  name: string;
  description?: string;
}

export interface GetGroupArgs extends LookupTargetArgs {
  /** The group's exact name. */
  name: string;
}
/** Exactly one of `name` and `serialNumber`. */
export interface GetServerArgs extends LookupTargetArgs {
  /**
   * The server's name or host name. The API's `name` filter matches a server's
   * serial number and `host/hostname` its host name; both are asked.
   */
  name?: string;
  serialNumber?: string;
}
export interface GetSettingArgs extends LookupTargetArgs {
  name: string;
  /** BIOS, EXTERNAL_STORAGE, FIRMWARE, ILO, OS, STORAGE or an OVE_* category, to narrow. */
  category?: string;
}
/** `releaseVersion`, `name`, or both: neither is unique on its own. */
export interface GetFirmwareBundleArgs extends LookupTargetArgs {
  /** E.g. "2024.04.00.00". */
  releaseVersion?: string;
  /** E.g. "Gen11 Service Pack for ProLiant". */
  name?: string;
}
export interface GetJobTemplateArgs extends LookupTargetArgs {
  /** E.g. "Group Firmware Compliance" (case, spaces and punctuation are ignored). */
  name: string;
}

type Lookup = "getGroup" | "getServer" | "getSetting" | "getFirmwareBundle" | "getJobTemplate";
type ProviderLookups = {
  lookupInProgram(
    lookup: Lookup,
    args: unknown,
    stackConfig: { get(key: string): string | undefined },
  ): Promise<unknown>;
};

/** Loaded on first use, so importing the SDK does not load the HTTP client. */
async function lookup<T>(name: Lookup, args: object): Promise<T> {
  const provider = require("../../provider/computeOps/lookups") as ProviderLookups;
  return (await provider.lookupInProgram(name, args, {
    get: (key) => pulumi.runtime.getConfig(key),
  })) as T;
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
