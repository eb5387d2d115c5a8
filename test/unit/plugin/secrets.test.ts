import { expect } from "chai";
import {
  importPlaceholder,
  isWrappedSecret,
  placeholderFor,
  secretProperties,
  unwrapSecrets,
  wrapProperties,
  wrapSecret,
} from "../../../provider/plugin/secrets";

describe("The provider plugin's secrets", () => {
  it("uses the Node SDK's own signature for a secret", () => {
    const rpc = require("@pulumi/pulumi/runtime/rpc") as {
      specialSigKey: string;
      specialSecretSig: string;
    };
    expect(wrapSecret("x")).to.deep.equal({
      [rpc.specialSigKey]: rpc.specialSecretSig,
      value: "x",
    });
  });

  it("unwraps secrets at any depth, so implementations see plaintext", () => {
    const given = {
      name: "svc",
      authentication: wrapSecret({ clientId: "id", clientSecret: wrapSecret("s3cr3t") }),
      list: [wrapSecret(1), 2],
    };
    expect(unwrapSecrets(given)).to.deep.equal({
      name: "svc",
      authentication: { clientId: "id", clientSecret: "s3cr3t" },
      list: [1, 2],
    });
  });

  it("names the top-level properties that held a secret anywhere, in any of the maps", () => {
    const secret = secretProperties({ a: "plain", b: { nested: wrapSecret("x") } }, undefined, {
      c: [wrapSecret("y")],
    });
    expect([...secret].sort()).to.deep.equal(["b", "c"]);
  });

  it("wraps the named properties whole, once, and leaves absent ones absent", () => {
    const out = wrapProperties({ a: "x", b: wrapSecret("y"), c: 1 }, new Set(["a", "b", "d"]));
    expect(out).to.deep.equal({ a: wrapSecret("x"), b: wrapSecret("y"), c: 1 });
    expect(isWrappedSecret(out.a)).to.equal(true);
    expect(wrapProperties(undefined, new Set(["a"]))).to.equal(undefined);
  });

  it("replaces every string and number of a secret read for an import, keeping its shape", () => {
    expect(
      placeholderFor({ clientId: "id", clientSecret: "s3cr3t", port: 443, on: true, list: ["p"] }),
    ).to.deep.equal({
      clientId: importPlaceholder,
      clientSecret: importPlaceholder,
      port: importPlaceholder,
      on: true,
      list: [importPlaceholder],
    });
  });
});
