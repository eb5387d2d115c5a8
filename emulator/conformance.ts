/**
 * The request record the emulator hands to an `onRequest` listener, and the
 * check of a recorded request against the contract the emulator enforces: the
 * Compute Ops Management table (./computeOps/contract.ts) and the Ops Manager
 * routes. Test suites record every request and fail on any outside the contract.
 */
import { violations as computeOpsViolations } from "./computeOps/contract";
import { prefix } from "./computeOps/shared";
import { basePath } from "./opsManager/serverPool";

/** One API request as the emulator received it (admin endpoints are not recorded). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The body's media type, lower case, "" when none was sent. */
  contentType: string;
  tenantAcid?: string;
  userAgent?: string;
  /** "" when no body was sent. Bodies may hold secrets: reports show only their shape. */
  rawBody: string;
}

const opsManagerRoutes: { method: string; path: RegExp; body: boolean }[] = [
  { method: "GET", path: /^\/groups\/[0-9a-f]{24}\/serverPool\/properties$/, body: false },
  { method: "GET", path: /^\/groups\/[0-9a-f]{24}\/serverPool\/requests$/, body: false },
  { method: "POST", path: /^\/groups\/[0-9a-f]{24}\/serverPool\/requests$/, body: true },
  {
    method: "GET",
    path: /^\/groups\/[0-9a-f]{24}\/serverPool\/requests\/[0-9a-f]{24}$/,
    body: false,
  },
  {
    method: "DELETE",
    path: /^\/groups\/[0-9a-f]{24}\/serverPool\/requests\/[0-9a-f]{24}$/,
    body: false,
  },
];

/** What the request does outside the contract; empty when nothing. */
export function requestViolations(request: RecordedRequest): string[] {
  if (request.path.startsWith(`${prefix}/`)) {
    return computeOpsViolations({ ...request, path: request.path.slice(prefix.length) });
  }
  if (request.path.startsWith(`${basePath}/`)) {
    const rest = request.path.slice(basePath.length);
    const route = opsManagerRoutes.find((r) => r.method === request.method && r.path.test(rest));
    if (!route) return [`${request.method} ${request.path} is not an Ops Manager operation we use`];
    if (!route.body && request.rawBody !== "") return ["body: this operation takes no body"];
    return [];
  }
  // The token endpoint: a form POST, checked by its own handler.
  return [];
}
