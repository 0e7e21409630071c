/**
 * Market provenance: each listed task must be a settled task of the Lumora tasks program (not open, not
 * another program's account, not another tasks-program account), without repeats, each with one of its
 * winning (agreeing, key-released) results; the listing binds to them (one task: records hash = its
 * winning hash; any number: size = the results' byte counts summed) and the buyer's SDK re-checks it;
 * the listing's bounds; the SDK's provenance reader walks a dataset back to its tasks, their consumer,
 * assignees and revealed results and reads the purchase ledger from events; `fetchDatasets` filters.
 */
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { BN } from "../../sdk/src/bn.js";
import { LumoraError } from "../../sdk/src/client/errors.js";
import { listDatasetInstruction } from "../../sdk/src/instructions/market.js";
import { checkListing, checkPlaintext, datasetProvenance } from "../../sdk/src/market.js";
import { bidPda, nodePda, resultPda } from "../../sdk/src/pda.js";
import { actor, ctx, ensureConfig, executed, fundLmr } from "../harness/context.js";
import { expectProgramError, expectTxProgramError } from "../harness/expect.js";
import { executorKey, executorSigner, fundSol, openTask, settledTask } from "./env.js";

const seller = actor("prov-seller");
const aggregator = actor("prov-aggregator");
const buyer = actor("prov-buyer");
const hash = (s: string) => createHash("sha256").update(s).digest();
let ids = 1n;

/** A listing citing `provenance` (tasks settled by `settledTask(seller, "provenance-…")`: 4 096 bytes each). */
function listing(provenance: PublicKey[], over: Partial<Parameters<typeof ctx.client.market.listDataset>[0]> = {}) {
  return {
    seller,
    datasetId: ids++,
    contentHash: hash(`manifest-${ids}`),
    merkleRoot: hash(`root-${ids}`),
    recordsHash: hash("provenance-result"),
    sizeBytes: 4_096n * BigInt(Math.max(1, provenance.length)),
    recordCount: 100n,
    price: 5_000_000n,
    deliveryWindowSecs: 3_600,
    provenance,
    locator: "/ip4/10.9.0.4/tcp/4001",
    ...over,
  };
}

