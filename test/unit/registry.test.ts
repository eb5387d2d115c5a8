import { expect } from "chai";
import { resourceTypeNames, resourceTypes } from "../../provider/core/resourceTypes";
import { redact, redactedMarker, registerSecretOutputs } from "../../provider/http/redaction";
import { implementationOf } from "../../provider/registry";
import { providerShim } from "../../sdk/providerShim";

describe("resource type definitions", () => {
  it("has an implementation with all six lifecycle methods for every type", () => {
    expect(resourceTypeNames.length).to.be.greaterThan(0);
    for (const type of resourceTypeNames) {
      const implementation = implementationOf(type);
      for (const method of ["check", "diff", "create", "read", "update", "delete"] as const) {
        expect(implementation[method], `${type}.${method}`).to.be.a("function");
      }
    }
  });

  it("refuses a type it does not define, naming it", () => {
    expect(() => implementationOf("Server" as never)).to.throw(
      'pulumi-ops-management has no resource type "Server"',
    );
  });

  it("gives the shim update exactly where the definition says", () => {
    for (const type of resourceTypeNames) {
      const shim = providerShim(type, resourceTypes[type]);
      expect(shim.update !== undefined, type).to.equal(resourceTypes[type].updatable);
    }
  });

  it("redacts the values of a type's secret outputs once registered", () => {
    registerSecretOutputs(resourceTypes.ActivationKey.secretOutputs, {
      activationKey: "KEY-only-in-this-test",
      targetDevice: "ILO",
    });
    registerSecretOutputs(resourceTypes.ExternalService.secretOutputs, {
      authentication: { clientId: "client-in-test", clientSecret: "secret-only-in-this-test" },
    });
    expect(redact("key KEY-only-in-this-test, secret secret-only-in-this-test")).to.equal(
      `key ${redactedMarker}, secret ${redactedMarker}`,
    );
    // Not a credential: a client id stays readable.
    expect(redact("client-in-test ILO")).to.equal("client-in-test ILO");
  });
});
