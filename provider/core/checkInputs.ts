/**
 * Check failures for the Compute Ops Management resources (docs/design.md#check-before-any-call).
 * zod reports unknown input keys as one issue on the enclosing object; Pulumi
 * shows a failure's `property`, so each unknown key becomes its own failure named
 * by its path (`serviceData.incidentCreationScope.utilizationAlerts`).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ZodError, ZodIssue } from "zod";
import { checkFailuresFrom } from "./pulumiResults";

export function inputFailuresFrom(error: ZodError): dynamic.CheckFailure[] {
  const issues = error.issues.flatMap((issue): ZodIssue[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          code: "custom",
          path: [...issue.path, key],
          message: "is not an input of this resource",
        }))
      : [issue],
  );
  return checkFailuresFrom(new ZodError(issues));
}
