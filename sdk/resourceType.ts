/**
 * What each SDK class takes from its resource type's definition, the one the
 * provider reads too: whether its shim has `update`, and its secret outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { resourceTypes, type ResourceTypeName } from "../provider/core/resourceTypes";

export { resourceTypes };

/** The program's options plus the type's secret outputs; the user's own list is kept. */
export function withSecretOutputs(
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
 * The resource's arguments with a key for every property the stack records: Pulumi
 * gives a resource an Output property only for the keys its constructor passes.
 */
export function withOutputSlots(type: ResourceTypeName, args: object): pulumi.Inputs {
  const slots = Object.fromEntries(resourceTypes[type].outputs.map((key) => [key, undefined]));
  return { ...slots, ...args };
}
