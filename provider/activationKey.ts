/**
 * ActivationKey: `/compute-ops-mgmt/v1beta1/activation-keys` (seed 002). A key
 * onboards iLOs or a secure gateway. There is no GET by id and no PATCH: a key
 * is read through the list filtered on the key string, deleted by the key
 * string, and every change of input makes a new key.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ApiError } from "./apiError";
import { clientFor, createOnce } from "./computeOpsResource";
import { computeOpsRegions } from "./configuration";
import { changedFields, pick } from "./declaredState";
import { odataString } from "./greenLakeClient";
import type { ResourceImplementation } from "./index";
import { checkFailuresFrom, definedOnly, providerKey } from "./pulumiResults";
import { registerSecret } from "./redaction";

const collectionPath = "/compute-ops-mgmt/v1beta1/activation-keys";
const keyPath = (key: string) => `${collectionPath}/${encodeURIComponent(key)}`;

/**
 * A tag sent with every create so that, after a POST whose answer was lost, the
 * key it made can be told apart from others: keys have no name to look up by.
 */
const createTokenTag = "pulumi-create-token";

export const activationKeyInputs = z
  .object({
    targetDevice: z.enum(["ILO", "SECURE_GATEWAY"]),
    expirationInHours: z
      .number()
      .min(0.5, "must be between 0.5 and 168 hours")
      .max(168, "must be between 0.5 and 168 hours")
      .default(72),
    subscriptionKey: z.string().min(1).optional(),
    applianceUri: z.string().min(1).optional(),
    locationId: z.string().min(1).optional(),
    serviceDeliveryContact: z.string().min(1).optional(),
    tags: z.array(z.object({ name: z.string().min(1), value: z.string() }).strict()).optional(),
    renewBeforeHours: z.number().positive("must be more than 0").optional(),
    region: z.enum(computeOpsRegions).optional(),
    tenantAcid: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.renewBeforeHours !== undefined && k.renewBeforeHours >= k.expirationInHours) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["renewBeforeHours"],
        message: `must be less than expirationInHours (${k.expirationInHours})`,
      });
    }
    if (k.tags?.some((t) => t.name === createTokenTag)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["tags"],
        message: `the tag name "${createTokenTag}" is reserved by the provider`,
      });
    }
  });
export type ActivationKeyInputs = z.infer<typeof activationKeyInputs>;

interface ActivationKeyResponse {
  id: string;
  activationKey: string;
  expiresAt: string;
  targetDevice?: string;
  subscriptionKey?: string;
  applianceUri?: string;
  applianceName?: string;
  tags?: { name: string; value: string }[];
  generation?: number;
  createdAt?: string;
  updatedAt?: string;
  resourceUri?: string;
}

const apiFields = [
  "targetDevice",
  "expirationInHours",
  "subscriptionKey",
  "applianceUri",
  "locationId",
  "serviceDeliveryContact",
  "tags",
] as const;
const inputFields = [...apiFields, "renewBeforeHours", "region", "tenantAcid"] as const;
/** No PATCH exists: every input is immutable. */
export const immutableFields = inputFields;
/** A credential: the SDK lists it in additionalSecretOutputs. */
export const secretFields = ["activationKey"];
const readOnlyFields = [
  "activationKey",
  "expiresAt",
  "applianceName",
  "generation",
  "createdAt",
  "updatedAt",
  "resourceUri",
] as const;

function outputsFrom(declared: Record<string, unknown>, live: ActivationKeyResponse) {
  registerSecret(live.activationKey);
  // Declared inputs stay as declared: an undeclared subscriptionKey filled in by the
  // API would otherwise look like an input the program dropped, and replace the key.
  return definedOnly({
    ...pick(declared, inputFields),
    ...pick(live as unknown as Record<string, unknown>, readOnlyFields),
  });
}

/** True when the key expires within `renewBeforeHours` from now. */
export function dueForRenewal(
  props: Record<string, unknown>,
  renewBeforeHours: unknown,
  now = Date.now(),
): boolean {
  if (typeof renewBeforeHours !== "number" || typeof props.expiresAt !== "string") return false;
  return now >= Date.parse(props.expiresAt) - renewBeforeHours * 3600_000;
}

export const activationKey: ResourceImplementation = {
  async check(_olds, news) {
    const { [providerKey]: provider, ...rest } = news;
    const result = activationKeyInputs.safeParse(rest);
    if (!result.success) return { inputs: news, failures: checkFailuresFrom(result.error) };
    return { inputs: { ...result.data, [providerKey]: provider } };
  },

  async diff(_id, olds, news) {
    const replaces = changedFields(olds, news, inputFields);
    // A key about to expire is replaced, the new one made before the old is deleted,
    // so a scheduled pipeline always holds a valid key.
    if (dueForRenewal(olds, news.renewBeforeHours)) replaces.push("expiresAt");
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(news) {
    const { [providerKey]: _provider, ...rest } = news;
    const inputs = activationKeyInputs.parse(rest);
    const client = clientFor(inputs);
    const createToken = randomUUID();
    const body = definedOnly({
      ...pick(inputs as Record<string, unknown>, apiFields),
      tags: [...(inputs.tags ?? []), { name: createTokenTag, value: createToken }],
    });
    const created = await createOnce(
      () => client.post<ActivationKeyResponse>(collectionPath, body),
      async () =>
        (
          await client.list<ActivationKeyResponse>(collectionPath, {
            filter: `targetDevice eq ${odataString(inputs.targetDevice)}`,
          })
        ).find((k) => k.tags?.some((t) => t.name === createTokenTag && t.value === createToken)),
    );
    return { id: created.id, outs: outputsFrom(inputs, created) };
  },

  async read(id, props) {
    const declared = (props ?? {}) as Record<string, unknown>;
    const key = declared.activationKey;
    if (typeof key !== "string") return { id: "" };
    // No GET by id (seed 002): the list, filtered on the key. Expired keys leave the list.
    const [live] = await clientFor(declared).list<ActivationKeyResponse>(collectionPath, {
      filter: `activationKey eq ${odataString(key)}`,
    });
    if (live === undefined || Date.parse(live.expiresAt) <= Date.now()) return { id: "" };
    const inputs = definedOnly(pick(declared, inputFields));
    return { id, props: outputsFrom(inputs, live), inputs };
  },

  async update() {
    throw new Error("ActivationKey cannot be updated in place: every change makes a new key");
  },

  async delete(_id, props) {
    const key = props.activationKey;
    if (typeof key !== "string") return;
    try {
      await clientFor(props).delete(keyPath(key));
    } catch (error) {
      // Deleted or expired already.
      if (!ApiError.isNotFound(error)) throw error;
    }
  },
};
