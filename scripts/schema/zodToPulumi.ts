/**
 * Zod (v3) schemas as Pulumi package schema types. The provider's zod schemas are
 * the one definition of each resource's shape (docs/design.md#one-definition-per-resource-type);
 * this walks them by `_def.typeName` and answers Pulumi's type references, adding
 * each nested object and enum to the package's `types` under a token derived from
 * where it sits (`ops-management:compute-ops:ApprovalPolicyPolicyData`).
 *
 * A zod construct with no honest Pulumi equivalent (an intersection, a tuple, a
 * function) stops the generator with its path rather than being guessed at.
 */
import { ZodFirstPartyTypeKind, type ZodTypeAny } from "zod";

/** A reference to a type (Pulumi's `typeSpec`). */
export interface TypeSpec {
  type?: "boolean" | "integer" | "number" | "string" | "array" | "object";
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  $ref?: string;
  oneOf?: TypeSpec[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
}

/** A property of a resource, object type or function (Pulumi's `propertySpec`). */
export interface PropertySpec extends TypeSpec {
  description?: string;
  default?: boolean | number | string;
  deprecationMessage?: string;
  secret?: boolean;
  replaceOnChanges?: boolean;
}

export interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface EnumTypeSpec {
  type: "string" | "integer" | "number" | "boolean";
  description?: string;
  enum: { name?: string; value: string | number | boolean; description?: string }[];
}

export type ComplexTypeSpec = ObjectTypeSpec | EnumTypeSpec;

/** A schema with its wrappers (optional, default, refinements, descriptions) taken off. */
export interface Unwrapped {
  core: ZodTypeAny;
  /** May be left out: optional, nullish or with a default. */
  optional: boolean;
  /** The outermost description: the one the field's declaration gives. */
  description?: string;
  /** The value zod fills in when the field is left out. */
  defaultValue?: unknown;
}

const kind = (schema: ZodTypeAny): ZodFirstPartyTypeKind =>
  (schema._def as { typeName: ZodFirstPartyTypeKind }).typeName;

/** Takes off every wrapper that does not change what a value looks like. */
export function unwrap(schema: ZodTypeAny): Unwrapped {
  let current = schema;
  let optional = false;
  let description: string | undefined;
  let defaultValue: unknown;
  for (;;) {
    description ??= current.description;
    const def = current._def as Record<string, unknown>;
    switch (kind(current)) {
      case ZodFirstPartyTypeKind.ZodOptional:
      case ZodFirstPartyTypeKind.ZodNullable:
        optional = true;
        current = def.innerType as ZodTypeAny;
        continue;
      case ZodFirstPartyTypeKind.ZodDefault:
        optional = true;
        defaultValue ??= (def.defaultValue as () => unknown)();
        current = def.innerType as ZodTypeAny;
        continue;
      case ZodFirstPartyTypeKind.ZodCatch:
      case ZodFirstPartyTypeKind.ZodReadonly:
        current = def.innerType as ZodTypeAny;
        continue;
      case ZodFirstPartyTypeKind.ZodBranded:
        current = def.type as ZodTypeAny;
        continue;
      // refine, superRefine, transform and preprocess: what a program declares is
      // the inner schema's input; the checks stay in the provider.
      case ZodFirstPartyTypeKind.ZodEffects:
        current = def.schema as ZodTypeAny;
        continue;
      case ZodFirstPartyTypeKind.ZodPipeline:
        current = def.in as ZodTypeAny;
        continue;
      case ZodFirstPartyTypeKind.ZodLazy:
        current = (def.getter as () => ZodTypeAny)();
        continue;
      default:
        return { core: current, optional, description, defaultValue };
    }
  }
}

/** `["policyData", "approvables"]` → `PolicyDataApprovables`. */
export function pascal(...segments: string[]): string {
  return segments
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter((s) => s !== "")
    .map((s) => s[0].toUpperCase() + s.slice(1))
    .join("");
}

/** Where a type is being made: the token prefix and the path from the resource. */
export interface TypeContext {
  /** `ops-management:compute-ops:`: a nested type's token is this plus its name. */
  tokenPrefix: string;
  /** The resource or function the type belongs to, then the property path. */
  path: string[];
  /** The package's `types`, filled in as types are met. */
  types: Map<string, ComplexTypeSpec>;
  /**
   * Enums that are one thing wherever they appear (the regions), by their values
   * joined with newlines → their name: one type, not one per resource and lookup.
   */
  sharedEnums?: ReadonlyMap<string, string>;
}

function typeError(context: TypeContext, what: string): Error {
  return new Error(`${context.path.join(".")}: ${what} has no Pulumi schema equivalent`);
}

/** An enum value's name in generated SDKs: the value in PascalCase, from letters and digits. */
function enumMemberName(value: string): string {
  const name = pascal(value);
  return /^[0-9]/.test(name) ? `Value${name}` : name;
}

/** A named string enum type, added once per token. */
function enumType(
  values: readonly string[],
  description: string | undefined,
  context: TypeContext,
): TypeSpec {
  const names = values.map(enumMemberName);
  // Two values that read alike ("a-b", "a b") would get one name: say so rather than
  // let one SDK member stand for two values.
  if (new Set(names).size !== names.length || names.some((n) => n === "")) {
    throw new Error(`${context.path.join(".")}: enum values ${values.join(", ")} clash as names`);
  }
  const shared = context.sharedEnums?.get(values.join("\n"));
  const token = context.tokenPrefix + (shared ?? pascal(...context.path));
  context.types.set(token, {
    type: "string",
    ...(description !== undefined && shared === undefined ? { description } : {}),
    enum: values.map((value, i) => ({ name: names[i], value })),
  });
  return { $ref: `#/types/${token}` };
}

/**
 * The properties of a zod object: each field's type, description, default and
 * deprecation. `required` lists the fields that may not be left out.
 */
export function objectProperties(
  shape: Record<string, ZodTypeAny>,
  context: TypeContext,
): { properties: Record<string, PropertySpec>; required: string[] } {
  const properties: Record<string, PropertySpec> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(shape)) {
    const unwrapped = unwrap(field);
    const spec: PropertySpec = {
      ...typeOf(unwrapped.core, { ...context, path: [...context.path, name] }),
    };
    let description = unwrapped.description;
    const value = unwrapped.defaultValue;
    if (value !== undefined) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        spec.default = value;
      } else {
        // Pulumi's `default` takes a primitive only; a list's or object's default is
        // told in words, so the reference and the SDKs' doc comments still show it.
        description = `${description ?? ""}${description ? " " : ""}Defaults to \`${JSON.stringify(value)}\`.`;
      }
    }
    const literal = (unwrapped.core._def as { value?: unknown }).value;
    if (
      kind(unwrapped.core) === ZodFirstPartyTypeKind.ZodLiteral &&
      !(description ?? "").includes(String(literal))
    ) {
      description = `${description ?? ""}${description ? " " : ""}Always \`${JSON.stringify(literal)}\`.`;
    }
    if (description !== undefined) spec.description = description;
    if (description?.startsWith("Deprecated:")) {
      spec.deprecationMessage = description.slice("Deprecated:".length).trim();
    }
    properties[name] = spec;
    // zod lets an unknown or any field be left out, as its inferred type says.
    const anything = [ZodFirstPartyTypeKind.ZodUnknown, ZodFirstPartyTypeKind.ZodAny].includes(
      kind(unwrapped.core),
    );
    if (!unwrapped.optional && !anything) required.push(name);
  }
  return { properties, required };
}

