import { expect } from "chai";
import {
  applyStackConfig,
  computeOpsSettings,
  ConfigurationError,
  configuredSecrets,
  configurationProblems,
  opsManagerSettings,
} from "../../../provider/core/configuration";

function stackConfig(values: Record<string, string>) {
  return { get: (key: string) => values[key] };
}

const envKeys = Object.keys(process.env).filter(
  (k) => k.startsWith("HPE_COM_") || k.startsWith("OPS_MANAGER_"),
);

describe("Configuration", () => {
  let savedEnv: Record<string, string | undefined>;

  beforeEach(() => {
    savedEnv = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));
    for (const k of envKeys) delete process.env[k];
    applyStackConfig({ get: () => undefined }); // no stack config
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) {
      if (k.startsWith("HPE_COM_") || k.startsWith("OPS_MANAGER_")) delete process.env[k];
    }
    Object.assign(process.env, savedEnv);
    applyStackConfig({ get: () => undefined }); // no stack config
  });

  describe("computeOpsSettings", () => {
    it("builds the regional endpoint and the SSO token URL from stack config", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:region": "eu-central",
          "compute-ops:clientId": "id",
          "compute-ops:clientSecret": "secret",
        }),
      );
      const settings = computeOpsSettings({});
      expect(settings.endpoint).to.equal("https://eu-central.api.greenlake.hpe.com");
      expect(settings.tokenUrl).to.equal("https://sso.common.cloud.hpe.com/as/token.oauth2");
    });

    it("uses the workspace-scoped token URL when a workspace id is set", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:region": "us-west",
          "compute-ops:clientId": "id",
          "compute-ops:clientSecret": "secret",
          "compute-ops:workspaceId": "ws 1",
        }),
      );
      expect(computeOpsSettings({}).tokenUrl).to.equal(
        "https://global.api.greenlake.hpe.com/authorization/v2/oauth2/ws%201/token",
      );
    });

    it("prefers an endpoint override, then lets a resource's region win over both", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:region": "us-west",
          "compute-ops:endpoint": "http://127.0.0.1:8080/",
          "compute-ops:token": "static-token",
        }),
      );
      expect(computeOpsSettings({}).endpoint).to.equal("http://127.0.0.1:8080");
      expect(computeOpsSettings({ region: "ap-northeast" }).endpoint).to.equal(
        "https://ap-northeast.api.greenlake.hpe.com",
      );
    });

    it("needs no client credentials and no token URL when a static token is set", () => {
      applyStackConfig(
        stackConfig({ "compute-ops:region": "us-west", "compute-ops:token": "static-token" }),
      );
      const settings = computeOpsSettings({});
      expect(settings.token).to.equal("static-token");
      expect(settings.tokenUrl).to.equal(undefined);
    });

    it("falls back to HPE_COM_* environment variables, stack config winning", () => {
      process.env.HPE_COM_REGION = "us-west";
      process.env.HPE_COM_TOKEN = "env-token";
      const [envTenant, stackTenant, resourceTenant] = [
        "0a4c1b3e-64a1-4f0c-9d8b-2b55e1b1e0a1",
        "0a4c1b3e-64a1-4f0c-9d8b-2b55e1b1e0a2",
        "0a4c1b3e-64a1-4f0c-9d8b-2b55e1b1e0a3",
      ];
      process.env.HPE_COM_TENANT_ACID = envTenant;
      expect(computeOpsSettings({}).tenantAcid).to.equal(envTenant);
      applyStackConfig(stackConfig({ "compute-ops:tenantAcid": stackTenant }));
      expect(computeOpsSettings({}).tenantAcid).to.equal(stackTenant);
      expect(computeOpsSettings({ tenantAcid: resourceTenant }).tenantAcid).to.equal(
        resourceTenant,
      );
    });

    it("refuses a stack tenantAcid that is not a UUID, without printing it", () => {
      process.env.HPE_COM_REGION = "us-west";
      process.env.HPE_COM_TOKEN = "env-token";
      applyStackConfig(stackConfig({ "compute-ops:tenantAcid": "tenant-42" }));
      expect(() => computeOpsSettings({}))
        .to.throw(/compute-ops:tenantAcid must be a UUID/)
        .with.property("message")
        .that.does.not.include("tenant-42");
    });

    it("names the key to set when the region is missing", () => {
      expect(() => computeOpsSettings({}))
        .to.throw(ConfigurationError)
        .with.property("message")
        .that.includes("compute-ops:region");
    });

    it("names the secret key to set, with --secret, when the client secret is missing", () => {
      applyStackConfig(
        stackConfig({ "compute-ops:region": "us-west", "compute-ops:clientId": "id" }),
      );
      expect(() => computeOpsSettings({})).to.throw(
        /pulumi config set compute-ops:clientSecret --secret.*HPE_COM_CLIENT_SECRET/,
      );
    });

    it("rejects an unknown region, listing the valid ones", () => {
      applyStackConfig(stackConfig({ "compute-ops:region": "mars", "compute-ops:token": "t" }));
      expect(() => computeOpsSettings({})).to.throw(/us-west, eu-central, ap-northeast/);
    });
  });

  describe("opsManagerSettings", () => {
    it("reads ops-manager:* keys, a resource's groupId winning", () => {
      applyStackConfig(
        stackConfig({
          "ops-manager:baseUrl": "https://om.example.com:8080/",
          "ops-manager:username": "user",
          "ops-manager:apiKey": "key-value",
          "ops-manager:groupId": "5e2211c17a3e5a48f5497de3",
        }),
      );
      expect(opsManagerSettings({})).to.deep.equal({
        baseUrl: "https://om.example.com:8080",
        username: "user",
        apiKey: "key-value",
        groupId: "5e2211c17a3e5a48f5497de3",
      });
      expect(opsManagerSettings({ groupId: "aaaaaaaaaaaaaaaaaaaaaaaa" }).groupId).to.equal(
        "aaaaaaaaaaaaaaaaaaaaaaaa",
      );
    });

    it("names ops-manager:apiKey and OPS_MANAGER_API_KEY when the key is missing", () => {
      process.env.OPS_MANAGER_BASE_URL = "https://om.example.com";
      process.env.OPS_MANAGER_USERNAME = "user";
      expect(() => opsManagerSettings({})).to.throw(
        /ops-manager:apiKey --secret.*OPS_MANAGER_API_KEY/,
      );
    });
  });

  it("lists the configured secrets for redaction", () => {
    applyStackConfig(
      stackConfig({
        "compute-ops:clientSecret": "s3cr3t-value",
        "ops-manager:apiKey": "api-key-value",
      }),
    );
    expect(configuredSecrets()).to.have.members(["s3cr3t-value", "api-key-value"]);
  });

  describe("configurationProblems", () => {
    it("names a region that does not exist, an endpoint without a scheme and a bad token URL", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:region": "mars-1",
          "compute-ops:endpoint": "us-west.api.greenlake.hpe.com",
          "compute-ops:tokenUrl": "ftp://sso.example.com/token",
          "compute-ops:clientSecret": "never-shown-secret",
        }),
      );
      const problems = configurationProblems("compute-ops");
      expect(problems).to.deep.equal([
        'compute-ops:region must be one of us-west, eu-central, ap-northeast; got "mars-1"',
        'compute-ops:endpoint must be an http(s) URL such as https://host/path; got "us-west.api.greenlake.hpe.com"',
        'compute-ops:tokenUrl must be an http(s) URL such as https://host/path; got "ftp://sso.example.com/token"',
      ]);
      expect(problems.join(" ")).not.to.include("never-shown-secret");
    });

    it("names an Ops Manager group id that is not 24 hex digits and a base URL without a scheme", () => {
      applyStackConfig(
        stackConfig({
          "ops-manager:baseUrl": "opsmanager:8080",
          "ops-manager:groupId": "my-project",
        }),
      );
      expect(configurationProblems("ops-manager")).to.deep.equal([
        'ops-manager:baseUrl must be an http(s) URL such as https://host/path; got "opsmanager:8080"',
        'ops-manager:groupId must be an Ops Manager project id: 24 hexadecimal digits; got "my-project"',
      ]);
    });

    it("finds nothing wrong with good settings", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:region": "eu-central",
          "compute-ops:clientId": "client-id",
          "compute-ops:clientSecret": "client-secret-value",
          "ops-manager:baseUrl": "https://opsmanager.example.com:8080",
          "ops-manager:username": "admin",
          "ops-manager:apiKey": "api-key-value",
          "ops-manager:groupId": "5e2211c17a3e5a48f5497de3",
        }),
      );
      expect(configurationProblems("compute-ops")).to.deep.equal([]);
      expect(configurationProblems("ops-manager")).to.deep.equal([]);
    });

    /** The message `up` gives: the settings' own error. */
    function upError(settings: () => unknown): string {
      try {
        settings();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("the settings were accepted");
    }

    it("names a missing credential with the message up gives, so a preview fails too", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:region": "us-west",
          "compute-ops:clientSecret": "s3cr3t-value",
        }),
      );
      const problems = configurationProblems("compute-ops");
      expect(problems).to.deep.equal([upError(() => computeOpsSettings({}))]);
      expect(problems[0]).to.include("pulumi config set compute-ops:clientId");
      expect(problems[0]).not.to.include("s3cr3t-value");
      applyStackConfig(stackConfig({ "ops-manager:baseUrl": "https://om.example.com" }));
      expect(configurationProblems("ops-manager")).to.deep.equal([
        upError(() => opsManagerSettings({})),
      ]);
    });

    it("takes a resource's region, tenantAcid or groupId, known or unknown, in place of the stack's", () => {
      applyStackConfig(
        stackConfig({
          "compute-ops:token": "static-token",
          "ops-manager:baseUrl": "https://om.example.com",
          "ops-manager:username": "admin",
          "ops-manager:apiKey": "api-key-value",
        }),
      );
      // No stack region or endpoint, no stack group: the resource names its own.
      expect(configurationProblems("compute-ops")).to.have.length(1);
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      for (const region of ["us-west", unknown]) {
        expect(configurationProblems("compute-ops", { region }), region).to.deep.equal([]);
      }
      expect(configurationProblems("ops-manager")).to.have.length(1);
      expect(configurationProblems("ops-manager", { groupId: unknown })).to.deep.equal([]);
    });

    it("refuses a credential holding a line break or a token with its Bearer prefix, naming the key and never the value", () => {
      const cases: [Record<string, string>, string][] = [
        [
          { "compute-ops:clientId": "client-id", "compute-ops:clientSecret": "s3cr3t\n" },
          "compute-ops:clientSecret",
        ],
        [
          { "compute-ops:clientId": "client id", "compute-ops:clientSecret": "s3cr3t" },
          "compute-ops:clientId",
        ],
        [{ "compute-ops:token": "Bearer s3cr3t-token" }, "compute-ops:token"],
      ];
      for (const [values, key] of cases) {
        applyStackConfig(stackConfig({ "compute-ops:region": "us-west", ...values }));
        const problems = configurationProblems("compute-ops");
        expect(problems, key).to.deep.equal([upError(() => computeOpsSettings({}))]);
        expect(problems[0]).to.include(key);
        expect(problems[0]).not.to.match(/s3cr3t/);
      }
      applyStackConfig(
        stackConfig({
          "ops-manager:baseUrl": "https://om.example.com",
          "ops-manager:username": "admin",
          "ops-manager:apiKey": " api-key-value",
          "ops-manager:groupId": "5e2211c17a3e5a48f5497de3",
        }),
      );
      const [problem] = configurationProblems("ops-manager");
      expect(problem).to.include("ops-manager:apiKey holds whitespace");
      expect(problem).not.to.include("api-key-value");
    });
  });
});
