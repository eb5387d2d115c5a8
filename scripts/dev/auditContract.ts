/**
 * Development script, not part of `npm test`: audits the emulator's hand-written
 * contract table (emulator/computeOps/contract.ts) against HPE's OpenAPI
 * description and prints every difference, one line each, then a count. It exits
 * non-zero while a difference remains that the `explained` list below does not
 * cover, or while an explanation no longer matches a difference.
 *
 *   npm run audit:contract                      (builds first)
 *   node dist/scripts/dev/auditContract.js [path/to/compute-ops-mgmt.openapi.json]
 *
 * The default spec path, ../shared/reference/compute-ops-mgmt.openapi.json from the
 * repository root, is where CI keeps the official description. This is the one
 * place the repository names ../shared: it is a dev script, and no test reads it.
 *
 * What it compares, per operation of the table: declared statuses, query
 * parameters, the `limit` maximum, the Tenant-Acid header, the path id's
 * `format: uuid`, the request body's media type, and for each top-level body
 * field its type, nullability and enum values, the required fields, and fields one
 * side has and the other lacks. What it does not: filter properties (the spec
 * states them in prose), nested fields, string lengths, number ranges, formats of
 * body fields, response bodies (docs/api-facts.md#auditing-the-contract).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  fieldTypeParts,
  FieldType,
  OperationContract,
  operations,
} from "../../emulator/computeOps/contract";

const policyDataWhy =
  "the spec lists policyData's properties (approvables, resources) but no type; " +
  "the table checks for the object those properties describe, which is all the provider sends";

/**
 * Differences that stay on purpose, keyed by the exact line the audit prints,
 * each with why. Each is also recorded in docs/api-facts.md#auditing-the-contract.
 */
const explained: Readonly<Record<string, string>> = {
  "POST /v1beta2/approval-policies: field policyData: type: spec declares none, table object":
    policyDataWhy,
  "PATCH /v1beta2/approval-policies/{policy_id}: field policyData: type: spec declares none, table object":
    policyDataWhy,
};

type Json = Record<string, unknown>;

const prefix = "/compute-ops-mgmt";

