#!/usr/bin/env node
/**
 * The package's command line: `npx pulumi-ops-management recover [options]`, run
 * in the Pulumi project directory (docs/design.md#recovering-a-killed-run).
 */
import { recover, RecoverOptions } from "./recover";

const usage = `Usage: npx pulumi-ops-management recover [--adopt | --delete] [--stack NAME] [--force-other-pending]

After a killed \`pulumi up\` or \`pulumi destroy\`: settles this package's pending
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
    console.error(`recover failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
