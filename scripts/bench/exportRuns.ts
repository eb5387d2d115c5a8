/**
 * Part 7: `npx pulumi-ops-management export` and the `pulumi up` that adopts what
 * it wrote, against workspaces of growing size made by hand through the API: N
 * approval policies, N/10 groups holding one server each, and three external
 * services. Per size: the export's wall time and requests (all GETs: writes
 * target 0), and the adopting `up`'s wall time and requests (writes target 0),
 * compared with a `preview --refresh` of the same stack just after, a run that
 * reads every object once and writes nothing.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as ts from "typescript";
import type { RunningEmulator } from "../../emulator";
import {
  addServer,
  computeOpsApi,
  emulatorRequestLog,
  emulatorStackConfig,
  resetEmulator,
  resetEmulatorStats,
  type LoggedRequest,
} from "../../emulator/adminClient";
import { PulumiWorkspace, repoRoot } from "../pulumiRunner";
import { Measurement, progress, timed } from "./measurement";
import type { BenchOptions } from "./options";

const prefix = "/compute-ops-mgmt";

/** Requests to the API (token requests aside), and those of them that write. */
function counted(log: LoggedRequest[]): { requests: number; writes: number } {
  const api = log.filter((r) => r.path.startsWith(`${prefix}/`));
  return { requests: api.length, writes: api.filter((r) => r.method !== "GET").length };
}

