/**
 * Where the generator finds each definition: every resource type's zod schemas,
 * through the registry (so a registered type is in the schema with nothing more
 * to add), and the lookups.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { resourceTypeNames, type ResourceTypeName } from "../../provider/core/resourceTypes";
import { schemasOf } from "../../provider/registry";
import { lookupDefinitions } from "./lookups";
import type { AnyResourceSchemas, SchemaSources } from "./packageSchema";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export function schemaSources(): SchemaSources {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    version: string;
  };
  const resources = Object.fromEntries(
    resourceTypeNames.map((name) => [name, schemasOf(name)]),
  ) as Record<ResourceTypeName, AnyResourceSchemas>;
  return { version: manifest.version, resources, lookups: lookupDefinitions };
}
