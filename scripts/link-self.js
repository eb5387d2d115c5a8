#!/usr/bin/env node
// The repository root is itself a Pulumi project (the quickstart). Pulumi's
// dynamic-provider host loads the serialized provider shim, whose methods call
// require("pulumi-ops-management/provider") from the program's directory; Node's
// package self-reference does not apply to code loaded that way, so the package
// must be reachable under the root's node_modules. A symlink to the root does it.
// `npm run build` runs this after tsc, so every command that builds (demo, the
// tests, the bench, `npm run pulumi`) restores the link that installing another
// package (`npm install -D @pulumi/pulumi@<newer>`) removes.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-ops-management");
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  const existing = fs.readlinkSync(link);
  if (path.resolve(path.dirname(link), existing) === root) process.exit(0);
  fs.unlinkSync(link);
} catch (err) {
  if (err.code !== "ENOENT") throw err;
}
fs.symlinkSync("..", link, "dir");
