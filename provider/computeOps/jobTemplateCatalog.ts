/**
 * The live job-template catalogue, `GET /compute-ops-mgmt/v1beta2/job-templates`
 * (docs/api-facts.md#job-templates). HPE's documentation has printed different ids
 * for the same template name over time, and a job started with a stale id fails or
 * runs another template, so a Job's template given by name is resolved here rather
 * than from the table in ./jobTemplates.ts.
 *
 * The list is read once per API client and process and kept (docs/design.md#rate-budget):
 * every Job's check, create and diff of a deployment, and every `getJobTemplate` of a
 * program, share one request. A failed read is kept too, so a preview without
 * credentials or network pays for it once and not once per job.
 */
import type { GreenLakeClient } from "./client";
import { closestNames, isTemplateUuid, jobTemplates, squash, templateFor } from "./jobTemplates";

export const catalogPath = "/compute-ops-mgmt/v1beta2/job-templates";

type Item = Record<string, unknown>;

/** What one read of the catalogue gave. */
export type CatalogRead =
  /** The templates the API lists. */
  | { listed: Item[] }
  /** 404 or 410: the API no longer serves the list (its description announces its removal). */
  | { gone: number }
  /** Any other failure: no credentials, no network, a refusal. */
  | { failed: unknown };

/** The catalogue reads of a process, one per API client; tests make their own. */
export class JobTemplateCatalogs {
  // Keyed by the client object: clients are one per distinct settings (GreenLakeClients),
  // so a tenant or region of its own gets its own list, and a forgotten client its list.
  private readonly reads = new WeakMap<GreenLakeClient, Promise<CatalogRead>>();
  private readonly settled = new WeakMap<GreenLakeClient, CatalogRead>();

  /** The catalogue as this client sees it, read on first use. */
  read(client: GreenLakeClient): Promise<CatalogRead> {
    let read = this.reads.get(client);
    if (read === undefined) {
      read = listCatalog(client).then((result) => {
        this.settled.set(client, result);
        return result;
      });
      this.reads.set(client, read);
    }
    return read;
  }

  /** What a finished read gave, without asking the API: diff compares synchronously. */
  alreadyRead(client: GreenLakeClient): CatalogRead | undefined {
    return this.settled.get(client);
  }
}

/** The process's catalogue reads. */
export const processJobTemplateCatalogs = new JobTemplateCatalogs();

async function listCatalog(client: GreenLakeClient): Promise<CatalogRead> {
  try {
    // No filter is declared for this list: one page of up to 1000 holds them all.
    return { listed: await client.list<Item>(catalogPath, { pageSize: 1000 }) };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 410) return { gone: status };
    return { failed: error };
  }
}

/** The catalogue's templates whose name matches, ignoring case, spaces and punctuation. */
export function catalogMatches(items: Item[], name: string): Item[] {
  return items.filter((t) => typeof t.name === "string" && squash(t.name) === squash(name));
}

/** How a template given by name or UUID resolved. */
export type Resolution =
  /** The id to send; `from` says who gave it. */
  | { id: string; from: "uuid" | "catalogue" | "table" }
  /** Nothing of that name; the closest names of the list that was asked. */
  | { unknown: string[]; from: "catalogue" | "table" }
  /** Several templates of the catalogue have that name, with these ids. */
  | { ambiguous: string[] }
  /** The catalogue could not be read: the name cannot be judged. */
  | { unreadable: unknown };

/**
 * The template id for a name or UUID. A UUID goes as written (a tenant's own templates
 * are in no table). A name is looked up in the catalogue; only where the API no
 * longer serves it (404, 410) does the spec's table answer.
 */
export async function resolveTemplate(
  catalogs: JobTemplateCatalogs,
  client: GreenLakeClient,
  nameOrId: string,
): Promise<Resolution> {
  if (isTemplateUuid(nameOrId)) return { id: nameOrId.toLowerCase(), from: "uuid" };
  const read = await catalogs.read(client);
  if ("failed" in read) return { unreadable: read.failed };
  if ("gone" in read) {
    const known = templateFor(nameOrId);
    if (known !== undefined) return { id: known.id, from: "table" };
    const names = jobTemplates.map((t) => t.name);
    return { unknown: closestNames(nameOrId, names), from: "table" };
  }
  const matches = catalogMatches(read.listed, nameOrId);
  const ids = [...new Set(matches.map((t) => String(t.id).toLowerCase()))];
  if (ids.length === 1) return { id: ids[0], from: "catalogue" };
  if (ids.length > 1) {
    // The exact spelling settles it when only one template has it.
    const exact = matches.filter((t) => t.name === nameOrId);
    if (exact.length === 1) return { id: String(exact[0].id).toLowerCase(), from: "catalogue" };
    return { ambiguous: ids };
  }
  const names = read.listed.flatMap((t) => (typeof t.name === "string" ? [t.name] : []));
  return { unknown: closestNames(nameOrId, names), from: "catalogue" };
}

/**
 * The ids a name or UUID may stand for without asking the API: the UUID itself, or
 * the name's id in the spec's table and in a catalogue this process has already
 * read. Diff compares templates through these.
 */
export function knownTemplateIds(nameOrId: string, read?: CatalogRead): Set<string> {
  if (isTemplateUuid(nameOrId)) return new Set([nameOrId.toLowerCase()]);
  const ids = new Set<string>();
  const known = templateFor(nameOrId);
  if (known !== undefined) ids.add(known.id);
  if (read !== undefined && "listed" in read) {
    for (const t of catalogMatches(read.listed, nameOrId)) ids.add(String(t.id).toLowerCase());
  }
  return ids;
}

/** `; the closest names are "A", "B", "C"`, or nothing when the list was empty. */
export function closestNamesText(names: string[]): string {
  if (names.length === 0) return "";
  return `; the closest ${names.length === 1 ? "name is" : "names are"} ${names.map((n) => `"${n}"`).join(", ")}`;
}

/**
 * Why a resolution gives no id, as the end of a sentence about `jobTemplate`, or
 * undefined when it gives one.
 */
export function unresolvedReason(resolution: Resolution): string | undefined {
  if ("id" in resolution) return undefined;
  if ("unknown" in resolution) {
    const where =
      resolution.from === "catalogue"
        ? `the job-template catalogue of Compute Ops Management (GET ${catalogPath})`
        : "the spec's job-template table (the API no longer lists job templates)";
    return `names no template in ${where}${closestNamesText(resolution.unknown)}. A template's UUID is also accepted`;
  }
  if ("ambiguous" in resolution) {
    return `names ${resolution.ambiguous.length} templates of the job-template catalogue (ids ${resolution.ambiguous.join(", ")}): give the template's UUID`;
  }
  const cause = resolution.unreadable instanceof Error ? resolution.unreadable.message : "";
  return `cannot be resolved: the job-template catalogue (GET ${catalogPath}) could not be read${cause ? ` (${cause})` : ""}; give the template's UUID instead`;
}
