/**
 * The contract every resource implementation fulfils. It lives below the
 * resources and the registry, so a resource never imports what loads it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export type { ResourceTypeName } from "./resourceTypes";

/** Every resource implementation has all six lifecycle methods. */
export type ResourceImplementation = Required<
  Pick<dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
>;
