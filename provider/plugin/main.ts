#!/usr/bin/env node
/**
 * `pulumi-resource-ops-management`: the provider plugin the Pulumi CLI starts for
 * programs in any language (docs/plugin.md). The engine runs it with its address as
 * the argument; it prints its port and serves until the engine stops it.
 */
import { OpsManagementPlugin } from "./provider";
import { loadSchema } from "./schema";
import { serveWithWorkarounds } from "./serverWorkarounds";

async function start(): Promise<void> {
  const schema = loadSchema();
  const version = (require("../../../package.json") as { version: string }).version;
  const plugin = new OpsManagementPlugin(schema, version);
  await serveWithWorkarounds(
    plugin,
    {
      packageName: schema.packageName,
      configure: (inputs) => plugin.configure(inputs),
      checkConfig: (inputs) => plugin.checkConfig(inputs),
    },
    process.argv.slice(2),
  );
}

start().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
