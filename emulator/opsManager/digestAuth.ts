/**
 * Ops Manager's HTTP Digest authentication (RFC 7616, MD5 with qop=auth, as Ops
 * Manager answers): challenges with fresh nonces, checks each response, refuses
 * stale nonces with stale=true and replayed nonce counts.
 */
import { createHash, randomBytes } from "node:crypto";
import { EmulatorRequest, Reply } from "../httpKit";

const realm = "MMS Public API";
const nonceLifetimeMs = 5 * 60_000;

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

/** Parses `Digest k=v, k="v"` into its parameters. */
export function parseDigestHeader(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header.replace(/^Digest\s+/i, "")))) params[m[1]] = m[2] ?? m[3];
  return params;
}

/**
 * "rfc7616" (the default): `qop="auth"`, with nonce counts checked. "as-documented":
 * the challenge exactly as the Ops Manager page prints it, `op="auth"`
 * (docs/api-facts.md#digest-authentication), which offers no qop, so clients answer
 * with RFC 2069's response; it has no nonce count, so only the nonce's lifetime is
 * checked.
 */
export type DigestChallengeStyle = "rfc7616" | "as-documented";

export class DigestAuth {
  /** nonce → {issued, last nc seen} */
  private readonly nonces = new Map<string, { issued: number; lastNc: number }>();
  digestChallenges = 0;

  constructor(
    private readonly credentials: { username: string; apiKey: string },
    private readonly style: DigestChallengeStyle = "rfc7616",
  ) {}

  /** Ages every nonce past its lifetime, so the next use answers 401 with stale=true. */
  expireNonces(): number {
    for (const nonce of this.nonces.values()) nonce.issued = 0;
    return this.nonces.size;
  }

  /** RFC 7616 Digest: challenge, then check the response, the nonce and its count. */
  authenticate(req: EmulatorRequest, fullUri: string): Reply | undefined {
    const header = String(req.headers.authorization ?? "");
    if (!/^Digest /i.test(header)) return this.challenge(false);
    const p = parseDigestHeader(header);
    const nonce = this.nonces.get(p.nonce);
    if (!nonce) return this.challenge(false);
    if (Date.now() - nonce.issued > nonceLifetimeMs) {
      this.nonces.delete(p.nonce);
      return this.challenge(true);
    }
    const nc = parseInt(p.nc ?? "", 16);
    const ha1 = md5(`${p.username}:${realm}:${this.credentials.apiKey}`);
    const ha2 = md5(`${req.method}:${p.uri}`);
    const documented = this.style === "as-documented";
    const expected = documented
      ? md5(`${ha1}:${p.nonce}:${ha2}`)
      : md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    if (
      p.username !== this.credentials.username ||
      p.realm !== realm ||
      (!documented && p.qop !== "auth") ||
      p.uri !== fullUri ||
      p.response !== expected
    ) {
      return this.challenge(false);
    }
    if (documented) return undefined;
    // A replayed or reordered count is refused (RFC 7616 section 3.4).
    if (!(nc > nonce.lastNc)) return this.challenge(false);
    nonce.lastNc = nc;
    return undefined;
  }

  private challenge(stale: boolean): Reply {
    this.digestChallenges++;
    const nonce = randomBytes(16).toString("base64");
    this.nonces.set(nonce, { issued: Date.now(), lastNc: 0 });
    return {
      status: 401,
      body: {
        detail: "You are not authorized for this resource.",
        error: 401,
        errorCode: "NOT_AUTHORIZED",
        reason: "Unauthorized",
      },
      headers: {
        // As MongoDB's sample challenge (docs/api-facts.md#digest-authentication); by
        // default with the qop parameter spelled as RFC 7616 has it.
        "WWW-Authenticate": `Digest realm="${realm}", domain="", nonce="${nonce}", algorithm=MD5, ${this.style === "as-documented" ? "op" : "qop"}="auth", stale=${stale}`,
      },
    };
  }
}
