/**
 * What every SDK class is made of, from its resource type's definition (the one the
 * provider reads too): the shim with or without `update`, secret inputs wrapped,
 * secret outputs listed, an Output property for every recorded property, and
 * Pulumi's static `get`. Each class only names its type and its argument type.
 */
import * as pulumi from "@pulumi/pulumi";
import { resourceTypes, type ResourceTypeName } from "../provider/core/resourceTypes";
import { providerShim } from "./providerShim";

/** The program's options plus the type's secret outputs; the user's own list is kept. */
function withSecretOutputs(
  type: ResourceTypeName,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions | undefined {
  const secretOutputs: readonly string[] = resourceTypes[type].secretOutputs;
  if (secretOutputs.length === 0) return opts;
  return {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs],
  };
}

/**
 * What a program may pass for a value of type T: the value or an Output of it, at
 * every depth, as Pulumi's own generated SDKs type their arguments.
 */
export type InputOf<T> = pulumi.Input<InputsInside<T>>;

/** T with InputOf for each element or property; a union of literals stays one union. */
type InputsInside<T> = T extends readonly (infer E)[]
  ? InputOf<E>[]
  : T extends object
    ? { [K in keyof T]: InputOf<T[K]> }
    : T;

/**
 * A resource's arguments, from its provider schema's input type (`z.input`, so an
 * input with a default is optional): each property may be an Output.
 */
export type ArgsOf<Inputs> = { [K in keyof Inputs]: InputOf<Inputs[K]> };

/** A resource's Output properties, from its provider schema's output type. */
export type OutputsOf<State> = { readonly [K in keyof State]-?: pulumi.Output<State[K]> };

/**
 * The resource's arguments with a key for every property the stack records (Pulumi
 * gives a resource an Output property only for the keys its constructor passes),
 * and its secret inputs wrapped in `pulumi.secret()` from the start, so state never
 * holds them in plaintext whatever the program passed (docs/design.md#secrets-stay-secret).
 */
function resourceInputs(type: ResourceTypeName, args: object): pulumi.Inputs {
  const inputs: pulumi.Inputs = {
    ...Object.fromEntries(resourceTypes[type].outputs.map((key) => [key, undefined])),
    ...args,
  };
  for (const key of resourceTypes[type].secretInputs) {
    if (inputs[key] !== undefined) inputs[key] = pulumi.secret(inputs[key]);
  }
  return inputs;
}

/** The base of every resource class: one dynamic resource of one type of the package. */
export abstract class OpsManagementResource extends pulumi.dynamic.Resource {
  /**
   * Reads an existing object into the program by its id, without managing it
   * (Pulumi's `get`): nothing is created, changed or deleted, and `pulumi destroy`
   * leaves it alone. `state` may say where it lives (`region`, `tenantAcid`,
   * `groupId`); the outputs are what the API holds. The engine reads the object by id
   * with the same serialized provider the class always uses.
   */
  public static get<T, Args>(
    this: new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => T,
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: Partial<Args>,
    opts?: pulumi.CustomResourceOptions,
  ): T {
    return new this(name, (state ?? {}) as Args, { ...opts, id });
  }

  protected constructor(
    type: ResourceTypeName,
    name: string,
    args: object,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const definition = resourceTypes[type];
    super(
      providerShim(type, definition),
      name,
      resourceInputs(type, args),
      withSecretOutputs(type, opts),
      definition.module,
      type,
    );
  }
}
