import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkFailuresFor, propertyPath } from "../../../provider/core/checkInputs";
import { diffWithUnknowns } from "../../../provider/core/lifecycle";
import { containsUnknown, unknownPaths, unknownSentinels } from "../../../provider/core/unknowns";

/** What the Node SDK sends for any value not known yet. */
const unknown = pulumi.runtime.unknownValue as string;

function issuesOf(schema: z.ZodTypeAny, value: unknown): z.ZodIssue[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues;
}

describe("Unknown inputs and check failures (core)", () => {
  it("knows the placeholder the Node SDK sends for an unknown", () => {
    expect(unknownSentinels).to.include(unknown);
  });

  it("finds unknowns at any depth, in objects and lists", () => {
    const inputs = {
      name: "known",
      policyData: { approvables: [{ approvers: [{ email: unknown }], minApprovers: 1 }] },
      list: ["a", unknown],
      whole: unknown,
    };
    expect(unknownPaths(inputs)).to.deep.equal([
      ["policyData", "approvables", 0, "approvers", 0, "email"],
      ["list", 1],
      ["whole"],
    ]);
    expect(containsUnknown({ a: [{ b: "x" }] })).to.equal(false);
  });

  it("writes paths the way Pulumi does", () => {
    expect(propertyPath(["policyData", "approvables", 0, "minApprovers"])).to.equal(
      "policyData.approvables[0].minApprovers",
    );
    expect(propertyPath(["properties", 0, "data-center"])).to.equal('properties[0]["data-center"]');
    expect(propertyPath([])).to.equal("");
  });

  const approvers = z
    .object({
      approvers: z.array(z.object({ email: z.string().email("must be an email address") })),
      minApprovers: z.number().min(1),
    })
    .superRefine((value, ctx) => {
      if (value.minApprovers > value.approvers.length) {
        ctx.addIssue({ code: "custom", path: ["minApprovers"], message: "too many" });
      }
    });

  it("keeps a known bad email and drops an unknown one", () => {
    const inputs = { approvers: [{ email: "not-an-email" }, { email: unknown }], minApprovers: 1 };
    const failures = checkFailuresFor(issuesOf(approvers, inputs), inputs);
    expect(failures).to.deep.equal([
      { property: "approvers[0].email", reason: 'must be an email address; got "not-an-email"' },
    ]);
  });

  it("drops a cross-field rule only while something is unknown", () => {
    const known = { approvers: [{ email: "a@example.com" }], minApprovers: 2 };
    expect(checkFailuresFor(issuesOf(approvers, known), known)).to.deep.equal([
      { property: "minApprovers", reason: "too many; got 2" },
    ]);
    const partly = { approvers: [{ email: unknown }], minApprovers: 2 };
    expect(checkFailuresFor(issuesOf(approvers, partly), partly)).to.deep.equal([]);
  });

  it("takes an unknown in place of a number or an object", () => {
    const schema = z.object({ count: z.number(), data: z.object({ a: z.string() }) }).strict();
    const inputs = { count: unknown, data: unknown };
    expect(checkFailuresFor(issuesOf(schema, inputs), inputs)).to.deep.equal([]);
  });

  it("never shows a secret input's value: no property at the input, no quoted value under it", () => {
    const schema = z.object({
      authentication: z.object({ kind: z.enum(["OAUTH", "BASIC"]) }),
      name: z.string(),
    });
    const plain = { authentication: "PlainSecretValue123", name: "x" };
    const atSecret = checkFailuresFor(issuesOf(schema, plain), plain, ["authentication"]);
    expect(atSecret).to.have.length(1);
    expect(atSecret[0].property).to.equal("");
    expect(atSecret[0].reason).to.match(/^authentication: /);
    expect(JSON.stringify(atSecret)).not.to.include("PlainSecretValue123");

    const nested = { authentication: { kind: "SecretKindValue" }, name: "x" };
    const under = checkFailuresFor(issuesOf(schema, nested), nested, ["authentication"]);
    expect(under).to.deep.equal([
      { property: "authentication.kind", reason: "must be one of: OAUTH, BASIC" },
    ]);
  });

  it("names the value given, cut when long, but never a credential's or a secret input's", () => {
    const schema = z
      .object({
        name: z.string().max(100, "must be at most 100 characters"),
        count: z.number().max(3, "must be at most 3"),
        url: z.string().url("must be a URL"),
        service: z.object({
          clientSecret: z.string().min(20, "must be at least 20 characters"),
          password: z.string().email("must be an email address"),
          refreshToken: z.string().url("must be a URL"),
        }),
        jobParams: z.object({ image: z.string().url("must be a URL") }),
      })
      .strict();
    const inputs = {
      name: "n".repeat(150),
      count: 7,
      url: "not a url",
      service: { clientSecret: "short-secret", password: "pw-value", refreshToken: "tok-value" },
      jobParams: { image: "secret-param-value" },
      extra: "extra-value",
    };
    const failures = checkFailuresFor(issuesOf(schema, inputs), inputs, ["jobParams"]);
    expect(failures).to.deep.include.members([
      { property: "name", reason: "must be at most 100 characters; got 150 characters" },
      { property: "count", reason: "must be at most 3; got 7" },
      { property: "url", reason: 'must be a URL; got "not a url"' },
      { property: "service.clientSecret", reason: "must be at least 20 characters" },
      { property: "service.password", reason: "must be an email address" },
      { property: "service.refreshToken", reason: "must be a URL" },
      { property: "jobParams.image", reason: "must be a URL" },
      { property: "extra", reason: "is not an input of this resource" },
    ]);
    for (const secret of ["short-secret", "pw-value", "tok-value", "secret-param-value"]) {
      expect(JSON.stringify(failures)).not.to.include(secret);
    }
  });

  describe("diffWithUnknowns", () => {
    const olds = { name: "a", region: "us-west", description: "d" };
    const compare = (news: Record<string, unknown>) => ({
      changes: news.name !== olds.name || news.description !== olds.description,
      replaces: news.region !== olds.region ? ["region"] : [],
    });

    it("counts an unknown updatable input as a change, not a replace", () => {
      const result = diffWithUnknowns("ApprovalPolicy", olds, { ...olds, name: unknown }, compare);
      expect(result).to.include({ changes: true });
      expect(result.replaces).to.deep.equal([]);
    });

    it("replaces for an unknown input whose change replaces, and for an unknown adoptId", () => {
      const region = diffWithUnknowns(
        "ApprovalPolicy",
        olds,
        { ...olds, region: unknown },
        compare,
      );
      expect(region.replaces).to.deep.equal(["region"]);
      const adopt = diffWithUnknowns(
        "ApprovalPolicy",
        olds,
        { ...olds, adoptId: unknown },
        compare,
      );
      expect(adopt.replaces).to.deep.equal(["adoptId"]);
    });

    it("leaves a fully known diff as compare judged it", () => {
      expect(diffWithUnknowns("ApprovalPolicy", olds, { ...olds }, compare)).to.deep.equal({
        changes: false,
        replaces: [],
      });
    });
  });
});