/** Runs `work` on `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map(work));
  }
}

/** The workspace of size `policies`, made as an operator would; resolves to its object count. */
async function seed(emulator: RunningEmulator, policies: number): Promise<number> {
  await resetEmulator(emulator);
  const api = await computeOpsApi(emulator);
  const groups = Math.max(1, Math.round(policies / 10));
  const groupIds: string[] = [];
  await inBatches([...Array(groups).keys()], 10, async (g) => {
    const serial = `BENCH${String(g).padStart(5, "0")}`;
    await addServer(emulator, { productId: "P52534-B21", serialNumber: serial, name: `b-${g}` });
    const group = await api.post(`${prefix}/v1/groups`, {
      name: `bench group ${g}`,
      deviceType: "DIRECT_CONNECT_SERVER",
    });
    groupIds[g] = group.data.id as string;
    const accepted = await api.post(`${prefix}/v1/groups/${group.data.id}/devices`, {
      devices: [{ deviceId: `P52534-B21+${serial}` }],
    });
    for (;;) {
      const operation = await api.get(accepted.headers.location as string);
      if (operation.data.state === "SUCCEEDED") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  await inBatches([...Array(policies).keys()], 10, (p) =>
    api.post(`${prefix}/v1beta2/approval-policies`, {
      name: `bench policy ${p}`,
      description: `policy ${p}`,
      policyData: {
        approvables: [
          { approvableName: "Update firmware", approvers: [{ email: "ops@example.com" }] },
        ],
        resources: [{ resourceId: groupIds[p % groups], resourceType: "compute-ops-mgmt/group" }],
      },
    }),
  );
  const services = [
    {
      name: "bench snow",
      serviceType: "SERVICE_NOW",
      authenticationType: "OAUTH",
      authentication: { clientId: "c", clientSecret: "s", refreshToken: "r" },
      serviceData: {
        oauthUrl: "https://example.service-now.com/oauth_token.do",
        incidentUrl: "https://example.service-now.com/api/now/import/x",
        refreshTokenExpiryInDays: 100,
      },
    },
    {
      name: "bench dscc",
      serviceType: "DSCC",
      authenticationType: "OAUTH",
      authentication: { clientId: "c", clientSecret: "s" },
      serviceData: { region: "us-west" },
    },
    {
      name: "bench vcenter",
      serviceType: "VMWARE_VCENTER",
      authenticationType: "BASIC",
      authentication: { username: "u", password: "p" },
      serviceData: {
        vCenterUrl: "https://vcenter.example.com",
        associatedGatewayUri: `${prefix}/v1beta1/appliances/gateway-1`,
        vCenterCertFingerprint: "ab".repeat(32),
      },
    },
  ];
  for (const service of services) {
    await api.post(`${prefix}/v1beta1/external-services`, { description: null, ...service });
  }
  // Each group and its membership, the policies, the services.
  return 2 * groups + policies + services.length;
}

/** A JavaScript Pulumi project in a temporary directory that resolves this package. */
function projectDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ops-bench-export-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: bench-export\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
  );
  // The build links the package into the repository's node_modules (scripts/link-self.js).
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

export async function measureExportRuns(
  emulator: RunningEmulator,
  options: BenchOptions,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const cli = path.join(repoRoot, "dist", "cli", "main.js");
  for (const size of options.exportSizes) {
    progress(`part 7: a workspace of ${size} approval policies, made by hand`);
    const objects = await seed(emulator, size);
    const dir = projectDir();
    const workspace = new PulumiWorkspace({ programDir: dir, isolate: false, stack: "bench" });
    try {
      const { config, secrets } = emulatorStackConfig(emulator);
      await workspace.initStack(config, secrets);

      progress(`part 7: N=${objects} objects, export`);
      await resetEmulatorStats(emulator);
      const exported = await timed(() =>
        promisify(execFile)("node", [cli, "export", "--out", "index.ts"], {
          cwd: dir,
          env: workspace.environment(),
          maxBuffer: 64 * 1024 * 1024,
        }),
      );
      const exportCounts = counted(await emulatorRequestLog(emulator));
      // Pulumi's own TypeScript support is not what is measured: the program runs compiled.
      const source = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
      fs.writeFileSync(
        path.join(dir, "index.js"),
        ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
        }).outputText,
      );
      const standIns = [
        ...exported.result.stdout.matchAll(/pulumi config set --secret (\S+) "<[^>]+>"/g),
      ].flatMap(([, key]) => ["--secret", `${key}=bench-stand-in`]);
      if (standIns.length > 0) await workspace.runOk(["config", "set-all", ...standIns]);

      progress(`part 7: N=${objects} objects, the adopting up`);
      await resetEmulatorStats(emulator);
      const up = await timed(() => workspace.runOk(["up", "--yes", "--skip-preview"]));
      const upCounts = counted(await emulatorRequestLog(emulator));

      progress(`part 7: N=${objects} objects, preview --refresh after it`);
      const preview = await timed(() =>
        workspace.runOk(["preview", "--refresh", "--expect-no-changes"]),
      );

      const at = `N=${objects} objects`;
      measurements.push(
        {
          part: 7,
          name: `export, ${at}: write requests`,
          value: exportCounts.writes,
          unit: "",
          target: "= 0",
          met: exportCounts.writes === 0,
        },
        {
          part: 7,
          name: `export, ${at}: API requests per object`,
          value: exportCounts.requests,
          unit: "requests",
          baseline: objects,
          ratio: exportCounts.requests / objects,
        },
        {
          part: 7,
          name: `export, ${at}: wall time (one CLI process, stack config read included)`,
          value: Math.round(exported.ms),
          unit: "ms",
        },
        {
          part: 7,
          name: `adopting up, ${at}: write requests`,
          value: upCounts.writes,
          unit: "",
          target: "= 0",
          met: upCounts.writes === 0,
        },
        {
          part: 7,
          name: `adopting up, ${at}: API requests per object`,
          value: upCounts.requests,
          unit: "requests",
          baseline: objects,
          ratio: upCounts.requests / objects,
        },
        {
          part: 7,
          name: `adopting up, ${at}: wall time vs preview --refresh of the same stack`,
          value: Math.round(up.ms),
          unit: "ms",
          baseline: Math.round(preview.ms),
          ratio: up.ms / preview.ms,
        },
      );
    } finally {
      workspace.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  await resetEmulator(emulator);
  return measurements;
}
