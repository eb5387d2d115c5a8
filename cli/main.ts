#!/usr/bin/env node
/**
 * The package's command line, run in the Pulumi project directory:
 * `npx pulumi-ops-management recover [options]` (docs/design.md#recovering-a-killed-run)
 * `npx pulumi-ops-management check-config [--stack NAME]` and
 * `npx pulumi-ops-management export [options]` (README "Bring an existing workspace").
 */
import { checkConfig } from "./checkConfig";
import { exportCommand, type ExportCommandOptions } from "./export";
import { exportKindNames, type ExportKindName } from "./exportProgram";
import { recover, RecoverOptions } from "./recover";

const usage = `Usage: npx pulumi-ops-management check-config [--stack NAME]
       npx pulumi-ops-management recover [--adopt | --delete] [--stack NAME] [--force-other-pending]
       npx pulumi-ops-management export [--out FILE] [--force] [--types LIST] [--name TEXT] [--stack NAME]

check-config: reads the stack's config (environment variables fill what it lacks)
and, with read-only calls, checks that it reaches each API it configures: gets a
token and lists one server in Compute Ops Management, reads the project's
server-pool properties in Ops Manager. Prints what it found, never a secret, and
the way out of any failure. Exits 0 when all is well, 1 on a failure, 2 when
neither API is configured.

recover: after a killed \`pulumi up\` or \`pulumi destroy\`: settles this package's pending
operations. Pending creates: finds the objects they made, through the API, by their
declared inputs. Pending deletes: reads each object; one that is gone is dropped
from the stack, one still there is kept (the next up or destroy deletes it again).
Pending updates: kept as recorded (the next up applies the program again).
  (no action)            show what was found and would be done; change nothing
  --adopt                record each object found in the stack, and settle the
                         deletes and updates (pulumi stack import)
  --delete               delete each object found (the next up creates it again),
                         and settle the deletes and updates
  --stack NAME           the stack (default: the selected one)
  --force-other-pending  go ahead although other providers' pending operations exist
                         (importing the stack drops them)
Run \`pulumi cancel\` first if the killed run left the stack locked.

export: reads the Compute Ops Management workspace the stack's config (or the
environment) points at, with GET requests only, and writes a Pulumi TypeScript
program with one resource per object, each adopting it (adoptId) with its live
values, so \`pulumi up\` records them all and changes nothing. Prints what it
left out and why, and the \`pulumi config set --secret\` lines for credentials.
  --out FILE             the program to write (default exported.ts)
  --force                overwrite FILE if it exists
  --types LIST           comma-separated: ${exportKindNames.join(", ")} (default all)
  --name TEXT            only objects whose name contains TEXT, or matches /REGEX/
  --stack NAME           the stack (default: the selected one)`;

/** Parses export's arguments; a string is the error to print. */
function exportOptions(args: string[]): ExportCommandOptions | string {
  const options: ExportCommandOptions = {
    out: "exported.ts",
    force: false,
    cwd: process.cwd(),
    env: process.env,
    print: (line) => console.log(line),
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === "--force") options.force = true;
    else if (value === undefined) return `${arg} needs a value or is unknown`;
    else if (arg === "--out") options.out = args[++i];
    else if (arg === "--stack") options.stack = args[++i];
    else if (arg === "--name") options.name = args[++i];
    else if (arg === "--types") {
      const kinds = args[++i].split(",").map((k) => k.trim());
      const unknown = kinds.filter((k) => !(exportKindNames as readonly string[]).includes(k));
      if (unknown.length > 0)
        return `unknown type ${unknown[0]} (one of ${exportKindNames.join(", ")})`;
      options.kinds = kinds as ExportKindName[];
    } else return `unknown argument ${arg}`;
  }
  return options;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "check-config") {
    const stackAt = rest.indexOf("--stack");
    const unknown = rest.filter((_arg, i) => stackAt < 0 || (i !== stackAt && i !== stackAt + 1));
    if (unknown.length > 0 || (stackAt >= 0 && rest[stackAt + 1] === undefined)) {
      console.error(`unknown argument ${unknown[0] ?? "--stack"}\n\n${usage}`);
      return 2;
    }
    return checkConfig({
      stack: stackAt >= 0 ? rest[stackAt + 1] : undefined,
      cwd: process.cwd(),
      env: process.env,
      print: (line) => console.log(line),
    });
  }
  if (command === "export") {
    const options = exportOptions(rest);
    if (typeof options === "string") {
      console.error(`${options}\n\n${usage}`);
      return 2;
    }
    return exportCommand(options);
  }
  if (command !== "recover") {
    console.error(usage);
    return command === undefined || command === "--help" ? 0 : 2;
  }
  const options: RecoverOptions = {
    action: "show",
    forceOtherPending: false,
    cwd: process.cwd(),
    env: process.env,
    print: (line) => console.log(line),
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--adopt" || arg === "--delete") {
      if (options.action !== "show") {
        console.error("choose one of --adopt and --delete");
        return 2;
      }
      options.action = arg === "--adopt" ? "adopt" : "delete";
    } else if (arg === "--stack" && rest[i + 1] !== undefined) options.stack = rest[++i];
    else if (arg === "--force-other-pending") options.forceOtherPending = true;
    else {
      console.error(`unknown argument ${arg}\n\n${usage}`);
      return 2;
    }
  }
  return recover(options);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
