/**
 * The one HTTP client for HPE Compute Ops Management (DESIGN.md decision 6).
 * SKELETON: the signatures below are the contract resources code against; the
 * implementation is being written.
 */
import type { ComputeOpsSettings } from "./configuration";

export interface ListPage<T> {
  count: number;
  offset: number;
  total: number;
  items: T[];
}

export class GreenLakeClient {
  constructor(readonly settings: ComputeOpsSettings) {}

  /** GET a path under the endpoint (e.g. "/compute-ops-mgmt/v1beta2/approval-policies/ID"). Throws ApiError (404 included). */
  async get<T>(path: string, query?: Record<string, string | number>): Promise<T> {
    throw new Error(`not implemented ${path} ${JSON.stringify(query)}`);
  }

  /** GET every page of a list (offset/limit until total), with an optional OData filter, raw (encoded by the client). */
  async list<T>(path: string, options?: { filter?: string; pageSize?: number }): Promise<T[]> {
    throw new Error(`not implemented ${path} ${JSON.stringify(options)}`);
  }

  /** POST application/json. Retried on failure only when `options.idempotent` is true. */
  async post<T>(path: string, body: unknown, options?: { idempotent?: boolean }): Promise<T> {
    throw new Error(`not implemented ${path} ${JSON.stringify(body)} ${JSON.stringify(options)}`);
  }

  /** PATCH application/merge-patch+json. */
  async patch<T>(path: string, mergePatch: unknown): Promise<T> {
    throw new Error(`not implemented ${path} ${JSON.stringify(mergePatch)}`);
  }

  /** DELETE. Throws ApiError on failure (404 included: callers decide what gone means). */
  async delete(path: string): Promise<void> {
    throw new Error(`not implemented ${path}`);
  }
}

/** One client per distinct settings per process, so every resource shares one token. */
export function greenLakeClientFor(settings: ComputeOpsSettings): GreenLakeClient {
  return new GreenLakeClient(settings);
}
