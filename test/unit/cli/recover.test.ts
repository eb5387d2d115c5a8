import { expect } from "chai";
import { ourType, plainValues, providerSettings, recover } from "../../../cli/recover";

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

describe("recover settles pending operations", () => {
  const provider = "urn:pulumi:dev::proj::pulumi:providers:pulumi-nodejs::default::abc";
  const policyType = "pulumi-nodejs:dynamic/compute-ops:ApprovalPolicy";
  const urnOf = (name: string) => `urn:pulumi:dev::proj::${policyType}::${name}`;
  const secret = "s3cr3t-client-secret-value";

  function resource(name: string, id: string, extra: Record<string, unknown> = {}) {
    return {
      urn: urnOf(name),
      custom: true,
      id,
      type: policyType,
      inputs: { name, __provider: "serialized" },
      outputs: { name, __provider: "serialized" },
      parent: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
      provider,
      ...extra,
    };
  }

  interface Run {
    code: number;
    lines: string[];
    imported?: {
      deployment: { resources: { urn: string; id?: string }[]; pending_operations: unknown[] };
    };
    reads: string[];
    deletes: string[];
  }

  /**
   * Runs recover against a fake CLI (export, config, history, import) and fake
   * resource types whose read finds only the ids in `live`; `failing` ids throw.
   */
  async function run(
    deployment: Record<string, unknown>,
    action: "show" | "adopt" | "delete",
    live: string[],
    options: { failing?: string[]; candidates?: string[] } = {},
  ): Promise<Run> {
    const result: Run = { code: -1, lines: [], reads: [], deletes: [] };
    const implementation = {
      check: async (_olds: unknown, news: Record<string, unknown>) => ({ inputs: news }),
      diff: async () => ({}),
      create: async () => ({ id: "" }),
      update: async () => ({}),
      read: async (id: string) => {
        result.reads.push(id);
        if (options.failing?.includes(id)) {
          throw new Error(`GET /approval-policies/${id} failed: 500 (token ${secret})`);
        }
        return live.includes(id) ? { id, props: { name: "x" } } : { id: "" };
      },
      delete: async (id: string) => {
        result.deletes.push(id);
      },
    };
    result.code = await recover({
      action,
      forceOtherPending: false,
      cwd: "/nonexistent",
      env: {},
      print: (line) => result.lines.push(line),
      dependencies: {
        pulumi: async (args, stdin) => {
          const command = args.slice(0, 2).join(" ");
          if (command === "stack export") return JSON.stringify({ version: 3, deployment });
          if (args[0] === "config") {
            return JSON.stringify({ "compute-ops:clientSecret": { value: secret, secret: true } });
          }
          if (command === "stack history") return "[]";
          if (command === "stack import") {
            result.imported = JSON.parse(stdin ?? "");
            return "";
          }
          throw new Error(`unexpected pulumi ${args.join(" ")}`);
        },
        implementationOf: (() => implementation) as never,
        recoveryOf: (() => ({
          candidates: async () => (options.candidates ?? []).map((id) => ({ id })),
        })) as never,
      },
    });
    return result;
  }

  const stackResource = {
    urn: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev",
    custom: false,
    type: "pulumi:pulumi:Stack",
  };

  /** A destroy killed after the DELETEs of many-1 and many-2 reached the API. */
  function killedDestroy() {
    const resources = [
      stackResource,
      resource("many-0", "id-0"),
      resource("many-1", "id-1"),
      resource("many-2", "id-2"),
      resource("many-3", "id-3"),
    ];
    return {
      manifest: {},
      resources,
      pending_operations: [
        { type: "deleting", resource: resources[2] },
        { type: "deleting", resource: resources[3] },
        { type: "deleting", resource: resources[4] },
      ],
    };
  }

  it("drops a pending delete whose object is gone and keeps one still there, deleting nothing", async () => {
    const result = await run(killedDestroy(), "adopt", ["id-0", "id-3"]);
    expect(result.code, result.lines.join("\n")).to.equal(0);
    expect(result.deletes, "recover never deletes for a pending delete").to.deep.equal([]);
    expect(result.reads).to.have.members(["id-1", "id-2", "id-3"]);
    const ids = result.imported?.deployment.resources.map((r) => r.id);
    expect(ids).to.deep.equal([undefined, "id-0", "id-3"]);
    expect(result.imported?.deployment.pending_operations).to.deep.equal([]);
    const text = result.lines.join("\n");
    expect(text).to.include(
      `${urnOf("many-1")}: pending delete of id-1; the object no longer exists`,
    );
    expect(text).to.include(
      `${urnOf("many-3")}: pending delete of id-3; the object still exists. Kept`,
    );
    expect(text).to.include("Stack updated");
  });

  it("shows the same in a dry run and imports nothing", async () => {
    const result = await run(killedDestroy(), "show", ["id-0", "id-3"]);
    expect(result.code, result.lines.join("\n")).to.equal(0);
    expect(result.imported).to.equal(undefined);
    const text = result.lines.join("\n");
    expect(text).to.include("Dry run: nothing changed");
    expect(text).to.include("id-1; the object no longer exists");
    expect(text).to.include("id-3; the object still exists");
  });

  it("keeps a pending update as recorded and says so", async () => {
    const resources = [stackResource, resource("pol", "id-9")];
    const result = await run(
      { resources, pending_operations: [{ type: "updating", resource: resources[1] }] },
      "adopt",
      ["id-9"],
    );
    expect(result.code, result.lines.join("\n")).to.equal(0);
    expect(result.imported?.deployment.resources).to.deep.equal(resources);
    expect(result.imported?.deployment.pending_operations).to.deep.equal([]);
    expect(result.lines.join("\n")).to.include(`${urnOf("pol")}: pending update of id-9; kept`);
  });

  it("names a pending update's object by the stack's id when the operation was written without one", async () => {
    const resources = [stackResource, resource("pol", "id-9")];
    const withoutId: Record<string, unknown> = { ...resource("pol", "id-9") };
    delete withoutId.id;
    const result = await run(
      { resources, pending_operations: [{ type: "updating", resource: withoutId }] },
      "show",
      ["id-9"],
    );
    expect(result.code, result.lines.join("\n")).to.equal(0);
    expect(result.lines.join("\n")).to.include(`${urnOf("pol")}: pending update of id-9; kept`);
  });

  it("drops only the replaced old copy, never the replacement of the same URN", async () => {
    const old = resource("pol", "id-old", { delete: true });
    const replacement = resource("pol", "id-new");
    const result = await run(
      {
        resources: [stackResource, replacement, old],
        pending_operations: [{ type: "deleting", resource: old }],
      },
      "adopt",
      ["id-new"],
    );
    expect(result.code, result.lines.join("\n")).to.equal(0);
    expect(result.imported?.deployment.resources.map((r) => r.id)).to.deep.equal([
      undefined,
      "id-new",
    ]);
  });

  it("keeps a gone object that a resource staying in the stack still refers to", async () => {
    const group = resource("grp", "id-g");
    const member = resource("member", "id-m", { dependencies: [urnOf("grp")] });
    const result = await run(
      {
        resources: [stackResource, group, member],
        pending_operations: [{ type: "deleting", resource: group }],
      },
      "adopt",
      ["id-m"],
    );
    expect(result.code).to.equal(1);
    expect(result.imported?.deployment.resources.map((r) => r.id)).to.deep.equal([
      undefined,
      "id-g",
      "id-m",
    ]);
    expect(result.lines.join("\n")).to.include(`${urnOf("member")} still refer to it`);
  });

  it("drops a gone dependent and what it depended on together, in any order", async () => {
    const group = resource("grp", "id-g");
    const member = resource("member", "id-m", { dependencies: [urnOf("grp")] });
    const result = await run(
      {
        resources: [stackResource, group, member],
        pending_operations: [
          { type: "deleting", resource: group },
          { type: "deleting", resource: member },
        ],
      },
      "adopt",
      [],
    );
    expect(result.code, result.lines.join("\n")).to.equal(0);
    expect(result.imported?.deployment.resources.map((r) => r.id)).to.deep.equal([undefined]);
  });

  it("keeps a pending delete it cannot read, without showing a secret", async () => {
    const result = await run(killedDestroy(), "adopt", ["id-0"], { failing: ["id-1"] });
    expect(result.code).to.equal(1);
    const text = result.lines.join("\n");
    expect(text).to.include("pending delete of id-1; reading it failed");
    expect(text).not.to.include(secret);
    expect(result.imported?.deployment.resources.map((r) => r.id)).to.include("id-1");
  });

  it("still refuses another provider's pending operation", async () => {
    const theirs = {
      urn: "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b",
      type: "aws:s3/bucket:Bucket",
      id: "b",
    };
    const result = await run(
      {
        resources: [stackResource, theirs],
        pending_operations: [{ type: "deleting", resource: theirs }],
      },
      "adopt",
      [],
    );
    expect(result.code).to.equal(2);
    expect(result.imported).to.equal(undefined);
    expect(result.lines.join("\n")).to.include(
      "does not manage (deleting urn:pulumi:dev::proj::aws",
    );
  });

  it("says only that no matching object was found for a pending create", async () => {
    const pendingCreate = {
      urn: urnOf("new"),
      custom: true,
      type: policyType,
      inputs: { name: "new" },
    };
    const result = await run(
      {
        resources: [stackResource],
        pending_operations: [{ type: "creating", resource: pendingCreate }],
      },
      "show",
      [],
    );
    const text = result.lines.join("\n");
    expect(text).to.include(`${urnOf("new")}: pending create; no matching object was found`);
    expect(text).not.to.include("never reached the API");
  });
});

