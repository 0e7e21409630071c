// /lumora/relay/1: real libp2p peers and real TCP/HTTP/HTTPS servers on loopback.
import { expect } from "chai";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import bs58 from "bs58";
import type { LumoraNode } from "../src/node.js";
import { ROLES, StaticRegistry } from "../src/registry.js";
import {
  HeadroomMonitor,
  RelayProvider,
  RelayRefusedError,
  ROLE_EXECUTOR,
  ROLE_PROVIDER,
  decodeRelayStatement,
  openRelay,
  parseProcNetDev,
  rankProviders,
  verifyRelayAttestation,
  type RelayProviderOptions,
  type RelaySessionRecord,
} from "../src/relay/index.js";
import { TokenBucket } from "../src/bucket.js";
import { startNetwork, stopAll, waitFor } from "./helpers.js";
import { makeTestCa } from "./relay-tls.js";

const MiB = 1024 * 1024;

/** Sends a raw HTTP/1.1 GET over `socket` and reads the whole response (Connection: close). */
async function rawGet(socket: Duplex, host: string, path: string): Promise<{ status: number; body: Buffer }> {
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  for await (const c of socket as AsyncIterable<Buffer>) chunks.push(c);
  const all = Buffer.concat(chunks);
  const split = all.indexOf("\r\n\r\n");
  return { status: Number(all.subarray(9, 12).toString()), body: all.subarray(split + 4) };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r((server.address() as net.AddressInfo).port)));
}

