import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { settingInputs, SettingState } from "../../provider/computeOps/setting";
import { OpsManagementResource, type ArgsOf, type OutputsOf } from "../resourceType";

/**
 * The arguments of a setting, derived from the provider's input schema: one shape per
 * category, told apart by `category` (provider/computeOps/setting.ts describes each).
 */
export type SettingArgs = ArgsOf<z.input<typeof settingInputs>>;

// The Output properties come from the provider's output schema, merged into the class
// (an empty interface on purpose: it only adds its supertype's members to the class).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Setting extends OutputsOf<SettingState> {}

/**
 * An HPE Compute Ops Management server setting (`/compute-ops-mgmt/v1/settings`): a
 * firmware baseline, BIOS, OS image, internal or external storage configuration. Give
 * its `resourceUri` to a Group's `settingsUris`. A setting a group still uses is not
 * deleted: destroy fails, naming the group.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Setting extends OpsManagementResource {
  constructor(name: string, args: SettingArgs, opts?: pulumi.CustomResourceOptions) {
    super("Setting", name, args, opts);
  }
}
