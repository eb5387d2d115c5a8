/**
 * What the server-pool request resource takes from outside: its client, its clock
 * and the create registry it shares with the process. Tests pass their own.
 */
import type { CreateRegistry } from "../core/lifecycle";
import { systemClock, type WaitClock } from "../core/waitForState";
import type { OpsManagerClient } from "./client";
import { processClients } from "./clientPool";

export interface OpsManagerDependencies {
  /** The client for a resource's group (its own `groupId`, or the stack's) and that group. */
  clientFor: (groupIdInput: unknown) => { client: OpsManagerClient; groupId: string };
  /** How waits sleep, tell time and report progress. */
  clock: WaitClock;
  /** What creates share: claimed objects and create queues (default: the process's). */
  creates?: CreateRegistry;
}

export const defaultOpsManagerDependencies: OpsManagerDependencies = {
  clientFor: processClients.forGroup,
  clock: systemClock,
};
