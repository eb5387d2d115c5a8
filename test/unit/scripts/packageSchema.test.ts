/**
 * The package schema and reference pages: what the generator makes of the zod
 * schemas and the definitions, and that the committed schema.json and
 * docs/reference/ are what it makes now.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { generatedFiles } from "../../../scripts/schema/generate";
import { packageSchema, type PackageSpec } from "../../../scripts/schema/packageSchema";
import { referencePages } from "../../../scripts/schema/reference";
import { repoRoot, schemaSources } from "../../../scripts/schema/sources";
import {
  objectProperties,
  type ComplexTypeSpec,
  type TypeContext,
} from "../../../scripts/schema/zodToPulumi";

/** Pulumi's type token pattern, from its package metaschema. */
const tokenPattern = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/-]*$/;
/** Pulumi's package name pattern, from the same metaschema. */
const namePattern = /^[a-zA-Z][-a-zA-Z0-9_]*$/;

function context(types = new Map<string, ComplexTypeSpec>()): TypeContext {
  return { tokenPrefix: "ops-management:test:", path: ["Thing"], types };
}

describe("package schema", () => {
  let schema: PackageSpec;
  before(() => {
    schema = packageSchema(schemaSources());
  });

  it("names the package and every resource, function and type with valid tokens", () => {
    expect(schema.name).to.match(namePattern);
    const tokens = [
      ...Object.keys(schema.resources),
      ...Object.keys(schema.functions),
      ...Object.keys(schema.types),
    ];
    expect(tokens).to.include("ops-management:compute-ops:ApprovalPolicy");
    expect(tokens).to.include("ops-management:compute-ops:getGroup");
    for (const token of tokens) expect(token).to.match(tokenPattern);
  });

  it("describes ApprovalPolicy from its zod schemas and its definition", () => {
    const policy = schema.resources["ops-management:compute-ops:ApprovalPolicy"];
    expect(policy.description).to.match(/^An HPE Compute Ops Management approval policy/);
    expect(policy.requiredInputs).to.deep.equal(["name", "policyData"]);
    // replacedBy: ["region"] marks region, in both directions, and nothing else.
    const replacing = (props: typeof policy.properties) =>
      Object.keys(props).filter((k) => props[k].replaceOnChanges);
    expect(replacing(policy.inputProperties)).to.deep.equal(["region"]);
    expect(replacing(policy.properties)).to.deep.equal(["region"]);
    expect(policy.inputProperties.tenantAcid.deprecationMessage).to.match(/^no approval-policy/);
    expect(policy.inputProperties.tenantAcid.$ref).to.equal("pulumi.json#/Any");
    expect(Object.keys(policy.properties)).to.include.members(["state", "resourceUri"]);
    expect(policy.required).to.deep.equal(["name", "policyData"]);
    for (const spec of Object.values(policy.inputProperties))
      expect(spec.description).to.be.a("string");

    const approvable =
      schema.types["ops-management:compute-ops:ApprovalPolicyPolicyDataApprovables"];
    expect(approvable).to.include({ type: "object" });
    if (!("properties" in approvable)) throw new Error("not an object type");
    // A default makes an input optional, and a primitive default is the schema's default.
    expect(approvable.required).to.deep.equal(["approvableName", "approvers"]);
    expect(approvable.properties.minApprovers).to.include({ type: "integer", default: 1 });
    const names =
      schema.types["ops-management:compute-ops:ApprovalPolicyPolicyDataApprovablesApprovableName"];
    if (!("enum" in names)) throw new Error("not an enum type");
    expect(names.enum).to.deep.include({
      name: "ApplyServerSettingsBIOSAndILO",
      value: "Apply server settings (BIOS and iLO)",
    });
  });

  it("marks secret inputs and outputs from the definition", () => {
    const result = packageSchema(schemaSources());
    const service = result.resources["ops-management:compute-ops:ExternalService"];
    expect(service.inputProperties.authentication.secret).to.equal(true);
    expect(service.properties.authentication.secret).to.equal(true);
    expect(service.inputProperties.name.secret).to.equal(undefined);
    expect(service.inputProperties.serviceType.replaceOnChanges).to.equal(true);
    expect(service.inputProperties.name.replaceOnChanges).to.equal(undefined);
  });

  it("has a function per lookup, with its arguments and result", () => {
    const getServer = schema.functions["ops-management:compute-ops:getServer"];
    expect(getServer.inputs.required).to.equal(undefined);
    expect(Object.keys(getServer.inputs.properties)).to.deep.equal([
      "name",
      "serialNumber",
      "region",
      "tenantAcid",
    ]);
    expect(getServer.outputs.required).to.not.include("hostname");
  });
});

