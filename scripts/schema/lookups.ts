/**
 * The lookups, for the package schema's functions: each one's arguments and result
 * are its zod schemas in provider/computeOps/lookups.ts, the ones that check a
 * program's arguments and type the SDK's functions.
 */
import type { AnyZodObject } from "zod";
import { lookupSchemas } from "../../provider/computeOps/lookups";

export interface LookupDefinition {
  /** The SDK function's name (`getGroup`); `getGroupOutput` is its Output form. */
  readonly name: string;
  /** Every lookup is Compute Ops Management's. */
  readonly module: "compute-ops";
  readonly description: string;
  readonly args: AnyZodObject;
  readonly result: AnyZodObject;
}

export const lookupDefinitions: readonly LookupDefinition[] = Object.entries(lookupSchemas).map(
  ([name, schemas]) => ({
    name,
    module: "compute-ops",
    description: schemas.description,
    args: schemas.args,
    result: schemas.result,
  }),
);
