/**
 * The MongoDB Ops Manager half of the emulator: every request passes Digest
 * authentication, then is routed to the server pool of its group (24 hex
 * digits); each group's requests are kept apart.
 */
import { EmulatorRequest, Reply } from "../httpKit";
import { Timers } from "../timers";
import { DigestAuth, DigestChallengeStyle } from "./digestAuth";
import {
  basePath,
  forceStatus,
  omError,
  serverPoolProperties,
  serverPoolRequests,
} from "./serverPool";

type Obj = Record<string, unknown>;

export interface OpsManagerOptions {
  username: string;
  apiKey: string;
  serverPoolDelayMs: number;
  digestChallenge?: DigestChallengeStyle;
}

export class OpsManagerApi {
  private readonly digest: DigestAuth;
  private readonly groups = new Map<string, Map<string, Obj>>();
  private readonly timers = new Timers();

  constructor(private readonly options: OpsManagerOptions) {
    this.digest = new DigestAuth(options, options.digestChallenge);
  }

  get digestChallenges(): number {
    return this.digest.digestChallenges;
  }

  set digestChallenges(count: number) {
    this.digest.digestChallenges = count;
  }

  handles(path: string): boolean {
    return path.startsWith(`${basePath}/`);
  }

  reset(): void {
    this.groups.clear();
    this.stopTimers();
  }

  stopTimers(): void {
    this.timers.stopAll();
  }

  objects(): Obj[] {
    return [...this.groups.values()].flatMap((g) => [...g.values()]);
  }

  /** Ages every nonce past its lifetime, so the next use answers 401 with stale=true. */
  expireNonces(): number {
    return this.digest.expireNonces();
  }

  forceStatus(id: string, statusName: string): boolean {
    return forceStatus(this.groups.values(), id, statusName);
  }

  handle(req: EmulatorRequest, fullUri: string): Reply {
    const denied = this.digest.authenticate(req, fullUri);
    if (denied) return denied;
    const rest = req.path.slice(basePath.length);
    let m: RegExpExecArray | null;
    if (/^\/groups\/([0-9a-f]{24})\/serverPool\/properties$/.test(rest) && req.method === "GET") {
      return serverPoolProperties();
    }
    if ((m = /^\/groups\/([0-9a-f]{24})\/serverPool\/requests(?:\/([0-9a-f]{24}))?$/.exec(rest))) {
      const pool = { delayMs: this.options.serverPoolDelayMs, timers: this.timers };
      return serverPoolRequests(req, this.group(m[1]), m[1], pool, m[2]);
    }
    if (/^\/groups\/[^/]+\//.test(rest)) {
      return omError(
        404,
        "GROUP_NOT_FOUND",
        "No group with that id exists (ids are 24 hex digits).",
        "Not Found",
      );
    }
    return omError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${req.path}.`, "Not Found");
  }

  private group(groupId: string): Map<string, Obj> {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Map();
      this.groups.set(groupId, group);
    }
    return group;
  }
}
