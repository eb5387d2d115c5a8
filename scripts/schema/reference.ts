/**
 * The reference pages (docs/reference/), from the package schema alone, laid out
 * like a Pulumi Registry page: what the resource is, an example, its inputs and
 * outputs with type, required, forces replacement and secret, its nested types, and
 * how to adopt an existing object; one page for the lookups.
 *
 * The examples are the README's: each resource's section there opens with one,
 * which the README's readers already check, so a page shows code that is used
 * rather than a made-up one.
 */
import type { FunctionSpec, PackageSpec, ResourceSpec } from "./packageSchema";
import { pascal, type ComplexTypeSpec, type PropertySpec, type TypeSpec } from "./zodToPulumi";

/** `compute-ops` → `computeOps`: the SDK's namespace for a module. */
export function namespaceOf(module: string): string {
  return module.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `ops-management:compute-ops:ApprovalPolicy` → its module and name. */
function parts(token: string): { module: string; name: string } {
  const [, module, name] = token.split(":");
  return { module, name };
}

/** A table cell: one line, no column break. */
function cell(text: string | undefined): string {
  return (text ?? "").replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

/** The type as a TypeScript reader knows it, with nested types linked to their section. */
function typeName(spec: TypeSpec, pageOf: (token: string) => string): string {
  if (spec.$ref === "pulumi.json#/Any") return "any";
  if (spec.$ref) {
    const token = spec.$ref.replace("#/types/", "");
    return `[${parts(token).name}](${pageOf(token)}#${parts(token).name.toLowerCase()})`;
  }
  if (spec.oneOf) return spec.oneOf.map((o) => typeName(o, pageOf)).join(" \\| ");
  if (spec.type === "array") return `${typeName(spec.items ?? {}, pageOf)}[]`;
  if (spec.type === "object") {
    return `map<string, ${typeName(spec.additionalProperties ?? { type: "string" }, pageOf)}>`;
  }
  return spec.type ?? "any";
}

function yes(flag: boolean | undefined): string {
  return flag ? "yes" : "";
}

function describe(spec: PropertySpec): string {
  const notes = [cell(spec.description)];
  if (spec.default !== undefined) notes.push(`Default: \`${JSON.stringify(spec.default)}\`.`);
  // The schema keeps the description whole ("Deprecated: …"); the page marks it.
  if (spec.deprecationMessage !== undefined) {
    notes[0] = notes[0].replace(/^Deprecated:/, "**Deprecated:**");
  }
  return notes.filter((n) => n !== "").join(" ");
}

/** A table of properties; the columns that never hold anything are left out. */
function propertyTable(
  properties: Record<string, PropertySpec>,
  required: readonly string[],
  pageOf: (token: string) => string,
  columns: { required?: string; replaces?: boolean },
): string[] {
  const head = ["Name", "Type"];
  if (columns.required) head.push(columns.required);
  if (columns.replaces) head.push("Forces replacement");
  head.push("Secret", "Description");
  const rows = Object.entries(properties).map(([name, spec]) => {
    const row = [`\`${name}\``, typeName(spec, pageOf)];
    if (columns.required) row.push(yes(required.includes(name)));
    if (columns.replaces) row.push(yes(spec.replaceOnChanges));
    row.push(yes(spec.secret), describe(spec));
    return row;
  });
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

/** Every type the given types reach, in the order they are first met. */
function reachable(start: TypeSpec[], types: Record<string, ComplexTypeSpec>): string[] {
  const seen: string[] = [];
  const visit = (spec: TypeSpec | undefined) => {
    if (!spec) return;
    if (spec.$ref?.startsWith("#/types/")) {
      const token = spec.$ref.slice("#/types/".length);
      if (seen.includes(token)) return;
      seen.push(token);
      const type = types[token];
      if (type && "properties" in type) Object.values(type.properties).forEach(visit);
    }
    visit(spec.items);
    visit(spec.additionalProperties);
    spec.oneOf?.forEach(visit);
  };
  start.forEach(visit);
  return seen;
}

function typeSections(
  tokens: string[],
  types: Record<string, ComplexTypeSpec>,
  pageOf: (token: string) => string,
): string[] {
  const lines: string[] = [];
  for (const token of tokens) {
    const type = types[token];
    lines.push(`### ${parts(token).name}`, "");
    if (type.description) lines.push(type.description, "");
    if ("enum" in type) {
      lines.push(`A ${type.type}, one of:`, "");
      for (const member of type.enum) lines.push(`- \`${JSON.stringify(member.value)}\``);
      lines.push("");
    } else {
      lines.push(
        ...propertyTable(type.properties, type.required ?? [], pageOf, { required: "Required" }),
        "",
      );
    }
  }
  return lines;
}

/** The first TypeScript block of the README section headed `heading`, if any. */
export function readmeExample(readme: string, heading: string): string | undefined {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(/\n#{1,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return /```ts\n([\s\S]*?)```/.exec(section)?.[1];
}

function resourcePage(
  token: string,
  resource: ResourceSpec,
  schema: PackageSpec,
  readme: string,
  pageOf: (token: string) => string,
): string {
  const { module, name } = parts(token);
  const qualified = `${namespaceOf(module)}.${name}`;
  const lines: string[] = [
    `# ${name}`,
    "",
    "<!-- Generated by `npm run generate` from schema.json: edit the zod schemas and the README, not this page. -->",
    "",
    `Type token \`${token}\`; in TypeScript \`${qualified}\` from \`pulumi-ops-management\`.`,
    "",
  ];
  if (resource.description) lines.push(resource.description, "");

  lines.push("## Example usage", "");
  const example = readmeExample(readme, `### \`${qualified}\``);
  lines.push(
    "```ts",
    `import { ${namespaceOf(module)} } from "pulumi-ops-management";`,
    "",
    (example ?? `new ${qualified}("example", {});\n`).trimEnd(),
    "```",
    "",
  );

  const required = resource.requiredInputs ?? [];
  lines.push(
    "## Inputs",
    "",
    ...propertyTable(resource.inputProperties, required, pageOf, {
      required: "Required",
      replaces: true,
    }),
    "",
  );

  const outputOnly = Object.fromEntries(
    Object.entries(resource.properties).filter(([key]) => !(key in resource.inputProperties)),
  );
  lines.push(
    "## Outputs",
    "",
    "Every input is also an output, as declared (defaults applied). Besides `id`, the " +
      "object's id in the API, and `urn`, the resource also has these outputs:",
    "",
    ...propertyTable(outputOnly, resource.required ?? [], pageOf, { required: "Always set" }),
    "",
  );

  const nested = reachable(
    [...Object.values(resource.inputProperties), ...Object.values(resource.properties)],
    schema.types,
  );
  if (nested.length > 0) {
    lines.push("## Supporting types", "", ...typeSections(nested, schema.types, pageOf));
  }

  if ("adoptId" in resource.inputProperties) {
    lines.push(
      "## Adopting an existing object",
      "",
      `Set \`adoptId\` to the id of an existing ${name}, with the inputs it ` +
        "should have. `pulumi up` then reads that object instead of creating one, brings it " +
        "to the declared inputs and manages it from then on, `pulumi destroy` included " +
        "(set the `retainOnDelete` resource option if it must outlive the stack). `pulumi " +
        "import` does not reach dynamic providers; see the README's " +
        "[Adoption](../../README.md#adoption).",
      "",
      "```ts",
      `new ${qualified}("adopted", {`,
      `  ...args, // the inputs it should have${required.length ? ` (${required.join(", ")} are required)` : ""}`,
      `  adoptId: "<the existing object's id>",`,
      "});",
      "```",
      "",
    );
  }

  lines.push(
    "## Reading an object without managing it",
    "",
    `\`${qualified}.get(name, id, state?)\` reads the object by id on every run and ` +
      "changes nothing; `pulumi destroy` leaves it alone.",
    "",
  );
  return lines.join("\n");
}

function lookupsPage(schema: PackageSpec, readme: string, pageOf: (t: string) => string): string {
  const lines = [
    "# Lookups",
    "",
    "<!-- Generated by `npm run generate` from schema.json: edit the lookups' schemas and the README, not this page. -->",
    "",
    "Functions for what a program only references. Each comes as `getX` (a promise) and " +
      "`getXOutput` (an Output, taking Inputs), sends one request when one object " +
      "matches, and fails naming every match when none or several do.",
    "",
  ];
  const example = readmeExample(readme, "### Lookups");
  if (example) {
    lines.push(
      "## Example usage",
      "",
      "```ts",
      'import { computeOps } from "pulumi-ops-management";',
      "",
      example.trimEnd(),
      "```",
      "",
    );
  }
  const entries = Object.entries(schema.functions) as [string, FunctionSpec][];
  for (const [token, fn] of entries) {
    const { module, name } = parts(token);
    lines.push(
      `## ${name}`,
      "",
      `Token \`${token}\`; in TypeScript \`${namespaceOf(module)}.${name}\` and \`${name}Output\`.`,
      "",
    );
    if (fn.description) lines.push(fn.description, "");
    lines.push(
      "### Arguments",
      "",
      ...propertyTable(fn.inputs.properties, fn.inputs.required ?? [], pageOf, {
        required: "Required",
      }),
      "",
      "### Result",
      "",
      ...propertyTable(fn.outputs.properties, fn.outputs.required ?? [], pageOf, {
        required: "Always set",
      }),
      "",
    );
  }
  const nested = reachable(
    entries.flatMap(([, fn]) => [
      ...Object.values(fn.inputs.properties),
      ...Object.values(fn.outputs.properties),
    ]),
    schema.types,
  );
  if (nested.length > 0)
    lines.push("## Supporting types", "", ...typeSections(nested, schema.types, pageOf));
  return lines.join("\n");
}

function indexPage(schema: PackageSpec): string {
  const lines = [
    "# Reference",
    "",
    "<!-- Generated by `npm run generate`: edit the zod schemas, not this page. -->",
    "",
    `Generated from the Pulumi package schema [schema.json](../../schema.json) (package \`${schema.name}\`, ` +
      `version ${schema.version}), which is generated from each type's zod schemas and ` +
      "definition (docs/design.md#one-definition-per-resource-type). `npm run generate` " +
      "writes both; a unit test fails when either is stale.",
    "",
    "## Resources",
    "",
  ];
  for (const token of Object.keys(schema.resources)) {
    const { module, name } = parts(token);
    lines.push(`- [${namespaceOf(module)}.${name}](${name}.md): \`${token}\``);
  }
  lines.push(
    "",
    "## Functions",
    "",
    "- [Lookups](lookups.md): " +
      Object.keys(schema.functions)
        .map((t) => `\`${parts(t).name}\``)
        .join(", "),
    "",
  );
  lines.push(
    "## Tokens",
    "",
    `Tokens are \`${schema.name}:<module>:<Name>\`. The package name is the repository's ` +
      "without Pulumi's `pulumi-` prefix, as Pulumi names its own packages " +
      "(`pulumi-azure-native` serves `azure-native`), so a provider plugin serving this " +
      `schema would be \`pulumi-resource-${schema.name}\`. The modules, \`compute-ops\` and ` +
      "`ops-manager`, are the ones the dynamic resources already carry in their type " +
      "(`pulumi-nodejs:dynamic/compute-ops:ApprovalPolicy`); Pulumi's token pattern allows " +
      "a hyphen in a module. Generated SDKs name it `computeops` in TypeScript and Go (the " +
      "schema maps it so: Pulumi's TypeScript generator emits a hyphenated or camel-case " +
      "module as code that does not compile, and a Go package name has no hyphen) and " +
      "`compute_ops` in Python; this package's own SDK exports it as `computeOps`. Nested types are named after where they sit " +
      "(`ApprovalPolicyPolicyData`), lookups after their SDK function (`getGroup`).",
    "",
  );
  return lines.join("\n");
}

/** docs/reference/<file> → content, before formatting. */
export function referencePages(schema: PackageSpec, readme: string): Map<string, string> {
  const pages = new Map<string, string>();
  const ownerOf = (token: string): string | undefined => {
    // A nested type is on the page of the resource it belongs to (its name starts
    // with the resource's, the longest such: GroupMembership's are not Group's), a
    // lookup's on the lookups page; a shared one (Region) on every page that uses it.
    const name = parts(token).name;
    const owner = Object.keys(schema.resources)
      .map((t) => parts(t).name)
      .sort((a, b) => b.length - a.length)
      .find((r) => name.startsWith(r));
    if (owner) return `${owner}.md`;
    return Object.keys(schema.functions).some((f) => name.startsWith(pascal(parts(f).name)))
      ? "lookups.md"
      : undefined;
  };
  // A link to a type on the same page is its anchor alone.
  const linksFrom =
    (page: string) =>
    (token: string): string => {
      const owner = ownerOf(token) ?? page;
      return owner === page ? "" : owner;
    };
  for (const [token, resource] of Object.entries(schema.resources)) {
    const page = `${parts(token).name}.md`;
    pages.set(page, resourcePage(token, resource, schema, readme, linksFrom(page)));
  }
  pages.set("lookups.md", lookupsPage(schema, readme, linksFrom("lookups.md")));
  pages.set("README.md", indexPage(schema));
  return pages;
}

const listStart = "<!-- reference list: written by `npm run generate` -->";
const listEnd = "<!-- end of reference list -->";

/**
 * The README with its short list of reference pages brought up to date: one line
 * per resource and one for the lookups, between the two markers, so the list
 * gains each type as its schemas are converted.
 */
export function readmeWithReferenceList(readme: string, schema: PackageSpec): string {
  const start = readme.indexOf(listStart);
  const end = readme.indexOf(listEnd);
  if (start < 0 || end < start) {
    throw new Error(`README.md has lost its reference list markers (${listStart} ... ${listEnd})`);
  }
  const items = Object.keys(schema.resources).map((token) => {
    const { module, name } = parts(token);
    return `- [\`${namespaceOf(module)}.${name}\`](docs/reference/${name}.md)`;
  });
  items.push("- [Lookups](docs/reference/lookups.md)");
  return `${readme.slice(0, start + listStart.length)}\n\n${items.join("\n")}\n\n${readme.slice(end)}`;
}
