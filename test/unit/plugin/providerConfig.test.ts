import { expect } from "chai";
import {
  applyStackConfig,
  computeOpsSettings,
  configurationProblems,
} from "../../../provider/core/configuration";
import {
  checkProviderConfig,
  configSchemaProperties,
  inPluginTerms,
  inputsFromVariables,
  pluginSettings,
  stackConfigFrom,
} from "../../../provider/plugin/providerConfig";
import { wrapSecret } from "../../../provider/plugin/secrets";

const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const empty = { get: () => undefined };
const envKeys = pluginSettings.map((s) => s.env);

describe("The provider plugin's configuration", () => {
  let savedEnv: Record<string, string | undefined>;
  beforeEach(() => {
    savedEnv = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));
    for (const key of envKeys) delete process.env[key];
    applyStackConfig(empty);
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    applyStackConfig(empty);
  });

  it("names each setting after the dynamic providers' key, prefixed by its API", () => {
    const names = Object.fromEntries(pluginSettings.map((s) => [s.name, s.stackKey]));
    expect(names).to.include({
      computeOpsRegion: "compute-ops:region",
      computeOpsClientSecret: "compute-ops:clientSecret",
      opsManagerApiKey: "ops-manager:apiKey",
      opsManagerGroupId: "ops-manager:groupId",
    });
    const secret = pluginSettings.filter((s) => s.secret).map((s) => s.name);
    expect(secret.sort()).to.deep.equal([
      "computeOpsClientSecret",
      "computeOpsToken",
      "opsManagerApiKey",
    ]);
    expect(configSchemaProperties().computeOpsToken).to.include({ secret: true });
  });

  it("reads Configure's variables in both spellings of the namespace", () => {
    expect(
      inputsFromVariables(
        "ops-management",
        new Map([
          ["ops-management:config:computeOpsRegion", "us-west"],
          ["ops-management:opsManagerUsername", "me"],
          ["other:key", "x"],
        ]),
      ),
    ).to.deep.equal({ computeOpsRegion: "us-west", opsManagerUsername: "me" });
  });

  it("hands the settings to the dynamic path's configuration, secrets unwrapped, unknowns left out", () => {
    const config = stackConfigFrom({
      computeOpsRegion: "eu-central",
      computeOpsClientId: "id",
      computeOpsClientSecret: wrapSecret("s3cr3t"),
      computeOpsTenantAcid: unknown,
      version: "0.1.0",
    });
    expect(config.get("compute-ops:region")).to.equal("eu-central");
    expect(config.get("compute-ops:clientSecret")).to.equal("s3cr3t");
    expect(config.get("compute-ops:tenantAcid")).to.equal(undefined);
    applyStackConfig(config);
    expect(computeOpsSettings({})).to.include({
      endpoint: "https://eu-central.api.greenlake.hpe.com",
      clientSecret: "s3cr3t",
    });
  });

  it("refuses a setting it does not have, naming the ones it has", () => {
    const [failure] = checkProviderConfig({ computeOpsRegon: "us-west" }, empty);
    expect(failure.property).to.equal("computeOpsRegon");
    expect(failure.reason).to.include("computeOpsRegion");
  });

  it("judges the settings as check does, in the plugin's names, and never quotes a secret", () => {
    const failures = checkProviderConfig(
      { computeOpsRegion: "mars", computeOpsClientSecret: wrapSecret("s3cr3t") },
      empty,
    );
    expect(failures.map((f) => f.reason)).to.deep.equal([
      'ops-management:computeOpsRegion must be one of us-west, eu-central, ap-northeast; got "mars"',
    ]);
    const missing = checkProviderConfig({ computeOpsRegion: "us-west" }, empty);
    expect(missing.map((f) => f.reason).join()).to.include("ops-management:computeOpsClientId");
    const secretOnly = checkProviderConfig(
      { computeOpsRegion: "us-west", computeOpsClientId: "id", computeOpsClientSecret: "a b" },
      empty,
    );
    expect(JSON.stringify(secretOnly)).to.include("ops-management:computeOpsClientSecret");
    expect(JSON.stringify(secretOnly)).not.to.include("a b");
  });

  it("accepts sound settings, and leaves an API with an unknown setting to `up`", () => {
    expect(
      checkProviderConfig(
        { computeOpsRegion: "us-west", computeOpsClientId: "id", computeOpsClientSecret: "s" },
        empty,
      ),
    ).to.deep.equal([]);
    expect(checkProviderConfig({ computeOpsRegion: unknown }, empty)).to.deep.equal([]);
    expect(checkProviderConfig({}, empty)).to.deep.equal([]);
  });

  it("puts the process's own settings back after judging others", () => {
    const own = stackConfigFrom({ opsManagerBaseUrl: "https://om.example.com" });
    applyStackConfig(own);
    expect(checkProviderConfig({ opsManagerBaseUrl: "not a url" }, own)).not.to.deep.equal([]);
    expect(configurationProblems("ops-manager").join()).not.to.include("not a url");
    expect(inPluginTerms("set `pulumi config set ops-manager:baseUrl`")).to.equal(
      "set `pulumi config set ops-management:opsManagerBaseUrl`",
    );
  });
});
