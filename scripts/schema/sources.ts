/**
 * Where the generator finds each definition: every resource type's zod schemas, by
 * type name, and the lookups. The record is typed by every type name, so a type
 * added to provider/core/resourceTypes.ts without an entry here does not compile.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { approvalPolicySchemas } from "../../provider/computeOps/approvalPolicy";
import type { ResourceTypeName } from "../../provider/core/resourceTypes";
import { lookupDefinitions } from "./lookups";
import type { AnyResourceSchemas, SchemaSources } from "./packageSchema";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

/**
 * TRANSITION (issue 20): the six `null`s are the types being converted to zod
 * schemas on other branches; each becomes its module's export (`externalServiceSchemas`
 * from provider/computeOps/externalService.ts, and so on) as its conversion merges.
 */
const resources: Record<ResourceTypeName, AnyResourceSchemas | null> = {
  ApprovalPolicy: approvalPolicySchemas as AnyResourceSchemas,
  ExternalService: null,
  ActivationKey: null,
  Job: null,
  ServerPoolRequest: null,
  Group: null,
  GroupMembership: null,
};

export function schemaSources(): SchemaSources {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    version: string;
  };
  return { version: manifest.version, resources, lookups: lookupDefinitions };
}
