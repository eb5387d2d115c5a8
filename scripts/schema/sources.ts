/**
 * Where the generator finds each definition: every resource type's zod schemas, by
 * type name, and the lookups. The record is typed by every type name, so a type
 * added to provider/core/resourceTypes.ts without an entry here does not compile.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { activationKeySchemas } from "../../provider/computeOps/activationKey";
import { approvalPolicySchemas } from "../../provider/computeOps/approvalPolicy";
import { externalServiceSchemas } from "../../provider/computeOps/externalService";
import { groupSchemas } from "../../provider/computeOps/group";
import { groupMembershipSchemas } from "../../provider/computeOps/groupMembership";
import { jobSchemas } from "../../provider/computeOps/job";
import { serverPoolRequestSchemas } from "../../provider/opsManager/serverPoolRequest";
import type { ResourceTypeName } from "../../provider/core/resourceTypes";
import { lookupDefinitions } from "./lookups";
import type { AnyResourceSchemas, SchemaSources } from "./packageSchema";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

const resources: Record<ResourceTypeName, AnyResourceSchemas> = {
  ApprovalPolicy: approvalPolicySchemas as AnyResourceSchemas,
  ExternalService: externalServiceSchemas as AnyResourceSchemas,
  ActivationKey: activationKeySchemas as AnyResourceSchemas,
  Job: jobSchemas as AnyResourceSchemas,
  ServerPoolRequest: serverPoolRequestSchemas as AnyResourceSchemas,
  Group: groupSchemas as AnyResourceSchemas,
  GroupMembership: groupMembershipSchemas as AnyResourceSchemas,
};

/**
 * ExternalService checks its inputs with `z.custom().transform()` over a validation
 * of its own, so its `inputs` schema shows no fields; the object it validates with
 * (`declaredExternalService`) is not exported. Exporting that object from
 * provider/computeOps/externalService.ts and pointing `inputs`' shape at it brings
 * the type into the schema; until then it is left out, and the reference index says so.
 */
const leftOut: SchemaSources["leftOut"] = {
  ExternalService:
    "its input schema (`z.custom().transform()`) does not expose the fields a program declares",
};

export function schemaSources(): SchemaSources {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    version: string;
  };
  return { version: manifest.version, resources, leftOut, lookups: lookupDefinitions };
}
