/**
 * What the Compute Ops Management handlers share: the path prefix, the common
 * fields of every object, paged and filtered lists, body parsing and the
 * generation bump on update.
 */
import { randomUUID } from "node:crypto";
import {
  badRequest,
  comError,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  parseJsonBody,
  Reply,
} from "../httpKit";
import { FilterSyntaxError, matchesFilter, parseFilter } from "../odataFilter";

export type Obj = Record<string, unknown>;

export const prefix = "/compute-ops-mgmt";

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The spec's `name` of groups and settings: a string of 1 to 100 characters. */
export function nameIssues(object: Obj): Issue[] {
  const { name } = object;
  return typeof name !== "string" || name.length < 1 || name.length > 100
    ? [{ subject: "name", description: "must be 1 to 100 characters" }]
    : [];
}

/** The spec's optional `description` of groups and settings: null, or at most 10000 characters. */
export function descriptionIssues(object: Obj): Issue[] {
  const { description } = object;
  return description !== undefined &&
    description !== null &&
    (typeof description !== "string" || description.length > 10000)
    ? [{ subject: "description", description: "must be at most 10000 characters" }]
    : [];
}

export function methodNotAllowed(): Reply {
  return comError(405, "HPE_GL_ERROR_METHOD_NOT_ALLOWED", "Method not allowed");
}

/**
 * `{count, offset, total, items}` with the spec's `offset`, `limit` (integer in
 * 0..maxLimit) and `filter`; anything out of range or unparsable answers 400.
 */
export function listReply(
  req: EmulatorRequest,
  all: Obj[],
  maxLimit: number,
  defaultLimit = maxLimit,
  filterView: (o: Obj) => Obj = (o) => o,
  refusal = 400,
): Reply {
  const source = "query.parameter" as const;
  const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
  const limit = req.query.limit === undefined ? defaultLimit : Number(req.query.limit);
  if (req.query.offset === "" || !Number.isInteger(offset) || offset < 0) {
    return badRequest(
      [{ source, subject: "offset", description: "must be a non-negative integer" }],
      refusal,
    );
  }
  if (req.query.limit === "" || !Number.isInteger(limit) || limit < 0 || limit > maxLimit) {
    return badRequest(
      [{ source, subject: "limit", description: `must be an integer from 0 to ${maxLimit}` }],
      refusal,
    );
  }
  let items = all;
  if (req.query.filter !== undefined) {
    try {
      const expr = parseFilter(req.query.filter);
      items = all.filter((o) => matchesFilter(expr, filterView(o)));
    } catch (error) {
      if (error instanceof FilterSyntaxError) {
        return badRequest([{ source, subject: "filter", description: error.message }], refusal);
      }
      throw error;
    }
  }
  const page = items.slice(offset, offset + limit);
  return json(200, { count: page.length, offset, total: items.length, items: page });
}

/** A new object with the common fields: id, type, generation 1, timestamps, resourceUri. */
export function newObject(type: string, uriPath: string, fields: Obj, id = randomUUID()): Obj {
  const now = new Date().toISOString();
  return {
    id,
    type,
    ...fields,
    generation: 1,
    createdAt: now,
    updatedAt: now,
    resourceUri: `${prefix}${uriPath}/${id}`,
  };
}

/** The JSON object in the body, or the 400 to answer when there is none. */
export function readBody(req: EmulatorRequest): { value: Obj } | { reply: Reply } {
  const parsed = parseJsonBody(req);
  if (!parsed.ok || !isObject(parsed.value)) {
    return { reply: badRequest([{ subject: "body", description: "must be a JSON object" }]) };
  }
  return { value: parsed.value };
}

/** The updated object with the next generation and a new updatedAt. */
export function bump(updated: Obj, previous: Obj): Obj {
  return {
    ...updated,
    generation: (previous.generation as number) + 1,
    updatedAt: new Date().toISOString(),
  };
}
