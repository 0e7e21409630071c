// Gossipsub task announcements and health: delivery to all subscribers, node-key signatures checked
// against the registry view, duplicates and stale messages dropped, schema enforced. Real peers on loopback.
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import bs58 from "bs58";
import { LumoraNode } from "../src/node.js";
import { generateNodeKey } from "../src/identity.js";
import { TOPIC_HEALTH, TOPIC_TASKS, encodeGossip, parseGossip, type GossipDelivery, type GossipPayload } from "../src/gossip.js";
import { startNetwork, stopAll, sleep, waitFor } from "./helpers.js";

const task = (over: Partial<Extract<GossipPayload, { kind: "task" }>["body"]> = {}, ts = Date.now()): GossipPayload => ({
  v: 1,
  kind: "task",
  ts,
  body: { taskId: bs58.encode(randomBytes(32)), specHash: randomBytes(32).toString("hex"), shard: 1, reward: "1000000", deadline: 1_900_000_000, ...over },
});

describe("gossip: schema", () => {
  it("accepts well-formed payloads on their own topic only", () => {
    const p = task();
    const bytes = encodeGossip(TOPIC_TASKS, p);
    expect(parseGossip(TOPIC_TASKS, bytes)).to.deep.equal(p);
    expect(parseGossip(TOPIC_HEALTH, bytes)).to.equal(null);
  });

  it("rejects extra fields, wrong types, out-of-range values, non-JSON and oversized payloads", () => {
    const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const p = task() as any;
    expect(parseGossip(TOPIC_TASKS, enc({ ...p, extra: 1 }))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, enc({ ...p, body: { ...p.body, shard: -1 } }))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, enc({ ...p, body: { ...p.body, reward: "18446744073709551616" } }))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, enc({ ...p, body: { ...p.body, specHash: "XYZ" } }))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, enc({ ...p, v: 2 }))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, enc([p]))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, new Uint8Array([0xff, 0xfe]))).to.equal(null);
    expect(parseGossip(TOPIC_TASKS, new Uint8Array(5000).fill(0x20))).to.equal(null);
    expect(() => encodeGossip(TOPIC_TASKS, { ...p, body: { ...p.body, deadline: 1.5 } })).to.throw(/schema/);
  });

  it("a coordinator's network view: accepted on the health topic only, with consistent counts", () => {
    const view: GossipPayload = { v: 1, kind: "view", ts: Date.now(), body: { epoch: 20780, nodes: 5, active: 4, jailed: 1, stale: 2, staleAfterSecs: 180, openTasks: 3 } };
    const bytes = encodeGossip(TOPIC_HEALTH, view);
    expect(parseGossip(TOPIC_HEALTH, bytes)).to.deep.equal(view);
    expect(parseGossip(TOPIC_TASKS, bytes)).to.equal(null);
    const enc = (body: unknown) => new TextEncoder().encode(JSON.stringify({ ...view, body }));
    const b = view.body as unknown as Record<string, number>;
    expect(parseGossip(TOPIC_HEALTH, enc({ ...b, active: 5 })), "active + jailed > nodes").to.equal(null);
    expect(parseGossip(TOPIC_HEALTH, enc({ ...b, stale: 5 })), "stale > active").to.equal(null);
    expect(parseGossip(TOPIC_HEALTH, enc({ ...b, openTasks: -1 }))).to.equal(null);
    expect(parseGossip(TOPIC_HEALTH, enc({ ...b, extra: 0 }))).to.equal(null);
    const { openTasks: _drop, ...missing } = b;
    expect(parseGossip(TOPIC_HEALTH, enc(missing))).to.equal(null);
  });
});