describe("relay: /lumora/relay/1 on loopback", function () {
  let nodes: LumoraNode[] = [];
  let registry: StaticRegistry;
  let site: http.Server;
  let sitePort: number;
  let siteConnections = 0;
  let secure: https.Server;
  let securePort: number;
  let ca: string;
  const big = Buffer.alloc(8 * MiB);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
  const providers: RelayProvider[] = [];
  const sessions: RelaySessionRecord[] = [];

  /** Provider on node 1 with the given options (loopback allowed unless told otherwise). */
  async function provider(o: RelayProviderOptions = {}): Promise<RelayProvider> {
    for (const p of providers.splice(0)) await p.stop();
    const p = await RelayProvider.start(nodes[1]!, { allowLoopbackForTests: true, ports: [sitePort, securePort], onSession: (s) => void sessions.push(s), ...o });
    providers.push(p);
    return p;
  }

  before(async () => {
    ({ nodes, registry } = await startNetwork(3, { mesh: true }));
    site = http.createServer((req, res) => {
      if (req.url === "/big") {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": big.length });
        res.end(big);
      } else if (req.url === "/echo") {
        const parts: Buffer[] = [];
        req.on("data", (c: Buffer) => parts.push(c)).on("end", () => res.end(Buffer.concat(parts)));
      } else res.end("<h1>hello through the relay</h1>");
    });
    site.on("connection", () => siteConnections++);
    sitePort = await listen(site);
    const cert = makeTestCa(["fixture.test", "127.0.0.1"]);
    ca = cert.ca;
    secure = https.createServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end("secret page"));
    securePort = await listen(secure);
  });

  after(async () => {
    for (const p of providers) await p.stop();
    site.closeAllConnections();
    secure.closeAllConnections();
    await new Promise((r) => site.close(r));
    await new Promise((r) => secure.close(r));
    await stopAll(nodes);
  });

  it("carries an HTTP exchange; both ends sign the same counts and the provider keeps both statements", async () => {
    await provider();
    sessions.length = 0;
    const s = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 7n });
    expect(s.remoteAddress).to.equal("127.0.0.1");
    const res = await rawGet(s.socket, "fixture.test", "/");
    expect(res.status).to.equal(200);
    expect(res.body.toString()).to.equal("<h1>hello through the relay</h1>");
    s.socket.destroy();
    const done = await s.done;
    expect(done.outcome).to.equal("closed");
    expect(done.provider!.bytesDown).to.equal(done.bytesDown);
    expect(done.provider!.bytesUp).to.equal(done.bytesUp);
    await waitFor(() => sessions.length === 1, 5000, "the provider's record");
    const rec = sessions[0]!;
    expect(rec.outcome).to.equal("closed");
    expect(rec.executor).to.equal(bs58.encode(nodes[0]!.nodeKey.publicKey));
    const e = verifyRelayAttestation(rec.executorAttestation!)!;
    const p = verifyRelayAttestation(rec.provider)!;
    expect(e.role).to.equal(ROLE_EXECUTOR);
    expect(p.role).to.equal(ROLE_PROVIDER);
    for (const st of [e, p]) {
      expect(st.epoch).to.equal(7n);
      expect(Buffer.from(st.sessionId).equals(Buffer.from(s.sessionId))).to.equal(true);
      expect(Buffer.from(st.executor).equals(Buffer.from(nodes[0]!.nodeKey.publicKey))).to.equal(true);
      expect(Buffer.from(st.provider).equals(Buffer.from(nodes[1]!.nodeKey.publicKey))).to.equal(true);
      expect(st.bytesDown).to.equal(done.bytesDown);
      expect(st.bytesUp).to.equal(done.bytesUp);
    }
    // a statement altered by one byte no longer verifies; the signature binds the signer's role
    const tampered = Uint8Array.from(rec.provider.message);
    tampered[120] ^= 1;
    expect(verifyRelayAttestation({ message: tampered, signature: rec.provider.signature })).to.equal(null);
    expect(decodeRelayStatement(rec.provider.message).bytesDown).to.equal(done.bytesDown);
  });

  it("moves 8 MiB intact both ways (uploads and downloads count separately)", async () => {
    await provider();
    const s = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 7n });
    const res = await rawGet(s.socket, "x", "/big");
    expect(res.body.equals(big)).to.equal(true);
    const d = await s.done;
    expect(Number(d.bytesDown)).to.be.greaterThan(big.length);
    const up = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 7n });
    const payload = big.subarray(0, 3 * MiB);
    up.socket.write(`POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${payload.length}\r\n\r\n`);
    up.socket.write(payload);
    const chunks: Buffer[] = [];
    for await (const c of up.socket as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    expect(body.subarray(body.indexOf("\r\n\r\n") + 4).equals(payload)).to.equal(true);
    const u = await up.done;
    expect(Number(u.bytesUp)).to.be.greaterThan(payload.length);
  });

  it("keeps TLS end to end: the executor verifies the site's certificate through the provider", async () => {
    await provider();
    const s = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: securePort, epoch: 7n });
    const t = tls.connect({ socket: s.socket, servername: "fixture.test", ca });
    await new Promise<void>((res, rej) => t.once("secureConnect", res).once("error", rej));
    expect(t.authorized).to.equal(true);
    const res = await rawGet(t, "fixture.test", "/");
    expect(res.body.toString()).to.equal("secret page");
    // the provider carried ciphertext: its byte counts are the TLS records, not the page
    const d = await s.done;
    expect(d.outcome).to.equal("closed");
    expect(Number(d.bytesDown)).to.be.greaterThan(400);
    // a certificate the executor does not trust fails on the executor, not at the provider
    const s2 = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: securePort, epoch: 7n });
    const t2 = tls.connect({ socket: s2.socket, servername: "fixture.test" });
    const err = await new Promise<Error>((res) => t2.once("error", res));
    expect(err.message).to.match(/certificate/i);
    t2.destroy();
    await s2.done;
  });

  describe("the provider vets every destination", () => {
    const refusal = async (host: string, port = sitePort, o: RelayProviderOptions = {}, from = 0): Promise<string> => {
      await provider({ allowLoopbackForTests: false, ...o });
      try {
        const s = await openRelay(nodes[from]!, { peer: nodes[1]!.peerId, host, port, epoch: 1n });
        s.socket.destroy();
        return "opened";
      } catch (e) {
        expect(e).to.be.instanceOf(RelayRefusedError);
        return (e as RelayRefusedError).reason;
      }
    };

    it("refuses loopback, private, link-local, metadata, CGNAT, multicast, ULA in every notation; never connects", async () => {
      const before = siteConnections;
      const hosts = [
        "127.0.0.1",
        "0x7f.1",
        "0x7f.0.0.1",
        "2130706433",
        "017700000001",
        "0177.0.0.1",
        "127.1",
        "0x7f000001",
        "127.0.0.1.",
        "[::ffff:127.0.0.1]",
        "::ffff:7f00:1",
        "[::1]",
        "::1",
        "0.0.0.0",
        "0",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0xa9fea9fe",
        "2852039166",
        "[::ffff:169.254.169.254]",
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "fd00::1",
        "fd00:ec2::254",
        "fe80::1",
        "[fe80::1%25eth0]",
        "64:ff9b::7f00:1",
      ];
      for (const h of hosts) expect(await refusal(h), h).to.be.oneOf(["ForbiddenAddress", "BadRequest"]);
      expect(siteConnections).to.equal(before);
    });

    it("refuses names that resolve to a forbidden address (all of them are checked), and resolves once", async () => {
      const asked: string[] = [];
      const lookup = async (h: string) => {
        asked.push(h);
        if (h === "evil.test") return [{ address: "10.1.2.3", family: 4 }];
        if (h === "mixed.test") return [{ address: "93.184.216.34", family: 4 }, { address: "127.0.0.1", family: 4 }];
        if (h === "meta.test") return [{ address: "::ffff:169.254.169.254", family: 6 }];
        if (h === "loop.test") return [{ address: "127.0.0.1", family: 4 }];
        throw new Error("ENOTFOUND");
      };
      expect(await refusal("evil.test", sitePort, { lookup })).to.equal("ForbiddenAddress");
      expect(await refusal("mixed.test", sitePort, { lookup })).to.equal("ForbiddenAddress");
      expect(await refusal("meta.test", sitePort, { lookup })).to.equal("ForbiddenAddress");
      expect(await refusal("loop.test", sitePort, { lookup })).to.equal("ForbiddenAddress");
      expect(await refusal("nowhere.test", sitePort, { lookup })).to.equal("DnsFailed");
      expect(await refusal("localhost")).to.equal("ForbiddenAddress");
      expect(asked).to.deep.equal(["evil.test", "mixed.test", "meta.test", "loop.test", "nowhere.test"]);
      // with the test opt-in, loop.test is carried — to the address resolved once, never re-resolved
      asked.length = 0;
      await provider({ lookup, allowLoopbackForTests: true });
      const s = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "loop.test", port: sitePort, epoch: 1n });
      expect(s.remoteAddress).to.equal("127.0.0.1");
      expect((await rawGet(s.socket, "loop.test", "/")).status).to.equal(200);
      expect(asked).to.deep.equal(["loop.test"]);
    });

    it("the loopback opt-in is off by default and opens loopback only: private and metadata stay refused", async () => {
      expect(await refusal("127.0.0.1", sitePort, { allowLoopbackForTests: undefined })).to.equal("ForbiddenAddress");
      for (const h of ["10.0.0.1", "169.254.169.254", "[::ffff:169.254.169.254]", "fd00::1"]) expect(await refusal(h, sitePort, { allowLoopbackForTests: true }), h).to.equal("ForbiddenAddress");
    });

    it("refuses ports other than 80/443 by default, malformed hosts, and hosts on its deny list or off its allow list", async () => {
      await provider({ allowLoopbackForTests: false });
      expect(await refusal("93.184.216.34", 22, { ports: undefined })).to.equal("PortNotAllowed");
      expect(await refusal("93.184.216.34", 6379, { ports: undefined })).to.equal("PortNotAllowed");
      for (const h of ["a b", "1.2.3.4.5", "exa mple.com", "a..b", "08", "4294967296", "-x.com"]) expect(await refusal(h, 443, { ports: undefined }), h).to.equal("BadRequest");
      expect(await refusal("blocked.example", 443, { ports: undefined, denyHosts: ["*.example"] })).to.equal("HostDenied");
      expect(await refusal("other.org", 443, { ports: undefined, allowHosts: ["example.com", "*.example.com"] })).to.equal("HostDenied");
      expect(await refusal("93.184.216.34", 443, { ports: undefined, allowHosts: ["example.com"] })).to.equal("HostDenied");
    });

    it("refuses requesters that are not registered executors, and bounds concurrent sessions in all and per executor", async () => {
      // node 2 loses its EXECUTOR role
      registry.set(nodes[2]!.nodeKey.publicKey, { roles: ROLES.PROVIDER, shard: 0, multiaddrs: [], active: true });
      expect(await refusal("127.0.0.1", sitePort, { allowLoopbackForTests: true }, 2)).to.equal("Unauthorized");
      registry.set(nodes[2]!.nodeKey.publicKey, { roles: ROLES.PROVIDER | ROLES.EXECUTOR | ROLES.VERIFIER, shard: 0, multiaddrs: [], active: true });
      const p = await provider({ maxSessions: 2, maxSessionsPerExecutor: 1 });
      const a = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 1n });
      const second = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 1n }).catch((e: RelayRefusedError) => e.reason);
      expect(second).to.equal("ExecutorLimit");
      const b = await openRelay(nodes[2]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 1n });
      const third = await openRelay(nodes[2]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 1n }).catch((e: RelayRefusedError) => e.reason);
      expect(third).to.be.oneOf(["Busy", "ExecutorLimit"]);
      expect(p.active).to.equal(2);
      a.socket.destroy();
      b.socket.destroy();
      await Promise.all([a.done, b.done]);
      await waitFor(() => p.active === 0, 5000, "sessions released");
      expect(p.refusals.ExecutorLimit).to.be.at.least(1);
      const c = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 1n });
      c.socket.destroy();
      await c.done;
    });
  });

  it("abuse: random frames, a 16 MiB length prefix, DATA before OPEN — each answered or cut, nothing connected, the provider still serves", async function () {
    const p = await provider();
    const open = () => nodes[0]!.libp2p.dialProtocol(nodes[1]!.peerId, "/lumora/relay/1", { signal: AbortSignal.timeout(5000) });
    const varint = (n: number) => {
      const out: number[] = [];
      for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
      out.push(n);
      return Uint8Array.from(out);
    };
    const before = p.sessions;
    const garbage: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      const body = Uint8Array.from({ length: 1 + ((i * 37) % 300) }, (_, j) => (i * 31 + j * 7) & 0xff);
      garbage.push(Uint8Array.from([...varint(body.length), ...body]));
    }
    garbage.push(varint(16 * MiB)); // a frame claiming 16 MiB
    garbage.push(Uint8Array.from([...varint(3), 0x04, 1, 2])); // DATA before OPEN
    for (const g of garbage) {
      const st = await open();
      st.send(g);
      // the provider answers REFUSED/ERROR or cuts the stream; it never connects anywhere
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1500);
        st.addEventListener("close", () => (clearTimeout(t), resolve()));
        st.addEventListener("message", () => (clearTimeout(t), resolve()));
      });
      st.abort(new Error("done"));
    }
    expect(p.sessions).to.equal(before);
    // still serving
    const s = await openRelay(nodes[0]!, { peer: nodes[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 7n });
    expect((await rawGet(s.socket, "x", "/")).status).to.equal(200);
    await s.done;
  });

  it("a provider that dies mid-session breaks the executor's socket and its session ends broken", async () => {
    const { nodes: pair } = await startNetwork(2, { mesh: true, registry });
    try {
      await RelayProvider.start(pair[1]!, { allowLoopbackForTests: true, ports: [sitePort], bucket: new TokenBucket({ rateBytesPerSec: 2 * MiB }) });
      const s = await openRelay(pair[0]!, { peer: pair[1]!.peerId, host: "127.0.0.1", port: sitePort, epoch: 1n, idleTimeoutMs: 5000 });
      s.socket.write(`GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      let got = 0;
      const read = (async () => {
        for await (const c of s.socket as AsyncIterable<Buffer>) {
          got += c.length;
          if (got > MiB) void pair[1]!.stop();
        }
      })();
      const err = await read.then(() => null, (e: Error) => e);
      expect(got).to.be.below(big.length);
      expect(err ?? "ended early").to.not.equal(null);
      const d = await s.done;
      expect(d.outcome).to.equal("broken");
    } finally {
      await stopAll(pair);
    }
  });
});

describe("relay: headroom and proximity (units)", () => {
  it("parses /proc/net/dev", () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 1000     10    0    0    0     0          0         0     1000     10    0    0    0     0       0          0
  eth0: 123456   100    0    0    0     0          0         0    654321   90    0    0    0     0       0          0
`;
    const m = parseProcNetDev(text);
    expect(m.get("lo")).to.deep.equal({ rx: 1000, tx: 1000 });
    expect(m.get("eth0")).to.deep.equal({ rx: 123456, tx: 654321 });
  });

  it("gives the relay the headroom under the limit: down when the owner's traffic rises, back up when it drops", () => {
    let iface = 0;
    let relay = 0;
    const bucket = new TokenBucket({ rateBytesPerSec: 1 });
    const m = new HeadroomMonitor({ limitBps: 10 * MiB, source: () => iface, relayBytes: () => relay, bucket, footprint: 2, intervalMs: 500, windowMs: 1000 });
    let t = 0;
    const step = (ownerBps: number, relayBps: number) => {
      t += 500;
      relay += relayBps / 2;
      iface += ownerBps / 2 + (2 * relayBps) / 2;
      return m.sample(t);
    };
    m.sample(0);
    for (let i = 0; i < 4; i++) step(0, 4 * MiB);
    expect(m.last.ownerBps).to.be.closeTo(0, 1);
    expect(bucket.rateBytesPerSec).to.be.closeTo(5 * MiB, 1);
    // the owner starts an 8 MiB/s download: after one window the relay's rate is (10 − 8) / 2 MiB/s
    step(8 * MiB, 4 * MiB);
    step(8 * MiB, 1 * MiB);
    expect(m.last.ownerBps).to.be.closeTo(8 * MiB, 1);
    expect(bucket.rateBytesPerSec).to.be.closeTo(1 * MiB, 1);
    // the owner saturates the link: the relay keeps only its floor (limit / 100)
    step(12 * MiB, 1 * MiB);
    step(12 * MiB, 0.1 * MiB);
    expect(bucket.rateBytesPerSec).to.be.closeTo((10 * MiB) / 100, 1);
    // the owner stops: full headroom again
    step(0, 0.1 * MiB);
    step(0, 0.1 * MiB);
    expect(bucket.rateBytesPerSec).to.be.closeTo(5 * MiB, 1);
  });

  it("ranks providers by measured RTT plus distance to the source; unmeasured ones last", () => {
    const paris = { latE6: 48_856_600, lonE6: 2_352_200 };
    const tokyo = { latE6: 35_676_200, lonE6: 139_650_300 };
    const ranked = rankProviders(
      [
        { peer: "unmeasured", ...paris },
        { peer: "tokyo-fast", rttMs: 5, ...tokyo },
        { peer: "paris-slow", rttMs: 40, ...paris },
        { peer: "nowhere", rttMs: 30 },
      ],
      paris,
    );
    // Tokyo is ~9 700 km from Paris: 5 + 97 ms; Paris 40 + 0; no location: 30
    expect(ranked.map((c) => c.peer)).to.deep.equal(["nowhere", "paris-slow", "tokyo-fast", "unmeasured"]);
    expect(rankProviders([{ peer: "b", rttMs: 9 }, { peer: "a", rttMs: 3 }]).map((c) => c.peer)).to.deep.equal(["a", "b"]);
  });
});
