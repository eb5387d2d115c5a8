/**
 * What the emulator's integration tests share: an emulator on a port per suite,
 * a token, Compute Ops Management requests with the right headers, and valid
 * bodies to start from. Timing is never asserted: waits poll until a state appears.
 */
import axios, { AxiosResponse } from "axios";
import { expect } from "chai";
import { createHash, randomUUID } from "node:crypto";
import { RunningEmulator, startEmulator } from "../../../emulator";
import { recordRequest } from "../../support/recordedRequests";

export const http = axios.create({ validateStatus: () => true });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const policies = "/compute-ops-mgmt/v1beta2/approval-policies";
export const services = "/compute-ops-mgmt/v1beta1/external-services";
export const keys = "/compute-ops-mgmt/v1beta1/activation-keys";
export const jobs = "/compute-ops-mgmt/v1/jobs";
export const powerOnTemplate = "0cbb2377-1834-488d-840c-d5bf788c34fb";
export const serverId = "P06760-B21+2M212504P8";

export type Body = Record<string, unknown>;

export interface Issue {
  source: string;
  subject: string;
  description: string;
}

export function issuesOf(response: AxiosResponse): Issue[] {
  const details = (response.data?.errorDetails ?? []) as { type: string; issues?: Issue[] }[];
  return details.filter((d) => d.type === "hpe.greenlake.bad_request").flatMap((d) => d.issues!);
}

export function subjectsOf(response: AxiosResponse): string[] {
  return issuesOf(response).map((i) => i.subject);
}

export async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error("the awaited state never came");
}

export function policyBody(overrides: Body = {}): Body {
  return {
    name: `policy-${randomUUID()}`,
    description: "Demo policy",
    policyData: {
      approvables: [
        {
          approvableName: "Update firmware",
          approvers: [{ email: "ops@example.com" }, { email: "lead@example.com" }],
          minApprovers: 1,
        },
      ],
      resources: [{ resourceId: randomUUID(), resourceType: "compute-ops-mgmt/group" }],
    },
    ...overrides,
  };
}

export function scope(
  serviceEventIssues: boolean,
  criticalEventIssues: boolean,
  warningEventIssues: boolean,
  utilizationThresholdAlerts: boolean,
  extra: Body = {},
): Body {
  return {
    serviceEventIssues,
    criticalEventIssues,
    warningEventIssues,
    utilizationThresholdAlerts,
    ...extra,
  };
}

export function serviceNowBody(overrides: Body = {}, incidentCreationScope?: Body): Body {
  return {
    name: `snow-${randomUUID()}`,
    serviceType: "SERVICE_NOW",
    authenticationType: "OAUTH",
    description: "ServiceNow",
    authentication: { clientId: "snow-id", clientSecret: "snow-secret", refreshToken: "snow-rt" },
    serviceData: {
      oauthUrl: "https://example.service-now.com/oauth_token.do",
      incidentUrl: "https://example.service-now.com/api/now/import/u_demo_incident_inbound_api",
      refreshTokenExpiryInDays: 150,
      ...(incidentCreationScope ? { incidentCreationScope } : {}),
    },
    ...overrides,
  };
}

export function vCenterBody(overrides: Body = {}): Body {
  return {
    name: `vcenter-${randomUUID()}`,
    serviceType: "VMWARE_VCENTER",
    authenticationType: "BASIC",
    description: "vCenter",
    authentication: { username: "administrator@vsphere.local", password: "vc-password" },
    serviceData: {
      vCenterUrl: "192.0.2.50",
      associatedGatewayUri:
        "/compute-ops-mgmt/v1beta1/appliances/gateway+480c64da-12b8-4e90-84a7-8725a9b21fb7",
      vCenterCertFingerprint: createHash("sha256").update("vcenter").digest("hex"),
    },
    ...overrides,
  };
}

export interface EmulatorSession {
  /** The suite's emulator, started before its first test. */
  readonly emulator: RunningEmulator;
  /** A token issued by it before the first test. */
  readonly accessToken: string;
  newToken(): Promise<string>;
  /** A Compute Ops Management request with a valid token and the right content type. */
  com(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string | false>,
  ): Promise<AxiosResponse>;
  /** POSTs and expects 201; answers the created object. */
  create(path: string, body: Body, headers?: Record<string, string>): Promise<Body>;
  /** Every object the emulator holds, from its admin endpoint. */
  objects(): Promise<Record<string, Body[]>>;
}

/**
 * Starts an emulator (fast job and server-pool steps) for the enclosing
 * `describe`, clears its faults after each test and closes it after the last.
 */
export function useEmulator(
  options: {
    /**
     * Default true: the conformance check judges every request sent. False for
     * suites that send requests outside the contract on purpose.
     */
    recorded?: boolean;
  } = {},
): EmulatorSession {
  let running: RunningEmulator | undefined;
  let token: string | undefined;

  const session: EmulatorSession = {
    get emulator(): RunningEmulator {
      if (!running) throw new Error("the emulator is started in the suite's before hook");
      return running;
    },
    get accessToken(): string {
      if (token === undefined) throw new Error("the token is issued in the suite's before hook");
      return token;
    },

    async newToken(): Promise<string> {
      const response = await http.post(
        session.emulator.tokenUrl,
        new URLSearchParams({
          grant_type: "client_credentials",
          client_id: session.emulator.credentials.clientId,
          client_secret: session.emulator.credentials.clientSecret,
        }).toString(),
        { headers: { "Content-Type": "application/x-www-form-urlencoded" } },
      );
      expect(response.status).to.equal(200);
      return response.data.access_token as string;
    },

    com(method, path, body, headers = {}) {
      const contentType = method === "PATCH" ? "application/merge-patch+json" : "application/json";
      return http.request({
        method,
        url: `${session.emulator.url}${path}`,
        data: body === undefined ? undefined : JSON.stringify(body),
        headers: {
          Authorization: `Bearer ${session.accessToken}`,
          // axios would send a form content type on a POST without a body.
          "Content-Type": body === undefined ? false : contentType,
          ...headers,
        },
      });
    },

    async create(path, body, headers) {
      const response = await session.com("POST", path, body, headers);
      expect(response.status, JSON.stringify(response.data)).to.equal(201);
      return response.data as Body;
    },

    async objects() {
      return (await http.get(`${session.emulator.url}/__emulator/objects`)).data;
    },
  };

  before(async () => {
    running = await startEmulator({
      port: 0,
      quiet: true,
      jobStepMs: 40,
      serverPoolDelayMs: 80,
      onRequest: options.recorded === false ? undefined : recordRequest,
    });
    token = await session.newToken();
  });

  after(async () => {
    await running?.close();
  });

  afterEach(async () => {
    await http.delete(`${session.emulator.url}/__emulator/faults`);
  });

  return session;
}
