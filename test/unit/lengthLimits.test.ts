/** Inputs too long for the API are refused by check, one failure each, before any call. */
import { expect } from "chai";
import { implementationOf, ResourceTypeName } from "../../provider";
import { provider, useTestApis } from "./resourceTestSetup";

const long = "x".repeat(257);

async function failures(type: ResourceTypeName, inputs: Record<string, unknown>) {
  const result = await implementationOf(type).check!({}, { ...inputs, __provider: provider });
  return result.failures ?? [];
}

describe("Length limits in check", () => {
  useTestApis();

  it("refuses an approval policy name of a million characters with one failure", async () => {
    expect(
      await failures("ApprovalPolicy", { name: "n".repeat(1_000_000), policyData: {} }),
    ).to.deep.equal([
      { property: "name", reason: "must be at most 256 characters; got 1000000 characters" },
    ]);
    expect(
      (await failures("ApprovalPolicy", { name: "p", description: long, policyData: {} })).map(
        (f) => f.property,
      ),
    ).to.deep.equal(["description"]);
  });

  it("bounds an activation key's subscription key, contact and tags", async () => {
    const found = await failures("ActivationKey", {
      targetDevice: "ILO",
      subscriptionKey: long,
      serviceDeliveryContact: `${long}@example.com`,
      tags: [{ name: long, value: long }],
    });
    expect(found.map((f) => f.property)).to.have.members([
      "subscriptionKey",
      "serviceDeliveryContact",
      "tags[0].name",
      "tags[0].value",
    ]);
  });

  it("bounds a job's resource id and its parameters' size, without showing the parameters", async () => {
    const found = await failures("Job", {
      jobTemplate: "Server Power On",
      resourceType: "compute-ops-mgmt/server",
      resourceId: long,
      jobParams: { blob: "p".repeat(70 * 1024) },
    });
    expect(found).to.deep.include({
      property: "resourceId",
      reason: `must be at most 256 characters; got ${long.length} characters`,
    });
    expect(found).to.deep.include({
      property: "",
      reason: "jobParams: must be at most 64 KiB as JSON",
    });
  });

  it("bounds a server-pool request's property names and values", async () => {
    const found = await failures("ServerPoolRequest", {
      properties: [{ [`data-center-${long}`]: "nyc", size: long }],
    });
    expect(found.map((f) => f.property)).to.have.members([
      `properties[0]["data-center-${long}"]`,
      "properties[0].size",
    ]);
  });
});
