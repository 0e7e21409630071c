// Kademlia DHT under the Lumora prefix: spec put/get across hops, node records, validators. Real peers on loopback.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import bs58 from "bs58";
import { LumoraNode } from "../src/node.js";
import { generateNodeKey } from "../src/identity.js";
import {
  DHT_PROTOCOL,
  decodeNodeRecord,
  encodeNodeRecord,
  nodeRecordKey,
  selectNodeRecord,
  specHash,
  specKey,
  validateNodeRecord,
  validateSpecRecord,
} from "../src/records.js";
import { multiaddr } from "@multiformats/multiaddr";
import type { StaticRegistry } from "../src/registry.js";
import { ALL_ROLES, startNetwork, stopAll, waitFor } from "./helpers.js";

describe("dht records: validators", () => {
  it("spec records: accepted when the content hashes to the key, dropped otherwise", () => {
    const spec = new TextEncoder().encode('{"kind":"scrape","url":"https://example.org"}');
    const key = specKey(specHash(spec));
    expect(() => validateSpecRecord(key, spec)).to.not.throw();
    const tampered = spec.slice();
    tampered[3] ^= 1;
    expect(() => validateSpecRecord(key, tampered)).to.throw(/does not hash/);
    expect(() => validateSpecRecord(key, new Uint8Array(0))).to.throw(/size/);
    expect(() => validateSpecRecord(new TextEncoder().encode("/lumora-spec/zz"), spec)).to.throw(/hex sha256/);
  });

  it("node records: signature by the key in the DHT key; newest wins; forgeries and junk fail", () => {
    const k = generateNodeKey();
    const other = generateNodeKey();
    const addrs = [multiaddr("/ip4/127.0.0.1/tcp/4001")];
    const old = encodeNodeRecord({ key: k, roles: ALL_ROLES, shard: 3, multiaddrs: addrs, issuedAt: 1000 });
    const young = encodeNodeRecord({ key: k, roles: ALL_ROLES, shard: 3, multiaddrs: addrs, issuedAt: 2000 });
    expect(() => validateNodeRecord(nodeRecordKey(k.publicKey), young)).to.not.throw();
    expect(decodeNodeRecord(young).shard).to.equal(3);
    expect(decodeNodeRecord(young).multiaddrs[0]!.toString()).to.equal("/ip4/127.0.0.1/tcp/4001");
    expect(selectNodeRecord(nodeRecordKey(k.publicKey), [old, young, new Uint8Array(70)])).to.equal(1);
    // a record signed by another key cannot sit under k's DHT key
    const foreign = encodeNodeRecord({ key: other, roles: ALL_ROLES, shard: 3, multiaddrs: addrs });
    expect(() => validateNodeRecord(nodeRecordKey(k.publicKey), foreign)).to.throw(/another key/);
    const flipped = young.slice();
    flipped[40] ^= 1;
    expect(() => validateNodeRecord(nodeRecordKey(k.publicKey), flipped)).to.throw();
    const future = encodeNodeRecord({ key: k, roles: 1, shard: 0, multiaddrs: [], issuedAt: Date.now() + 3_600_000 });
    expect(() => validateNodeRecord(nodeRecordKey(k.publicKey), future)).to.throw(/future/);
    expect(() => validateNodeRecord(nodeRecordKey(k.publicKey), randomBytes(3000))).to.throw(/size/);
  });
});

describe("dht: five nodes on loopback", function () {
  let nodes: LumoraNode[] = [];
  after(async () => stopAll(nodes));

  it("uses the Lumora Kademlia protocol id", async () => {
    ({ nodes } = await startNetwork(4));
    const protos = nodes[0]!.libp2p.getProtocols();
    expect(protos).to.include(DHT_PROTOCOL);
    expect(protos).to.not.include("/ipfs/kad/1.0.0");
  });

  it("a spec put at one end of a line is fetched by hash, after the publisher left, by a fifth node that joined later at the other end", async () => {
    const [a] = nodes as [LumoraNode];
    // let the line's routing tables fill through identify
    // bootstrapped: every node's self-lookup has run, so routing tables reach past the direct neighbours
    await waitFor(() => nodes.every((n) => n.dhtPeerCount() >= 2), 20_000, "routing tables past the neighbours");
    const spec = new TextEncoder().encode(JSON.stringify({ kind: "scrape", urls: ["https://example.org/a"], nonce: randomBytes(8).toString("hex") }));
    const hash = await a.putSpec(spec);
    const e = await LumoraNode.create({
      nodeKey: generateNodeKey(),
      registry: nodes[0]!.registry,
      allowPrivateAddresses: true,
      rttIntervalMs: 0,
      bootstrap: [nodes[3]!.multiaddrs()[0]!.toString()],
    });
    nodes.push(e);
    await e.waitForDhtPeers(1);
    // the publisher goes away: the spec must come from a replica the put placed on other nodes
    await a.stop();
    const got = await e.getSpec(hash);
    expect(got).to.not.equal(null);
    expect(Buffer.from(got!).equals(Buffer.from(spec))).to.equal(true);
    // an unknown hash is simply not found
    expect(await e.getSpec(specHash(randomBytes(32)), { signal: AbortSignal.timeout(15_000) })).to.equal(null);
  });

  it("node records: published signed, found by node key from another node, cross-checked with the registry", async () => {
    const a = nodes[1]!;
    const e = nodes[4]!;
    await a.publishNodeRecord({ roles: ALL_ROLES, shard: 2 });
    const rec = await e.findNodeRecord(a.nodeKey.publicKey);
    expect(rec).to.not.equal(null);
    expect(bs58.encode(rec!.nodeKey)).to.equal(a.nodeKeyBase58);
    expect(rec!.shard).to.equal(2);
    expect(rec!.registered).to.equal(true);
    expect(rec!.multiaddrs.map(String)).to.deep.equal(a.multiaddrs().map(String));
    // the registry has the final say: deregistered nodes still resolve but are flagged
    (a.registry as StaticRegistry).set(a.nodeKey.publicKey, { roles: ALL_ROLES, shard: 2, multiaddrs: [], active: false });
    expect((await e.findNodeRecord(a.nodeKey.publicKey))!.registered).to.equal(false);
  });
});
