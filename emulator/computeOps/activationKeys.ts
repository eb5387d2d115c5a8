/**
 * Activation keys (v1beta1): created with a random key string, listed, deleted by
 * that key string, and gone from the list once expired.
 */
import { randomInt } from "node:crypto";
import { badRequest, EmulatorRequest, Issue, json, notFound, Reply } from "../httpKit";
import { listReply, methodNotAllowed, newObject, Obj, readBody } from "./shared";

/** `store` is keyed by the key string, which DELETE addresses. */
export function activationKeys(req: EmulatorRequest, store: Map<string, Obj>, key?: string): Reply {
  if (key === undefined) {
    if (req.method === "GET") return listReply(req, [...store.values()], 1000);
    if (req.method !== "POST") return methodNotAllowed();
    const bodyParsed = readBody(req);
    if ("reply" in bodyParsed) return bodyParsed.reply;
    const body = bodyParsed.value;
    const issues = activationKeyIssues(body);
    if (issues.length > 0) return badRequest(issues);
    const hours = (body.expirationInHours as number | undefined) ?? 72;
    const activationKey = newActivationKey();
    const applianceName = body.applianceUri ? "secure-gateway-1" : "";
    // activationKeysResponse-v1beta1: the request's location, contact and tags come
    // back inside `details`, and the answer has no resourceUri (docs/api-facts.md#activation-keys).
    const { resourceUri: _uri, ...created } = newObject(
      "compute-ops-mgmt/activation-key",
      "/v1beta1/activation-keys",
      {
        activationKey,
        targetDevice: body.targetDevice,
        expiresAt: new Date(Date.now() + hours * 3600_000).toISOString(),
        subscriptionKey: body.subscriptionKey ?? "",
        applianceUri: body.applianceUri ?? "",
        applianceName,
        details: {
          applianceName,
          ...(body.locationId !== undefined ? { locationId: body.locationId } : {}),
          ...(body.serviceDeliveryContact !== undefined
            ? { serviceDeliveryContact: body.serviceDeliveryContact }
            : {}),
          tags: body.tags ?? [],
        },
      },
    );
    store.set(activationKey, created);
    return json(201, created);
  }
  if (req.method === "DELETE") {
    if (!store.delete(key)) return notFound(`Activation key ${key}`);
    return { status: 204 };
  }
  // No GET by id and no PATCH (docs/api-facts.md#activation-keys).
  return methodNotAllowed();
}

/** Removes every key whose expiry has passed from each store. */
export function dropExpiredKeys(stores: Iterable<Map<string, Obj>>): void {
  const now = Date.now();
  for (const store of stores) {
    for (const [key, value] of store) {
      if (Date.parse(value.expiresAt as string) <= now) store.delete(key);
    }
  }
}

/** Makes the key expire now, wherever it is; false when no store holds it. */
export function expireKey(stores: Iterable<Map<string, Obj>>, key: string): boolean {
  for (const store of stores) {
    const found = store.get(key);
    if (found) {
      found.expiresAt = new Date(Date.now() - 1000).toISOString();
      return true;
    }
  }
  return false;
}

/**
 * HPE's page (docs/api-facts.md#activation-keys) shows the key only as "string"; COM's console hands out short
 * uppercase alphanumeric keys, so the emulator makes 9 of those characters.
 * Keys are credentials: they come from the CSPRNG, never from a counter.
 */
function newActivationKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let key = "";
  for (let i = 0; i < 9; i++) key += alphabet[randomInt(alphabet.length)];
  return key;
}

/**
 * docs/api-facts.md#activation-keys: targetDevice is required; expirationInHours is 0.5..168. applianceUri
 * is "required for onboarding a server for management through a secure gateway",
 * that is for an ILO key routed through a gateway, which the API cannot tell from a
 * direct ILO key, and never for a SECURE_GATEWAY key (the gateway itself): so it
 * stays optional here, as in the spec's schema.
 */
function activationKeyIssues(body: Obj): Issue[] {
  const issues: Issue[] = [];
  if (!["ILO", "SECURE_GATEWAY"].includes(body.targetDevice as string)) {
    issues.push({ subject: "targetDevice", description: "must be ILO or SECURE_GATEWAY" });
  }
  const hours = body.expirationInHours;
  if (hours !== undefined && (typeof hours !== "number" || hours < 0.5 || hours > 168)) {
    issues.push({ subject: "expirationInHours", description: "must be between 0.5 and 168" });
  }
  if (body.tags !== undefined && !Array.isArray(body.tags)) {
    issues.push({ subject: "tags", description: "must be an array of {name, value}" });
  }
  return issues;
}
