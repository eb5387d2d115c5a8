/**
 * The emulator's admin endpoints the benchmark reads: request and token counts,
 * the request log (to count injected 429s), and fault rules. Admin calls are
 * neither delayed nor counted by the emulator.
 */
import axios from "axios";
import type { RunningEmulator } from "../../emulator";

export interface EmulatorStats {
  tokenRequests: number;
  digestChallenges: number;
  requests: { total: number; byRoute: Record<string, number> };
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number | "dropped";
}

export async function emulatorStats(emulator: RunningEmulator): Promise<EmulatorStats> {
  return (await axios.get<EmulatorStats>(`${emulator.url}/__emulator/stats`)).data;
}

export async function resetEmulatorStats(emulator: RunningEmulator): Promise<void> {
  await axios.post(`${emulator.url}/__emulator/stats/reset`);
}

/** Every API request since the last stats reset. */
export async function emulatorRequestLog(emulator: RunningEmulator): Promise<LoggedRequest[]> {
  return (await axios.get<LoggedRequest[]>(`${emulator.url}/__emulator/requests`)).data;
}

export async function injectTooManyRequests(
  emulator: RunningEmulator,
  probability: number,
  retryAfterSeconds: number,
): Promise<void> {
  await axios.post(`${emulator.url}/__emulator/faults`, {
    rules: [{ kind: "429", probability, retryAfterSeconds }],
  });
}

export async function clearFaults(emulator: RunningEmulator): Promise<void> {
  await axios.delete(`${emulator.url}/__emulator/faults`);
}

/** How many approval policies the emulator holds, across tenants. */
export async function approvalPolicyCount(emulator: RunningEmulator): Promise<number> {
  const { data } = await axios.get<{ approvalPolicies?: unknown[] }>(
    `${emulator.url}/__emulator/objects`,
  );
  return data.approvalPolicies?.length ?? 0;
}
