/**
 * What every tenant already has and the provider only reads: servers (ids with a
 * `+`, docs/api-facts.md#percent-encoding), firmware bundles and job templates.
 * Seeded per tenant; none of it counts as an object a stack made. (Settings are a
 * collection of their own, seeded too: settings.ts.)
 */
import { badRequest, EmulatorRequest, json, notFound, Reply } from "../httpKit";
import { jobTemplates } from "./jobs";
import { listReply, methodNotAllowed, Obj, prefix } from "./shared";

export interface Catalog {
  servers: Map<string, Obj>;
  firmwareBundles: Obj[];
  jobTemplates: Obj[];
}

const seededAt = "2025-01-06T09:00:00.000Z";

export function server(
  productId: string,
  serial: string,
  name: string,
  hostname: string | null,
): Obj {
  const id = `${productId}+${serial}`;
  return {
    id,
    type: "compute-ops-mgmt/server",
    name,
    generation: 1,
    createdAt: seededAt,
    updatedAt: seededAt,
    resourceUri: `${prefix}/v1/servers/${id}`,
    hardware: { serialNumber: serial, productId, model: "ProLiant DL360 Gen10 Plus" },
    host: { hostname },
    state: { connected: true, managed: true, subscriptionState: "SUBSCRIBED" },
  };
}

function bundle(id: string, generation: 10 | 11, releaseVersion: string, date: string): Obj {
  return {
    id,
    type: "compute-ops-mgmt/firmware-bundle",
    name: `Gen${generation} Service Pack for ProLiant`,
    releaseVersion,
    displayName: `SPP ${releaseVersion} (${date})`,
    bundleGeneration: `BUNDLE_GEN_${generation}`,
    bundleType: "BASE",
    isActive: true,
    platformFamily: "PROLIANT",
    generation: 1,
    createdAt: seededAt,
    updatedAt: seededAt,
    resourceUri: `${prefix}/v1/firmware-bundles/${id}`,
  };
}

/** A job template as `/v1beta2/job-templates` lists it (jobTemplate-v1beta2). */
export function jobTemplate(id: string, name: string, resourceType?: string): Obj {
  return {
    id,
    type: "compute-ops-mgmt/job-template",
    name,
    description: resourceType ? `${name} (applies to a ${resourceType})` : name,
    generation: 1,
    createdAt: seededAt,
    updatedAt: seededAt,
    resourceUri: `${prefix}/v1beta2/job-templates/${id}`,
  };
}

/**
 * The catalogue with this template in it: it takes the place of the template of
 * the same name (a template whose id changed), or is added.
 */
export function withJobTemplate(templates: Obj[], template: Obj): Obj[] {
  const kept = templates.filter((t) => t.name !== template.name && t.id !== template.id);
  return [...kept, template];
}

/** A fresh tenant's catalog. */
export function seedCatalog(): Catalog {
  const servers = [
    server("P06760-B21", "2M212504P8", "web-01", "web-01.example.com"),
    server("P06760-B21", "2M212504P9", "web-02", "web-02.example.com"),
    server("P43990-121", "SYN1002J11", "db-01", null),
    server("875765-S01", "1M512501AB", "batch-01", "batch-01.example.com"),
  ];
  return {
    servers: new Map(servers.map((s) => [s.id as string, s])),
    // Two Gen10 bundles and a Gen11 one sharing a release version: names and
    // release versions alone are not unique (docs/api-facts.md#lookups).
    firmwareBundles: [
      bundle("275a59f78916400a761e4bf8c6958934", 10, "2023.09.00.00", "12 Sep 2023"),
      bundle("8f1c2a7e5d3b4c6a9e0f1a2b3c4d5e6f", 10, "2024.04.00.00", "16 Apr 2024"),
      bundle("0a1b2c3d4e5f60718293a4b5c6d7e8f9", 11, "2024.04.00.00", "16 Apr 2024"),
    ],
    jobTemplates: Object.entries(jobTemplates).map(([id, t]) =>
      jobTemplate(id, t.name, t.resourceType),
    ),
  };
}

/** 400 for a query parameter the operation does not declare. */
function undeclaredQuery(req: EmulatorRequest, declared: string[]): Reply | undefined {
  const extra = Object.keys(req.query).filter((k) => !declared.includes(k));
  if (extra.length === 0) return undefined;
  return badRequest(
    extra.map((subject) => ({
      source: "query.parameter" as const,
      subject,
      description: "is not a parameter of this operation",
    })),
  );
}

/** GET /v1/servers (limit 0..100) and /v1/servers/{id}. */
export function servers(req: EmulatorRequest, catalog: Catalog, id?: string): Reply {
  if (req.method !== "GET") return methodNotAllowed();
  if (id === undefined) {
    const refused = undeclaredQuery(req, ["offset", "limit", "filter", "select"]);
    return refused ?? listReply(req, [...catalog.servers.values()], 100, 100);
  }
  const found = catalog.servers.get(id);
  return found ? json(200, found) : notFound(`Server ${id}`);
}

/** GET /v1/firmware-bundles: offset and limit (default 10, max 1000), no filter. */
export function firmwareBundles(req: EmulatorRequest, catalog: Catalog): Reply {
  if (req.method !== "GET") return methodNotAllowed();
  const refused = undeclaredQuery(req, ["offset", "limit"]);
  return refused ?? listReply(req, catalog.firmwareBundles, 1000, 10);
}

/** GET /v1beta2/job-templates: offset and limit (0..1000), no filter. */
export function jobTemplateList(req: EmulatorRequest, catalog: Catalog): Reply {
  if (req.method !== "GET") return methodNotAllowed();
  const refused = undeclaredQuery(req, ["offset", "limit"]);
  return refused ?? listReply(req, catalog.jobTemplates, 1000);
}
