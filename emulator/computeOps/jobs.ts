/**
 * Jobs (v1): created from a known template on a resource, moved PENDING →
 * RUNNING → COMPLETE (or ERROR) by timers, and ended early through PATCH.
 */
import {
  badRequest,
  comError,
  EmulatorRequest,
  Issue,
  isObject,
  json,
  notFound,
  Reply,
} from "../httpKit";
import { Timers } from "../timers";
import { bump, listReply, methodNotAllowed, newObject, Obj, readBody } from "./shared";

// The job templates of docs/api-facts.md#job-templates, as the newest spec lists them: id →
// name, resource type and, for the operations an approval policy can hold, its
// approvable name (docs/api-facts.md#approvals-and-jobs). Each tenant's catalogue starts
// from it (./catalog.ts); tests may change a tenant's catalogue, as HPE has.
export const jobTemplates: Record<
  string,
  { name: string; resourceType: string; approvable?: string }
> = {
  "d0c13b58-748c-461f-9a61-c0c5c71f1bb4": {
    name: "Server Power Off",
    resourceType: "server",
    approvable: "Power off",
  },
  "0cbb2377-1834-488d-840c-d5bf788c34fb": {
    name: "Server Power On",
    resourceType: "server",
    approvable: "Power on",
  },
  "30110551-cad6-4069-95b8-dbce9bbd8525": {
    name: "Server Restart",
    resourceType: "server",
    approvable: "Reset",
  },
  "aacfb3e0-6575-4d4f-a711-1ee1ae768407": {
    name: "Server Cold Boot",
    resourceType: "server",
    approvable: "Cold boot",
  },
  "fd54a96c-cabc-42e3-aee3-374a2d009dba": {
    name: "Server Firmware Update",
    resourceType: "server",
    approvable: "Update firmware",
  },
  "94caa4ef-9ff8-4805-9e97-18a09e673b66": {
    name: "Server iLO Firmware Update",
    resourceType: "server",
    approvable: "Update iLO firmware",
  },
  "9310319e-7b7f-41ba-8b24-8b34eed1ca62": {
    name: "Server External Storage Details",
    resourceType: "server",
  },
  "0683ada8-1a89-49dd-bf04-6df715b708a6": {
    name: "Server Firmware Download",
    resourceType: "server",
  },
  "a46b210a-b0c7-4223-ab43-c4c1e77e680c": {
    name: "Server Set UID Indicator On",
    resourceType: "server",
  },
  "fd837434-a2f2-4bc8-b1b4-ec068bd036aa": {
    name: "Server Set UID Indicator Off",
    resourceType: "server",
  },
  "4eb92af1-1ce4-4cb0-8581-fb5a7dcdbf2b": {
    name: "Server Enable Maintenance Mode",
    resourceType: "server",
  },
  "2798720f-b090-427d-b210-e48d33ce2f27": {
    name: "Server Disable Maintenance Mode",
    resourceType: "server",
  },
  "1c4ac4be-8eeb-49f2-a86a-fd8c9182616c": {
    name: "Appliance Software Update",
    resourceType: "oneview-appliance",
  },
  "0fe73adb-9d52-4f00-9540-6ec82f265d82": {
    name: "Synchronize firmware baseline",
    resourceType: "external-service",
  },
  "3f06fd6b-dfb1-4bad-bd04-939951797e97": {
    name: "Remove vCenter",
    resourceType: "external-service",
  },
  "91159b5e-9eeb-11ec-a9da-00155dc0a0c0": {
    name: "Group Firmware Update",
    resourceType: "group",
    approvable: "Update firmware",
  },
  "23b8ba2a-6c46-4223-b028-919382c7dcac": {
    name: "Group Firmware Compliance",
    resourceType: "group",
  },
  "f69f553a-5004-4a08-9283-5b60abd9eb4a": { name: "Group Appliance Update", resourceType: "group" },
  "54095626-3911-4fea-9741-816e2531994e": {
    name: "Group Apply Internal Storage Settings",
    resourceType: "group",
    approvable: "Apply internal storage configuration",
  },
  "beff07ce-f36d-4699-9ac3-f872dcd63133": {
    name: "Group Apply Server Setting",
    resourceType: "group",
    approvable: "Apply server settings (BIOS and iLO)",
  },
  "fcb79270-5954-42e9-9374-6a065b6d494a": {
    name: "Group Apply External Storage Settings",
    resourceType: "group",
    approvable: "Apply external storage configuration",
  },
  "7177aa6a-e8f8-4e9b-ae31-e01dafcc81df": {
    name: "Group External Storage Compliance",
    resourceType: "group",
  },
  "a17a7aa9-4540-4c21-bbf2-31af4ff65e98": {
    name: "Group Firmware Download",
    resourceType: "group",
  },
  "d6595f1b-84e6-4587-ade5-656e2a5ea20d": {
    name: "Collect Server Inventory",
    resourceType: "server",
  },
  "b21ca9e2-8a1b-11ee-b9d1-0242ac120002": {
    name: "Collect Server Network Connectivity",
    resourceType: "server",
  },
  "e2952628-2629-4088-93db-91742304ef0c": {
    name: "Group Operating System Installation",
    resourceType: "group",
    approvable: "Install operating system image",
  },
  "2d744494-22d4-4d61-8c65-647ccadeb6b6": { name: "Collect Server log", resourceType: "server" },
};

