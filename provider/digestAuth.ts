/**
 * HTTP Digest authentication, RFC 7616, as Ops Manager's API asks for it (seed
 * 004): MD5 with qop=auth, and the `-sess` and SHA-256 variants when a challenge
 * offers them. Small on purpose: no maintained Digest library fits axios.
 */
import { createHash, randomBytes } from "node:crypto";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  algorithm: string;
  opaque?: string;
  stale: boolean;
}

/** Parses a `WWW-Authenticate: Digest ...` header; undefined when it is not Digest. */
export function parseChallenge(header: string | undefined): DigestChallenge | undefined {
  if (header === undefined || !/^Digest\s/i.test(header.trim())) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header.trim().slice(6)))) params[m[1].toLowerCase()] = m[2] ?? m[3];
  if (params.realm === undefined || params.nonce === undefined) return undefined;
  const qops = (params.qop ?? "").split(",").map((q) => q.trim());
  return {
    realm: params.realm,
    nonce: params.nonce,
    qop: qops.includes("auth") ? "auth" : undefined,
    algorithm: params.algorithm ?? "MD5",
    opaque: params.opaque,
    stale: (params.stale ?? "").toLowerCase() === "true",
  };
}

function hashFor(algorithm: string): (text: string) => string {
  const name = algorithm.toUpperCase().replace(/-SESS$/, "") === "SHA-256" ? "sha256" : "md5";
  return (text) => createHash(name).update(text).digest("hex");
}

export interface DigestInput {
  username: string;
  password: string;
  method: string;
  /** The request target as sent: path and query string. */
  uri: string;
  /** The count of requests made with this nonce, from 1. */
  nc: number;
  cnonce?: string;
}

/** The response value of RFC 7616 section 3.4.1. */
export function digestResponse(
  challenge: DigestChallenge,
  input: DigestInput,
  cnonce: string,
): string {
  const h = hashFor(challenge.algorithm);
  const ncHex = input.nc.toString(16).padStart(8, "0");
  let ha1 = h(`${input.username}:${challenge.realm}:${input.password}`);
  if (/-sess$/i.test(challenge.algorithm)) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${input.method.toUpperCase()}:${input.uri}`);
  return challenge.qop
    ? h(`${ha1}:${challenge.nonce}:${ncHex}:${cnonce}:${challenge.qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
}

/** The `Authorization` header value for one request. */
export function authorizationHeader(challenge: DigestChallenge, input: DigestInput): string {
  const cnonce = input.cnonce ?? randomBytes(16).toString("hex");
  const response = digestResponse(challenge, input, cnonce);
  const parts = [
    `username="${input.username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${input.uri}"`,
    `algorithm=${challenge.algorithm}`,
    `response="${response}"`,
  ];
  if (challenge.qop) {
    parts.push(
      `qop=${challenge.qop}`,
      `nc=${input.nc.toString(16).padStart(8, "0")}`,
      `cnonce="${cnonce}"`,
    );
  }
  if (challenge.opaque !== undefined) parts.push(`opaque="${challenge.opaque}"`);
  return `Digest ${parts.join(", ")}`;
}
