/**
 * The job-template table (docs/api-facts.md#job-templates): the names people use, the template ids the
 * API wants (`jobTemplate` in a job's POST body), and the kind of resource each
 * runs on (the table's "Resource Type", `compute-ops/<kind>`).
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
    id: "139cc26b-ac93-4da0-826c-220d15e3a422",
    resourceKind: "server",
  },
  {
    name: "Appliance Software Update",
    id: "1c4ac4be-8eeb-49f2-a86a-fd8c9182616c",
    resourceKind: "oneview-appliance",
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
    name: "Group Internal Storage Configuration",
    id: "c708eb57-235d-4ea8-9e21-8ceea2438773",
    resourceKind: "group",
  },
  {
    name: "Group Apply Server Setting",
    id: "beff07ce-f36d-4699-9ac3-f872dcd63133",
    resourceKind: "group",
  },
  {
    name: "Group Apply External Storage Settings",
    id: "1262f08e-79eb-4e9f-91d2-6984da9d31cd",
    resourceKind: "group",
  },
  {
    name: "Group External Storage Compliance",
    id: "977139e0-f9d9-4940-9418-e0c321b5a458",
    resourceKind: "group",
  },
  {
    name: "Carbon Footprint Report",
    id: "b0001d36-6490-48ac-93af-a87adfb997ed",
    resourceKind: "filter",
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
];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Names compare ignoring case, spaces and punctuation: "GroupFirmwareUpdate" is "Group Firmware Update". */
export const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The table's entry for a template UUID or name, if the table has it. */
export function templateFor(nameOrId: string): JobTemplate | undefined {
  const id = nameOrId.toLowerCase();
  return jobTemplates.find((t) => t.id === id || squash(t.name) === squash(nameOrId));
}

/**
 * The template id for a name from the table, or for any UUID: templates the table
 * does not list (newer ones, a tenant's own) are passed through by UUID.
 */
export function templateIdFor(nameOrId: string): string | undefined {
  if (uuidPattern.test(nameOrId)) return nameOrId.toLowerCase();
  return templateFor(nameOrId)?.id;
}

/** The table's name for a template UUID or name, for messages. */
export function templateNameFor(nameOrId: string): string | undefined {
  return templateFor(nameOrId)?.name;
}
