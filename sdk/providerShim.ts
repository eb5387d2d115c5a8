/**
 * The object Pulumi serializes into every resource's `__provider` (DESIGN.md
 * decision 1). It captures nothing but the resource type's name: each method
 * loads the installed implementation by package name when it runs, so the
 * serialized text is the same across package versions, holds no schema, client,
 * configuration or secret, and refresh/destroy always run the installed code.
 *
 * Keep this file free of imports that the methods use: anything a method refers
 * to would be serialized with it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export function providerShim(resourceType: string): dynamic.ResourceProvider {
  return {
    async configure(req) {
      require("pulumi-ops-management/provider").configure(req.config);
    },
    async check(olds, news) {
      return require("pulumi-ops-management/provider")
        .implementationOf(resourceType)
        .check(olds, news);
    },
    async diff(id, olds, news) {
      return require("pulumi-ops-management/provider")
        .implementationOf(resourceType)
        .diff(id, olds, news);
    },
    async create(inputs) {
      return require("pulumi-ops-management/provider")
        .implementationOf(resourceType)
        .create(inputs);
    },
    async read(id, props) {
      return require("pulumi-ops-management/provider")
        .implementationOf(resourceType)
        .read(id, props);
    },
    async update(id, olds, news) {
      return require("pulumi-ops-management/provider")
        .implementationOf(resourceType)
        .update(id, olds, news);
    },
    async delete(id, props) {
      return require("pulumi-ops-management/provider")
        .implementationOf(resourceType)
        .delete(id, props);
    },
  };
}