/** The approvable operation of a template, by its name: a changed id is the same operation. */
function approvableOf(name: unknown): string | undefined {
  return Object.values(jobTemplates).find((t) => t.name === name)?.approvable;
}

const terminalJobStates = ["COMPLETE", "ERROR"];

/** How jobs advance: the time per state step, and the timers that step them. */
export interface JobRunner {
  stepMs: number;
  timers: Timers;
  /**
   * Whether an approval policy holds a new job of this template on this resource;
   * undefined when no policy can apply (a job sent for another tenant).
   */
  heldForApproval?: (approvable: string, resource: { id: string; type: string }) => boolean;
}

export function jobs(
  req: EmulatorRequest,
  store: Map<string, Obj>,
  templates: readonly Obj[],
  runner: JobRunner,
  id?: string,
): Reply {
  if (id === undefined) {
    if (req.method === "GET") return listReply(req, [...store.values()], 1000);
    if (req.method !== "POST") return methodNotAllowed();
    const bodyParsed = readBody(req);
    if ("reply" in bodyParsed) return bodyParsed.reply;
    const body = bodyParsed.value;
    const issues: Issue[] = [];
    // The tenant's catalogue decides, as the API does: an id it does not list is refused.
    const template = templates.find((t) => t.id === body.jobTemplate);
    if (!template)
      issues.push({ subject: "jobTemplate", description: "must be a known job template id" });
    if (typeof body.resourceId !== "string" || body.resourceId === "") {
      issues.push({ subject: "resourceId", description: "is required" });
    }
    if (
      typeof body.resourceType !== "string" ||
      !/^compute-ops(-mgmt)?\/[\w-]+$/.test(body.resourceType)
    ) {
      issues.push({
        subject: "resourceType",
        description: "must be like compute-ops-mgmt/server",
      });
    }
    if (body.jobParams !== undefined && !isObject(body.jobParams)) {
      issues.push({ subject: "jobParams", description: "must be an object" });
    }
    if (issues.length > 0) return badRequest(issues);
    const params = (body.jobParams ?? {}) as Obj;
    const job = newObject("compute-ops-mgmt/job", "/v1/jobs", {
      name: template?.name,
      jobTemplate: body.jobTemplate,
      resource: { id: body.resourceId, type: body.resourceType },
      jobParams: params,
      // The spec has deleteOnComplete on the job; the brief lets jobParams carry it too.
      deleteOnComplete: body.deleteOnComplete === true || params.deleteOnComplete === true,
      state: "PENDING",
      resultCode: null,
      status: "Job is pending",
      parentJobId: null,
      statusDetails: {},
      results: {},
    });
    const resource = { id: body.resourceId as string, type: body.resourceType as string };
    const approvable = approvableOf(template?.name);
    if (approvable && runner.heldForApproval?.(approvable, resource)) {
      Object.assign(job, { state: "APPROVAL_PENDING", status: "Waiting for approval" });
      store.set(job.id as string, job);
      return json(201, job);
    }
    store.set(job.id as string, job);
    runJob(store, job, params, runner);
    return json(201, job);
  }
  const job = store.get(id);
  if (!job) return notFound(`Job ${id}`);
  if (req.method === "GET") return json(200, job);
  if (req.method === "PATCH") {
    const patchParsed = readBody(req);
    if ("reply" in patchParsed) return patchParsed.reply;
    const patch = patchParsed.value;
    // jobUpdate-v1: only `state` (COMPLETE or ERROR) and `input` may be sent.
    const issues: Issue[] = [];
    for (const key of Object.keys(patch)) {
      if (key !== "state" && key !== "input") {
        issues.push({ subject: key, description: "cannot be changed" });
      }
    }
    if (patch.state !== undefined && !["COMPLETE", "ERROR"].includes(patch.state as string)) {
      issues.push({ subject: "state", description: "must be COMPLETE or ERROR" });
    }
    if (patch.input !== undefined && !isObject(patch.input)) {
      issues.push({ subject: "input", description: "must be an object" });
    }
    if (issues.length > 0) return badRequest(issues);
    if (terminalJobStates.includes(job.state as string) && patch.state !== undefined) {
      return comError(412, "HPE_GL_ERROR_PRECONDITION_FAILED", `Job ${id} has already ended`);
    }
    // `input` asks the running job to act (stopOnRequest); the job-v1 answer has no
    // such field, so nothing of it is stored.
    const fields: Obj = {};
    if (patch.state === "COMPLETE") {
      Object.assign(fields, { state: "COMPLETE", resultCode: "SUCCESS", status: "Completed" });
    } else if (patch.state === "ERROR") {
      Object.assign(fields, {
        state: "ERROR",
        resultCode: "FAILURE",
        status: "Ended by request",
        statusDetails: { message: "The job was set to ERROR through PATCH" },
      });
    }
    const updated = bump({ ...job, ...fields }, job);
    store.set(id, updated);
    return json(200, updated);
  }
  return methodNotAllowed();
}

