import { expect } from "chai";
import { authorizationHeader, digestResponse, parseChallenge } from "../../provider/digestAuth";

// RFC 7616 section 3.9.1: the worked example.
const rfcChallenge = (algorithm: string) =>
  parseChallenge(
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
  )!;
const rfcInput = {
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  nc: 1,
};
const rfcCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

describe("Digest authentication", () => {
  it("computes RFC 7616's MD5 example response", () => {
    expect(digestResponse(rfcChallenge("MD5"), rfcInput, rfcCnonce)).to.equal(
      "8ca523f5e9506fed4657c9700eebdbec",
    );
  });

  it("computes RFC 7616's SHA-256 example response", () => {
    expect(digestResponse(rfcChallenge("SHA-256"), rfcInput, rfcCnonce)).to.equal(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
  });

  it("parses a challenge, picking qop=auth and noticing stale=true", () => {
    const challenge = parseChallenge(
      'Digest realm="MMS Public API", nonce="abc", qop="auth", stale=true',
    );
    expect(challenge).to.deep.include({
      realm: "MMS Public API",
      nonce: "abc",
      qop: "auth",
      stale: true,
      algorithm: "MD5",
    });
    expect(parseChallenge('Basic realm="x"')).to.equal(undefined);
  });

  it("writes the header with an 8-digit hex count and the opaque value", () => {
    const header = authorizationHeader(rfcChallenge("MD5"), {
      ...rfcInput,
      nc: 26,
      cnonce: rfcCnonce,
    });
    expect(header).to.match(/^Digest /);
    expect(header).to.include("nc=0000001a");
    expect(header).to.include('uri="/dir/index.html"');
    expect(header).to.include('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
  });

  it("hashes the session key for the -sess variant", () => {
    const plain = digestResponse(rfcChallenge("MD5"), rfcInput, rfcCnonce);
    const sess = digestResponse(rfcChallenge("MD5-sess"), rfcInput, rfcCnonce);
    expect(sess)
      .to.match(/^[0-9a-f]{32}$/)
      .and.not.equal(plain);
  });
});
