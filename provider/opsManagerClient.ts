/**
 * SKELETON of the one HTTP client for MongoDB Ops Manager (Digest auth).
 */
import type { OpsManagerSettings } from "./configuration";

export class OpsManagerClient {
  constructor(readonly settings: OpsManagerSettings) {}

  /** GET a path under {baseUrl}/api/public/v1.0 (e.g. "/groups/G/serverPool/requests/R"). Throws ApiError (404 included). */
  async get<T>(path: string): Promise<T> {
    throw new Error(`not implemented ${path}`);
  }

  /** POST application/json. Not retried once the request may have reached the server. */
  async post<T>(path: string, body: unknown): Promise<T> {
    throw new Error(`not implemented ${path} ${JSON.stringify(body)}`);
  }

  /** DELETE. Throws ApiError (404 included). */
  async delete<T = unknown>(path: string): Promise<T> {
    throw new Error(`not implemented ${path}`);
  }
}

/** One client per distinct settings per process, so the Digest nonce is reused. */
export function opsManagerClientFor(settings: OpsManagerSettings): OpsManagerClient {
  return new OpsManagerClient(settings);
}
