/** MongoDB Ops Manager resources (Pulumi module `ops-manager`). */
export { ServerPoolRequest } from "./serverPoolRequest";
export type { ServerPoolRequestArgs } from "./serverPoolRequest";
