/**
 * Check failures, written once for every resource (docs/design.md#check-before-any-call).
 * What is known is validated; what is unknown at preview passes (it is checked
 * again at `up`, before any API call, with every value known). Each failure is
 * named by its path in Pulumi's syntax, and never shows a secret input's value.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ZodIssue } from "zod";
import { isUnder, unknownPaths } from "./unknowns";

/**
 * A path as Pulumi writes property paths (the syntax of `ignoreChanges`):
 * `policyData.approvables[0].minApprovers`, `properties[0]["data-center"]`.
 */
export function propertyPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      if (/^[A-Za-z0-9_]+$/.test(part)) return i === 0 ? part : `.${part}`;
      return `[${JSON.stringify(part)}]`;
    })
    .join("");
}

/** zod reports unknown keys as one issue on the object; each becomes its own, named by its path. */
function oneIssuePerKey(issues: readonly ZodIssue[]): ZodIssue[] {
  return issues.flatMap((issue): ZodIssue[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          code: "custom",
          path: [...issue.path, key],
          message: "is not an input of this resource",
        }))
      : [issue],
  );
}

/**
 * The issues that stand while some inputs are unknown: none at or under an unknown
 * value, and none of the cross-field rules (`custom`), which may have read the
 * placeholder as a value and blamed a known neighbour.
 */
function issuesOnKnownValues(issues: ZodIssue[], inputs: Record<string, unknown>): ZodIssue[] {
  const unknown = unknownPaths(inputs);
  if (unknown.length === 0) return issues;
  return issues.filter(
    (issue) => issue.code !== "custom" && !unknown.some((path) => isUnder(issue.path, path)),
  );
}

/**
 * A reason that does not repeat the value. zod's enum and literal messages quote
 * what they received; under a secret input they are said without it.
 */
function valueFreeReason(issue: ZodIssue): string {
  if (issue.code === "invalid_enum_value") {
    return `must be one of: ${issue.options.map(String).join(", ")}`;
  }
  if (issue.code === "invalid_literal") return `must be ${JSON.stringify(issue.expected)}`;
  return issue.message;
}

/**
 * Pulumi check failures. The CLI prints the top-level input's value next to a
 * failure's property, secret or not, so a failure on a secret input itself goes
 * without a property (the path moves into the reason), and one under it gets a
 * value-free reason (the CLI looks values up by top-level name only, so it shows
 * nothing for a nested path).
 */
export function checkFailuresFor(
  issues: readonly ZodIssue[],
  inputs: Record<string, unknown>,
  secretInputs: readonly string[] = [],
): dynamic.CheckFailure[] {
  return issuesOnKnownValues(oneIssuePerKey(issues), inputs).map((issue) => {
    const property = propertyPath(issue.path);
    const top = issue.path[0];
    const underSecret = typeof top === "string" && secretInputs.includes(top);
    if (!underSecret) return { property, reason: issue.message };
    const reason = valueFreeReason(issue);
    // A missing secret input has no value to show; a present one would be shown.
    return issue.path.length === 1 && inputs[top] !== undefined
      ? { property: "", reason: `${property}: ${reason}` }
      : { property, reason };
  });
}
