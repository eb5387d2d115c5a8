/**
 * GreenLake's OAuth2 token endpoint (client credentials, in the form body or as
 * HTTP Basic) and the bearer check every Compute Ops Management request passes.
 */
import { randomBytes } from "node:crypto";
import { EmulatorRequest, json, Reply } from "../httpKit";

export interface TokenOptions {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
}

export class TokenIssuer {
  /** token → expiry (epoch ms) */
  private readonly tokens = new Map<string, number>();
  tokenRequests = 0;

  constructor(private readonly options: TokenOptions) {}

  static handles(path: string): boolean {
    return path === "/as/token.oauth2" || /^\/authorization\/v2\/oauth2\/[^/]+\/token$/.test(path);
  }

  issue(req: EmulatorRequest): Reply {
    if (req.method !== "POST") return json(405, { error: "invalid_request" });
    this.tokenRequests++;
    if (req.contentType !== "application/x-www-form-urlencoded") {
      return json(400, {
        error: "invalid_request",
        error_description: "Content-Type must be application/x-www-form-urlencoded",
      });
    }
    const form = new URLSearchParams(req.rawBody);
    let clientId = form.get("client_id");
    let clientSecret = form.get("client_secret");
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, "base64").toString().split(":");
      clientId = decodeURIComponent(id);
      clientSecret = decodeURIComponent(secret ?? "");
    }
    if (form.get("grant_type") !== "client_credentials") {
      return json(400, { error: "unsupported_grant_type" });
    }
    if (clientId !== this.options.clientId || clientSecret !== this.options.clientSecret) {
      return json(401, { error: "invalid_client" });
    }
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, Date.now() + this.options.tokenTtlSeconds * 1000);
    return json(200, {
      access_token: token,
      token_type: "Bearer",
      expires_in: this.options.tokenTtlSeconds,
    });
  }

  /** Whether the request carries a bearer token this issuer gave out and that has not expired. */
  authorizes(req: EmulatorRequest): boolean {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const expiresAt = token === undefined ? undefined : this.tokens.get(token);
    return expiresAt !== undefined && expiresAt >= Date.now();
  }
}
