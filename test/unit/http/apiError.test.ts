import { expect } from "chai";
import * as util from "node:util";
import { ApiError, apiErrorFromAxios } from "../../../provider/http/apiError";
import {
  redact,
  redactedMarker,
  redactValue,
  registerSecret,
  registerSecretsIn,
} from "../../../provider/http/redaction";

/** The shape of an axios error with an answer, as apiErrorFromAxios reads it. */
function answered(status: number, data: unknown, headers: Record<string, string> = {}) {
  return {
    isAxiosError: true,
    message: `Request failed with status code ${status}`,
    config: { headers: { Authorization: "Bearer config-token-123" } },
    response: { status, statusText: "", data, headers },
  };
}

describe("ApiError", () => {
  describe("message", () => {
    it("reads method, path, status, errorCode, debugId, message and issues", () => {
      const error = new ApiError({
        method: "post",
        path: "/compute-ops-mgmt/v1beta1/external-services?filter=x",
        status: 400,
        errorCode: "HPE_GL_ERROR_BAD_REQUEST",
        debugId: "d-1",
        apiMessage: "Bad request",
        issues: [{ subject: "authentication.clientSecret", description: "must be set" }],
      });
      expect(error.message).to.equal(
        "POST /compute-ops-mgmt/v1beta1/external-services failed: 400 Bad Request " +
          "(errorCode HPE_GL_ERROR_BAD_REQUEST, debugId d-1): Bad request; " +
          "authentication.clientSecret: must be set",
      );
      expect(error.name).to.equal("ApiError");
      expect(error.path).to.equal("/compute-ops-mgmt/v1beta1/external-services");
      expect(error).to.be.instanceOf(Error);
    });

    it("says when no answer came, how often it was tried, and that a POST may have worked", () => {
      const error = new ApiError({
        method: "POST",
        path: "/x",
        code: "ECONNRESET",
        retries: 1,
        ambiguous: true,
      });
      expect(error.message).to.equal(
        "POST /x failed: ECONNRESET (no answer) after 1 retry; the request may have been applied",
      );
      const said = new ApiError({
        method: "GET",
        path: "/x",
        code: "ECONNRESET",
        networkMessage: "socket hang up",
        retries: 4,
      });
      expect(said.message).to.equal("GET /x failed: ECONNRESET (socket hang up) after 4 retries");
    });

    it("tells 404 apart with isNotFound", () => {
      expect(
        ApiError.isNotFound(new ApiError({ method: "GET", path: "/x", status: 404 })),
      ).to.equal(true);
      expect(
        ApiError.isNotFound(new ApiError({ method: "GET", path: "/x", status: 410 })),
      ).to.equal(false);
      expect(ApiError.isNotFound(Object.assign(new Error("x"), { status: 404 }))).to.equal(false);
    });
  });

  describe("from an axios error", () => {
    it("reads a Compute Ops Management error body", () => {
      const error = apiErrorFromAxios(
        answered(400, {
          httpStatusCode: 400,
          errorCode: "HPE_GL_ERROR_BAD_REQUEST",
          message: "Bad request",
          debugId: "dbg",
          errorDetails: [
            {
              type: "hpe.greenlake.bad_request",
              issues: [{ source: "body", subject: "name", description: "is required" }],
            },
            { type: "hpe.greenlake.retry_info", retryAfterSeconds: 3 },
          ],
        }),
        "POST",
        "/p",
        { repeatable: false },
      );
      expect(error).to.include({
        method: "POST",
        path: "/p",
        status: 400,
        errorCode: "HPE_GL_ERROR_BAD_REQUEST",
        apiMessage: "Bad request",
        debugId: "dbg",
        ambiguous: false,
      });
      expect(error.issues).to.deep.equal([
        { source: "body", subject: "name", description: "is required" },
      ]);
    });

    it("reads an Ops Manager error body: detail as the message, reason as the status text", () => {
      const body = {
        detail: "No group.",
        error: 404,
        errorCode: "GROUP_NOT_FOUND",
        reason: "Gone",
      };
      const error = apiErrorFromAxios(answered(404, body), "GET", "/groups/x", {
        repeatable: true,
      });
      expect(error.errorCode).to.equal("GROUP_NOT_FOUND");
      expect(error.apiMessage).to.equal("No group.");
      expect(error.message).to.equal(
        "GET /groups/x failed: 404 Gone (errorCode GROUP_NOT_FOUND): No group.",
      );
    });

    it("reads an OAuth2 token endpoint's error body", () => {
      const error = apiErrorFromAxios(
        answered(401, { error: "invalid_client", error_description: "Bad client" }),
        "POST",
        "https://sso.common.cloud.hpe.com/as/token.oauth2",
        { repeatable: true, hint: "check compute-ops:clientSecret" },
      );
      expect(error.message).to.equal(
        "POST https://sso.common.cloud.hpe.com/as/token.oauth2 failed: 401 Unauthorized " +
          "(errorCode invalid_client): Bad client; check compute-ops:clientSecret",
      );
    });

    it("marks a POST ambiguous after a 5xx or a dropped connection, not after a refusal", () => {
      const post = (e: unknown) => apiErrorFromAxios(e, "POST", "/p", { repeatable: false });
      expect(post(answered(500, {})).ambiguous).to.equal(true);
      expect(post(answered(503, {}, { "retry-after": "5" })).ambiguous).to.equal(false);
      expect(post(answered(429, {})).ambiguous).to.equal(false);
      expect(post({ code: "ECONNRESET", message: "socket hang up" }).ambiguous).to.equal(true);
      expect(post({ code: "ECONNREFUSED", message: "connect" }).ambiguous).to.equal(false);
      expect(
        apiErrorFromAxios(answered(500, {}), "POST", "/p", { repeatable: true }).ambiguous,
      ).to.equal(false);
    });

    it("keeps nothing of the axios error: no config, request or headers", () => {
      const error = apiErrorFromAxios(answered(500, { message: "x" }), "GET", "/p", {
        repeatable: true,
      });
      const shown = util.inspect(error, { showHidden: true, depth: 10 }) + JSON.stringify(error);
      expect(shown).not.to.include("config-token-123");
      expect(Object.keys(error)).not.to.include.members(["config", "request", "response", "cause"]);
    });
  });
});

