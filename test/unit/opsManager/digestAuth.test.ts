import { expect } from "chai";
import { createHash } from "node:crypto";
import {
  authorizationHeader,
  digestResponse,
  parseChallenge,
  parseChallenges,
} from "../../../provider/opsManager/digestAuth";

// RFC 7616 section 3.9.1, the worked example.
const rfcHeader = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
  `nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ` +
  `opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
const rfcChallenge = (algorithm: string) => parseChallenge(rfcHeader(algorithm))!;
const rfcInput = {
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  nc: 1,
};
const rfcCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
const hash = (name: string, text: string) => createHash(name).update(text).digest("hex");

describe("Digest authentication", () => {
  describe("the challenge exactly as the Ops Manager page prints it", () => {
    // Every 401 on the page reads `op="auth"`, not `qop="auth"`: no qop is offered,
    // so the answer is RFC 2069's H(HA1:nonce:HA2), as curl --digest sends it.
    const pageHeader =
      'Digest realm="MMS Public API", domain="", nonce="CRAfKf6S9RqdCz4kfZa0vtCpqFE3ufFL", ' +
      'algorithm=MD5, op="auth", stale=false';

    it("answers it with the RFC 2069 response and no qop, nc or cnonce", () => {
      const challenge = parseChallenge(pageHeader);
      expect(challenge).to.include({ realm: "MMS Public API", qop: undefined, stale: false });
      const input = {
        username: "admin",
        password: "api-key",
        method: "GET",
        uri: "/api/public/v1.0/groups/5e2211c17a3e5a48f5497de3/serverPool/requests",
        nc: 1,
      };
      const md5 = (text: string) => hash("md5", text);
      const expected = md5(
        `${md5("admin:MMS Public API:api-key")}:CRAfKf6S9RqdCz4kfZa0vtCpqFE3ufFL:${md5(`GET:${input.uri}`)}`,
      );
      const header = authorizationHeader(challenge!, input);
      expect(header).to.equal(
        'Digest username="admin", realm="MMS Public API", ' +
          'nonce="CRAfKf6S9RqdCz4kfZa0vtCpqFE3ufFL", ' +
          `uri="${input.uri}", algorithm=MD5, response="${expected}"`,
      );
    });
  });

  describe("RFC 7616 examples", () => {
    it("computes the MD5 example response", () => {
      expect(digestResponse(rfcChallenge("MD5"), rfcInput, rfcCnonce)).to.equal(
        "8ca523f5e9506fed4657c9700eebdbec",
      );
    });

    it("computes the SHA-256 example response", () => {
      expect(digestResponse(rfcChallenge("SHA-256"), rfcInput, rfcCnonce)).to.equal(
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
      );
    });

    it("writes the example's Authorization header", () => {
      const header = authorizationHeader(rfcChallenge("MD5"), { ...rfcInput, cnonce: rfcCnonce });
      expect(header).to.equal(
        'Digest username="Mufasa", realm="http-auth@example.org", ' +
          'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", ' +
          'algorithm=MD5, response="8ca523f5e9506fed4657c9700eebdbec", qop=auth, ' +
          'nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
          'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
      );
    });
  });

  describe("challenges", () => {
    it("parses Ops Manager's challenge, picking qop=auth and noticing stale=true", () => {
      const challenge = parseChallenge(
        'Digest realm="MMS Public API", domain="", nonce="abc", algorithm=MD5, qop="auth", stale=true',
      );
      expect(challenge).to.deep.equal({
        realm: "MMS Public API",
        nonce: "abc",
        qop: "auth",
        algorithm: "MD5",
        opaque: undefined,
        stale: true,
        userhash: false,
      });
    });

    it("ignores other schemes and keeps commas and escaped quotes inside quoted values", () => {
      const challenges = parseChallenges(
        'Basic realm="x", Digest realm="a, \\"b\\"", nonce="n=1,2", qop="auth"',
      );
      expect(challenges).to.have.length(1);
      expect(challenges[0]).to.include({ realm: 'a, "b"', nonce: "n=1,2" });
      expect(parseChallenge('Basic realm="x"')).to.equal(undefined);
      expect(parseChallenge(undefined)).to.equal(undefined);
    });

    it("prefers SHA-256 to MD5 when the server offers both", () => {
      const challenges = parseChallenges([
        'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"',
        'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"',
      ]);
      expect(challenges.map((c) => c.algorithm)).to.deep.equal(["SHA-256", "MD5"]);
    });

    it("skips a challenge it cannot answer: auth-int only, or an unknown algorithm", () => {
      expect(parseChallenge('Digest realm="r", nonce="n", qop="auth-int"')).to.equal(undefined);
      expect(parseChallenge('Digest realm="r", nonce="n", algorithm=SHA-1, qop="auth"')).to.equal(
        undefined,
      );
    });
  });

  describe("responses", () => {
    it("writes the count as 8 hex digits", () => {
      const header = authorizationHeader(rfcChallenge("MD5"), { ...rfcInput, nc: 26 });
      expect(header).to.include("nc=0000001a");
    });

    it("hashes the session key for the -sess variant", () => {
      const challenge = rfcChallenge("MD5-sess");
      const ha1 = hash(
        "md5",
        `${hash("md5", "Mufasa:http-auth@example.org:Circle of Life")}:${challenge.nonce}:${rfcCnonce}`,
      );
      const ha2 = hash("md5", "GET:/dir/index.html");
      expect(digestResponse(challenge, rfcInput, rfcCnonce)).to.equal(
        hash("md5", `${ha1}:${challenge.nonce}:00000001:${rfcCnonce}:auth:${ha2}`),
      );
    });

    it("answers an RFC 2069 challenge without qop", () => {
      const challenge = parseChallenge('Digest realm="r", nonce="n"')!;
      const ha1 = hash("md5", "Mufasa:r:Circle of Life");
      const ha2 = hash("md5", "GET:/dir/index.html");
      expect(digestResponse(challenge, rfcInput, rfcCnonce)).to.equal(
        hash("md5", `${ha1}:n:${ha2}`),
      );
      expect(authorizationHeader(challenge, rfcInput)).not.to.match(/qop=|nc=|cnonce=/);
    });

    it("sends the hashed user name when the challenge asks for userhash", () => {
      const challenge = parseChallenge(
        'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth", userhash=true',
      )!;
      const header = authorizationHeader(challenge, rfcInput);
      expect(header).to.include(`username="${hash("sha256", "Mufasa:r")}"`);
      expect(header).to.include("userhash=true");
    });

    it("escapes quotes in the user name and picks a new cnonce every time", () => {
      const challenge = rfcChallenge("MD5");
      const first = authorizationHeader(challenge, { ...rfcInput, username: 'a"b' });
      const second = authorizationHeader(challenge, { ...rfcInput, username: 'a"b' });
      expect(first).to.include('username="a\\"b"');
      expect(/cnonce="([^"]+)"/.exec(first)![1]).not.to.equal(/cnonce="([^"]+)"/.exec(second)![1]);
    });
  });
});
