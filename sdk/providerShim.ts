/**
 * The object Pulumi serializes into every resource's `__provider` (docs/design.md#tiny-stable-serialized-provider). It captures nothing but the resource type's name: each method
 * loads the installed implementation by package name when it runs, so the
 * serialized text is the same across package versions, holds no schema, client,
 * configuration or secret, and refresh/destroy always run the installed code.
 *
 * Pulumi serializes each method with a wrapper of its own, so every method is a
 * one-line forward to `d`, which calls the provider's entry point of that name,
 * and the names are short on purpose: the text stays under 2 KB per resource. Job and
 * ServerPoolRequest need `update` although every change of the object replaces them:
 * a changed wait setting updates in place, and after a create that failed part-way
 * the engine calls update on the next `up`. ActivationKey never waits, so it has none.
 * Keep this file free of imports the methods use: anything a method refers to
 * would be serialized with it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

// Pulumi caches a provider's serialized text per provider object, so one shim per
// resource type means it is serialized once, not once per resource.
const shims = new Map<string, dynamic.ResourceProvider>();

export function providerShim(
  resourceType: string,
  options: { updatable: boolean },
): dynamic.ResourceProvider {
  let shim = shims.get(resourceType);
  if (!shim) {
    shim = newShim(resourceType, options.updatable);
    shims.set(resourceType, shim);
  }
  return shim;
}

function newShim(resourceType: string, updatable: boolean): dynamic.ResourceProvider {
  const t = resourceType;
  const d = (m: string, a: unknown[]) => require("pulumi-ops-management/provider")[m](t, a);
  const provider: dynamic.ResourceProvider = {
    configure: (...a) => d("configure", a),
    check: (...a) => d("check", a),
    diff: (...a) => d("diff", a),
    create: (...a) => d("create", a),
    read: (...a) => d("read", a),
    delete: (...a) => d("delete", a),
  };
  if (updatable) provider.update = (...a) => d("update", a);
  return provider;
}