describe("redact", () => {
  it("hides bearer tokens, Basic credentials and whole Digest headers", () => {
    expect(redact("Authorization: Bearer eyJhbGciOi.J9.sig-_x")).to.equal(
      `Authorization: Bearer ${redactedMarker}`,
    );
    expect(redact("Basic YWRtaW46cGFzcw==")).to.equal(`Basic ${redactedMarker}`);
    expect(
      redact(
        'sent Digest username="admin", realm="MMS Public API", nonce="n", uri="/a?b=1", ' +
          'response="6629fae49393a05397450978507c4ef1", qop=auth, nc=00000001, cnonce="c" then',
      ),
    ).to.equal(`sent Digest ${redactedMarker} then`);
  });

  it("hides credential fields in JSON, inspected objects and forms", () => {
    expect(redact('{"clientSecret":"s3cr\\"et","name":"n","refreshToken":"r1"}')).to.equal(
      `{"clientSecret":"${redactedMarker}","name":"n","refreshToken":"${redactedMarker}"}`,
    );
    expect(redact("{ password: 'hunter two', user: 'u' }")).to.equal(
      `{ password: '${redactedMarker}', user: 'u' }`,
    );
    expect(redact("grant_type=client_credentials&client_id=c&client_secret=abc%2Bd")).to.equal(
      `grant_type=client_credentials&client_id=c&client_secret=${redactedMarker}`,
    );
    expect(redact('"activationKey": "ABCD-1234", "x-api-key": "k"')).to.equal(
      `"activationKey": "${redactedMarker}", "x-api-key": "${redactedMarker}"`,
    );
  });

  it("leaves field names, token URLs and issue subjects readable", () => {
    const text =
      "authentication.clientSecret: must be at least 8 characters; " +
      '"tokenUrl": "https://sso.common.cloud.hpe.com/as/token.oauth2", "token_type": "Bearer"';
    expect(redact(text)).to.equal(text);
  });

  it("cuts out registered secrets in their raw, URL-encoded and JSON-escaped spellings", () => {
    registerSecret('reg+is/tered "secret"');
    expect(
      redact(
        'a reg+is/tered "secret" b reg%2Bis%2Ftered%20%22secret%22 c reg+is/tered \\"secret\\"',
      ),
    ).to.equal(`a ${redactedMarker} b ${redactedMarker} c ${redactedMarker}`);
  });

  it("learns the credential fields of a request body", () => {
    registerSecretsIn({ authentication: { username: "u", password: "body-password-42" } });
    expect(redact("the password body-password-42 is weak")).to.equal(
      `the password ${redactedMarker} is weak`,
    );
    expect(redact("user u")).to.equal("user u");
  });

  it("copies objects with credential fields masked and other strings redacted", () => {
    const headers = { Authorization: "Bearer abc.def", Accept: "application/json" };
    const value = { headers, body: { clientSecret: "x", list: ["Bearer t0k"] }, n: 1 };
    expect(redactValue(value)).to.deep.equal({
      headers: { Authorization: redactedMarker, Accept: "application/json" },
      body: { clientSecret: redactedMarker, list: [`Bearer ${redactedMarker}`] },
      n: 1,
    });
    expect(headers.Authorization).to.equal("Bearer abc.def");
  });

  describe("truncated echoes and HTML pages", () => {
    it("cuts out the start of a known secret that an API echoes truncated", () => {
      registerSecret("PlainClientSecretValue-41d7");
      const text = redact("invalid request {clientId: 'c', note: 'PlainClientS...'}");
      expect(text).to.include(`'${redactedMarker}...'`);
      expect(text).not.to.include("PlainClie");
      expect(redact("echo: PlainClientSecr")).to.equal(`echo: ${redactedMarker}`);
      // A short start with no ellipsis stays readable: it may be a word the secret begins with.
      expect(redact("PlainClient rules")).to.equal("PlainClient rules");
      expect(redact("Plai...")).to.equal("Plai...");
    });

    it("names an HTML error page by its title instead of showing it", () => {
      const page =
        "<html><head><title>502 Bad Gateway</title></head><body><p>upstream said: secret-ish</p></body></html>";
      const error = apiErrorFromAxios(
        answered(502, page, { "content-type": "text/html" }),
        "get",
        "/x",
        {
          repeatable: true,
        },
      );
      expect(error.message).to.include('an HTML page titled "502 Bad Gateway"');
      expect(error.message).not.to.include("<body>");
      expect(error.message).not.to.include("upstream said");
    });
  });
});