/**
 * The approvers' answer to a job held in APPROVAL_PENDING: APPROVED runs it,
 * DECLINED ends it as the API does, COMPLETE with resultCode DECLINED
 * (docs/api-facts.md#job-states). False when the job is not waiting for approval.
 */
export function answerApproval(
  store: Map<string, Obj>,
  id: string,
  approvalState: "APPROVED" | "DECLINED",
  runner: JobRunner,
): boolean {
  const job = store.get(id);
  if (!job || job.state !== "APPROVAL_PENDING") return false;
  if (approvalState === "DECLINED") {
    store.set(
      id,
      bump(
        {
          ...job,
          state: "COMPLETE",
          resultCode: "DECLINED",
          status: "Declined by approvers",
          statusDetails: { message: "The approvers declined the job; it did not run" },
        },
        job,
      ),
    );
    return true;
  }
  const approved = bump({ ...job, state: "PENDING", status: "Job is pending" }, job);
  store.set(id, approved);
  runJob(store, approved, (job.jobParams ?? {}) as Obj, runner);
  return true;
}

/** The job stops making progress and stays STALLED; false when it has already ended. */
export function stallJob(store: Map<string, Obj>, id: string): boolean {
  const job = store.get(id);
  if (!job || terminalJobStates.includes(job.state as string)) return false;
  store.set(
    id,
    bump(
      {
        ...job,
        state: "STALLED",
        status: "Job stalled",
        statusDetails: {
          message: "The job stopped making progress (stalled through the emulator)",
        },
      },
      job,
    ),
  );
  return true;
}

/** PENDING → RUNNING → COMPLETE (or ERROR when jobParams.emulatorOutcome is "ERROR"). */
function runJob(store: Map<string, Obj>, job: Obj, params: Obj, runner: JobRunner): void {
  const step = typeof params.emulatorStepMs === "number" ? params.emulatorStepMs : runner.stepMs;
  const id = job.id as string;
  const advance = (fields: Obj, then?: () => void) => {
    runner.timers.later(() => {
      const current = store.get(id);
      // Gone, ended early through PATCH, or stalled: the run stops here.
      if (!current || [...terminalJobStates, "STALLED"].includes(current.state as string)) return;
      store.set(id, bump({ ...current, ...fields }, current));
      then?.();
    }, step);
  };
  const fails = params.emulatorOutcome === "ERROR";
  advance({ state: "RUNNING", status: "Job is running" }, () =>
    advance(
      fails
        ? {
            state: "ERROR",
            resultCode: "FAILURE",
            status: "Job failed",
            statusDetails: {
              message: "The emulator failed this job on request (emulatorOutcome ERROR)",
            },
          }
        : {
            state: "COMPLETE",
            resultCode: "SUCCESS",
            status: "Job completed",
            results: { message: "done" },
          },
      () => {
        // "Automatically delete the job after it reaches the COMPLETE state" (spec).
        if (job.deleteOnComplete && !fails) store.delete(id);
      },
    ),
  );
}
