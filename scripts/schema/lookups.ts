/**
 * The lookups' arguments and results, for the package schema's functions.
 *
 * TRANSITION (issue 20): the lookups do not have zod schemas yet; they are being
 * given argument and result schemas in provider/computeOps/lookups.ts. Until then
 * this table restates the SDK's interfaces (sdk/computeOps/lookups.ts) as zod, field
 * for field; when those schemas land, each entry's `args` and `result` become the
 * module's exports and the shapes below go.
 */
import { z } from "zod";
import { computeOpsRegions } from "../../provider/core/configuration";

export interface LookupDefinition {
  /** The SDK function's name (`getGroup`); `getGroupOutput` is its Output form. */
  readonly name: string;
  readonly module: "compute-ops";
  readonly description: string;
  readonly args: z.AnyZodObject;
  readonly result: z.AnyZodObject;
}

/** Where a lookup sends its request, as the resources' own overrides. */
const target = {
  region: z
    .enum(computeOpsRegions)
    .optional()
    .describe("The Compute Ops Management region to look in, if not the stack's."),
  tenantAcid: z
    .string()
    .optional()
    .describe("The MSP tenant workspace to look in (`Tenant-Acid`), if not the stack's."),
};

export const lookupDefinitions: readonly LookupDefinition[] = [
  {
    name: "getGroup",
    module: "compute-ops",
    description: "The server group of this name (`/compute-ops-mgmt/v1/groups`, `name eq`).",
    args: z.object({ name: z.string().describe("The group's exact name."), ...target }),
    result: z.object({
      id: z.string().describe("The group's id."),
      name: z.string().describe("The group's name."),
      deviceType: z.string().describe("The type of device the group holds."),
      resourceUri: z.string().describe("The group's URI."),
      serverIds: z.array(z.string()).describe("The servers in the group when it was read."),
    }),
  },
  {
    name: "getServer",
    module: "compute-ops",
    description:
      "The server of this name, host name or serial number (`/compute-ops-mgmt/v1/servers`). " +
      "Give exactly one of `name` and `serialNumber`.",
    args: z.object({
      name: z
        .string()
        .optional()
        .describe(
          "The server's name or host name. The API's `name` filter matches a server's serial " +
            "number and `host/hostname` its host name; both are asked.",
        ),
      serialNumber: z.string().optional().describe("The server's serial number."),
      ...target,
    }),
    result: z.object({
      id: z
        .string()
        .describe(
          "`<productId>+<serialNumber>`, what a Job's `resourceId` and a GroupMembership take.",
        ),
      name: z.string().describe("The server's name."),
      serialNumber: z.string().describe("The server's serial number."),
      productId: z.string().describe("The server's product id."),
      hostname: z.string().optional().describe("The server's host name, when it has one."),
      resourceUri: z.string().describe("The server's URI."),
    }),
  },
  {
    name: "getSetting",
    module: "compute-ops",
    description:
      "The setting of this name, and category when given (`/compute-ops-mgmt/v1/settings`).",
    args: z.object({
      name: z.string().describe("The setting's exact name."),
      category: z
        .string()
        .optional()
        .describe(
          "BIOS, EXTERNAL_STORAGE, FIRMWARE, ILO, OS, STORAGE or an OVE_* category, to narrow.",
        ),
      ...target,
    }),
    result: z.object({
      id: z.string().describe("The setting's id."),
      name: z.string().describe("The setting's name."),
      category: z.string().describe("The setting's category."),
      resourceUri: z.string().describe("What a Group's `settingsUris` takes."),
    }),
  },
  {
    name: "getFirmwareBundle",
    module: "compute-ops",
    description:
      "The firmware bundle of this release version and/or name " +
      "(`/compute-ops-mgmt/v1/firmware-bundles`). Neither is unique on its own: give both to narrow.",
    args: z.object({
      releaseVersion: z.string().optional().describe('E.g. "2024.04.00.00".'),
      name: z.string().optional().describe('E.g. "Gen11 Service Pack for ProLiant".'),
      ...target,
    }),
    result: z.object({
      id: z.string().describe("The bundle's id."),
      name: z.string().describe("The bundle's name."),
      releaseVersion: z.string().describe("The bundle's release version."),
      displayName: z.string().optional().describe("The bundle's display name."),
      bundleGeneration: z.string().optional().describe("The server generation it is for."),
      resourceUri: z.string().describe("The bundle's URI."),
    }),
  },
  {
    name: "getJobTemplate",
    module: "compute-ops",
    description:
      "The job template of this name, live from `/compute-ops-mgmt/v1beta2/job-templates`: " +
      "the only version the API offers, which its own description marks deprecated and due " +
      "for removal. Should it go, a Job's `jobTemplate` still takes the names of the built-in table.",
    args: z.object({
      name: z
        .string()
        .describe('E.g. "Group Firmware Compliance" (case, spaces and punctuation are ignored).'),
      ...target,
    }),
    result: z.object({
      id: z.string().describe("The template's id."),
      name: z.string().describe("The template's name."),
      description: z.string().optional().describe("The template's description."),
    }),
  },
];
