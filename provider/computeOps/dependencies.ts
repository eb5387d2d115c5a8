/**
 * What a Compute Ops Management resource takes from outside: its client, its clock
 * and the registries it shares with the process. Tests pass their own.
 */
import type { CreateRegistry } from "../core/lifecycle";
import { systemClock, type WaitClock } from "../core/waitForState";
import type { GreenLakeClient } from "./client";
import { type ClientScope, processClients, type ResourceScope } from "./clientPool";
import type { JobTemplateCatalogs } from "./jobTemplateCatalog";

export interface ComputeOpsDependencies {
  /** The client for a resource's own `region`/`tenantAcid`, or the stack's. */
  clientFor: (inputs: ResourceScope, options?: ClientScope) => GreenLakeClient;
  /** How waits sleep, tell time and report progress. */
  clock: WaitClock;
  /** What creates share: claimed objects and create queues (default: the process's). */
  creates?: CreateRegistry;
  /** The job-template catalogue reads Jobs share (default: the process's). */
  jobTemplates?: JobTemplateCatalogs;
}

export const defaultComputeOpsDependencies: ComputeOpsDependencies = {
  clientFor: processClients.forResource,
  clock: systemClock,
};
