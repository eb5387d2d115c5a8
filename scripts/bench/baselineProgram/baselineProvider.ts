/**
 * The benchmark's baseline: the smallest dynamic provider a person would write by
 * hand for an approval policy. Bare axios, a static bearer token from stack
 * config, no validation, no retries, no drift normalisation; it makes the same
 * HTTP calls as the real provider (POST, GET, PATCH, DELETE on
 * /compute-ops-mgmt/v1beta2/approval-policies), so the difference between the two
 * is the cost of what the real provider adds.
 *
 * Pulumi serializes `baselineProvider` with everything it refers to into every
 * resource's state, so it is kept small: axios is required where it is used rather
 * than captured. One object serves every resource, so `dynamic.Resource`
 * serializes it once per program and reuses the text.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

const fields = ["name", "description", "policyData"];

/** Set by `configure` from the stack's `bench:endpoint` and `bench:token`. */
const connection = { endpoint: "", token: "" };

/** One API call with bare axios. A 404 on GET or DELETE is answered, not thrown: it means gone. */
const call = async (method: string, id: string, data?: unknown) => {
  const response = await require("axios").request({
    method,
    url: `${connection.endpoint}/compute-ops-mgmt/v1beta2/approval-policies${id && `/${id}`}`,
    data,
    headers: {
      Authorization: `Bearer ${connection.token}`,
      Accept: "application/json",
      "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json",
    },
    validateStatus: (status: number) =>
      status < 300 || (status === 404 && (method === "GET" || method === "DELETE")),
  });
  return response as { status: number; data: Record<string, unknown> };
};

/** The declared fields (when `live`: as the API holds them) plus the API's read-only fields. */
const shape = (declared: Record<string, unknown>, live: Record<string, unknown>) => {
  const { id: _id, type: _type, ...rest } = live;
  for (const field of fields) rest[field] = declared[field];
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};

/** Equal as JSON with object keys sorted: the API answers fields in an order of its own. */
const same = (a: unknown, b: unknown) => {
  const sorted = (_key: string, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v;
  return JSON.stringify(a, sorted) === JSON.stringify(b, sorted);
};

export const baselineProvider: dynamic.ResourceProvider = {
  configure: async (req: dynamic.ConfigureRequest) => {
    connection.endpoint = String(req.config.get("bench:endpoint") ?? "");
    connection.token = String(req.config.get("bench:token") ?? "");
  },
  check: async (_olds: Record<string, unknown>, news: Record<string, unknown>) => ({
    inputs: news,
  }),
  diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => ({
    changes: fields.some((f) => !same(olds[f], news[f])),
  }),
  create: async (inputs: Record<string, unknown>) => {
    const { data } = await call("POST", "", shape(inputs, {}));
    return { id: String(data.id), outs: shape(inputs, data) };
  },
  read: async (id: string, props?: Record<string, unknown>) => {
    const { status, data } = await call("GET", id);
    if (status === 404) return { id: "" };
    const inputs = shape(
      props?.description === undefined ? { ...data, description: undefined } : data,
      {},
    );
    return { id, props: shape(inputs, data), inputs };
  },
  update: async (id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => {
    const patch = Object.fromEntries(
      fields.filter((f) => !same(olds[f], news[f])).map((f) => [f, news[f] ?? null]),
    );
    const { data } = await call("PATCH", id, patch);
    return { outs: shape(news, data) };
  },
  delete: async (id: string) => {
    await call("DELETE", id);
  },
};

/** The baseline's resource: the same outputs as computeOps.ApprovalPolicy. */
export class BaselineApprovalPolicy extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>) {
    super(
      baselineProvider,
      name,
      {
        ...args,
        state: undefined,
        remarks: undefined,
        generation: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        resourceUri: undefined,
      },
      undefined,
      "bench",
      "ApprovalPolicy",
    );
  }
}
