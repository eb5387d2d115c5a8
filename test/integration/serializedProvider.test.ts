import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  resourceTypeNames,
  resourceTypes,
  type ResourceTypeName,
} from "../../provider/core/resourceTypes";
import { providerShim } from "../../sdk/providerShim";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
/** What Pulumi's dynamic.Resource stores in `__provider` for this resource type. */
async function serializedShim(resourceType: ResourceTypeName): Promise<string> {
  const provider = providerShim(resourceType, resourceTypes[resourceType]);
  const serialized = await pulumi.runtime.serializeFunction(() => provider, {
    allowSecrets: true,
  });
  return serialized.text;
}

/**
 * Loads serialized provider text the way Pulumi's dynamic-provider host does
 * (require-from-string, then `.handler()`), in a separate Node process whose
 * working directory is a program directory elsewhere, configures it, and runs
 * `check` with the given inputs.
 */
function checkInHostProcess(
  text: string,
  config: Record<string, string>,
  news: Record<string, unknown>,
): { inputs?: unknown; failures?: { property: string; reason: string }[] } {
  const programDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-program-"));
  try {
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(programDir, "node_modules"));
    fs.writeFileSync(path.join(programDir, "provider.js.txt"), text);
    const hostScript = `
      const fs = require("fs");
      const requireFromString = require("require-from-string");
      const config = ${JSON.stringify(config)};
      (async () => {
        const provider = requireFromString(fs.readFileSync("provider.js.txt", "utf8")).handler();
        await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
        const result = await provider.check({}, ${JSON.stringify(news)});
        process.stdout.write(JSON.stringify(result));
      })().catch((e) => { console.error(e); process.exit(1); });
    `;
    const out = execFileSync(process.execPath, ["-e", hostScript], {
      cwd: programDir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    return JSON.parse(out);
  } finally {
    fs.rmSync(programDir, { recursive: true, force: true });
  }
}

describe("The serialized provider", () => {
  for (const resourceType of resourceTypeNames) {
    describe(resourceType, () => {
      it("is at most 2 KB and captures only the resource type's name", async () => {
        const text = await serializedShim(resourceType);
        // Measured 1822 to 2045 bytes; Pulumi's own wrapper per method is most of it.
        expect(Buffer.byteLength(text, "utf8")).to.be.at.most(2048);
        expect(text).to.include(`"${resourceType}"`);
        expect(text).to.include('require("pulumi-ops-management/provider")');
        expect(text).not.to.match(/https?:/);
        expect(text).not.to.match(/zod|axios/i);
      });

      it("is the same text whatever configuration and credentials the process holds", async () => {
        const before = await serializedShim(resourceType);
        process.env.HPE_COM_CLIENT_SECRET = "a-client-secret-that-must-not-be-captured";
        process.env.OPS_MANAGER_API_KEY = "an-api-key-that-must-not-be-captured";
        try {
          const after = await serializedShim(resourceType);
          expect(after).to.equal(before);
          expect(after).not.to.include("must-not-be-captured");
        } finally {
          delete process.env.HPE_COM_CLIENT_SECRET;
          delete process.env.OPS_MANAGER_API_KEY;
        }
      });
    });
  }

  it("runs in a separate host process started in another directory and dispatches to the installed implementation", async function () {
    this.timeout(30000);
    const text = await serializedShim("ApprovalPolicy");
    const result = checkInHostProcess(
      text,
      { "compute-ops:endpoint": "http://127.0.0.1:9", "compute-ops:token": "t0k3n-value" },
      { name: "p", policyData: { approvables: [], resources: [{ resourceId: "not-a-uuid" }] } },
    );
    expect(result.failures ?? []).to.have.length.greaterThan(0);
    const properties = (result.failures ?? []).map((f) => f.property);
    expect(properties.some((p) => p.startsWith("policyData.resources"))).to.equal(true);
  });

  it("reaches every resource type's implementation from the host process", async function () {
    this.timeout(60000);
    for (const resourceType of resourceTypeNames) {
      const result = checkInHostProcess(await serializedShim(resourceType), {}, {});
      // Empty inputs are invalid for every resource: the failures prove the real check ran.
      expect(result.failures ?? [], resourceType).to.have.length.greaterThan(0);
    }
  });
});
