#!/usr/bin/env node
/**
 * The package's command line, run in the Pulumi project directory:
 * `npx pulumi-ops-management recover [options]` (docs/design.md#recovering-a-killed-run)
 * and `npx pulumi-ops-management check-config [--stack NAME]`.
 */
import { checkConfig } from "./checkConfig";
import { recover, RecoverOptions } from "./recover";

const usage = `Usage: npx pulumi-ops-management check-config [--stack NAME]
       npx pulumi-ops-management recover [--adopt | --delete] [--stack NAME] [--force-other-pending]

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
Run \`pulumi cancel\` first if the killed run left the stack locked.`;

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
