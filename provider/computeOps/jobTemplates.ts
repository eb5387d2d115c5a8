/**
 * The job-template table of the official spec (docs/api-facts.md#job-templates): the
 * names people use, the template ids the API wants (`jobTemplate` in a job's POST
 * body), and the kind of resource each runs on (the table's "Resource Type",
 * `compute-ops/<kind>`). The ids have changed between editions of HPE's docs, so a
 * Job resolves a name through the live catalogue (./jobTemplateCatalog.ts); this
 * table is its fallback only where the API no longer serves the catalogue, and
 * the source of each template's resource kind, which the catalogue does not give.
 */
export interface JobTemplate {
  name: string;
  id: string;
  /** The part after "compute-ops/" or "compute-ops-mgmt/" in a resourceType. */
  resourceKind: string;
}

export const jobTemplates: readonly JobTemplate[] = [
  { name: "Server Power Off", id: "d0c13b58-748c-461f-9a61-c0c5c71f1bb4", resourceKind: "server" },
  { name: "Server Power On", id: "0cbb2377-1834-488d-840c-d5bf788c34fb", resourceKind: "server" },
  { name: "Server Restart", id: "30110551-cad6-4069-95b8-dbce9bbd8525", resourceKind: "server" },
  { name: "Server Cold Boot", id: "aacfb3e0-6575-4d4f-a711-1ee1ae768407", resourceKind: "server" },
  {
    name: "Server Firmware Update",
    id: "fd54a96c-cabc-42e3-aee3-374a2d009dba",
    resourceKind: "server",
  },
  {
    name: "Server iLO Firmware Update",
    id: "94caa4ef-9ff8-4805-9e97-18a09e673b66",
    resourceKind: "server",
  },
  {
    name: "Server External Storage Details",
    id: "9310319e-7b7f-41ba-8b24-8b34eed1ca62",
    resourceKind: "server",
  },
  {
    name: "Server Firmware Download",
    id: "0683ada8-1a89-49dd-bf04-6df715b708a6",
    resourceKind: "server",
  },
  {
    name: "Server Set UID Indicator On",
    id: "a46b210a-b0c7-4223-ab43-c4c1e77e680c",
    resourceKind: "server",
  },
  {
    name: "Server Set UID Indicator Off",
    id: "fd837434-a2f2-4bc8-b1b4-ec068bd036aa",
    resourceKind: "server",
  },
  {
    name: "Server Enable Maintenance Mode",
    id: "4eb92af1-1ce4-4cb0-8581-fb5a7dcdbf2b",
    resourceKind: "server",
  },
  {
    name: "Server Disable Maintenance Mode",
    id: "2798720f-b090-427d-b210-e48d33ce2f27",
    resourceKind: "server",
  },
  {
    name: "Appliance Software Update",
    id: "1c4ac4be-8eeb-49f2-a86a-fd8c9182616c",
    resourceKind: "oneview-appliance",
  },
  {
    name: "Synchronize firmware baseline",
    id: "0fe73adb-9d52-4f00-9540-6ec82f265d82",
    resourceKind: "external-service",
  },
  {
    name: "Remove vCenter",
    id: "3f06fd6b-dfb1-4bad-bd04-939951797e97",
    resourceKind: "external-service",
  },
  {
    name: "Group Firmware Update",
    id: "91159b5e-9eeb-11ec-a9da-00155dc0a0c0",
    resourceKind: "group",
  },
  {
    name: "Group Firmware Compliance",
    id: "23b8ba2a-6c46-4223-b028-919382c7dcac",
    resourceKind: "group",
  },
  {
    name: "Group Appliance Update",
    id: "f69f553a-5004-4a08-9283-5b60abd9eb4a",
    resourceKind: "group",
  },
  {
    name: "Group Apply Internal Storage Settings",
    id: "54095626-3911-4fea-9741-816e2531994e",
    resourceKind: "group",
  },
  {
    name: "Group Apply Server Setting",
    id: "beff07ce-f36d-4699-9ac3-f872dcd63133",
    resourceKind: "group",
  },
  {
    name: "Group Apply External Storage Settings",
    id: "fcb79270-5954-42e9-9374-6a065b6d494a",
    resourceKind: "group",
  },
  {
    name: "Group External Storage Compliance",
    id: "7177aa6a-e8f8-4e9b-ae31-e01dafcc81df",
    resourceKind: "group",
  },
  {
    name: "Group Firmware Download",
    id: "a17a7aa9-4540-4c21-bbf2-31af4ff65e98",
    resourceKind: "group",
  },
  {
    name: "Collect Server Inventory",
    id: "d6595f1b-84e6-4587-ade5-656e2a5ea20d",
    resourceKind: "server",
  },
  {
    name: "Collect Server Network Connectivity",
    id: "b21ca9e2-8a1b-11ee-b9d1-0242ac120002",
    resourceKind: "server",
  },
  {
    name: "Group Operating System Installation",
    id: "e2952628-2629-4088-93db-91742304ef0c",
    resourceKind: "group",
  },
  {
    name: "Collect Server log",
    id: "2d744494-22d4-4d61-8c65-647ccadeb6b6",
    resourceKind: "server",
  },
];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A template given by UUID goes to the API as it is: no catalogue or table is asked. */
export function isTemplateUuid(nameOrId: string): boolean {
  return uuidPattern.test(nameOrId);
}

/** Names compare ignoring case, spaces and punctuation: "GroupFirmwareUpdate" is "Group Firmware Update". */
export const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The table's entry for a template UUID or name, if the table has it. */
export function templateFor(nameOrId: string): JobTemplate | undefined {
  const id = nameOrId.toLowerCase();
  return jobTemplates.find((t) => t.id === id || squash(t.name) === squash(nameOrId));
}

/** Levenshtein distance: how many single-character edits turn one string into the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The names nearest to a name that matched none, for an error that helps: compared
 * as names are matched (case, spaces and punctuation ignored), nearest first.
 */
export function closestNames(name: string, names: readonly string[], count = 3): string[] {
  const wanted = squash(name);
  return [...new Set(names)]
    .map((candidate) => ({ candidate, distance: editDistance(wanted, squash(candidate)) }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}
