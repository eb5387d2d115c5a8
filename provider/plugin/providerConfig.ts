/**
 * The provider plugin's configuration (docs/plugin.md#configuration). A plugin sees only
 * its own package's namespace (`ops-management:<name>`), while the dynamic providers read
 * two (`compute-ops:<key>`, `ops-manager:<key>`). Each plugin setting is one of those
 * keys, prefixed by its API (`computeOpsRegion` is `compute-ops:region`), so the names
 * come from core/configuration.ts's key lists and nothing is declared twice; values go
 * through the same `applyStackConfig`, environment fallbacks and checks.
 */
import {
  applyStackConfig,
  computeOpsEnv,
  computeOpsKeys,
  configuredApis,
  configurationProblems,
  opsManagerEnv,
  opsManagerKeys,
  secretKeys,
  type StackConfig,
} from "../core/configuration";
import { isUnknown } from "../core/unknowns";
import { unwrapSecrets } from "./secrets";

export interface PluginSetting {
  /** The plugin's name for it: `computeOpsRegion`. */
  readonly name: string;
  /** The dynamic providers' stack key: `compute-ops:region`. */
  readonly stackKey: string;
  readonly env: string;
  readonly secret: boolean;
}

const capitalized = (key: string) => key[0].toUpperCase() + key.slice(1);

export const pluginSettings: readonly PluginSetting[] = [
  ...computeOpsKeys.map((key) => ({
    name: `computeOps${capitalized(key)}`,
    stackKey: `compute-ops:${key}`,
    env: computeOpsEnv[key],
    secret: secretKeys.includes(key),
  })),
  ...opsManagerKeys.map((key) => ({
    name: `opsManager${capitalized(key)}`,
    stackKey: `ops-manager:${key}`,
    env: opsManagerEnv[key],
    secret: secretKeys.includes(key),
  })),
];

const byName = new Map(pluginSettings.map((setting) => [setting.name, setting]));

/**
 * Keys the engine adds to a provider's inputs besides the settings: the plugin's
 * version and download URL (resource options of an explicit provider).
 */
const engineKeys = new Set(["version", "pluginDownloadURL"]);

/** A setting's value as the dynamic path's config holds it: a string. */
function asString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * The settings as the dynamic path's StackConfig, from a provider's inputs (an
 * explicit provider's properties, or the stack's `ops-management:*` config), secrets
 * unwrapped. An unknown value (preview, from another resource's output) is left out:
 * nothing is sent at preview, and `up` configures again with it known.
 */
export function stackConfigFrom(inputs: Record<string, unknown>): StackConfig {
  const values = new Map<string, string>();
  for (const [name, raw] of Object.entries(unwrapSecrets(inputs) as Record<string, unknown>)) {
    const setting = byName.get(name);
    const value = asString(raw);
    if (setting === undefined || value === undefined || isUnknown(value)) continue;
    values.set(setting.stackKey, value);
  }
  return { get: (key) => values.get(key) };
}

/**
 * The engine's Configure variables (`ops-management:config:computeOpsRegion`, or the
 * older `ops-management:computeOpsRegion`) as provider inputs by setting name.
 */
export function inputsFromVariables(
  packageName: string,
  variables: ReadonlyMap<string, string> | Iterable<[string, string]>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of variables) {
    const name = key.startsWith(`${packageName}:config:`)
      ? key.slice(`${packageName}:config:`.length)
      : key.startsWith(`${packageName}:`)
        ? key.slice(`${packageName}:`.length)
        : undefined;
    if (name !== undefined) inputs[name] = value;
  }
  return inputs;
}

export interface ConfigFailure {
  property: string;
  reason: string;
}

/**
 * What checkConfig answers: unknown settings by name, a value that is not text, and
 * then, for each API the settings (or the environment) name, the dynamic path's own
 * `configurationProblems`, so a provider resource fails its preview with the message
 * `up` would give. An API with an unknown setting is judged at `up`, when it is known.
 * The judged configuration is applied only while judging: checkConfig may run in a
 * configured process, whose settings are put back.
 */
export function checkProviderConfig(
  inputs: Record<string, unknown>,
  restore: StackConfig,
): ConfigFailure[] {
  const failures: ConfigFailure[] = [];
  const plain = unwrapSecrets(inputs) as Record<string, unknown>;
  const unknownApis = new Set<string>();
  for (const [name, value] of Object.entries(plain)) {
    if (engineKeys.has(name)) continue;
    const setting = byName.get(name);
    if (setting === undefined) {
      failures.push({
        property: name,
        reason: `is not a setting of this provider; the settings are ${pluginSettings
          .map((s) => s.name)
          .join(", ")}`,
      });
      continue;
    }
    if (isUnknown(value)) {
      unknownApis.add(setting.stackKey.split(":")[0]);
      continue;
    }
    if (value !== undefined && value !== null && typeof value !== "string") {
      failures.push({ property: name, reason: "must be a string" });
    }
  }
  if (failures.length > 0) return failures;
  try {
    applyStackConfig(stackConfigFrom(plain));
    const apis = configuredApis();
    for (const [api, configured] of [
      ["compute-ops", apis.computeOps],
      ["ops-manager", apis.opsManager],
    ] as const) {
      if (!configured || unknownApis.has(api)) continue;
      for (const problem of configurationProblems(api)) {
        failures.push({ property: "", reason: inPluginTerms(problem) });
      }
    }
  } finally {
    applyStackConfig(restore);
  }
  return failures;
}

/**
 * A configuration message of the dynamic path names `compute-ops:region`; a plugin
 * user sets `ops-management:computeOpsRegion` (or the provider's `computeOpsRegion`).
 */
export function inPluginTerms(message: string, packageName = "ops-management"): string {
  let out = message;
  for (const setting of pluginSettings) {
    out = out.split(setting.stackKey).join(`${packageName}:${setting.name}`);
  }
  return out;
}

/** The schema's `config` and `provider` sections for these settings (docs/plugin.md#configuration). */
export function configSchemaProperties(): Record<
  string,
  { type: "string"; description: string; secret?: true }
> {
  return Object.fromEntries(
    pluginSettings.map((setting) => [
      setting.name,
      {
        type: "string" as const,
        description: `The dynamic providers' \`${setting.stackKey}\`; when unset, the environment variable ${setting.env}.`,
        ...(setting.secret ? { secret: true as const } : {}),
      },
    ]),
  );
}
