/**
 * The Pulumi package schema (`schema.json`), from each resource type's definition
 * (provider/core/resourceTypes.ts) and zod schemas, and from the lookups
 * (docs/design.md#one-definition-per-resource-type). Nothing here states a field:
 * types, required-ness, defaults and descriptions come from the zod schemas; secret
 * and replace-on-change from the definitions.
 *
 * Tokens are `ops-management:<module>:<Type>`. The package name is the repository's
 * without Pulumi's `pulumi-` prefix, as Pulumi's own packages are named
 * (`pulumi-azure-native` serves `azure-native`): a provider plugin serving this
 * schema would be `pulumi-resource-ops-management`. The modules are the ones the
 * dynamic resources already use (`compute-ops`, `ops-manager`), which Pulumi's
 * token pattern allows; see docs/reference/README.md.
 */
import type { ZodTypeAny } from "zod";
import type { ResourceSchemas } from "../../provider/core/resource";
import {
  resourceTypeNames,
  resourceTypes,
  type ResourceTypeName,
} from "../../provider/core/resourceTypes";
import { computeOpsRegions } from "../../provider/core/configuration";
import { configSchemaProperties } from "../../provider/plugin/providerConfig";
import type { LookupDefinition } from "./lookups";
import {
  objectProperties,
  unwrap,
  type ComplexTypeSpec,
  type ObjectTypeSpec,
  type PropertySpec,
  type TypeContext,
} from "./zodToPulumi";

export const packageName = "ops-management";

/** A region is the stack's `compute-ops:region` wherever it is overridden. */
const sharedEnums: ReadonlyMap<string, string> = new Map([
  [computeOpsRegions.join("\n"), "Region"],
]);