describe("recover's settings per provider", () => {
  const providerUrn = (name: string) =>
    `urn:pulumi:dev::proj::pulumi:providers:ops-management::${name}`;
  const operationOf = (provider: string) => ({
    type: "creating",
    resource: {
      urn: "urn:pulumi:dev::proj::ops-management:compute-ops:Group::g",
      type: "x",
      provider,
    },
  });
  const stackConfig = {
    get: (key: string) => (key === "compute-ops:endpoint" ? "https://stack" : undefined),
  };
  const secret = (value: string) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(value),
  });
  const settingsOf = providerSettings(
    [
      {
        urn: providerUrn("second"),
        id: "p2",
        type: "pulumi:providers:ops-management",
        inputs: {
          computeOpsEndpoint: "https://second",
          computeOpsClientSecret: secret("second-secret"),
          version: "0.1.0",
        },
      },
    ],
    stackConfig,
  );

  it("takes an explicit provider's recorded properties, secrets unwrapped", () => {
    const settings = settingsOf(operationOf(`${providerUrn("second")}::p2`));
    expect(settings?.get("compute-ops:endpoint")).to.equal("https://second");
    expect(settings?.get("compute-ops:clientSecret")).to.equal("second-secret");
  });

  it("takes the stack's config for a default provider and the dynamic providers", () => {
    expect(settingsOf(operationOf(`${providerUrn("default_0_1_0")}::p1`))).to.equal(stackConfig);
    expect(settingsOf(operationOf(`${providerUrn("default")}::p1`))).to.equal(stackConfig);
    expect(
      settingsOf(operationOf("urn:pulumi:dev::proj::pulumi:providers:pulumi-nodejs::default::a")),
    ).to.equal(stackConfig);
  });

  it("knows no settings for an explicit provider the stack does not hold", () => {
    expect(settingsOf(operationOf(`${providerUrn("gone")}::p3`))).to.equal(undefined);
  });
});
