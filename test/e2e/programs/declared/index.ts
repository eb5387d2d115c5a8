import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { computeOps, opsManager } from "pulumi-ops-management";
import type { ResourceTypeName } from "pulumi-ops-management/provider";

/** One resource of the program: its class name, Pulumi name and arguments. */
interface DeclaredResource {
  type: ResourceTypeName;
  name: string;
  args: Record<string, unknown>;
  /**
   * The name of a resource declared earlier: the arguments then come from its id,
   * so they are unknown until it exists (a preview sees them unknown). Every
   * top-level argument, or only the leaves `unknownPaths` names
   * (`policyData.approvables[0].minApprovers`).
   */
  unknownUntil?: string;
  unknownPaths?: string[];
  /** Read an existing object by this id with the class's static `get` (args are its state). */
  getId?: string;
}

/** Every resource class the package exports, by type name. */
const classes: Record<string, unknown> = { ...computeOps, ...opsManager };

/** The arguments, with the chosen values made to wait for `dependency`'s id. */
function argsAfter(
  resource: DeclaredResource,
  dependency: pulumi.Output<string>,
): Record<string, unknown> {
  const later = (value: unknown) => dependency.apply(() => value);
  if (resource.unknownPaths === undefined) {
    return Object.fromEntries(Object.entries(resource.args).map(([k, v]) => [k, later(v)]));
  }
  const args = JSON.parse(JSON.stringify(resource.args)) as Record<string, unknown>;
  for (const path of resource.unknownPaths) {
    const parts = path.match(/[^.[\]]+/g) ?? [];
    let parent = args;
    for (const part of parts.slice(0, -1)) parent = parent[part] as Record<string, unknown>;
    const leaf = parts[parts.length - 1];
    parent[leaf] = later(parent[leaf]);
  }
  return args;
}

/**
 * The declarations: the harness writes them to `e2e-resources.json` in the
 * workspace's private PULUMI_HOME, which the CLI passes on to the program; that
 * costs no CLI start per step. A workspace driven by hand sets them as the stack
 * config `e2e:resources`.
 */
const declarationsFile = path.join(process.env.PULUMI_HOME ?? ".", "e2e-resources.json");
const declared = JSON.parse(
  fs.existsSync(declarationsFile)
    ? fs.readFileSync(declarationsFile, "utf8")
    : new pulumi.Config("e2e").require("resources"),
) as DeclaredResource[];
const ids: Record<string, pulumi.Output<string>> = {};
const made: Record<string, pulumi.CustomResource> = {};

/**
 * The args with every string "${<name>.id}" replaced by the id of the resource declared
 * as <name> before, and "${<name>.<output>}" by that output (a Setting's resourceUri);
 * inside a longer string ("/groups/${web.id}"), the id is put in its place.
 */
function withReferences(value: unknown): unknown {
  if (typeof value === "string") {
    const reference = /^\$\{([^.}]+)\.([A-Za-z]+)\}$/.exec(value);
    if (reference) {
      const [, name, output] = reference;
      return output === "id"
        ? ids[name]
        : (made[name] as unknown as Record<string, unknown>)[output];
    }
    const embedded = /\$\{([^.}]+)\.id\}/.exec(value);
    return embedded ? ids[embedded[1]].apply((id) => value.replace(embedded[0], id)) : value;
  }
  if (Array.isArray(value)) return value.map(withReferences);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withReferences(v)]));
  }
  return value;
}
for (const resource of declared) {
  const ResourceClass = classes[resource.type] as unknown as new (
    name: string,
    args: Record<string, unknown>,
  ) => pulumi.CustomResource;
  const args =
    resource.unknownUntil === undefined
      ? (withReferences(resource.args) as Record<string, unknown>)
      : argsAfter(resource, ids[resource.unknownUntil]);
  if (resource.getId !== undefined) {
    const withGet = ResourceClass as unknown as {
      get: (...a: unknown[]) => pulumi.CustomResource;
    };
    ids[resource.name] = withGet.get(resource.name, resource.getId, args).id;
    continue;
  }
  made[resource.name] = new ResourceClass(resource.name, args);
  ids[resource.name] = made[resource.name].id;
}

export const resourceIds = ids;
