/**
 * `npx pulumi-ops-management export`: reads the Compute Ops Management workspace
 * the stack's config (or the environment) points at, with GETs only, and writes a
 * Pulumi TypeScript program that adopts every approval policy, external service,
 * group and group membership in it (cli/exportProgram.ts writes the text). It
 * prints what it wrote, what it left out and why, and the `pulumi config set
 * --secret` lines for the credentials the API never shows; never a secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { computeOpsSettings, configuredApis } from "../provider/core/configuration";
import { processClients as computeOpsClients } from "../provider/computeOps/clientPool";
import type { GreenLakeClient } from "../provider/computeOps/client";
import { redact } from "../provider/http/redaction";
import {
  exportKindNames,
  exportProgram,
  type ExportKindName,
  type ExportResult,
  type LiveObject,
  type LiveWorkspace,
} from "./exportProgram";
import { runPulumi, useStackConfig, type PulumiTarget } from "./stackConfig";

export interface ExportCommandOptions extends PulumiTarget {
  print: (line: string) => void;
  /** The program file to write (relative to `cwd`). */
  out: string;
  /** Overwrite `out` if it exists. */
  force: boolean;
  kinds?: ExportKindName[];
  /** Only objects whose name contains this (or matches it, written `/regex/`). */
  name?: string;
  /** Reads the stack's config; default: the Pulumi CLI in `cwd`. Tests pass their own. */
  pulumi?: (args: string[]) => Promise<string>;
}

const paths = {
  approvalPolicies: "/compute-ops-mgmt/v1beta2/approval-policies",
  externalServices: "/compute-ops-mgmt/v1beta1/external-services",
  groups: "/compute-ops-mgmt/v1/groups",
  groupDevices: (id: string) => `/compute-ops-mgmt/v1/groups/${encodeURIComponent(id)}/devices`,
  servers: "/compute-ops-mgmt/v1/servers",
};

/** A list the API answers in one page (no paging parameters): it must hold its total. */
async function unpaged(client: GreenLakeClient, listPath: string): Promise<LiveObject[]> {
  const page = await client.get<{ items?: LiveObject[]; total?: number }>(listPath);
  const items = Array.isArray(page.items) ? page.items : [];
  if (typeof page.total === "number" && page.total > items.length) {
    throw new Error(
      `GET ${listPath} answered ${items.length} of ${page.total} items and takes no paging ` +
        "parameters: the export would be incomplete",
    );
  }
  return items;
}

/**
 * Everything the export needs, read with GETs only: the lists of each kind asked
 * for, each chosen group's devices, and the servers when a group holds any.
 */
export async function readWorkspace(
  client: GreenLakeClient,
  kinds: readonly ExportKindName[],
  nameFilter: (name: string) => boolean,
): Promise<LiveWorkspace> {
  const wants = (kind: ExportKindName) => kinds.includes(kind);
  // Page sizes: the largest each list declares (docs/api-facts.md#lists-and-paging).
  const [approvalPolicies, externalServices, groups] = await Promise.all([
    wants("approval-policies")
      ? client.list<LiveObject>(paths.approvalPolicies, { pageSize: 1000 })
      : [],
    wants("external-services") ? unpaged(client, paths.externalServices) : [],
    // Policies name groups: their ids become references when the groups are exported.
    wants("groups") ? client.list<LiveObject>(paths.groups, { pageSize: 1000 }) : [],
  ]);
  const groupMembers: Record<string, string[]> = {};
  for (const group of groups) {
    if (typeof group.name === "string" && !nameFilter(group.name)) continue;
    const devices = await unpaged(client, paths.groupDevices(String(group.id)));
    groupMembers[String(group.id)] = devices.map((d) => String(d.deviceId));
  }
  const anyMember = Object.values(groupMembers).some((ids) => ids.length > 0);
  const servers = anyMember ? await client.list<LiveObject>(paths.servers, { pageSize: 100 }) : [];
  return { approvalPolicies, externalServices, groups, groupMembers, servers };
}

/** `--name`: a substring, or a regular expression written `/…/` (flags after the last slash). */
export function nameFilterOf(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const regex = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (regex) {
    const compiled = new RegExp(regex[1], regex[2]);
    return (name) => compiled.test(name);
  }
  return (name) => name.includes(pattern);
}

const kindTitles: Record<ExportKindName, string> = {
  groups: "group(s)",
  "external-services": "external service(s)",
  "approval-policies": "approval policy(ies)",
};

/** The report printed after the program is written. */
export function exportReport(result: ExportResult, out: string): string[] {
  const lines: string[] = [];
  const counts = exportKindNames
    .map((kind) => [kind, result.exported.filter((e) => e.kind === kind).length] as const)
    .map(([kind, n]) => `${n} ${kindTitles[kind]}`);
  lines.push(
    `Wrote ${out}: ${counts.join(", ")}, ${result.memberships} group membership(s), ` +
      `${result.serverLookups} server lookup(s).`,
  );
  lines.push(
    "Left out: activation keys, jobs and server-pool requests, which are not configuration " +
      "(a key is made for one onboarding, a job is one run, a request one allocation).",
  );
  if (result.skipped.length > 0) {
    lines.push(
      `Not exported (${result.skipped.length}), the program could not declare them exactly:`,
    );
    for (const s of result.skipped) {
      lines.push(`  ${s.kind} ${JSON.stringify(s.name)} (id ${s.id}): ${s.reason}`);
    }
  }
  for (const note of result.notes) lines.push(`Note: ${note}.`);
  if (result.secrets.length > 0) {
    lines.push(
      "The API never shows these credentials; set each before `pulumi up` (the adoption " +
        "records them without sending them, and a later change of one is sent):",
    );
    for (const secret of result.secrets) lines.push(`  ${secret.command}    # ${secret.what}`);
  }
  lines.push(
    "Then `pulumi up` adopts every object and changes none; `pulumi destroy` would delete them.",
  );
  return lines;
}

/** 0 when the program was written, 1 on a failure, 2 when Compute Ops Management is not configured. */
export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  const { print } = options;
  const target = path.resolve(options.cwd, options.out);
  if (fs.existsSync(target) && !options.force) {
    print(`${options.out} exists: choose another --out, or --force to overwrite it.`);
    return 1;
  }
  const pulumi = options.pulumi ?? ((args: string[]) => runPulumi(args, options));
  try {
    await useStackConfig(pulumi);
    print(`Stack config read${options.stack ? ` (stack ${options.stack})` : ""}.`);
  } catch (error) {
    const message = redact((error as Error).message ?? String(error)).split("\n")[0];
    print(`No stack config (${message}); using environment variables only.`);
  }
  if (!configuredApis().computeOps) {
    print(
      "Compute Ops Management is not configured: set compute-ops:* (README, Configuration) " +
        "or the HPE_COM_* environment variables; `npx pulumi-ops-management check-config` checks them.",
    );
    return 2;
  }
  const kinds = options.kinds ?? [...exportKindNames];
  const nameFilter = nameFilterOf(options.name);
  let result: ExportResult;
  try {
    const settings = computeOpsSettings({});
    print(`Reading ${settings.endpoint} (GET requests only).`);
    const live = await readWorkspace(computeOpsClients.clientFor(settings), kinds, nameFilter);
    result = exportProgram(live, { kinds, nameFilter });
  } catch (error) {
    print(`FAILED: ${redact((error as Error).message ?? String(error))}`);
    print("`npx pulumi-ops-management check-config` checks the connection.");
    return 1;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, result.program);
  for (const line of exportReport(result, options.out)) print(line);
  return 0;
}
