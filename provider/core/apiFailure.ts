/**
 * What core reads of a failed API call. Core sits below http (docs/design.md#layers),
 * so it declares the shape it needs here and the HTTP error type
 * (provider/http/apiError.ts) implements it; core never imports that class.
 */

/**
 * The mark an API failure carries. `Symbol.for`, not `Symbol`: two copies of the
 * package loaded in one process still recognise each other's failures, as they
 * did when the error was told by its name.
 */
export const apiFailureMark: unique symbol = Symbol.for("pulumi-ops-management.ApiFailure");

/** A failed API call, as the lifecycle steps read it. */
export interface ApiFailure {
  readonly [apiFailureMark]: true;
  /** HTTP status; undefined when no answer arrived (network error, timeout). */
  readonly status?: number;
  /** True when a request that creates failed so that it may have been applied. */
  readonly ambiguous: boolean;
}

/** True for an error an API client threw about a call (any other error is not one). */
export function isApiFailure(error: unknown): error is ApiFailure {
  return (
    typeof error === "object" &&
    error !== null &&
    apiFailureMark in error &&
    error[apiFailureMark] === true
  );
}
