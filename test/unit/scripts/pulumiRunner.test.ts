import { expect } from "chai";
import { secretValues } from "../../../scripts/pulumiRunner";

describe("pulumiRunner's redaction of secret config values", () => {
  it("takes the last argument of config set --secret", () => {
    expect(secretValues(["config", "set", "--secret", "k", "--", "-s3cret"])).to.deep.equal([
      "-s3cret",
    ]);
  });

  it("takes the value of every --secret pair of config set-all, and no plaintext one", () => {
    const args = [
      "config",
      "set-all",
      "--plaintext",
      "a=open",
      "--secret",
      "b=x=y",
      "--secret",
      "c=z",
    ];
    expect(secretValues(args)).to.deep.equal(["x=y", "z"]);
  });

  it("takes nothing from a command without secrets", () => {
    expect(secretValues(["config", "set", "e2e:resources", "[]"])).to.deep.equal([]);
  });
});
