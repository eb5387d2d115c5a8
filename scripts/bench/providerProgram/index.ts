/**
 * The program under test: `bench:count` approval policies through this package's
 * `computeOps.ApprovalPolicy`.
 */
import * as pulumi from "@pulumi/pulumi";
import { computeOps } from "pulumi-ops-management";
import { benchPolicyArgs } from "../policies";

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const run = config.get("run") ?? "bench";
for (let i = 0; i < count; i++) {
  new computeOps.ApprovalPolicy(`policy-${i}`, benchPolicyArgs(i, run));
}
