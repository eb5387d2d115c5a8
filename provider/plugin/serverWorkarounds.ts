/**
 * The provider plugin runs on `@pulumi/pulumi/provider`'s `main()`, whose gRPC server
 * (3.216 to 3.276) falls short in four places; each workaround below is named after
 * what it fixes and is tested in test/unit/plugin/ against the installed SDK
 * (docs/plugin.md#sdk-workarounds):
 *
 * 1. `configureReadsSettings`: its Configure ignores the request's settings, so a
 *    provider resource's properties and the stack's `ops-management:*` config never
 *    reached the provider.
 * 2. `checkConfigValidates`: its CheckConfig answers UNIMPLEMENTED, and the CLI then
 *    takes the configuration unjudged.
 * 3. `diffConfigCompares`: its DiffConfig answers UNIMPLEMENTED too.
 * 4. `importReadDefaults`: CLI 3.248 sends an import's Read with no properties at all,
 *    and the server dereferences them before any provider code runs.
 *
 * They replace the server's handlers for those four methods only, by wrapping the
 * service implementation `main()` registers with gRPC; every other method is the
 * SDK's. This relies on the SDK's internals (the handler names and the generated
 * protobuf classes), so the plugin starts only on the SDK range it was tested on.
 */
import * as path from "node:path";
import type * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type * as structProto from "google-protobuf/google/protobuf/struct_pb";
import type { ConfigFailure } from "./providerConfig";

/** The @pulumi/pulumi releases whose provider server these workarounds are written for. */
export const supportedSdkRange = { atLeast: "3.216.0", below: "3.277.0" } as const;

/** What the plugin must do for the four replaced handlers. */
export interface ConfigHandlers {
  packageName: string;
  configure(inputs: Record<string, unknown>): void;
  checkConfig(inputs: Record<string, unknown>): ConfigFailure[];
}

type Callback = (error: unknown, response?: unknown) => void;
interface Call<Request> {
  request: Request;
}
type Handler<Request> = (call: Call<Request>, callback: Callback) => unknown;
type ServiceImplementation = Record<string, unknown>;

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Why the installed SDK cannot carry the workarounds, or undefined when it can. */
export function unsupportedSdk(version: string): string | undefined {
  if (
    compareVersions(version, supportedSdkRange.atLeast) >= 0 &&
    compareVersions(version, supportedSdkRange.below) < 0
  ) {
    return undefined;
  }
  return (
    `pulumi-resource-ops-management runs on @pulumi/pulumi >=${supportedSdkRange.atLeast} ` +
    `<${supportedSdkRange.below}, whose provider server it patches (docs/plugin.md#sdk-workarounds); ` +
    `found ${version}. Install a release in that range beside this package.`
  );
}

/** Loads a module of the installed @pulumi/pulumi's own dependency tree, so classes are shared. */
function fromSdk<T>(request: string): T {
  const sdkRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve(request, { paths: [sdkRoot] })) as T;
}