describe("zod to Pulumi types", () => {
  it("maps records, unknowns, nullables, arrays and numbers", () => {
    const { properties, required } = objectProperties(
      {
        labels: z.record(z.string()).describe("Labels."),
        extra: z.unknown(),
        count: z.number().int().nullable(),
        ratio: z.number(),
        tags: z.array(z.string()).default([]),
      },
      context(),
    );
    expect(properties.labels).to.deep.equal({
      type: "object",
      additionalProperties: { type: "string" },
      description: "Labels.",
    });
    expect(properties.extra).to.deep.equal({ $ref: "pulumi.json#/Any" });
    expect(properties.count).to.deep.equal({ type: "integer" });
    expect(properties.ratio).to.deep.equal({ type: "number" });
    expect(properties.tags.description).to.equal("Defaults to `[]`.");
    expect(required).to.deep.equal(["labels", "ratio"]);
  });

  it("maps a discriminated union to a oneOf of named types with its discriminator", () => {
    const types = new Map<string, ComplexTypeSpec>();
    const { properties } = objectProperties(
      {
        auth: z.discriminatedUnion("kind", [
          z.object({ kind: z.literal("oauth"), clientId: z.string() }),
          z.object({ kind: z.literal("basic"), username: z.string() }),
        ]),
      },
      context(types),
    );
    expect(properties.auth.oneOf).to.deep.equal([
      { $ref: "#/types/ops-management:test:ThingAuthOauth" },
      { $ref: "#/types/ops-management:test:ThingAuthBasic" },
    ]);
    expect(properties.auth.discriminator).to.deep.equal({
      propertyName: "kind",
      mapping: {
        oauth: "#/types/ops-management:test:ThingAuthOauth",
        basic: "#/types/ops-management:test:ThingAuthBasic",
      },
    });
    expect([...types.keys()]).to.deep.equal([
      "ops-management:test:ThingAuthOauth",
      "ops-management:test:ThingAuthBasic",
    ]);
  });

  it("refuses what Pulumi cannot say, naming where", () => {
    expect(() => objectProperties({ pair: z.tuple([z.string(), z.number()]) }, context())).to.throw(
      /Thing\.pair: zod's ZodTuple has no Pulumi schema equivalent/,
    );
  });
});

describe("generated files", () => {
  it("match the committed schema.json, docs/reference and README list (else run `npm run generate`)", async () => {
    const files = await generatedFiles();
    const stale: string[] = [];
    for (const [file, text] of files) {
      let committed: string | undefined;
      try {
        committed = readFileSync(path.join(repoRoot, file), "utf8");
      } catch {
        committed = undefined;
      }
      if (committed !== text) stale.push(file);
    }
    const referenceDir = path.join(repoRoot, "docs", "reference");
    for (const name of readdirSync(referenceDir)) {
      const file = path.posix.join("docs", "reference", name);
      if (!files.has(file)) stale.push(`${file} (no longer generated)`);
    }
    expect(stale, `stale generated files: run \`npm run generate\` and commit them`).to.deep.equal(
      [],
    );
  });

  it("gives each resource a page with its inputs, outputs, example and adoption", () => {
    const schema = packageSchema(schemaSources());
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const page = referencePages(schema, readme).get("ApprovalPolicy.md") ?? "";
    expect(page).to.match(/^# ApprovalPolicy/);
    expect(page).to.include(
      "| Name | Type | Required | Forces replacement | Secret | Description |",
    );
    expect(page).to.include("| `region` | [Region](#region) |  | yes |");
    expect(page).to.include('new computeOps.ApprovalPolicy("fw", {');
    expect(page).to.include("## Adopting an existing object");
  });
});
