import { expect } from "chai";
import * as fs from "node:fs";
import { indexSchema, schemaPath, typeTokenOf } from "../../../provider/plugin/schema";

describe("The schema the provider plugin serves", () => {
  const schema = {
    name: "ops-management",
    resources: { "ops-management:compute-ops:ApprovalPolicy": {} },
    functions: { "ops-management:compute-ops:getGroup": {} },
  };

  it("maps each token to the type or lookup its last segment names", () => {
    const loaded = indexSchema(schema);
    expect(loaded.packageName).to.equal("ops-management");
    expect(loaded.resourceOf.get("ops-management:compute-ops:ApprovalPolicy")).to.equal(
      "ApprovalPolicy",
    );
    expect(loaded.lookupOf.get("ops-management:compute-ops:getGroup")).to.equal("getGroup");
  });

  it("refuses a schema naming a resource this package cannot serve", () => {
    expect(() =>
      indexSchema({ name: "ops-management", resources: { "ops-management:x:Nothing": {} } }),
    ).to.throw("no resource type Nothing");
  });

  it("serves the provider's settings the committed schema declares", () => {
    const committed = JSON.parse(fs.readFileSync(schemaPath, "utf8")) as {
      config: { variables: Record<string, unknown> };
      provider: { inputProperties: Record<string, unknown> };
    };
    expect(committed.config.variables).to.have.property("computeOpsRegion");
    expect(committed.provider.inputProperties).to.have.property("opsManagerApiKey");
  });

  it("reads the type token from a URN, a child's too", () => {
    expect(typeTokenOf("urn:pulumi:dev::proj::ops-management:compute-ops:Job::j")).to.equal(
      "ops-management:compute-ops:Job",
    );
    expect(
      typeTokenOf("urn:pulumi:dev::proj::my:component:C$ops-management:compute-ops:Group::g"),
    ).to.equal("ops-management:compute-ops:Group");
  });

  it("serves the committed schema.json as it is, every resource mapped", () => {
    const committed = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
    const loaded = indexSchema(committed);
    expect(loaded.resourceOf.size).to.equal(Object.keys(committed.resources ?? {}).length);
    const served = JSON.parse(loaded.text);
    expect(served).to.deep.equal(committed);
  });
});