export function sdkVersion(): string {
  return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/**
 * The service implementation with the four handlers replaced. The SDK's object stays
 * the prototype, so gRPC binds every other handler to it as before.
 */
export function withWorkarounds(
  stock: ServiceImplementation,
  handlers: ConfigHandlers,
): ServiceImplementation {
  const proto = fromSdk<typeof providerProto>("@pulumi/pulumi/proto/provider_pb");
  const structs = fromSdk<typeof structProto>("google-protobuf/google/protobuf/struct_pb");
  const toJs = (struct: structProto.Struct | undefined) =>
    (struct?.toJavaScript() ?? {}) as Record<string, unknown>;
  const patched: ServiceImplementation = Object.create(stock);

  const configureReadsSettings: Handler<providerProto.ConfigureRequest> = (call, callback) => {
    try {
      const request = call.request;
      // Newer engines send the settings as typed values (`args`, secrets marked);
      // every engine sends them as strings (`variables`).
      const inputs = request.hasArgs()
        ? toJs(request.getArgs())
        : inputsFromVariablesMap(handlers.packageName, request.getVariablesMap().entries());
      handlers.configure(inputs);
      const response = new proto.ConfigureResponse();
      // Secrets arrive wrapped and go back wrapped (secrets.ts); resource references
      // and output values are not used by any resource, so they arrive plain.
      response.setAcceptsecrets(true);
      response.setAcceptresources(false);
      response.setAcceptoutputs(false);
      callback(undefined, response);
    } catch (error) {
      callback(error);
    }
  };

  const checkConfigValidates: Handler<providerProto.CheckRequest> = (call, callback) => {
    try {
      const news = call.request.getNews();
      const failures = handlers.checkConfig(toJs(news));
      const response = new proto.CheckResponse();
      response.setInputs(news ?? new structs.Struct());
      response.setFailuresList(
        failures.map((failure) => {
          const item = new proto.CheckFailure();
          item.setProperty(failure.property);
          item.setReason(failure.reason);
          return item;
        }),
      );
      callback(undefined, response);
    } catch (error) {
      callback(error);
    }
  };

  const diffConfigCompares: Handler<providerProto.DiffRequest> = (call, callback) => {
    try {
      const olds = comparable(toJs(call.request.getOlds()));
      const news = comparable(toJs(call.request.getNews()));
      const response = new proto.DiffResponse();
      // A change of settings never replaces the provider: that would replace every
      // object it manages. The engine configures it again with the new settings.
      response.setChanges(
        JSON.stringify(olds) === JSON.stringify(news)
          ? proto.DiffResponse.DiffChanges.DIFF_NONE
          : proto.DiffResponse.DiffChanges.DIFF_SOME,
      );
      callback(undefined, response);
    } catch (error) {
      callback(error);
    }
  };

  const stockRead = stock.read as Handler<providerProto.ReadRequest>;
  const importReadDefaults: Handler<providerProto.ReadRequest> = (call, callback) => {
    if (call.request.getProperties() === undefined) {
      call.request.setProperties(new structs.Struct());
    }
    return stockRead.call(patched, call, callback);
  };

  patched.configure = configureReadsSettings;
  patched.checkConfig = checkConfigValidates;
  patched.diffConfig = diffConfigCompares;
  patched.read = importReadDefaults;
  return patched;
}

function inputsFromVariablesMap(
  packageName: string,
  entries: Iterable<[string, string]>,
): Record<string, unknown> {
  // Local require keeps this module's imports to types and node built-ins.
  const { inputsFromVariables } = require("./providerConfig") as typeof import("./providerConfig");
  return inputsFromVariables(packageName, entries);
}

/** Settings in a stable order, secrets unwrapped, without the engine's own keys. */
function comparable(inputs: Record<string, unknown>): [string, unknown][] {
  const { unwrapSecrets } = require("./secrets") as typeof import("./secrets");
  const plain = unwrapSecrets(inputs) as Record<string, unknown>;
  return Object.keys(plain)
    .filter((key) => key !== "version" && key !== "pluginDownloadURL")
    .sort()
    .map((key) => [key, plain[key]]);
}

/**
 * Runs `main()` with the workarounds: the provider service `main()` registers is
 * wrapped on its way into gRPC, and gRPC's `addService` is put back right after.
 */
export async function serveWithWorkarounds(
  provider: import("@pulumi/pulumi/provider").Provider,
  handlers: ConfigHandlers,
  args: string[],
): Promise<void> {
  const why = unsupportedSdk(sdkVersion());
  if (why !== undefined) throw new Error(why);
  const grpc = fromSdk<{
    Server: { prototype: { addService(service: unknown, impl: ServiceImplementation): void } };
  }>("@grpc/grpc-js");
  const services = fromSdk<{ ResourceProviderService: unknown }>(
    "@pulumi/pulumi/proto/provider_grpc_pb",
  );
  const serverPrototype = grpc.Server.prototype;
  const addService = serverPrototype.addService;
  serverPrototype.addService = function (service, impl) {
    const implementation =
      service === services.ResourceProviderService ? withWorkarounds(impl, handlers) : impl;
    return addService.call(this, service, implementation);
  };
  try {
    const { main } = require("@pulumi/pulumi/provider") as typeof import("@pulumi/pulumi/provider");
    await main(provider, args);
  } finally {
    serverPrototype.addService = addService;
  }
}
