/**
 * SKELETON of the one error type both clients throw (DESIGN.md decision 6).
 */
export interface ApiIssue {
  source?: string;
  subject?: string;
  description?: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    readonly errorCode?: string,
    readonly apiMessage?: string,
    readonly debugId?: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  static isNotFound(error: unknown): boolean {
    return error instanceof ApiError && error.status === 404;
  }
}