export interface ResourceSpec {
  description?: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs?: string[];
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface FunctionSpec {
  description?: string;
  inputs: Omit<ObjectTypeSpec, "type">;
  outputs: Omit<ObjectTypeSpec, "type">;
}

export interface PackageSpec {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  meta: { moduleFormat: string };
  language: Record<string, unknown>;
  config: { variables: Record<string, PropertySpec> };
  provider: { description: string; inputProperties: Record<string, PropertySpec> };
  resources: Record<string, ResourceSpec>;
  functions: Record<string, FunctionSpec>;
  types: Record<string, ComplexTypeSpec>;
}

/** Any type's schemas: the generator reads their shapes, not their value types. */
export type AnyResourceSchemas = ResourceSchemas<unknown, unknown>;

export interface SchemaSources {
  /** The package version (package.json's). */
  version: string;
  /** Every type's schemas: a type without them does not compile. */
  resources: Record<ResourceTypeName, AnyResourceSchemas>;
  lookups: readonly LookupDefinition[];
}

/** A resource's or function's type token. */
export function tokenOf(module: string, name: string): string {
  return `${packageName}:${module}:${name}`;
}

/** The properties of an object schema (a resource's inputs may be refined: those are looked through). */
function shapeOf(schema: ZodTypeAny, what: string): Record<string, ZodTypeAny> {
  const core = unwrap(schema).core as unknown as { shape?: Record<string, ZodTypeAny> };
  if (!core.shape) {
    throw new Error(
      `${what} is not an object schema (a z.custom() or a transform of no object hides ` +
        "the fields a program declares): give the type's resourceSchemas the object as " +
        "`declared`",
    );
  }
  return core.shape;
}

/** Adds `secret` and `replaceOnChanges` from the type's definition. */
function marked(
  properties: Record<string, PropertySpec>,
  secret: readonly string[],
  replacedBy: readonly string[],
): Record<string, PropertySpec> {
  return Object.fromEntries(
    Object.entries(properties).map(([name, spec]) => [
      name,
      {
        ...spec,
        ...(secret.includes(name) ? { secret: true } : {}),
        ...(replacedBy.includes(name) ? { replaceOnChanges: true } : {}),
      },
    ]),
  );
}

function resourceSpec(
  name: ResourceTypeName,
  schemas: AnyResourceSchemas,
  types: Map<string, ComplexTypeSpec>,
): ResourceSpec {
  const definition = resourceTypes[name];
  const context: TypeContext = {
    tokenPrefix: `${tokenOf(definition.module, "")}`,
    path: [name],
    types,
    sharedEnums,
  };
  // Inputs first: a nested type met in both keeps the inputs' required list, which
  // is what a program must give (see objectType in zodToPulumi.ts).
  const inputs = objectProperties(
    shapeOf(schemas.declared ?? schemas.inputs, `${name}'s inputs`),
    context,
  );
  const outputs = objectProperties(shapeOf(schemas.outputs, `${name}'s outputs`), context);
  return {
    ...(schemas.outputs.description !== undefined
      ? { description: schemas.outputs.description }
      : {}),
    inputProperties: marked(inputs.properties, definition.secretInputs, definition.replacedBy),
    ...(inputs.required.length > 0 ? { requiredInputs: inputs.required } : {}),
    properties: marked(outputs.properties, definition.secretOutputs, definition.replacedBy),
    ...(outputs.required.length > 0 ? { required: outputs.required } : {}),
  };
}

function functionSpec(lookup: LookupDefinition, types: Map<string, ComplexTypeSpec>): FunctionSpec {
  const context = (suffix: string): TypeContext => ({
    tokenPrefix: tokenOf(lookup.module, ""),
    path: [lookup.name, suffix],
    types,
    sharedEnums,
  });
  const args = objectProperties(lookup.args.shape, context("Args"));
  const result = objectProperties(lookup.result.shape, context("Result"));
  return {
    description: lookup.description,
    inputs: {
      properties: args.properties,
      ...(args.required.length ? { required: args.required } : {}),
    },
    outputs: {
      properties: result.properties,
      ...(result.required.length ? { required: result.required } : {}),
    },
  };
}

/**
 * Keys in order, so the file is the same whatever order things were met in; by code
 * unit, not locale, so it is the same on every machine too.
 */
function sorted<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function packageSchema(sources: SchemaSources): PackageSpec {
  const types = new Map<string, ComplexTypeSpec>();
  const resources: [string, ResourceSpec][] = [];
  for (const name of resourceTypeNames) {
    const schemas = sources.resources[name];
    if (schemas.type !== name)
      throw new Error(`the schemas given for ${name} are ${schemas.type}'s`);
    resources.push([tokenOf(resourceTypes[name].module, name), resourceSpec(name, schemas, types)]);
  }
  const functions = sources.lookups.map((lookup): [string, FunctionSpec] => [
    tokenOf(lookup.module, lookup.name),
    functionSpec(lookup, types),
  ]);
  const modules = [...new Set(resourceTypeNames.map((name) => resourceTypes[name].module))];
  return {
    name: packageName,
    displayName: "HPE Compute Ops Management and MongoDB Ops Manager",
    version: sources.version,
    description:
      "HPE Compute Ops Management server groups, approval policies, external services, " +
      "activation keys and jobs, and MongoDB Ops Manager server-pool requests.",
    keywords: ["pulumi", "hpe", "compute-ops-management", "greenlake", "mongodb", "ops-manager"],
    license: "Apache-2.0",
    // The module is the token's middle part as it is: `compute-ops`, not a path.
    meta: { moduleFormat: "(.*)" },
    // None of these is published. They keep a generated SDK off this TypeScript
    // package's npm name and off the names Pulumi's generators would otherwise pick
    // (Pulumi's own npm scope and GitHub organization).
    language: {
      nodejs: {
        packageName: "pulumi-ops-management-sdk",
        // Pulumi's TypeScript generator writes a hyphenated module as a namespace
        // name (`outputs.compute-ops.X`, which does not parse), and a camel-case one
        // lower-cased in one place and not in another; one lower-case word compiles.
        moduleToPackage: Object.fromEntries(modules.map((m) => [m, m.replace(/-/g, "")])),
      },
      python: { packageName: "pulumi_ops_management" },
      go: {
        importBasePath: "pulumi-ops-management/sdk/go/opsmanagement",
        // A Go package name has no hyphen: some generator releases check that, others
        // write `package compute-ops`, which does not compile.
        moduleToPackage: Object.fromEntries(modules.map((m) => [m, m.replace(/-/g, "")])),
      },
    },
    // The provider plugin's settings (docs/plugin.md#configuration): from stack config,
    // or from an explicit provider resource, so one stack may use several accounts.
    config: { variables: configSchemaProperties() },
    provider: {
      description: "Where and as whom the resources talk to their APIs.",
      inputProperties: configSchemaProperties(),
    },
    resources: sorted(resources),
    functions: sorted(functions),
    types: sorted(types.entries()),
  };
}
