/**
 * Keeps credentials out of errors and logs (DESIGN.md decision 3): bearer tokens,
 * Digest headers, client secrets, passwords, refresh tokens, API keys and
 * activation keys are replaced by a fixed marker wherever they would be shown.
 */
import { configuredSecrets } from "./configuration";

export const redactedMarker = "[REDACTED]";

// JSON or form fields whose values are credentials, whatever the API calls them.
const secretFieldPattern =
  /("?(?:access_token|client_secret|clientSecret|password|refreshToken|refresh_token|apiKey|api_key|activationKey|token)"?\s*[:=]\s*"?)([^"&,\s}]+)/gi;
const authorizationPattern = /\b(Bearer|Digest|Basic)\s+[^\s"',]+(?:,\s*\w+="?[^",]*"?)*/gi;

const extraSecrets = new Set<string>();

/** Registers a value (a token just issued, an activation key) to redact from now on. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 4) extraSecrets.add(value);
}

/** The text with every known secret and every credential-shaped field replaced. */
export function redact(text: string): string {
  let out = text
    .replace(authorizationPattern, (_m, scheme: string) => `${scheme} ${redactedMarker}`)
    .replace(secretFieldPattern, (_m, prefix: string) => `${prefix}${redactedMarker}`);
  for (const secret of [...configuredSecrets(), ...extraSecrets]) {
    out = out.split(secret).join(redactedMarker);
  }
  return out;
}
