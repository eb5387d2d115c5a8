/**
 * HTTP Digest authentication, RFC 7616, as Ops Manager's API asks for it (docs/api-facts.md#digest-authentication: MD5 with qop=auth), plus the `-sess`, SHA-256 and SHA-512-256 variants and
 * `userhash` when a challenge offers them. Written small here: the Digest packages
 * for axios on npm are unmaintained, and none lets a caller keep the nonce and count
 * between requests, which is what saves Ops Manager's 401 round trip.
 *
 * `qop=auth-int` (a hash of the body) is not supported: a challenge offering only
 * that is treated as one this client cannot answer.
 */
import { createHash, randomBytes } from "node:crypto";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** "auth" when the server asked for a quality of protection; undefined for RFC 2069. */
  qop?: "auth";
  /** As the server spelled it, echoed back: MD5, MD5-sess, SHA-256, SHA-256-sess, ... */
  algorithm: string;
  opaque?: string;
  /** The server refused an old nonce, not the credentials (RFC 7616 section 3.3). */
  stale: boolean;
  /** Send H(username:realm) instead of the user name (RFC 7616 section 3.4.4). */
  userhash: boolean;
}

// Strongest first: when a server offers several challenges, the first one listed
// here that it offers is answered (RFC 7616 section 3.7).
const hashes: [algorithm: string, nodeName: string][] = [
  ["SHA-512-256", "sha512-256"],
  ["SHA-256", "sha256"],
  ["MD5", "md5"],
];

function nodeHashName(algorithm: string): string | undefined {
  const base = algorithm.toUpperCase().replace(/-SESS$/, "");
  return hashes.find(([name]) => name === base)?.[1];
}

function strength(challenge: DigestChallenge): number {
  const base = challenge.algorithm.toUpperCase().replace(/-SESS$/, "");
  return hashes.length - hashes.findIndex(([name]) => name === base);
}

interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const tokenChars = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/**
 * Splits a `WWW-Authenticate` value into its challenges (RFC 9110 section 11.6.1):
 * `Digest realm="a, b", nonce=x, Basic realm="y"` is two challenges. Quoted strings
 * may hold commas and escaped quotes.
 */
function splitChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  let i = 0;
  const readToken = () => {
    const start = i;
    while (i < header.length && tokenChars.test(header[i])) i++;
    return header.slice(start, i);
  };
  const skipSpaces = () => {
    while (i < header.length && (header[i] === " " || header[i] === "\t")) i++;
  };
  while (i < header.length) {
    while (i < header.length && /[\s,]/.test(header[i])) i++;
    const token = readToken();
    if (token === "") {
      i++;
      continue;
    }
    skipSpaces();
    if (header[i] !== "=") {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
      continue;
    }
    i++;
    skipSpaces();
    let value: string;
    if (header[i] === '"') {
      value = "";
      for (i++; i < header.length && header[i] !== '"'; i++) {
        if (header[i] === "\\" && i + 1 < header.length) i++;
        value += header[i];
      }
      i++;
    } else {
      const start = i;
      while (i < header.length && header[i] !== "," && !/\s/.test(header[i])) i++;
      value = header.slice(start, i);
    }
    if (current) current.params[token.toLowerCase()] = value;
  }
  return challenges;
}

/** Every Digest challenge in the header that this client can answer, strongest first. */
export function parseChallenges(header: string | string[] | undefined): DigestChallenge[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(", ") : header;
  const found: DigestChallenge[] = [];
  for (const { scheme, params } of splitChallenges(text)) {
    if (scheme !== "digest" || params.realm === undefined || !params.nonce) continue;
    const algorithm = params.algorithm ?? "MD5";
    if (nodeHashName(algorithm) === undefined) continue;
    let qop: "auth" | undefined;
    if (params.qop !== undefined) {
      const offered = params.qop.split(",").map((q) => q.trim().toLowerCase());
      if (!offered.includes("auth")) continue;
      qop = "auth";
    }
    found.push({
      realm: params.realm,
      nonce: params.nonce,
      qop,
      algorithm,
      opaque: params.opaque,
      stale: (params.stale ?? "").toLowerCase() === "true",
      userhash: (params.userhash ?? "").toLowerCase() === "true",
    });
  }
  return found.sort((a, b) => strength(b) - strength(a));
}

/** The strongest Digest challenge in the header; undefined when there is none to answer. */
export function parseChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  return parseChallenges(header)[0];
}

export interface DigestInput {
  username: string;
  password: string;
  method: string;
  /** The request target exactly as sent: path and query string. */
  uri: string;
  /** How many requests this nonce has signed, this one included, from 1. */
  nc: number;
  /** A fresh random value per request when not given. */
  cnonce?: string;
}

/** A client nonce: 16 random bytes, hex. */
export function newCnonce(): string {
  return randomBytes(16).toString("hex");
}

/** `nc` as the RFC writes it: 8 hex digits. */
export function nonceCount(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

function hasher(algorithm: string): (text: string) => string {
  const name = nodeHashName(algorithm);
  if (name === undefined) throw new Error(`unsupported Digest algorithm ${algorithm}`);
  return (text) => createHash(name).update(text, "utf8").digest("hex");
}

/** The `response` value of RFC 7616 section 3.4.1. */
export function digestResponse(
  challenge: DigestChallenge,
  input: DigestInput,
  cnonce: string,
): string {
  const h = hasher(challenge.algorithm);
  let ha1 = h(`${input.username}:${challenge.realm}:${input.password}`);
  if (/-sess$/i.test(challenge.algorithm)) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${input.method.toUpperCase()}:${input.uri}`);
  return challenge.qop
    ? h(`${ha1}:${challenge.nonce}:${nonceCount(input.nc)}:${cnonce}:${challenge.qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
}

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The `Authorization` header value for one request. */
export function authorizationHeader(challenge: DigestChallenge, input: DigestInput): string {
  const cnonce = input.cnonce ?? newCnonce();
  const username = challenge.userhash
    ? hasher(challenge.algorithm)(`${input.username}:${challenge.realm}`)
    : input.username;
  const parts = [
    `username=${quoted(username)}`,
    `realm=${quoted(challenge.realm)}`,
    `nonce=${quoted(challenge.nonce)}`,
    `uri=${quoted(input.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response="${digestResponse(challenge, input, cnonce)}"`,
  ];
  if (challenge.qop) {
    parts.push(`qop=${challenge.qop}`, `nc=${nonceCount(input.nc)}`, `cnonce=${quoted(cnonce)}`);
  }
  if (challenge.opaque !== undefined) parts.push(`opaque=${quoted(challenge.opaque)}`);
  if (challenge.userhash) parts.push("userhash=true");
  return `Digest ${parts.join(", ")}`;
}
