/**
 * Query strings and OData filters for Compute Ops Management: every value is
 * percent-encoded here, reserved characters included.
 */

export type QueryValues = Record<string, string | number | boolean | undefined>;

/**
 * Percent-encodes a query value. The seeds require every OData reserved character
 * (`! # $ & ' ( ) * + , / : ; = ? @ [ ]`) and the space to be encoded, and server ids
 * contain `+`, which a server would otherwise read as a space. encodeURIComponent
 * leaves `! ' ( ) *` alone, so those are encoded here too.
 */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `?a=1&filter=...`, built here rather than by axios, whose `params` leave some
 * reserved characters alone. Undefined values are left out; "" when nothing is left.
 */
export function queryString(query: QueryValues): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeQueryValue(k)}=${encodeQueryValue(String(v))}`);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}

/** An OData string literal: single quotes, with embedded quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A timestamp as the spec's filter examples write one: bare, to the second. */
export function odataTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
