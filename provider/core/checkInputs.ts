/**
 * Check failures, written once for every resource (docs/design.md#check-before-any-call).
 * What is known is validated; what is unknown at preview passes (it is checked
 * again at `up`, before any API call, with every value known). Each failure is
 * named by its path in Pulumi's syntax, and names the value given unless it is (or
 * lies under) a secret input or a credential.
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

const unknownKeyReason = "is not an input of this resource";

/** zod reports unknown keys as one issue on the object; each becomes its own, named by its path. */
function oneIssuePerKey(issues: readonly ZodIssue[]): ZodIssue[] {
  return issues.flatMap((issue): ZodIssue[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          code: "custom",
          path: [...issue.path, key],
          // A schema that says what its object takes (`.strict(message)`) keeps its message.
          message: issue.message.startsWith("Unrecognized key") ? unknownKeyReason : issue.message,
          params: { keyNotValue: true },
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
 * Path segments that name a credential wherever they sit (`clientSecret`,
 * `refreshToken`, `password`, `apiKey`, `subscriptionKey`, `authentication`): a
 * value under one is never quoted, even outside a type's secret inputs.
 */
const credentialName = /secret|password|passwd|token|key|credential|auth/i;

/** The value at `path` in the inputs, or undefined. */
function valueAt(inputs: Record<string, unknown>, path: readonly (string | number)[]): unknown {
  let value: unknown = inputs;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** Longer values are cut: the reason names the value, it does not reprint a file read by mistake. */
const maxQuotedLength = 80;

/**
 * The reason with the value given, when it is a plain value and not a credential:
 * the CLI shows no value for a nested path, so `must be an email address` alone
 * leaves the reader to find which one. zod's enum and literal messages already
 * quote it; a missing value has none, and an issue marked `keyNotValue` (an unknown
 * or refused input) is about the key, whatever its value.
 */
function withValueGiven(issue: ZodIssue, inputs: Record<string, unknown>, reason: string): string {
  if (
    issue.code === "invalid_enum_value" ||
    issue.code === "invalid_literal" ||
    (issue.code === "custom" && issue.params?.keyNotValue === true) ||
    issue.path.some((part) => typeof part === "string" && credentialName.test(part))
  ) {
    return reason;
  }
  const value = valueAt(inputs, issue.path);
  if (
    typeof value === "string" &&
    (issue.code === "too_big" || issue.code === "too_small") &&
    value.length > maxQuotedLength
  ) {
    return `${reason}; got ${value.length} characters`;
  }
  if (typeof value === "number" || typeof value === "boolean") return `${reason}; got ${value}`;
  // A message that already names the value ("a@example.com is listed twice") is left as it is.
  if (typeof value !== "string" || (value !== "" && reason.includes(value))) return reason;
  const quoted =
    value.length > maxQuotedLength
      ? `${JSON.stringify(value.slice(0, maxQuotedLength))}…`
      : JSON.stringify(value);
  return `${reason}; got ${quoted}`;
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
    if (!underSecret) return { property, reason: withValueGiven(issue, inputs, issue.message) };
    const reason = valueFreeReason(issue);
    // A missing secret input has no value to show; a present one would be shown.
    return issue.path.length === 1 && inputs[top] !== undefined
      ? { property: "", reason: `${property}: ${reason}` }
      : { property, reason };
  });
}
