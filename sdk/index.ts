/**
 * What Pulumi programs import:
 *
 *   import { computeOps, opsManager } from "pulumi-ops-management";
 */
export * as computeOps from "./computeOps";
export * as opsManager from "./opsManager";
