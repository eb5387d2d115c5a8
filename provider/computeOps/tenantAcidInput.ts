/**
 * The `tenantAcid` input the Compute Ops Management resources share
 * (docs/api-facts.md#tenant-acid): taken by the types whose operations declare the
 * Tenant-Acid header, refused at check by the others.
 */
import { z } from "zod";

/** A `tenantAcid` input: the header is declared `format: uuid`. */
export const tenantAcidInput = z
  .string()
  .trim()
  .uuid("must be a UUID (the tenant's application customer id)")
  .optional();

/**
 * The `tenantAcid` input of a type whose operations do not declare Tenant-Acid:
 * kept so programs still compile, refused at check (docs/api-facts.md#tenant-acid).
 */
export function refusedTenantAcid(typeName: string) {
  return z
    .unknown()
    .optional()
    .refine((value) => value === undefined, {
      message: `${typeName} operations do not take Tenant-Acid; it applies to ExternalService and Job only`,
      // Any value is refused: nothing to quote.
      params: { keyNotValue: true },
    });
}
