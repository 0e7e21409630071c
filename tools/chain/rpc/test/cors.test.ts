/**
 * CORS: a browser dApp served from another origin calls the facade. The preflight (OPTIONS) is answered 204
 * with the allow headers, every answer names the caller's origin in `access-control-allow-origin` (as agave's RPC
 * does; `*` for a request without `Origin`), and a real Chromium page on
 * another origin reads a JSON-RPC answer with `fetch` (which fails with "Failed to fetch" when either is missing).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../../browser/chromium.js";
import { type RpcServer, startRpcServer } from "../server.js";

describe("chain rpc: CORS (a browser dApp on another origin)", () => {
  let server: RpcServer;
  before(async () => {
    server = await startRpcServer({});
  });
  after(async () => {
    await server.close();
  });

  it("OPTIONS preflight: 204 with allow-origin the caller's origin, POST allowed, the requested headers allowed, max-age", async () => {
    const res = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: "http://dapp.example:3000", "access-control-request-method": "POST", "access-control-request-headers": "content-type,solana-client" },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get("access-control-allow-origin")).to.equal("http://dapp.example:3000");
    expect(res.headers.get("access-control-allow-methods")).to.contain("POST");
    expect(res.headers.get("access-control-allow-headers")).to.equal("content-type,solana-client");
    expect(Number(res.headers.get("access-control-max-age"))).to.be.greaterThan(0);
    expect(await res.text()).to.equal("");
  });

  it("a preflight without requested headers still allows content-type; POST answers carry allow-origin (the origin, or * without one)", async () => {
    const pre = await fetch(server.url, { method: "OPTIONS", headers: { origin: "http://dapp.example", "access-control-request-method": "POST" } });
    expect(pre.status).to.equal(204);
    expect(pre.headers.get("access-control-allow-headers")).to.contain("content-type");
    const post = await fetch(server.url, { method: "POST", headers: { origin: "http://dapp.example", "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }) });
    expect(post.headers.get("access-control-allow-origin")).to.equal("http://dapp.example");
    expect(await post.json()).to.deep.include({ result: "ok" });
    const plain = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getHealth" }) });
    expect(plain.headers.get("access-control-allow-origin")).to.equal("*");
    // other verbs are still refused, naming what is allowed
    const put = await fetch(server.url, { method: "PUT" });
    expect(put.status).to.equal(405);
    expect(put.headers.get("allow")).to.contain("POST");
  });

  describe("in Chromium", () => {
    let browser: Browser;
    let page: http.Server;
    let pageUrl: string;
    before(async function () {
      this.timeout(120_000);
      browser = await launchChromium();
      // the dApp's origin: a page on another port of loopback (a different origin from the RPC's)
      page = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>dapp</title>"));
      await new Promise<void>((r) => page.listen(0, "127.0.0.1", r));
      pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    });
    after(async () => {
      await browser?.close();
      await new Promise<void>((r) => (page ? page.close(() => r()) : r()));
    });

    it("a cross-origin fetch with a JSON content type (preflighted) reads getHealth and getSlot", async () => {
      const tab = await browser.newPage();
      await tab.goto(pageUrl);
      // a script string, not a function: tsx's transform would add helpers the page does not have
      const out = (await tab.evaluate(`(async () => {
        const post = async (method) => {
          const r = await fetch(${JSON.stringify(server.url)}, { method: "POST", headers: { "content-type": "application/json", "solana-client": "js/1.0.0-dapp" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method }) });
          return (await r.json()).result;
        };
        try { return { health: await post("getHealth"), slot: await post("getSlot") }; } catch (e) { return { error: String(e) }; }
      })()`)) as { health?: string; slot?: number; error?: string };
      await tab.close();
      expect(out).to.not.have.property("error");
      expect(out.health).to.equal("ok");
      expect(out.slot).to.be.a("number");
    });
  });
});