/** The Pulumi type of a schema whose wrappers are already off. */
export function typeOf(core: ZodTypeAny, context: TypeContext): TypeSpec {
  const def = core._def as Record<string, unknown>;
  switch (kind(core)) {
    case ZodFirstPartyTypeKind.ZodString:
    case ZodFirstPartyTypeKind.ZodDate:
      return { type: "string" };
    case ZodFirstPartyTypeKind.ZodNumber: {
      const checks = def.checks as { kind: string }[];
      return { type: checks.some((c) => c.kind === "int") ? "integer" : "number" };
    }
    case ZodFirstPartyTypeKind.ZodBigInt:
      return { type: "integer" };
    case ZodFirstPartyTypeKind.ZodBoolean:
      return { type: "boolean" };
    case ZodFirstPartyTypeKind.ZodEnum:
      return enumType(def.values as string[], core.description, context);
    case ZodFirstPartyTypeKind.ZodNativeEnum: {
      const values = Object.values(def.values as Record<string, unknown>);
      if (!values.every((v): v is string => typeof v === "string")) {
        throw typeError(context, "a numeric native enum");
      }
      return enumType(values, core.description, context);
    }
    case ZodFirstPartyTypeKind.ZodLiteral: {
      // One allowed value: its primitive type; the description says which value.
      const value = def.value;
      if (typeof value === "string") return { type: "string" };
      if (typeof value === "number")
        return { type: Number.isInteger(value) ? "integer" : "number" };
      if (typeof value === "boolean") return { type: "boolean" };
      throw typeError(context, `the literal ${String(value)}`);
    }
    case ZodFirstPartyTypeKind.ZodArray:
      return { type: "array", items: typeOf(unwrap(def.type as ZodTypeAny).core, context) };
    case ZodFirstPartyTypeKind.ZodSet:
      return { type: "array", items: typeOf(unwrap(def.valueType as ZodTypeAny).core, context) };
    case ZodFirstPartyTypeKind.ZodRecord:
    case ZodFirstPartyTypeKind.ZodMap:
      return {
        type: "object",
        additionalProperties: typeOf(unwrap(def.valueType as ZodTypeAny).core, context),
      };
    case ZodFirstPartyTypeKind.ZodUnknown:
    case ZodFirstPartyTypeKind.ZodAny:
      return { $ref: "pulumi.json#/Any" };
    case ZodFirstPartyTypeKind.ZodObject:
      return objectType(core, core.description, context);
    case ZodFirstPartyTypeKind.ZodUnion:
    case ZodFirstPartyTypeKind.ZodDiscriminatedUnion:
      return unionType(core, context);
    default:
      throw typeError(context, `zod's ${kind(core)}`);
  }
}

