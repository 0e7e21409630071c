/** The typed readers clients use instead of account offsets: clock, token balances, nodes, purchases. */
import { expect } from "chai";
import { BN } from "@coral-xyz/anchor";
import { AccountLayout, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Connection, Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { marketProgram, registryProgram, tasksProgram } from "../src/instructions/program.js";
import { PROGRAM_IDS } from "../src/programs.js";
import { PURCHASE_STATUS } from "../src/market.js";
import { NODE_STATUS, ROLES } from "../src/registry-math.js";
import {
  BID_LAYOUT,
  PURCHASE_LAYOUT,
  awaitsKey,
  decodeClock,
  decodeTokenAmount,
  fetchChainTime,
  fetchClock,
  fetchNodeAt,
  fetchBids,
  fetchPurchases,
  fetchTokenBalance,
  nodeMultiaddr,
  nodeView,
} from "../src/readers.js";

const k = (i: number) => new PublicKey(Uint8Array.from({ length: 32 }, () => i));
type Info = { owner: PublicKey; data: Buffer };

/** A connection serving fixed accounts: getAccountInfo, and getProgramAccounts with memcmp filters. */
function fakeConnection(accounts: Map<string, Info>, calls: { gpa: unknown[] } = { gpa: [] }): Connection {
  return {
    getAccountInfo: async (a: PublicKey) => accounts.get(a.toBase58()) ?? null,
    getProgramAccounts: async (programId: PublicKey, cfg: { filters: { memcmp: { offset: number; bytes: string } }[] }) => {
      calls.gpa.push(cfg);
      const bs58 = (await import("@coral-xyz/anchor")).utils.bytes.bs58;
      return [...accounts.entries()]
        .filter(([, i]) => i.owner.equals(programId))
        .filter(([, i]) => cfg.filters.every((f) => Buffer.from(i.data.subarray(f.memcmp.offset, f.memcmp.offset + bs58.decode(f.memcmp.bytes).length)).equals(Buffer.from(bs58.decode(f.memcmp.bytes)))))
        .map(([pubkey, i]) => ({ pubkey: new PublicKey(pubkey), account: i }));
    },
  } as unknown as Connection;
}

function clockBytes(unix: bigint): Buffer {
  const b = Buffer.alloc(40);
  b.writeBigUInt64LE(1234n, 0);
  b.writeBigInt64LE(1_700_000_000n, 8);
  b.writeBigUInt64LE(7n, 16);
  b.writeBigUInt64LE(8n, 24);
  b.writeBigInt64LE(unix, 32);
  return b;
}

function nodeAccount(over: Partial<Record<string, unknown>> = {}) {
  const ma = Buffer.alloc(128);
  ma.write("/ip4/10.0.0.1/tcp/4001");
  return {
    operator: k(1),
    nodeKey: k(2),
    stake: new BN(5_000_000),
    unstakeRequested: new BN(0),
    unstakeAvailableAt: new BN(0),
    declaredBandwidthKbps: new BN(1000),
    bandwidthCapKbps: new BN(500),
    lastHeartbeatTs: new BN(1_700_000_123),
    registeredAt: new BN(1),
    jailedUntil: new BN(0),
    openAssignments: 0,
    latE6: 0,
    lonE6: 0,
    reputation: 5000,
    shard: 3,
    verifierSlot: 0,
    roles: ROLES.PROVIDER | ROLES.VERIFIER,
    status: NODE_STATUS.ACTIVE,
    jailed: 0,
    bump: 255,
    multiaddrLen: "/ip4/10.0.0.1/tcp/4001".length,
    multiaddr: Array.from(ma),
    ...over,
  };
}

describe("typed readers", () => {
  it("the clock: every Clock field, chain time as unix_timestamp; a short sysvar is refused", async () => {
    const c = decodeClock(clockBytes(-5n));
    expect(c).to.deep.equal({ slot: 1234n, epochStartTimestamp: 1_700_000_000n, epoch: 7n, leaderScheduleEpoch: 8n, unixTimestamp: -5n });
    const conn = fakeConnection(new Map([[SYSVAR_CLOCK_PUBKEY.toBase58(), { owner: k(0), data: clockBytes(1_800_000_000n) }]]));
    expect(await fetchChainTime({ connection: conn })).to.equal(1_800_000_000n);
    expect((await fetchClock({ connection: conn })).slot).to.equal(1234n);
    expect(() => decodeClock(new Uint8Array(39))).to.throw(RangeError, /40 bytes/);
    let err: Error | null = null;
    await fetchChainTime({ connection: fakeConnection(new Map()) }).catch((e: Error) => (err = e));
    expect(err!.message).to.match(/no Clock sysvar/);
  });

  it("token balances: the SPL amount of the owner's associated account, 0 without one", async () => {
    const mint = k(9);
    const owner = Keypair.generate().publicKey;
    const data = Buffer.alloc(AccountLayout.span);
    AccountLayout.encode({ mint, owner, amount: 123_456_789_000n, delegateOption: 0, delegate: PublicKey.default, state: 1, isNativeOption: 0, isNative: 0n, delegatedAmount: 0n, closeAuthorityOption: 0, closeAuthority: PublicKey.default }, data);
    expect(decodeTokenAmount(data)).to.equal(123_456_789_000n);
    const ata = getAssociatedTokenAddressSync(mint, owner, true);
    const conn = fakeConnection(new Map([[ata.toBase58(), { owner: k(0), data }]]));
    expect(await fetchTokenBalance({ connection: conn, mint, owner })).to.equal(123_456_789_000n);
    expect(await fetchTokenBalance({ connection: conn, mint, owner: k(8) })).to.equal(0n);
  });

  it("nodes: read by registry address (the program's owner checked), shown with role names, one 'active', the multiaddr", async () => {
    const coder = registryProgram().coder.accounts;
    const data = await coder.encode("node", nodeAccount());
    const addr = k(20);
    const conn = fakeConnection(new Map([[addr.toBase58(), { owner: PROGRAM_IDS.registry, data }], [k(21).toBase58(), { owner: k(0), data }]]));
    const n = (await fetchNodeAt({ connection: conn, address: addr }))!;
    expect(n.nodeKey.equals(k(2))).to.equal(true);
    expect(await fetchNodeAt({ connection: conn, address: k(21) }), "another program's account").to.equal(null);
    expect(await fetchNodeAt({ connection: conn, address: k(22) })).to.equal(null);
    expect(nodeMultiaddr(n)).to.equal("/ip4/10.0.0.1/tcp/4001");
    expect(nodeView(n)).to.deep.equal({
      nodeKey: k(2).toBase58(),
      operator: k(1).toBase58(),
      roles: ["provider", "verifier"],
      shard: 3,
      reputation: 5000,
      stake: 5_000_000n,
      active: true,
      jailed: false,
      lastHeartbeatTs: 1_700_000_123n,
      multiaddr: "/ip4/10.0.0.1/tcp/4001",
    });
    const gone = registryProgram().coder.accounts.decode("node", await coder.encode("node", nodeAccount({ status: NODE_STATUS.DEREGISTERED, jailed: 1 })));
    expect(nodeView(gone as never)).to.include({ active: false, jailed: true });
  });

  it("purchases: the IDL's offsets, one getProgramAccounts by dataset (and buyer), decoded; awaitsKey", async () => {
    expect(PURCHASE_LAYOUT).to.deep.equal({ dataset: 8, buyer: 40, seller: 72, status: 146 });
    const coder = marketProgram().coder.accounts;
    const [ds1, ds2, b1, b2] = [k(30), k(31), k(32), k(33)];
    const purchase = (dataset: PublicKey, buyer: PublicKey, status: number, sealed: number[]) =>
      coder.encode("purchase", { dataset, buyer, seller: k(34), buyerX25519: Array(32).fill(1), price: new BN(5), feeBps: 100, status, bump: 1, vaultBump: 2, version: 1, purchasedAt: new BN(1), deadline: new BN(2), settledAt: new BN(0), sealedKey: Buffer.from(sealed) });
    const calls = { gpa: [] as unknown[] };
    const conn = fakeConnection(
      new Map([
        [k(40).toBase58(), { owner: PROGRAM_IDS.market, data: await purchase(ds1, b1, PURCHASE_STATUS.OPEN, []) }],
        [k(41).toBase58(), { owner: PROGRAM_IDS.market, data: await purchase(ds1, b2, PURCHASE_STATUS.DELIVERED, [1, 2, 3]) }],
        [k(42).toBase58(), { owner: PROGRAM_IDS.market, data: await purchase(ds2, b1, PURCHASE_STATUS.OPEN, []) }],
      ]),
      calls,
    );
    const of1 = await fetchPurchases({ connection: conn, dataset: ds1 });
    expect(calls.gpa).to.have.length(1);
    expect(of1.map((p) => p.purchase.buyer.toBase58())).to.deep.equal([b1.toBase58(), b2.toBase58()]);
    expect(of1.map((p) => awaitsKey(p.purchase))).to.deep.equal([true, false]);
    expect((await fetchPurchases({ connection: conn, buyer: b1 })).map((p) => p.address.toBase58())).to.deep.equal([k(40).toBase58(), k(42).toBase58()]);
    expect(await fetchPurchases({ connection: conn, dataset: ds2, buyer: b2 })).to.deep.equal([]);
  });

  it("bids: every bid on a task (kept or not), one getProgramAccounts by task, best score first", async () => {
    expect(BID_LAYOUT).to.deep.equal({ task: 8, node: 40, bidder: 72, score: 104 });
    const coder = tasksProgram().coder.accounts;
    const [t1, t2] = [k(50), k(51)];
    const bid = (task: PublicKey, node: PublicKey, score: number) => coder.encode("bid", { task, node, bidder: k(59), score: new BN(score), placedAt: new BN(1), bump: 1 });
    const calls = { gpa: [] as unknown[] };
    const conn = fakeConnection(
      new Map([
        [k(60).toBase58(), { owner: PROGRAM_IDS.tasks, data: await bid(t1, k(52), 284) }],
        [k(61).toBase58(), { owner: PROGRAM_IDS.tasks, data: await bid(t1, k(53), 300_000) }],
        [k(62).toBase58(), { owner: PROGRAM_IDS.tasks, data: await bid(t2, k(54), 999_999) }],
        [k(63).toBase58(), { owner: PROGRAM_IDS.tasks, data: await bid(t1, k(55), 342) }],
      ]),
      calls,
    );
    const bids = await fetchBids({ connection: conn, task: t1 });
    expect(calls.gpa).to.have.length(1);
    expect(bids.map((b) => [b.bid.node.toBase58(), b.bid.score.toString()])).to.deep.equal([
      [k(53).toBase58(), "300000"],
      [k(55).toBase58(), "342"],
      [k(52).toBase58(), "284"],
    ]);
  });
});