function isJson(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function asJson(value: unknown): Json {
  return isJson(value) ? value : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Follows local `$ref`s (`#/components/...`) until a schema without one. */
function deref(spec: Json, node: unknown): Json {
  let current = asJson(node);
  for (let hops = 0; typeof current.$ref === "string"; hops++) {
    if (hops > 50) throw new Error(`$ref cycle at ${current.$ref}`);
    const ref: string = current.$ref;
    if (!ref.startsWith("#/")) throw new Error(`only local $refs are read: ${ref}`);
    let target: unknown = spec;
    for (const raw of ref.slice(2).split("/")) {
      target = asJson(target)[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    if (target === undefined) throw new Error(`$ref to nothing: ${ref}`);
    current = asJson(target);
  }
  return current;
}

/**
 * What a field's schema allows: any value, or its non-null JSON types; null or
 * not; and enum values, when it has an enum.
 */
interface Allowed {
  any: boolean;
  types: Set<string>;
  nullable: boolean;
  enumValues?: Set<string>;
}

function allowedBy(spec: Json, node: unknown): Allowed {
  const schema = deref(spec, node);
  const parts = (key: string) => asArray(schema[key]).map((s) => allowedBy(spec, s));
  const oneOf = [...parts("oneOf"), ...parts("anyOf")];
  let out = ownAllowed(schema);
  if (oneOf.length > 0) out = intersect(out, union(oneOf));
  for (const part of parts("allOf")) out = intersect(out, part);
  return out;
}

/** The schema's own keywords, leaving its allOf/oneOf/anyOf aside. */
function ownAllowed(schema: Json): Allowed {
  const declared = Array.isArray(schema.type)
    ? schema.type.map(String)
    : typeof schema.type === "string"
      ? [schema.type]
      : [];
  const enumRaw = Array.isArray(schema.enum) ? schema.enum : undefined;
  // No type and no enum: nothing refuses any value, null included.
  const any = declared.length === 0 && !enumRaw;
  return {
    any,
    // An enum with no type allows only its values, which here are strings.
    types: new Set(
      declared.length === 0 && enumRaw ? ["string"] : declared.filter((t) => t !== "null"),
    ),
    nullable:
      any ||
      schema.nullable === true ||
      declared.includes("null") ||
      (enumRaw?.includes(null) ?? false),
    enumValues: enumRaw ? new Set(enumRaw.filter((v) => v !== null).map(String)) : undefined,
  };
}

/** What any one of the schemas allows (oneOf, anyOf, or a field in several branches). */
function union(all: Allowed[]): Allowed {
  // A branch that allows only null ({type: "null"}) adds null and nothing else.
  const valued = all.filter((a) => a.any || a.types.size > 0);
  return {
    any: all.some((a) => a.any),
    types: new Set(all.flatMap((a) => [...a.types])),
    nullable: all.some((a) => a.nullable),
    enumValues:
      valued.length > 0 && valued.every((a) => a.enumValues)
        ? new Set(valued.flatMap((a) => [...(a.enumValues ?? [])]))
        : undefined,
  };
}

/** What both schemas allow (allOf, or a schema's own keywords beside its oneOf). */
function intersect(a: Allowed, b: Allowed): Allowed {
  const types = a.any ? b.types : b.any ? a.types : setAnd(a.types, b.types);
  const enumValues =
    a.enumValues && b.enumValues
      ? setAnd(a.enumValues, b.enumValues)
      : (a.enumValues ?? b.enumValues);
  return { any: a.any && b.any, types, nullable: a.nullable && b.nullable, enumValues };
}

function setAnd(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/** What `from` holds that `inside` does not. */
function missing<T>(from: readonly T[], inside: readonly T[]): T[] {
  return from.filter((x) => !inside.includes(x));
}

function list(values: Iterable<string | number>): string {
  return [...values].sort().join(", ");
}

/** The body schema's top-level fields and required names, reading allOf and oneOf. */
interface BodyShape {
  fields: Map<string, unknown[]>;
  required: Set<string>;
}

function bodyShape(spec: Json, node: unknown): BodyShape {
  const schema = deref(spec, node);
  const fields = new Map<string, unknown[]>();
  const add = (name: string, s: unknown) => fields.set(name, [...(fields.get(name) ?? []), s]);
  for (const [name, s] of Object.entries(asJson(schema.properties))) add(name, s);
  const required = new Set(asArray(schema.required).map(String));
  for (const part of asArray(schema.allOf)) {
    const inner = bodyShape(spec, part);
    for (const [name, s] of inner.fields) for (const one of s) add(name, one);
    for (const name of inner.required) required.add(name);
  }
  // A oneOf body (a group's create, by deviceType): every branch's fields, and
  // required only what every branch requires, as the table has no branches.
  const branches = [...asArray(schema.oneOf), ...asArray(schema.anyOf)].map((b) =>
    bodyShape(spec, b),
  );
  for (const branch of branches) {
    for (const [name, s] of branch.fields) for (const one of s) add(name, one);
  }
  if (branches.length > 0) {
    for (const name of branches[0].required) {
      if (branches.every((b) => b.required.has(name))) required.add(name);
    }
  }
  return { fields, required };
}

/** The table's field type in the audit's terms. */
function tableAllowed(type: FieldType): Allowed {
  if (typeof type !== "string") {
    return {
      any: false,
      types: new Set(["string"]),
      nullable: type.includes(null),
      enumValues: new Set(type.filter((v): v is string => v !== null)),
    };
  }
  const { base, nullable } = fieldTypeParts(type);
  return { any: false, types: new Set([base]), nullable };
}

function compareField(name: string, spec: Allowed, table: Allowed): string[] {
  const out: string[] = [];
  const specTypes = spec.any ? "none" : list(spec.types);
  const tableTypes = list(table.types);
  if (specTypes !== tableTypes) {
    out.push(`field ${name}: type: spec declares ${specTypes}, table ${tableTypes}`);
  }
  if (!spec.any && spec.nullable !== table.nullable) {
    out.push(
      `field ${name}: nullable: spec ${spec.nullable ? "allows" : "refuses"} null, table ${table.nullable ? "allows" : "refuses"} it`,
    );
  }
  const specEnum = spec.enumValues ? list(spec.enumValues) : "none";
  const tableEnum = table.enumValues ? list(table.enumValues) : "none";
  if (specEnum !== tableEnum) {
    out.push(`field ${name}: enum: spec ${specEnum}, table ${tableEnum}`);
  }
  return out;
}

function auditOperation(spec: Json, op: OperationContract): string[] {
  const pathItem = asJson(asJson(spec.paths)[prefix + op.template]);
  const specOp = pathItem[op.method.toLowerCase()];
  if (!isJson(specOp)) return ["the spec has no such operation"];
  const out: string[] = [];

  const statuses = Object.keys(asJson(specOp.responses))
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number);
  out.push(
    ...missing(statuses, op.statuses).map((s) => `status ${s}: spec declares it, table lacks it`),
  );
  out.push(
    ...missing(op.statuses, statuses).map(
      (s) => `status ${s}: table lists it, spec does not declare it`,
    ),
  );

  const params = [...asArray(pathItem.parameters), ...asArray(specOp.parameters)].map((p) =>
    deref(spec, p),
  );
  const query = params.filter((p) => p.in === "query");
  const queryNames = query.map((p) => String(p.name));
  out.push(
    ...missing(queryNames, op.query).map((n) => `query ${n}: spec declares it, table lacks it`),
  );
  out.push(
    ...missing(op.query, queryNames).map(
      (n) => `query ${n}: table lists it, spec does not declare it`,
    ),
  );

  const limit = query.find((p) => p.name === "limit");
  const maximum = limit ? deref(spec, limit.schema).maximum : undefined;
  const specMax = typeof maximum === "number" ? maximum : undefined;
  if (specMax !== op.maxLimit) {
    out.push(`limit maximum: spec ${specMax ?? "none"}, table ${op.maxLimit ?? "none"}`);
  }

  const tenant = params.find(
    (p) => p.in === "header" && String(p.name).toLowerCase() === "tenant-acid",
  );
  if (Boolean(tenant) !== op.tenantAcid) {
    out.push(
      `header Tenant-Acid: spec ${tenant ? "declares" : "does not declare"} it, table ${op.tenantAcid ? "does" : "does not"}`,
    );
  }
  if (tenant && deref(spec, tenant.schema).format !== "uuid") {
    out.push("header Tenant-Acid: spec does not declare format uuid, table checks it");
  }

  const pathParams = params.filter((p) => p.in === "path");
  const uuid = pathParams.some((p) => deref(spec, p.schema).format === "uuid");
  if (uuid !== Boolean(op.uuidId)) {
    out.push(
      `path id format uuid: spec ${uuid ? "declares" : "does not declare"} it, table ${op.uuidId ? "does" : "does not"}`,
    );
  }

  const content = asJson(deref(spec, specOp.requestBody).content);
  const mediaTypes = Object.keys(content);
  const tableMedia = op.body === "none" ? [] : [op.body];
  if (list(mediaTypes) !== list(tableMedia)) {
    out.push(`body media type: spec ${list(mediaTypes) || "none"}, table ${op.body}`);
  }
  if (op.body === "none" || !(op.body in content)) return out;

  const shape = bodyShape(spec, asJson(content[op.body]).schema);
  const fields: Readonly<Record<string, FieldType>> = op.fields ?? {};
  for (const [name, schemas] of shape.fields) {
    if (!(name in fields)) {
      out.push(`field ${name}: spec declares it, table lacks it`);
      continue;
    }
    const allowed =
      schemas.length === 1
        ? allowedBy(spec, schemas[0])
        : union(schemas.map((s) => allowedBy(spec, s)));
    out.push(...compareField(name, allowed, tableAllowed(fields[name])));
  }
  const specFields = [...shape.fields.keys()];
  out.push(
    ...missing(Object.keys(fields), specFields).map(
      (n) => `field ${n}: table lists it, spec does not declare it`,
    ),
  );
  const specRequired = [...shape.required];
  const required = op.required ?? [];
  out.push(
    ...missing(specRequired, required).map(
      (n) => `required ${n}: spec requires it, table does not`,
    ),
  );
  out.push(
    ...missing(required, specRequired).map(
      (n) => `required ${n}: table requires it, spec does not`,
    ),
  );
  return out;
}

function main(): number {
  const root = resolve(__dirname, "..", "..", "..");
  const specPath = resolve(
    process.argv[2] ?? resolve(root, "..", "shared", "reference", "compute-ops-mgmt.openapi.json"),
  );
  if (!existsSync(specPath)) {
    console.error(
      `auditContract: no OpenAPI description at ${specPath}.\n` +
        "Pass its path: node dist/scripts/dev/auditContract.js <compute-ops-mgmt.openapi.json>",
    );
    return 2;
  }
  const spec = asJson(JSON.parse(readFileSync(specPath, "utf8")));
  const found: string[] = [];
  for (const op of operations) {
    found.push(...auditOperation(spec, op).map((d) => `${op.method} ${op.template}: ${d}`));
  }
  let unexplained = 0;
  for (const line of found) {
    const why = explained[line];
    if (why === undefined) unexplained++;
    console.log(why === undefined ? line : `${line} [explained: ${why}]`);
  }
  const stale = Object.keys(explained).filter((line) => !found.includes(line));
  for (const line of stale) console.log(`stale explanation, no such difference: ${line}`);
  console.log(
    `${operations.length} operations audited: ${found.length} differences, ` +
      `${found.length - unexplained} explained, ${unexplained} unexplained, ${stale.length} stale explanations`,
  );
  return unexplained + stale.length > 0 ? 1 : 0;
}

process.exitCode = main();
