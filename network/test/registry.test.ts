// The chain-backed registry view: refresh replaces the view from what the chain says (nodes read through
// a loader, here rows shaped like the SDK's fetchNodes), completes multiaddrs with the PeerId, drops
// unusable ones, and keeps the last view when a read fails.
import { expect } from "chai";
import { generateNodeKey, peerIdOfNodeKey } from "../src/identity.js";
import { ChainRegistry, type ChainNodeEntry, ROLES, chainNodeEntries, hasRoles } from "../src/registry.js";

describe("registry: chain-backed view", () => {
  const a = generateNodeKey().publicKey;
  const b = generateNodeKey().publicKey;
  const c = generateNodeKey().publicKey;
  const peer = (k: Uint8Array) => peerIdOfNodeKey(k).toString();

  it("refresh mirrors the chain: roles, shard, jailed = inactive, deregistered = gone; addresses get /p2p/, port 0 is dropped", async () => {
    let rows: ChainNodeEntry[] = [
      { nodeKey: a, roles: ROLES.PROVIDER | ROLES.VERIFIER, shard: 3, multiaddr: "/ip4/10.1.2.3/tcp/4101", active: true },
      { nodeKey: b, roles: ROLES.EXECUTOR, shard: 1, multiaddr: "/ip4/127.0.0.1/tcp/0", active: true },
      { nodeKey: c, roles: ROLES.EXECUTOR, shard: 2, multiaddr: "/ip4/10.9.9.9/tcp/4102", active: false },
    ];
    const view = new ChainRegistry(async () => rows, peer);
    expect(view.lookup(a)).to.equal(undefined);
    expect(await view.refresh()).to.equal(3);
    expect(view.lookup(a)).to.deep.equal({ roles: 5, shard: 3, multiaddrs: [`/ip4/10.1.2.3/tcp/4101/p2p/${peer(a)}`], active: true });
    expect(view.lookup(b)!.multiaddrs).to.deep.equal([]);
    expect(hasRoles(view, c, ROLES.EXECUTOR), "jailed").to.equal(false);
    expect(view.bootstrapAddrs()).to.deep.equal([`/ip4/10.1.2.3/tcp/4101/p2p/${peer(a)}`]);
    rows = rows.slice(1); // a deregistered
    await view.refresh();
    expect(view.lookup(a)).to.equal(undefined);
    expect(view.bootstrapAddrs()).to.deep.equal([]);
  });

  it("a failed read keeps the last view", async () => {
    let fail = false;
    const view = new ChainRegistry(async () => {
      if (fail) throw new Error("rpc down");
      return [{ nodeKey: a, roles: ROLES.EXECUTOR, shard: 0, multiaddr: "", active: true }];
    }, peer);
    await view.refresh();
    fail = true;
    let err: unknown;
    await view.refresh().catch((e) => (err = e));
    expect((err as Error).message).to.equal("rpc down");
    expect(hasRoles(view, a, ROLES.EXECUTOR)).to.equal(true);
  });

  it("chainNodeEntries decodes the Node account's multiaddr bytes and status", () => {
    const bytes = new Uint8Array(128);
    const ma = new TextEncoder().encode("/ip4/1.2.3.4/tcp/7");
    bytes.set(ma);
    const [e] = chainNodeEntries([{ node: { nodeKey: { toBytes: () => a }, roles: 2, shard: 9, multiaddr: Array.from(bytes), multiaddrLen: ma.length, status: 1, jailed: 1 } }]);
    expect(e).to.deep.equal({ nodeKey: a, roles: 2, shard: 9, multiaddr: "/ip4/1.2.3.4/tcp/7", active: false });
  });
});
