import { expect } from "chai";
import { ourType, plainValues } from "../../../cli/recover";

describe("recover", () => {
  it("knows this package's type tokens and no other provider's", () => {
    expect(ourType("pulumi-nodejs:dynamic/compute-ops:ApprovalPolicy")).to.equal("ApprovalPolicy");
    expect(ourType("pulumi-nodejs:dynamic/ops-manager:ServerPoolRequest")).to.equal(
      "ServerPoolRequest",
    );
    expect(ourType("aws:s3/bucket:Bucket")).to.equal(undefined);
    expect(ourType("pulumi-nodejs:dynamic:Resource")).to.equal(undefined);
  });

  it("unwraps the secrets of a shown-secrets export, at any depth", () => {
    const secret = (value: unknown) => ({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      plaintext: JSON.stringify(value),
    });
    expect(
      plainValues({
        name: "svc",
        authentication: secret({ clientId: "id", clientSecret: "s3cret" }),
        list: [secret("x"), 1],
      }),
    ).to.deep.equal({
      name: "svc",
      authentication: { clientId: "id", clientSecret: "s3cret" },
      list: ["x", 1],
    });
  });
});
