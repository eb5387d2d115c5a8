/**
 * Approval policies (v1beta2): create, list with filters, read, merge patch and
 * delete, with names unique per tenant and the documented validation.
 */
import {
  badRequest,
  comError,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  mergePatch,
  notFound,
  Reply,
} from "../httpKit";
import { bump, listReply, methodNotAllowed, newObject, Obj, readBody, uuidPattern } from "./shared";

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// The spec's approvableName table (docs/api-facts.md#approvable-names).
const approvableNames = [
  "Update firmware",
  "Apply internal storage configuration",
  "Install operating system image",
  "Apply external storage configuration",
  "Power on",
  "Power off",
  "Reset",
  "Cold boot",
  "Update iLO firmware",
  "Apply server settings (BIOS and iLO)",
];

export function approvalPolicies(
  req: EmulatorRequest,
  store: Map<string, Obj>,
  id?: string,
): Reply {
  if (id === undefined) {
    // Default page 50; the contract's limit maximum is 1000 (docs/api-facts.md#lists-and-paging).
    // The list, read and PATCH declare 422, not 400, for a refused request.
    if (req.method === "GET") {
      return listReply(req, [...store.values()], 1000, 50, policyFilterView, 422);
    }
    if (req.method !== "POST") return methodNotAllowed();
    const bodyParsed = readBody(req);
    if ("reply" in bodyParsed) return bodyParsed.reply;
    const body = bodyParsed.value;
    const policy = normalisePolicy(body);
    const issues = policyIssues(policy);
    if (issues.length > 0) return badRequest(issues);
    if ([...store.values()].some((p) => p.name === policy.name)) {
      return comError(
        409,
        "HPE_GL_ERROR_CONFLICT",
        `An approval policy named "${String(policy.name)}" already exists`,
      );
    }
    const created = newObject("compute-ops-mgmt/approval-policy", "/v1beta2/approval-policies", {
      name: policy.name,
      description: policy.description ?? "",
      state: "ACTIVE",
      remarks: "",
      policyData: policy.policyData,
    });
    store.set(created.id as string, created);
    return json(201, created);
  }
  const existing = store.get(id);
  if (!existing) return notFound(`Approval policy ${id}`);
  if (req.method === "GET") return json(200, existing);
  if (req.method === "DELETE") {
    store.delete(id);
    return { status: 204 };
  }
  if (req.method === "PATCH") {
    const patchParsed = readBody(req);
    if ("reply" in patchParsed) return patchParsed.reply;
    const patch = patchParsed.value;
    const merged = normalisePolicy(mergePatch(existing, patch) as Obj);
    const issues = policyIssues(merged);
    if (issues.length > 0) return badRequest(issues, 422);
    if ([...store.values()].some((p) => p.id !== id && p.name === merged.name)) {
      return comError(
        409,
        "HPE_GL_ERROR_CONFLICT",
        `An approval policy named "${String(merged.name)}" already exists`,
      );
    }
    const updated = bump(
      {
        ...merged,
        id: existing.id,
        type: existing.type,
        createdAt: existing.createdAt,
        resourceUri: existing.resourceUri,
      },
      existing,
    );
    store.set(id, updated);
    return json(200, updated);
  }
  return methodNotAllowed();
}

/**
 * The spec's filter grammar names `policyData/resources/id` and `.../type` while
 * bodies carry `resourceId`/`resourceType` (docs/api-facts.md#approval-policies): filters see both spellings.
 */
function policyFilterView(policy: Obj): Obj {
  const data = policy.policyData as { resources?: unknown[] } | undefined;
  const resources = (data?.resources ?? []).map((r) =>
    isObject(r) ? { ...r, id: r.resourceId, type: r.resourceType } : r,
  );
  return { ...policy, policyData: { ...data, resources } };
}

function normalisePolicy(body: Obj): Obj {
  const policyData = isObject(body.policyData) ? body.policyData : {};
  const approvables = Array.isArray(policyData.approvables) ? policyData.approvables : [];
  return {
    ...body,
    policyData: {
      ...policyData,
      approvables: approvables.map((a) => (isObject(a) ? { minApprovers: 1, ...a } : a)),
      resources: Array.isArray(policyData.resources) ? policyData.resources : [],
    },
  };
}

function policyIssues(policy: Obj): Issue[] {
  const issues: Issue[] = [];
  if (typeof policy.name !== "string" || policy.name.trim() === "") {
    issues.push({ subject: "name", description: "is required" });
  }
  const data = policy.policyData as { approvables: unknown[]; resources: unknown[] };
  data.approvables.forEach((a, i) => {
    const at = `policyData.approvables[${i}]`;
    if (!isObject(a)) return issues.push({ subject: at, description: "must be an object" });
    if (!approvableNames.includes(a.approvableName as string)) {
      issues.push({
        subject: `${at}.approvableName`,
        description: `must be one of: ${approvableNames.join(", ")}`,
      });
    }
    const approvers = Array.isArray(a.approvers) ? a.approvers : [];
    if (approvers.length === 0)
      issues.push({ subject: `${at}.approvers`, description: "needs at least one approver" });
    approvers.forEach((p, j) => {
      if (!isObject(p) || typeof p.email !== "string" || !emailPattern.test(p.email)) {
        issues.push({
          subject: `${at}.approvers[${j}].email`,
          description: "must be an email address",
        });
      }
    });
    const min = a.minApprovers;
    if (
      typeof min !== "number" ||
      !Number.isInteger(min) ||
      min < 1 ||
      min > Math.max(1, approvers.length)
    ) {
      issues.push({
        subject: `${at}.minApprovers`,
        description: "must be between 1 and the number of approvers",
      });
    }
  });
  data.resources.forEach((r, i) => {
    const at = `policyData.resources[${i}]`;
    if (!isObject(r)) return issues.push({ subject: at, description: "must be an object" });
    if (typeof r.resourceId !== "string" || !uuidPattern.test(r.resourceId)) {
      issues.push({ subject: `${at}.resourceId`, description: "must be a UUID" });
    }
    if (r.resourceType !== "compute-ops-mgmt/group") {
      issues.push({
        subject: `${at}.resourceType`,
        description: "only compute-ops-mgmt/group is supported",
      });
    }
  });
  return issues;
}
