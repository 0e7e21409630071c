// Identity is the node key; ping RTT is smoothed per peer. Two real nodes on loopback.
import { expect } from "chai";
import nacl from "tweetnacl";
import { generateNodeKey, nodeKeyFrom, nodeKeyOfPeer, peerIdOf, peerIdOfNodeKey } from "../src/identity.js";
import { RttTable } from "../src/rtt.js";
import type { LumoraNode } from "../src/node.js";
import { startNetwork, stopAll } from "./helpers.js";

describe("identity: PeerId from the node key", () => {
  it("the PeerId embeds exactly the ed25519 node key (seed, secret key and key pair agree)", () => {
    const seed = new Uint8Array(32).fill(7);
    const kp = nacl.sign.keyPair.fromSeed(seed);
    const a = peerIdOf(nodeKeyFrom(seed));
    const b = peerIdOf(nodeKeyFrom(kp.secretKey));
    expect(a.toString()).to.equal(b.toString());
    expect(a.type).to.equal("Ed25519");
    expect(Buffer.from(nodeKeyOfPeer(a)!).toString("hex")).to.equal(Buffer.from(kp.publicKey).toString("hex"));
    expect(Buffer.from(nodeKeyOfPeer(a.toString())!).toString("hex")).to.equal(Buffer.from(kp.publicKey).toString("hex"));
  });

  it("peerIdOfNodeKey: the PeerId from the public node key alone equals the one from the key pair", () => {
    const kp = generateNodeKey();
    expect(peerIdOfNodeKey(kp.publicKey).toString()).to.equal(peerIdOf(kp).toString());
    expect(peerIdOfNodeKey(generateNodeKey().publicKey).toString()).to.not.equal(peerIdOf(kp).toString());
    expect(() => peerIdOfNodeKey(new Uint8Array(31))).to.throw(/32 bytes/);
  });

  it("refuses a secret key whose public half does not match its seed, and wrong lengths", () => {
    const kp = generateNodeKey();
    const forged = kp.secretKey.slice();
    forged[40] ^= 1;
    expect(() => nodeKeyFrom(forged)).to.throw(/public half/);
    expect(() => nodeKeyFrom(new Uint8Array(33))).to.throw(/32-byte seed or a 64-byte/);
  });
});

describe("rtt: smoothing", () => {
  it("first sample sets srtt; later samples move it by 1/8; junk samples are ignored", () => {
    const t = new RttTable();
    t.record("p", 80);
    expect(t.get("p")!.srttMs).to.equal(80);
    t.record("p", 0);
    expect(t.get("p")!.srttMs).to.equal(70);
    expect(t.get("p")!.minMs).to.equal(0);
    t.record("p", Number.NaN);
    t.record("p", -1);
    expect(t.get("p")!.samples).to.equal(2);
  });

  it("evicts the stalest peer past its capacity", () => {
    const t = new RttTable(1 / 8, 1 / 4, 2);
    t.record("a", 1, 1);
    t.record("b", 1, 2);
    t.record("c", 1, 3);
    expect(t.get("a")).to.equal(undefined);
    expect(t.get("c")).to.not.equal(undefined);
  });
});

describe("node: two peers on loopback", function () {
  let nodes: LumoraNode[] = [];
  before(async () => {
    ({ nodes } = await startNetwork(2));
  });
  after(async () => stopAll(nodes));

  it("each side sees the other's PeerId = its registered node key after the noise handshake", async () => {
    const [a, b] = nodes as [LumoraNode, LumoraNode];
    const conns = a.libp2p.getConnections(b.peerId);
    expect(conns.length).to.be.greaterThan(0);
    expect(Buffer.from(nodeKeyOfPeer(conns[0]!.remotePeer)!).toString("hex")).to.equal(Buffer.from(b.nodeKey.publicKey).toString("hex"));
    expect(b.libp2p.getConnections(a.peerId).length).to.be.greaterThan(0);
  });

  it("ping feeds a smoothed per-peer RTT", async () => {
    const [a, b] = nodes as [LumoraNode, LumoraNode];
    expect(a.rttOf(b.peerId)).to.equal(undefined);
    for (let i = 0; i < 5; i++) await a.measureRtt(b.peerId);
    const s = a.rttOf(b.peerId)!;
    expect(s.samples).to.equal(5);
    expect(s.srttMs).to.be.at.least(0).and.below(1000);
    expect(s.minMs).to.be.at.most(s.lastMs);
  });
});
