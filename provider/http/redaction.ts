/**
 * Keeps credentials out of errors and logs (docs/design.md#secrets-stay-secret): bearer tokens,
 * Digest and Basic credentials, client secrets, passwords, refresh tokens, API keys
 * and activation keys are replaced by a fixed marker wherever they would be shown.
 *
 * Two nets: every value known to be a secret (the configured ones, tokens just
 * issued, activation keys just created) is cut out wherever it appears, and any
 * field whose name says it holds a credential loses its value, whatever it is.
 */
import { configuredSecrets } from "../core/configuration";

export const redactedMarker = "[REDACTED]";

// A key names a credential when it ends in one of these words: `clientSecret`,
// `client_secret`, `password`, `vCenterPassword`, `refreshToken`, `access_token`,
// `apiKey`, `x-api-key`, `activationKey`, `authorization`. `tokenUrl`,
// `token_type` and `refreshTokenExpiryInDays` do not end in one, so they stay.
const secretKeyWords =
  "(?:secret|password|passwd|token|api[_-]?key|activation[_-]?key|authorization|cookie|credentials?)";
const secretKeyPattern = new RegExp(`${secretKeyWords}$`, "i");

// "clientSecret": "value" in JSON (escaped quotes inside the value included).
const jsonFieldPattern = new RegExp(
  `("[\\w.-]*${secretKeyWords}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`,
  "gi",
);
// clientSecret: 'value' as util.inspect prints an object (or 'clientSecret': 'value').
const inspectFieldPattern = new RegExp(
  `(\\b[\\w.-]*${secretKeyWords}'?\\s*:\\s*)'(?:[^'\\\\]|\\\\.)*'`,
  "gi",
);
// client_secret=value in a form body or a query string.
const formFieldPattern = new RegExp(`(\\b[\\w.-]*${secretKeyWords}=)[^&\\s,;"']+`, "gi");
// Authorization header values. A Digest header is a list of parameters, and all of
// them go: the response hash is enough to mount an offline guess of the key.
const digestPattern =
  /\bDigest\s+[\w-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s,"]*)(?:\s*,\s*[\w-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s,"]*))*/gi;
const token68Pattern = /\b(Bearer|Basic)\s+[\w\-.~+/]+=*/gi;

const extraSecrets = new Set<string>();

/**
 * Registers a value (a token just issued, an activation key, a configured secret
 * handed over directly) to cut out of every text redacted from now on. Its URL- and
 * JSON-escaped spellings are registered too, since a form body or a JSON message
 * carries those.
 */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < 4) return;
  extraSecrets.add(value);
  extraSecrets.add(encodeURIComponent(value));
  extraSecrets.add(JSON.stringify(value).slice(1, -1));
}

/**
 * Registers the values of a request body's credential fields (a password, a client
 * secret), so an API that echoes one in an error message does not put it on screen.
 */
export function registerSecretsIn(value: unknown, seen = new WeakSet<object>()): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string" && isSecretFieldName(key)) registerSecret(field);
    else registerSecretsIn(field, seen);
  }
}

/**
 * Registers the values of a resource's secret outputs (its definition's
 * `secretOutputs`): a string whole, an object by its credential fields.
 */
export function registerSecretOutputs(
  secretOutputs: readonly string[],
  outputs: Record<string, unknown>,
): void {
  for (const name of secretOutputs) {
    const value = outputs[name];
    if (typeof value === "string") registerSecret(value);
    else registerSecretsIn(value);
  }
}

/**
 * Registers every string inside a value whose every part may be a credential
 * (job parameters: `adminPass`, `rootPassword`, whatever a template names them).
 * Cutting a harmless parameter out of a message is the accepted price.
 */
export function registerEveryStringIn(value: unknown): void {
  if (typeof value === "string") registerSecret(value);
  else if (Array.isArray(value)) value.forEach(registerEveryStringIn);
  else if (value !== null && typeof value === "object") {
    Object.values(value).forEach(registerEveryStringIn);
  }
}

/** True when a field of this name holds a credential. */
export function isSecretFieldName(name: string): boolean {
  return secretKeyPattern.test(name);
}

/**
 * Starts of a known secret that are cut out on their own. An API that echoes a
 * truncated request shows a secret's first characters (`'PlainClientS...'`); a
 * few characters before an ellipsis already narrow a guess. Without an ellipsis a
 * longer start is needed, so that words a secret happens to begin with (`client`)
 * stay readable in messages.
 */
export const minSecretPrefix = 6;
const minSecretStartAnywhere = 12;

function isTruncatedAt(text: string, index: number): boolean {
  return text.startsWith("...", index) || text.startsWith("\u2026", index);
}

/** The text with the starts of a secret that `minSecretPrefix` describes cut out. */
function withoutSecretStart(text: string, secret: string): string {
  if (secret.length <= minSecretPrefix) return text;
  const head = secret.slice(0, minSecretPrefix);
  let out = "";
  let from = 0;
  for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++;
    if (end - at >= minSecretStartAnywhere || isTruncatedAt(text, end)) {
      out += text.slice(from, at) + redactedMarker;
    } else {
      out += text.slice(from, end);
    }
    from = end;
  }
  return out + text.slice(from);
}

/** The text with every known secret and every credential-shaped field replaced. */
export function redact(text: string): string {
  // Longest first, so a secret containing another is cut out whole.
  const known = [...new Set([...configuredSecrets(), ...extraSecrets])].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  // Whole secrets first, so one spelling's start does not break another spelling up.
  for (const secret of known) out = out.split(secret).join(redactedMarker);
  for (const secret of known) out = withoutSecretStart(out, secret);
  return out
    .replace(digestPattern, `Digest ${redactedMarker}`)
    .replace(token68Pattern, (_m, scheme: string) => `${scheme} ${redactedMarker}`)
    .replace(jsonFieldPattern, (_m, prefix: string) => `${prefix}"${redactedMarker}"`)
    .replace(inspectFieldPattern, (_m, prefix: string) => `${prefix}'${redactedMarker}'`)
    .replace(formFieldPattern, (_m, prefix: string) => `${prefix}${redactedMarker}`);
}

/**
 * A deep copy of a value (a request body, a headers object, a config) fit to log:
 * fields named like credentials hold the marker, every other string is redacted.
 */
export function redactValue<T>(value: T): T {
  return redactInner(value, new WeakMap()) as T;
}

function redactInner(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactInner(item, seen));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, field] of Object.entries(value)) {
    copy[key] =
      isSecretFieldName(key) && field !== undefined && field !== null && field !== ""
        ? redactedMarker
        : redactInner(field, seen);
  }
  return copy;
}