describe("market: provenance", () => {
  let settled: PublicKey;
  before(async () => {
    await ensureConfig();
    await fundSol(seller, aggregator, buyer);
    await fundLmr(seller.publicKey, 100_000_000n);
    await fundLmr(buyer.publicKey, 100_000_000n);
    settled = await settledTask(seller, "provenance-result");
  });

  it("TaskNotSettled: a task that is still open cannot be provenance", async () => {
    const open = await openTask(seller);
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled, open])), "market", "TaskNotSettled");
  });

  it("NotLumoraTask: another program's account, and a tasks-program account that is not a Task (a bid)", async () => {
    const tokenAccount = getAssociatedTokenAddressSync(ctx.lmrMint, seller.publicKey, true);
    await expectProgramError(() => ctx.client.market.listDataset(listing([tokenAccount])), "market", "NotLumoraTask");
    const bid = bidPda({ task: settled, node: nodePda({ nodeKey: executorKey() }).address }).address;
    expect(await ctx.chain.getAccount(bid), "the bid record exists").to.not.equal(null);
    await expectProgramError(() => ctx.client.market.listDataset(listing([bid])), "market", "NotLumoraTask");
    await expectProgramError(() => ctx.client.market.listDataset(listing([PublicKey.unique()])), "market", "NotLumoraTask");
  });

  const winning = (task: PublicKey) => resultPda({ task, node: nodePda({ nodeKey: executorKey() }).address }).address;
  const raw = (provenance: PublicKey[], results = provenance.map(winning), over: Partial<Parameters<typeof ctx.client.market.listDataset>[0]> = {}) =>
    listDatasetInstruction({ ...listing(provenance, over), seller: seller.publicKey, provenance: provenance.map((task, i) => ({ task, result: results[i]! })) });

  it("ProvenanceMismatch: a task without its result, or repeated", async () => {
    const missing = await raw([settled]);
    missing.keys.pop();
    expectTxProgramError(await ctx.sendIxs([missing], [seller]), "market", "ProvenanceMismatch");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled, settled])), "market", "ProvenanceMismatch");
  });

  it("attack: NotWinningResult — another task's result, a non-result account, a result whose key was never released", async () => {
    const other = await settledTask(seller, "provenance-result");
    expectTxProgramError(await ctx.sendIxs([await raw([settled], [winning(other)])], [seller]), "market", "NotWinningResult");
    expectTxProgramError(await ctx.sendIxs([await raw([settled], [settled])], [seller]), "market", "NotWinningResult");
    // settled, agreeing, but its key withheld: not a result anyone can buy the data of
    const executor = executorSigner();
    const task = await openTask(seller);
    await ctx.client.tasks.bid({ nodeKey: executor, task });
    await ctx.chain.warp(301);
    await ctx.client.tasks.finalize({ task });
    const full = { contentHash: hash("provenance-result"), byteCount: 4_096n, merkleRoot: hash("root"), sealedKey: new Uint8Array(81) };
    await ctx.client.tasks.commit({ nodeKey: executor, task, ...full });
    await ctx.client.tasks.reveal({ nodeKey: executor, task, ...full, locator: "/x" });
    await ctx.client.tasks.settle({ task });
    expectTxProgramError(await ctx.sendIxs([await raw([task])], [seller]), "market", "NotWinningResult");
  });

  it("attack: ProvenanceContentMismatch — a listing whose records hash or size is not its task's winning result", async () => {
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { recordsHash: hash("something else") })), "market", "ProvenanceContentMismatch");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { sizeBytes: 4_097n })), "market", "ProvenanceContentMismatch");
    const two = [settled, await settledTask(seller, "provenance-second")];
    await expectProgramError(() => ctx.client.market.listDataset(listing(two, { sizeBytes: 4_096n })), "market", "ProvenanceContentMismatch");
    // several tasks: the size binds on chain; the records hash is the concatenation's, checked by the buyer
    await ctx.client.market.listDataset(listing(two, { recordsHash: hash("anything") }));
  });

  it("the buyer's checks: checkListing (listing ↔ tasks ↔ manifest) and checkPlaintext (per-task inclusion)", async () => {
    const a = new TextEncoder().encode("first task's records\n");
    const b = new TextEncoder().encode("second task's records\n");
    const sha = (x: Uint8Array) => new Uint8Array(createHash("sha256").update(x).digest());
    const parts = [
      { task: PublicKey.unique(), settled: true, winningHash: sha(a), byteCount: BigInt(a.length) },
      { task: PublicKey.unique(), settled: true, winningHash: sha(b), byteCount: BigInt(b.length) },
    ];
    const whole = new Uint8Array([...a, ...b]);
    const d = { contentHash: Array.from(hash("m")), merkleRoot: Array.from(hash("r")), recordsHash: Array.from(sha(whole)), sizeBytes: new BN(whole.length), provenance: parts.map((p) => p.task) };
    const manifest = { hash: hash("m"), merkleRoot: hash("r"), contentHash: sha(whole), plaintextSize: whole.length };
    expect(checkListing({ dataset: d as never, parts, manifest })).to.deep.equal([]);
    expect(checkListing({ dataset: { ...d, sizeBytes: new BN(1) } as never, parts })).to.have.length(1);
    expect(checkListing({ dataset: d as never, parts: [{ ...parts[0]!, settled: false }, parts[1]!] })).to.have.length(1);
    expect(checkListing({ dataset: d as never, parts, manifest: { ...manifest, merkleRoot: hash("x") } })).to.have.length(1);
    expect(checkPlaintext({ recordsHash: d.recordsHash, parts, plaintext: whole, sha256: sha })).to.deep.equal([]);
    const swapped = new Uint8Array([...b, ...a]);
    expect(checkPlaintext({ recordsHash: sha(swapped), parts, plaintext: swapped, sha256: sha })).to.have.length(2);
    // on chain: verifyListing reads the tasks' winning results back
    const { dataset } = await ctx.client.market.listDataset(listing([settled]));
    const v = await ctx.client.market.verifyListing({ dataset });
    expect(v.parts).to.have.length(1);
    expect(v.parts[0]!.byteCount).to.equal(4_096n);
  });

  it("TooManyProvenanceTasks: at most 8 tasks", async () => {
    const nine = Array.from({ length: 9 }, () => settled);
    const i = await raw(nine);
    expectTxProgramError(await ctx.sendIxs([i], [seller]), "market", "TooManyProvenanceTasks");
    const eight = [settled];
    while (eight.length < 8) eight.push(await settledTask(seller, "provenance-result"));
    await ctx.client.market.listDataset(listing(eight));
  });

  it("listing bounds: ZeroPrice, EmptyDataset, UnsupportedCipherSuite, LocatorTooLong, InvalidDeliveryWindow", async () => {
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { price: 0n })), "market", "ZeroPrice");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { sizeBytes: 0n })), "market", "EmptyDataset");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { cipherSuite: 2 })), "market", "UnsupportedCipherSuite");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { locator: "x".repeat(129) })), "market", "LocatorTooLong");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { deliveryWindowSecs: 59 })), "market", "InvalidDeliveryWindow");
    await expectProgramError(() => ctx.client.market.listDataset(listing([settled], { deliveryWindowSecs: 7 * 86_400 + 1 })), "market", "InvalidDeliveryWindow");
    await ctx.client.market.listDataset(listing([settled], { locator: "x".repeat(128), deliveryWindowSecs: 60 }));
  });

  it("an aggregator may list others' settled tasks; the listing says the seller did not commission them", async () => {
    const { dataset } = await ctx.client.market.listDataset(listing([settled], { seller: aggregator }));
    expect((await ctx.client.market.fetchDataset(dataset))!.sellerCommissioned).to.equal(false);
  });

  it("the provenance reader walks a dataset back to its task, consumer, assignee and result, and reads the purchase ledger", async () => {
    const { dataset } = await ctx.client.market.listDataset(listing([settled]));
    await ctx.client.market.purchase({ buyer, dataset, buyerX25519: new Uint8Array(32).fill(8) });
    await ctx.client.market.deliverKey({ seller, dataset, buyer: buyer.publicKey, sealedKey: new Uint8Array(81).fill(8) });
    await ctx.client.market.closePurchase({ buyer, dataset });
    const prov = datasetProvenance({ dataset, transactions: executed.filter((t) => t.error === null) });
    expect(prov.listing, "the DatasetListed event").to.not.equal(null);
    expect((prov.listing!.seller as PublicKey).toBase58()).to.equal(seller.publicKey.toBase58());
    expect(prov.tasks).to.have.length(1);
    const t = prov.tasks[0]!;
    expect(t.task.toBase58()).to.equal(settled.toBase58());
    expect(t.consumer!.toBase58()).to.equal(seller.publicKey.toBase58());
    expect(t.assignees.map((a) => a.toBase58())).to.deep.equal([nodePda({ nodeKey: executorKey() }).address.toBase58()]);
    expect(t.results).to.have.length(1);
    expect(Buffer.from(t.results[0]!.contentHash).equals(hash("provenance-result"))).to.equal(true);
    expect(t.results[0]!.matchesCommitment).to.equal(true);
    expect(t.settlement!.success).to.equal(true);
    expect(Buffer.from(t.settlement!.winningHash).equals(hash("provenance-result"))).to.equal(true);
    expect(prov.ledger.map((e) => e.event.name)).to.deep.equal(["DatasetPurchased", "KeyDelivered", "PurchaseClosed"]);
    expect((prov.ledger[0]!.event.data.buyer as PublicKey).toBase58()).to.equal(buyer.publicKey.toBase58());
  });

  it("fetchDatasets filters by seller, listed state, price, content hash and provenance task (LiteSVM; bankrun cannot enumerate)", async function () {
    if (ctx.vm === "bankrun") {
      let err: unknown;
      await ctx.client.market.fetchDatasets({}).catch((e) => (err = e));
      expect(err).to.be.instanceOf(LumoraError);
      return;
    }
    const cheap = listing([settled], { price: 1_000n });
    const { dataset: a } = await ctx.client.market.listDataset(cheap);
    const { dataset: b } = await ctx.client.market.listDataset(listing([], { price: 9_000_000n }));
    await ctx.client.market.delist({ seller, dataset: b });
    const mine = await ctx.client.market.fetchDatasets({ seller: seller.publicKey });
    expect(mine.map((d) => d.address.toBase58())).to.include.members([a.toBase58(), b.toBase58()]);
    expect(mine.every((d) => d.dataset.seller.equals(seller.publicKey))).to.equal(true);
    const listed = await ctx.client.market.fetchDatasets({ seller: seller.publicKey, listed: true });
    expect(listed.map((d) => d.address.toBase58())).to.include(a.toBase58()).and.not.include(b.toBase58());
    const delisted = await ctx.client.market.fetchDatasets({ seller: seller.publicKey, listed: false });
    expect(delisted.map((d) => d.address.toBase58())).to.deep.equal([b.toBase58()]);
    const byHash = await ctx.client.market.fetchDatasets({ contentHash: cheap.contentHash });
    expect(byHash.map((d) => d.address.toBase58())).to.deep.equal([a.toBase58()]);
    const underPrice = await ctx.client.market.fetchDatasets({ seller: seller.publicKey, maxPrice: 1_000n });
    expect(underPrice.map((d) => d.address.toBase58())).to.deep.equal([a.toBase58()]);
    const fromTask = await ctx.client.market.fetchDatasets({ provenanceTask: settled, seller: aggregator.publicKey });
    expect(fromTask).to.have.length(1);
    expect(fromTask[0]!.dataset.sellerCommissioned).to.equal(false);
  });
});