/** A nested object: a named type under `types`, referenced by token. */
function objectType(
  core: ZodTypeAny,
  description: string | undefined,
  context: TypeContext,
): TypeSpec {
  const token = context.tokenPrefix + pascal(...context.path);
  // The same object met again (in the outputs after the inputs) keeps its first
  // definition: Pulumi has one type per token for both directions, and a field with
  // a default is optional to declare though always present when read.
  if (!context.types.has(token)) {
    const shape = (core as unknown as { shape: Record<string, ZodTypeAny> }).shape;
    const { properties, required } = objectProperties(shape, context);
    context.types.set(token, {
      type: "object",
      ...(description !== undefined ? { description } : {}),
      properties,
      ...(required.length > 0 ? { required } : {}),
    });
  }
  return { $ref: `#/types/${token}` };
}

/**
 * A union. Strings only (literals or enums) are one enum; primitives are Pulumi's
 * `oneOf` of them; objects told apart by a literal field are a `oneOf` of named
 * types with that field as the discriminator.
 */
function unionType(core: ZodTypeAny, context: TypeContext): TypeSpec {
  const def = core._def as { options: ZodTypeAny[] | Map<unknown, ZodTypeAny> };
  const options = [...(Array.isArray(def.options) ? def.options : def.options.values())].map(
    (o) => unwrap(o).core,
  );
  const strings = options.flatMap((o) => {
    if (kind(o) === ZodFirstPartyTypeKind.ZodEnum) return (o._def as { values: string[] }).values;
    const value = (o._def as { value?: unknown }).value;
    return kind(o) === ZodFirstPartyTypeKind.ZodLiteral && typeof value === "string" ? [value] : [];
  });
  const allStrings = options.every(
    (o) =>
      kind(o) === ZodFirstPartyTypeKind.ZodEnum ||
      (kind(o) === ZodFirstPartyTypeKind.ZodLiteral &&
        typeof (o._def as { value?: unknown }).value === "string"),
  );
  if (allStrings) return enumType(strings, core.description, context);

  if (options.every((o) => kind(o) === ZodFirstPartyTypeKind.ZodObject)) {
    const discriminator = (core._def as { discriminator?: string }).discriminator;
    const mapping: Record<string, string> = {};
    const oneOf = options.map((option, i) => {
      const shape = (option as unknown as { shape: Record<string, ZodTypeAny> }).shape;
      const tag = discriminator
        ? (unwrap(shape[discriminator]).core._def as { value?: unknown }).value
        : undefined;
      const name = typeof tag === "string" ? pascal(tag) : String(i + 1);
      const ref = objectType(option, option.description, {
        ...context,
        path: [...context.path, name],
      });
      if (typeof tag === "string") mapping[tag] = ref.$ref as string;
      return ref;
    });
    return discriminator
      ? { oneOf, discriminator: { propertyName: discriminator, mapping } }
      : { oneOf };
  }
  return {
    oneOf: options.map((o, i) => typeOf(o, { ...context, path: [...context.path, String(i + 1)] })),
  };
}
