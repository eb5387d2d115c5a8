/**
 * The package schema the plugin serves: the committed `schema.json` at the package's
 * root, generated from the resource types' zod schemas (docs/design.md#one-definition-per-resource-type).
 * The plugin describes no type itself; it only maps a token back to the type or lookup
 * it names, by the token's last segment (`ops-management:compute-ops:ApprovalPolicy` is
 * `ApprovalPolicy`), so a token's module can change without touching this file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { resourceTypes, type ResourceTypeName } from "../core/resourceTypes";

export interface PackageSchema {
  name: string;
  version?: string;
  resources?: Record<string, unknown>;
  functions?: Record<string, unknown>;
  config?: { variables?: Record<string, unknown> };
  provider?: { description?: string; inputProperties?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface LoadedSchema {
  /** The text GetSchema answers with. */
  text: string;
  packageName: string;
  /** Resource token -> the resource type whose implementation serves it. */
  resourceOf: ReadonlyMap<string, ResourceTypeName>;
  /** Function token -> the lookup's name (`getGroup`). */
  lookupOf: ReadonlyMap<string, string>;
  /** Resource token -> the names of its input properties. */
  inputsOf: ReadonlyMap<string, readonly string[]>;
}

/** dist/provider/plugin/schema.js -> the package root, where schema.json is committed. */
export const schemaPath = path.resolve(__dirname, "..", "..", "..", "schema.json");

const lastSegment = (token: string) => token.slice(token.lastIndexOf(":") + 1);

/**
 * Reads and indexes a schema. A resource token whose last segment is not a resource
 * type of this package is refused at start, so a schema and the implementations can
 * never disagree silently.
 */
export function indexSchema(schema: PackageSchema): LoadedSchema {
  const resourceOf = new Map<string, ResourceTypeName>();
  const inputsOf = new Map<string, readonly string[]>();
  for (const [token, spec] of Object.entries(schema.resources ?? {})) {
    inputsOf.set(
      token,
      Object.keys((spec as { inputProperties?: Record<string, unknown> }).inputProperties ?? {}),
    );
    const type = lastSegment(token);
    if (!Object.prototype.hasOwnProperty.call(resourceTypes, type)) {
      throw new Error(`schema.json names ${token}, but this package has no resource type ${type}`);
    }
    resourceOf.set(token, type as ResourceTypeName);
  }
  const lookupOf = new Map<string, string>();
  for (const token of Object.keys(schema.functions ?? {})) lookupOf.set(token, lastSegment(token));
  return {
    text: JSON.stringify(schema),
    packageName: schema.name,
    resourceOf,
    lookupOf,
    inputsOf,
  };
}

export function loadSchema(file = schemaPath): LoadedSchema {
  return indexSchema(JSON.parse(fs.readFileSync(file, "utf8")) as PackageSchema);
}

/** The type token of a resource, from its URN (`urn:pulumi:stack::project::[parent$]type::name`). */
export function typeTokenOf(urn: string): string {
  const qualifiedType = urn.split("::")[2] ?? "";
  return qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1);
}
