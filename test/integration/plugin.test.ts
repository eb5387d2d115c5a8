/**
 * The provider plugin's own layer (provider/plugin/provider.ts) against the emulator,
 * without the CLI: what an import's read answers for a type with secret inputs, and
 * that a create's secret outputs go back wrapped.
 */
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { computeOpsApi, emulatorStackConfig } from "../../emulator/adminClient";
import { applyStackConfig } from "../../provider/core/configuration";
import { OpsManagementPlugin } from "../../provider/plugin/provider";
import { indexSchema } from "../../provider/plugin/schema";
import { importPlaceholder, isWrappedSecret, wrapSecret } from "../../provider/plugin/secrets";

const token = "ops-management:compute-ops:ExternalService";
const urn = `urn:pulumi:dev::p::${token}::svc`;

describe("The provider plugin against the emulator", function () {
  this.timeout(30_000);
  let emulator: RunningEmulator;
  let plugin: OpsManagementPlugin;

  before(async () => {
    emulator = await startEmulator({ port: 0, quiet: true });
    plugin = new OpsManagementPlugin(
      indexSchema({
        name: "ops-management",
        resources: {
          [token]: {
            inputProperties: Object.fromEntries(
              [
                "name",
                "description",
                "serviceType",
                "authenticationType",
                "authentication",
                "serviceData",
              ].map((name) => [name, {}]),
            ),
          },
        },
      }),
      "0.0.0",
    );
    const { config, secrets } = emulatorStackConfig(emulator);
    const settings: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...config, ...secrets })) {
      const [namespace, name] = key.split(":");
      const prefix = { "compute-ops": "computeOps", "ops-manager": "opsManager" }[namespace];
      if (prefix) settings[prefix + name[0].toUpperCase() + name.slice(1)] = value;
    }
    plugin.configure({
      ...settings,
      computeOpsClientSecret: wrapSecret(settings.computeOpsClientSecret),
    });
  });
  after(async () => {
    applyStackConfig({ get: () => undefined });
    await emulator?.close();
  });

  it("reads an object for an import with no credential in what it answers", async () => {
    const api = await computeOpsApi(emulator);
    const made = await api.post("/compute-ops-mgmt/v1beta1/external-services", {
      name: "dscc-by-hand",
      description: "made by hand",
      serviceType: "DSCC",
      authenticationType: "OAUTH",
      authentication: { clientId: "dscc-id", clientSecret: "dscc-secret-by-hand" },
      serviceData: { region: "us-west" },
    });
    const read = await plugin.read(String(made.data.id), urn, undefined);
    expect(read.id).to.equal(made.data.id);
    expect(read.inputs).to.include({ name: "dscc-by-hand", serviceType: "DSCC" });
    expect(JSON.stringify(read)).not.to.include("dscc-secret-by-hand");
    // The API answers credentials masked, so the read leaves them out; were any there,
    // they would come back as placeholders, wrapped secret.
    const authentication = (read.inputs as Record<string, unknown>).authentication;
    if (authentication !== undefined) {
      expect(isWrappedSecret(authentication)).to.equal(true);
      expect(JSON.stringify(authentication)).to.include(importPlaceholder);
    }
  });

  it("creates through the dynamic path's implementation and wraps the secret outputs", async () => {
    const inputs = {
      name: "dscc-from-plugin",
      serviceType: "DSCC",
      authenticationType: "OAUTH",
      authentication: wrapSecret({ clientId: "plugin-id", clientSecret: "plugin-secret-1" }),
      serviceData: { region: "us-west" },
    };
    const checked = await plugin.check(urn, {}, inputs);
    expect(checked.failures ?? []).to.deep.equal([]);
    expect(isWrappedSecret((checked.inputs as Record<string, unknown>).authentication)).to.equal(
      true,
    );
    const created = await plugin.create(urn, checked.inputs as Record<string, unknown>);
    expect(created.id).to.be.a("string");
    expect(isWrappedSecret(created.outs.authentication)).to.equal(true);
    expect(created.outs).not.to.have.property("__provider");
    await plugin.delete(created.id, urn, created.outs);
  });
});
