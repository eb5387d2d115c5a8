/**
 * The baseline program: `bench:count` approval policies through the hand-written
 * bare-axios dynamic provider (baselineProvider.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { benchPolicyArgs } from "../policies";
import { BaselineApprovalPolicy } from "./baselineProvider";

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const run = config.get("run") ?? "bench";
for (let i = 0; i < count; i++) {
  new BaselineApprovalPolicy(`policy-${i}`, { ...benchPolicyArgs(i, run) });
}
