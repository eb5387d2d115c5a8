/**
 * The provider plugin's resources and lookups (docs/plugin.md): every call goes to the
 * implementation the dynamic providers use (`implementationOf(type)`, registry.ts), so
 * check before any call, provable creates, recovery, rate limits and redaction are the
 * same code on both paths. What is the plugin's own is only the wire: the token to
 * type mapping, secrets (secrets.ts), the configuration (providerConfig.ts) and the
 * read of an import.
 */
import type * as pluginApi from "@pulumi/pulumi/provider";
import { applyStackConfig, type StackConfig } from "../core/configuration";
import { definedOnly } from "../core/pulumiResults";
import { resourceTypes, type ResourceTypeName } from "../core/resourceTypes";
import { implementationOf } from "../registry";
import type { LoadedSchema } from "./schema";
import { typeTokenOf } from "./schema";
import { placeholderFor, secretProperties, unwrapSecrets, wrapProperties } from "./secrets";
import { checkProviderConfig, stackConfigFrom, type ConfigFailure } from "./providerConfig";

type Properties = Record<string, unknown>;

const emptyConfig: StackConfig = { get: () => undefined };

/** The provider plugin's state: the schema it serves and the configuration it was given. */
export class OpsManagementPlugin implements pluginApi.Provider {
  readonly version: string;
  private config: StackConfig = emptyConfig;

  constructor(
    private readonly served: LoadedSchema,
    version: string,
  ) {
    this.version = version;
  }

  async getSchema(): Promise<string> {
    return this.served.text;
  }

  /** Configure: the settings become the process's stack config, as the dynamic host's configure does. */
  configure(inputs: Properties): void {
    this.config = stackConfigFrom(inputs);
    applyStackConfig(this.config);
  }

  /** CheckConfig: judged without any call, and without keeping the judged settings. */
  checkConfig(inputs: Properties): ConfigFailure[] {
    return checkProviderConfig(inputs, this.config);
  }

  private typeOf(urn: string): ResourceTypeName {
    const token = typeTokenOf(urn);
    const type = this.served.resourceOf.get(token);
    if (type === undefined) throw new Error(`${this.served.packageName} has no resource ${token}`);
    return type;
  }

  async check(urn: string, olds: Properties, news: Properties): Promise<pluginApi.CheckResult> {
    const type = this.typeOf(urn);
    const secret = secretsOf(type, news);
    const result = await implementationOf(type).check(plain(olds), plain(news));
    return {
      inputs:
        result.inputs === undefined
          ? undefined
          : wrapProperties(definedOnly(result.inputs as Properties), secret),
      failures: result.failures ? [...result.failures] : undefined,
    };
  }

  async diff(id: string, urn: string, olds: Properties, news: Properties) {
    return implementationOf(this.typeOf(urn)).diff(id, plain(olds), plain(news));
  }

  async create(urn: string, inputs: Properties): Promise<pluginApi.CreateResult> {
    const type = this.typeOf(urn);
    const secret = secretsOf(type, inputs);
    try {
      const result = await implementationOf(type).create(plain(inputs));
      return { id: result.id, outs: wrapProperties(definedOnly(result.outs ?? {}), secret) };
    } catch (error) {
      // A partial create (PartialCreateError) records its properties: secret too.
      throw withSecretProperties(error, secret);
    }
  }

  /**
   * Read. With no recorded properties it is an import (or a static get): then secret
   * inputs become placeholders, since `pulumi import` writes the read's inputs into
   * the program it generates (docs/plugin.md#import).
   */
  async read(
    id: string,
    urn: string,
    props: Properties | undefined,
  ): Promise<pluginApi.ReadResult> {
    const type = this.typeOf(urn);
    const recorded = props ?? {};
    const importing = Object.keys(recorded).length === 0;
    const secret = secretsOf(type, recorded);
    const result = await implementationOf(type).read(id, plain(recorded));
    if (!result.id) return { id: "" };
    let inputs =
      result.inputs === undefined ? undefined : { ...definedOnly(result.inputs as Properties) };
    if (importing && inputs !== undefined) {
      // A read keeps to the fields a program declared (an undeclared description is
      // not drift); an import declares nothing yet, so every input the object has is
      // taken from its live outputs, and the generated code and the next diff see them all.
      const live = definedOnly((result.props ?? {}) as Properties);
      for (const name of this.served.inputsOf.get(typeTokenOf(urn)) ?? []) {
        if (inputs[name] === undefined && live[name] !== undefined) inputs[name] = live[name];
      }
      inputs = placeholdersForSecretInputs(type, inputs);
    }
    return {
      id: result.id,
      props: wrapProperties(definedOnly((result.props ?? {}) as Properties), secret),
      inputs: inputs === undefined ? undefined : wrapProperties(inputs, secret),
    };
  }

  async update(
    id: string,
    urn: string,
    olds: Properties,
    news: Properties,
  ): Promise<pluginApi.UpdateResult> {
    const type = this.typeOf(urn);
    const secret = secretsOf(type, olds, news);
    const result = await implementationOf(type).update(id, plain(olds), plain(news));
    return { outs: wrapProperties(definedOnly((result.outs ?? {}) as Properties), secret) };
  }

  async delete(id: string, urn: string, props: Properties): Promise<void> {
    await implementationOf(this.typeOf(urn)).delete(id, plain(props));
  }

  /** A lookup, in the plugin's process with its configuration, as the SDK's runs in the program's. */
  async invoke(token: string, args: Properties): Promise<pluginApi.InvokeResult> {
    const lookup = this.served.lookupOf.get(token);
    if (lookup === undefined)
      throw new Error(`${this.served.packageName} has no function ${token}`);
    const lookups = require("../computeOps/lookups") as typeof import("../computeOps/lookups");
    if (!Object.prototype.hasOwnProperty.call(lookups.lookupSchemas, lookup)) {
      throw new Error(`${this.served.packageName} has no lookup ${lookup}`);
    }
    const name = lookup as keyof typeof lookups.lookupSchemas;
    const result = await lookups.lookupInProgram(name, plain(args) as never, this.config);
    return { outputs: definedOnly(result as Properties) };
  }
}

function plain(properties: Properties | undefined): Properties {
  return unwrapSecrets(properties ?? {}) as Properties;
}

/** The type's secret inputs and outputs, and whatever arrived secret. */
function secretsOf(type: ResourceTypeName, ...given: (Properties | undefined)[]): Set<string> {
  const definition = resourceTypes[type];
  return new Set([
    ...definition.secretInputs,
    ...definition.secretOutputs,
    ...secretProperties(...given),
  ]);
}

function placeholdersForSecretInputs(type: ResourceTypeName, inputs: Properties): Properties {
  const out = { ...inputs };
  for (const key of resourceTypes[type].secretInputs) {
    if (out[key] !== undefined) out[key] = placeholderFor(out[key]);
  }
  return out;
}

function withSecretProperties(error: unknown, secret: ReadonlySet<string>): unknown {
  if (error instanceof Error && "properties" in error) {
    const partial = error as Error & { properties?: Properties };
    if (partial.properties !== undefined) {
      partial.properties = wrapProperties(definedOnly(partial.properties), secret);
    }
  }
  return error;
}
