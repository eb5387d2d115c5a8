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

/** An object found through the API that a create whose answer never arrived may have made. */
export interface RecoveryCandidate {
  id: string;
  createdAt?: string;
  /** What read and delete need besides the inputs (an activation key's string). */
  props?: Record<string, unknown>;
}

/** How `recover` finds what a killed run created (docs/design.md#recovering-a-killed-run). */
export interface Recovery {
  /** The objects that carry every declared input (checked inputs), oldest first. */
  candidates(inputs: Record<string, unknown>): Promise<RecoveryCandidate[]>;
}

/** Candidates in creation order, for pairing identical declarations with objects. */
export function byCreation(candidates: RecoveryCandidate[]): RecoveryCandidate[] {
  return [...candidates].sort((a, b) => (a.createdAt ?? "").localeCompare(b.createdAt ?? ""));
}
