/**
 * The four handler replacements (provider/plugin/serverWorkarounds.ts), driven with the
 * installed SDK's own protobuf classes, as gRPC would call them.
 */
import { expect } from "chai";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  sdkVersion,
  supportedSdkRange,
  unsupportedSdk,
  withWorkarounds,
} from "../../../provider/plugin/serverWorkarounds";
import { wrapSecret } from "../../../provider/plugin/secrets";

type Handler = (call: { request: unknown }, callback: (e: unknown, r?: unknown) => void) => void;

function callHandler(impl: Record<string, unknown>, name: string, request: unknown) {
  return new Promise<unknown>((resolve, reject) => {
    (impl[name] as Handler).call(impl, { request }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

describe("The provider plugin's workarounds for the SDK's provider server", () => {
  let configured: Record<string, unknown>[];
  let stockReads: proto.ReadRequest[];
  const stock = {
    provider: { name: "stock" },
    read(call: { request: proto.ReadRequest }, callback: (e: unknown, r?: unknown) => void) {
      // The SDK's read dereferences the properties at once, as 3.248's does.
      call.request.getProperties()!.toJavaScript();
      stockReads.push(call.request);
      callback(undefined, new proto.ReadResponse());
    },
    getSchema: () => "stock",
  };
  const patched = () =>
    withWorkarounds(stock, {
      packageName: "ops-management",
      configure: (inputs) => configured.push(inputs),
      checkConfig: (inputs) =>
        inputs.computeOpsRegion === "mars" ? [{ property: "", reason: "no such region" }] : [],
    });

  beforeEach(() => {
    configured = [];
    stockReads = [];
  });

  it("runs only on the SDK releases it was written for, the installed one among them", () => {
    expect(unsupportedSdk(sdkVersion())).to.equal(undefined);
    expect(unsupportedSdk("3.215.9")).to.include(supportedSdkRange.atLeast);
    expect(unsupportedSdk("3.277.0")).to.include("found 3.277.0");
    expect(unsupportedSdk("4.0.0")).to.not.equal(undefined);
  });

  it("keeps every other handler the SDK's", () => {
    const impl = patched();
    expect(impl.getSchema).to.equal(stock.getSchema);
    expect(Object.getPrototypeOf(impl)).to.equal(stock);
  });

  it("configureReadsSettings: hands the variables to the plugin and accepts secrets", async () => {
    const request = new proto.ConfigureRequest();
    request.getVariablesMap().set("ops-management:config:computeOpsRegion", "us-west");
    const response = (await callHandler(
      patched(),
      "configure",
      request,
    )) as proto.ConfigureResponse;
    expect(configured).to.deep.equal([{ computeOpsRegion: "us-west" }]);
    expect(response.getAcceptsecrets()).to.equal(true);
    expect(response.getAcceptresources()).to.equal(false);
  });

  it("configureReadsSettings: prefers the typed args, secrets and all", async () => {
    const request = new proto.ConfigureRequest();
    request.getVariablesMap().set("ops-management:config:computeOpsRegion", "ignored");
    request.setArgs(
      Struct.fromJavaScript({ computeOpsRegion: "eu-central", computeOpsToken: wrapSecret("t") }),
    );
    await callHandler(patched(), "configure", request);
    expect(configured).to.deep.equal([
      { computeOpsRegion: "eu-central", computeOpsToken: wrapSecret("t") },
    ]);
  });

  it("checkConfigValidates: answers the plugin's failures and keeps the inputs", async () => {
    const request = new proto.CheckRequest();
    request.setNews(Struct.fromJavaScript({ computeOpsRegion: "mars" }));
    const response = (await callHandler(patched(), "checkConfig", request)) as proto.CheckResponse;
    expect(response.getFailuresList().map((f) => f.getReason())).to.deep.equal(["no such region"]);
    expect(response.getInputs()?.toJavaScript()).to.deep.equal({ computeOpsRegion: "mars" });
  });

  it("diffConfigCompares: no change for the same settings, a change (never a replace) otherwise", async () => {
    const diff = async (olds: object, news: object) => {
      const request = new proto.DiffRequest();
      request.setOlds(Struct.fromJavaScript(olds as never));
      request.setNews(Struct.fromJavaScript(news as never));
      return (await callHandler(patched(), "diffConfig", request)) as proto.DiffResponse;
    };
    const same = await diff(
      { computeOpsRegion: "us-west", version: "0.1.0" },
      { computeOpsRegion: "us-west", version: "0.2.0" },
    );
    expect(same.getChanges()).to.equal(proto.DiffResponse.DiffChanges.DIFF_NONE);
    const changed = await diff(
      { computeOpsToken: wrapSecret("a") },
      { computeOpsToken: wrapSecret("b") },
    );
    expect(changed.getChanges()).to.equal(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(changed.getReplacesList()).to.deep.equal([]);
  });

  it("importReadDefaults: an import's Read without properties reaches the SDK's read with none", async () => {
    const request = new proto.ReadRequest();
    request.setId("abc");
    expect(request.getProperties()).to.equal(undefined);
    await callHandler(patched(), "read", request);
    expect(stockReads[0].getProperties()?.toJavaScript()).to.deep.equal({});
  });
});