describe("gossip: five nodes on loopback", function () {
  let nodes: LumoraNode[] = [];
  const got: GossipDelivery[][] = [];
  const health: GossipDelivery[][] = [];

  before(async () => {
    ({ nodes } = await startNetwork(5));
    nodes.forEach((n, i) => {
      got[i] = [];
      health[i] = [];
      n.subscribe(TOPIC_TASKS, (d) => got[i]!.push(d));
      n.subscribe(TOPIC_HEALTH, (d) => health[i]!.push(d));
    });
    // a line: every inner node must mesh with both neighbours before relaying works
    await waitFor(
      () => nodes.every((n, i) => n.meshPeers(TOPIC_TASKS).length >= (i === 0 || i === 4 ? 1 : 2)),
      30_000,
      "gossip mesh on the line",
    );
  });
  after(async () => stopAll(nodes));

  it("a task announcement reaches every other subscriber, across hops, once, with the publisher's node key", async () => {
    const p = task();
    await nodes[0]!.publish(TOPIC_TASKS, p);
    await waitFor(() => got.slice(1).every((g) => g.length === 1), 20_000, "delivery to all four subscribers");
    for (const g of got.slice(1)) {
      expect(g[0]!.payload).to.deep.equal(p);
      expect(bs58.encode(g[0]!.nodeKey)).to.equal(nodes[0]!.nodeKeyBase58);
    }
    expect(got[0]!.length).to.equal(0); // no echo to self
  });

  it("drops a duplicate re-publication of the same bytes", async () => {
    const p = task();
    await nodes[2]!.publish(TOPIC_TASKS, p);
    await waitFor(() => [0, 1, 3, 4].every((i) => got[i]!.some((d) => JSON.stringify(d.payload) === JSON.stringify(p))), 20_000, "first copy");
    const before = got.map((g) => g.length);
    await nodes[2]!.publish(TOPIC_TASKS, p);
    await nodes[4]!.publishRaw(TOPIC_TASKS, encodeGossip(TOPIC_TASKS, p)); // same bytes, another publisher: new id, accepted once
    await waitFor(() => [0, 1, 2, 3].every((i) => got[i]!.length === before[i]! + 1), 20_000, "the other publisher's copy");
    await sleep(1500);
    expect(got.map((g) => g.length)).to.deep.equal(before.map((b, i) => (i === 4 ? b : b + 1)));
  });

  it("ignores stale and future-dated messages, and health reports not newer than the last one", async () => {
    const before = got.map((g) => g.length);
    await nodes[1]!.publish(TOPIC_TASKS, task({}, Date.now() - 10 * 60_000));
    await nodes[1]!.publish(TOPIC_TASKS, task({}, Date.now() + 10 * 60_000));
    const now = Date.now();
    const h = (ts: number): GossipPayload => ({ v: 1, kind: "health", ts, body: { shard: 0, roles: 7, load: 0.5, freeBps: 1_000_000, peers: 4 } });
    await nodes[1]!.publish(TOPIC_HEALTH, h(now));
    await waitFor(() => [0, 2, 3, 4].every((i) => health[i]!.length === 1), 20_000, "fresh health report");
    await nodes[1]!.publish(TOPIC_HEALTH, h(now - 1000)); // older than the last: stale
    await nodes[1]!.publish(TOPIC_HEALTH, h(now + 1));
    await waitFor(() => [0, 2, 3, 4].every((i) => health[i]!.length === 2), 20_000, "newer health report");
    await sleep(1500);
    expect([0, 2, 3, 4].map((i) => health[i]!.length)).to.deep.equal([2, 2, 2, 2]);
    expect(got.map((g) => g.length)).to.deep.equal(before);
  });

  it("rejects messages from keys the registry does not know and payloads that break the schema", async () => {
    const intruder = await LumoraNode.create({
      nodeKey: generateNodeKey(), // not registered
      registry: nodes[0]!.registry,
      allowPrivateAddresses: true,
      rttIntervalMs: 0,
      bootstrap: [nodes[0]!.multiaddrs()[0]!.toString()],
    });
    nodes.push(intruder);
    intruder.subscribe(TOPIC_TASKS, () => undefined);
    await waitFor(() => nodes[0]!.libp2p.services.pubsub.getSubscribers(TOPIC_TASKS).some((p) => p.equals(intruder.peerId)), 20_000, "intruder subscription");
    const before = got.map((g) => g.length);
    await intruder.publish(TOPIC_TASKS, task());
    await nodes[3]!.publishRaw(TOPIC_TASKS, new TextEncoder().encode('{"v":1,"kind":"task","ts":1,"body":{}}'));
    await nodes[3]!.publishRaw(TOPIC_TASKS, randomBytes(64));
    // a valid message published after the bad ones proves the network still delivers
    const ok = task();
    await nodes[3]!.publish(TOPIC_TASKS, ok);
    await waitFor(() => [0, 1, 2, 4].every((i) => got[i]!.length === before[i]! + 1), 20_000, "the valid message");
    await sleep(1000);
    for (const i of [0, 1, 2, 4]) expect(got[i]![got[i]!.length - 1]!.payload).to.deep.equal(ok);
    expect(got[3]!.length).to.equal(before[3]);
  });
});
