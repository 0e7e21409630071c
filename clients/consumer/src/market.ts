/**
 * The consumer on the data market, both sides: sell the result of its own settled task as a dataset
 * (list it; deliver the data key, sealed, to each buyer), buy a dataset (provenance, manifest and chunks
 * checked before any money moves; escrow; wait for the key; decrypt), list datasets, read provenance.
 */
import { createHash } from "node:crypto";
import type { PublicKey } from "@solana/web3.js";
import { type DatasetAccount, type DatasetFilter, type DatasetProvenance, PURCHASE_STATUS, TASK_STATUS, awaitsKey, checkPlaintext, data as sdkData, fetchDatasetProvenance, fetchPurchases, taskStatusName } from "@lumora/sdk";
import { formatLmr } from "@lumora/cli-kit";
import type { Consumer } from "./consumer.js";
import { convertRecords, fetchData, formatOf, parseRecords, writeOut } from "./data.js";
import { ConsumerError, InputError } from "./errors.js";
import { b64, requireFunds } from "./keys.js";
import { chainNow, fetchChunks } from "./network.js";
import { fetchTaskOrThrow, revealedResults } from "./tasks.js";
import { big, hex, sleep } from "./util.js";

/**
 * Sells the result of this consumer's settled task as a dataset: fetches and decrypts it (to learn the
 * key and check it), lists it with the manifest hash, Merkle root, size, record count and the task as
 * provenance, and keeps the data key in the key store.
 */
export async function listDataset(c: Consumer, a: { task: PublicKey; price: bigint; locator?: string; datasetId?: bigint }): Promise<{ dataset: PublicKey; signature: string; datasetId: bigint }> {
  const t = await fetchTaskOrThrow(c, a.task);
  if (!t.consumer.equals(c.keypair.publicKey)) throw new InputError(`task ${a.task.toBase58()} was commissioned by ${t.consumer.toBase58()}, not by this wallet: only its consumer holds the key`);
  if (t.status !== TASK_STATUS.SETTLED) throw new InputError(`task ${a.task.toBase58()} is ${taskStatusName(t.status)}: only settled tasks can be listed (\`task watch\`)`);
  if (a.price < 0n) throw new InputError("--price must be ≥ 0");
  const data = await fetchData(c, a.task);
  const { results } = await revealedResults(c, a.task);
  const source = results.find((r) => hex(r.result.merkleRoot as number[]) === data.merkleRoot)!;
  const datasetId = a.datasetId ?? (await chainNow(c)) * 1000n + BigInt(Date.now() % 1000);
  const sealed = Uint8Array.from(source.result.sealedKey);
  const key = sdkData.openKey({ sealed, recipientSecretKey: c.x25519.secretKey });
  const { dataset, signature } = await c.client.market.listDataset({
    seller: c.keypair,
    datasetId,
    contentHash: Buffer.from(data.manifestHash, "hex"),
    merkleRoot: Buffer.from(data.merkleRoot, "hex"),
    recordsHash: Buffer.from(data.contentHash, "hex"),
    sizeBytes: BigInt(source.result.byteCount.toString()),
    recordCount: BigInt(data.records),
    price: a.price,
    provenance: [a.task],
    locator: a.locator ?? source.result.locator,
  });
  c.keyStore.save(dataset, { key: b64(key), task: a.task.toBase58(), merkleRoot: data.merkleRoot });
  return { dataset, signature, datasetId };
}

/** Seller: seals each open purchase's key to its buyer and delivers it. */
export async function deliverPendingKeys(c: Consumer): Promise<{ dataset: string; buyer: string; signature: string }[]> {
  const keys = c.keyStore.load();
  const mine = await c.client.market.fetchDatasets({ seller: c.keypair.publicKey });
  const done = [];
  for (const { address } of mine) {
    const entry = keys[address.toBase58()];
    const purchases = await openPurchases(c, address);
    for (const p of purchases) {
      if (!entry) {
        c.progress(`no key kept for ${address.toBase58()}: cannot deliver to ${p.buyer.toBase58()}`);
        continue;
      }
      c.progress(`delivering the key of ${address.toBase58()} to ${p.buyer.toBase58()}`);
      const signature = await c.client.market.deliverKey({ seller: c.keypair, dataset: address, buyer: p.buyer, dataKey: Buffer.from(entry.key, "base64") });
      done.push({ dataset: address.toBase58(), buyer: p.buyer.toBase58(), signature });
    }
  }
  return done;
}

/** A dataset's purchases still waiting for their key (one read: the SDK's `fetchPurchases`). */
async function openPurchases(c: Consumer, dataset: PublicKey): Promise<{ buyer: PublicKey }[]> {
  const purchases = await fetchPurchases({ connection: c.connection, dataset, programIds: c.client.market.programIds });
  return purchases.filter(({ purchase }) => awaitsKey(purchase)).map(({ purchase }) => ({ buyer: purchase.buyer }));
}

async function fetchDatasetOrThrow(c: Consumer, dataset: PublicKey): Promise<DatasetAccount> {
  const d = await c.client.market.fetchDataset(dataset);
  if (!d) throw new InputError(`unknown dataset ${dataset.toBase58()}: list datasets with \`dataset list\``);
  return d;
}

/** Buys a dataset: purchase (escrow), wait for the sealed key, fetch the chunks, decrypt, write. */
export async function buyDataset(c: Consumer, dataset: PublicKey, opts: { maxPrice?: bigint; out?: string; format?: "jsonl" | "csv"; waitMs?: number } = {}) {
  const d = await fetchDatasetOrThrow(c, dataset);
  const price = big(d.price);
  if (opts.maxPrice !== undefined && price > opts.maxPrice) throw new InputError(`dataset costs ${formatLmr(price)}, more than --max-price ${opts.maxPrice} (${formatLmr(opts.maxPrice)})`);
  if (!d.listed) throw new InputError(`dataset ${dataset.toBase58()} is delisted: it cannot be bought`);
  // provenance and the data itself are checked before any money moves: the listing against its tasks'
  // winning results on chain, the manifest against the listing, every chunk against the Merkle root
  const root = Uint8Array.from(d.merkleRoot as number[]);
  const got = await fetchChunks(c, root, [d.locator]);
  const manifest = { hash: sdkData.manifestHash({ bytes: got.manifestBytes }), merkleRoot: got.manifest.merkleRoot, contentHash: got.manifest.contentHash, plaintextSize: got.manifest.plaintextSize };
  const { parts } = await c.client.market.verifyListing({ dataset, manifest }).catch((e: Error) => {
    throw new ConsumerError(e.message);
  });
  c.progress(`provenance verified: ${parts.length} settled task(s), manifest and ${got.chunks.length} chunks match the listing`);
  let purchase = await c.client.market.fetchPurchase({ dataset, buyer: c.keypair.publicKey });
  let signature: string | null = null;
  if (!purchase) {
    await requireFunds(c, price, "price");
    c.progress(`purchasing ${dataset.toBase58()} for ${formatLmr(price)}`);
    signature = (await c.client.market.purchase({ buyer: c.keypair, dataset, buyerX25519: c.x25519.publicKey, maxPrice: opts.maxPrice ?? price })).signature;
  } else if (!Buffer.from(Uint8Array.from(purchase.buyerX25519 as number[])).equals(Buffer.from(c.x25519.publicKey))) {
    throw new InputError("this wallet bought the dataset with another x25519 key: pass that --x25519-key");
  }
  c.progress("waiting for the seller to deliver the sealed key");
  const end = Date.now() + (opts.waitMs ?? 300_000);
  for (;;) {
    purchase = await c.client.market.fetchPurchase({ dataset, buyer: c.keypair.publicKey });
    if (purchase && purchase.sealedKey.length > 0) break;
    if (purchase?.status === PURCHASE_STATUS.REFUNDED) throw new ConsumerError("the purchase was refunded");
    if (Date.now() > end) throw new ConsumerError(`no key delivered yet for ${dataset.toBase58()}; run \`dataset buy\` again later (after the delivery deadline, refund)`);
    await sleep(500);
  }
  const key = await c.client.market.openDeliveredKey({ dataset, buyer: c.keypair.publicKey, x25519SecretKey: c.x25519.secretKey, manifest: got.manifestBytes });
  const plain = await sdkData.decrypt({ manifest: got.manifestBytes, key, chunks: got.chunks, chunkHashes: got.chunkHashes });
  const issues = checkPlaintext({ recordsHash: d.recordsHash as number[], parts, plaintext: plain, sha256: (b) => createHash("sha256").update(b).digest() });
  if (issues.length > 0) throw new ConsumerError(`the decrypted dataset fails its provenance: ${issues.join("; ")}`);
  const from = formatOf(plain);
  const format = opts.format ?? from;
  const text = new TextEncoder().encode(convertRecords(new TextDecoder().decode(plain), from, format));
  writeOut(text, opts.out);
  c.progress(`decrypted ${plain.length} bytes${opts.out ? ` → ${opts.out}` : ""}`);
  return { dataset: dataset.toBase58(), price: price.toString(), signature, bytes: text.length, records: parseRecords(new TextDecoder().decode(plain), from).length, chunks: got.chunks.length, format, out: opts.out ?? null, data: text };
}

/** Listings matching `filter` (listed ones by default). */
export async function datasets(c: Consumer, filter: DatasetFilter = {}) {
  const rows = await c.client.market.fetchDatasets({ listed: true, ...filter });
  return rows.map(({ address, dataset: d }) => ({
    dataset: address.toBase58(),
    seller: d.seller.toBase58(),
    price: d.price.toString(),
    sizeBytes: d.sizeBytes.toString(),
    records: d.recordCount.toString(),
    sales: d.sales,
    sellerCommissioned: d.sellerCommissioned,
    contentHash: hex(d.contentHash as number[]),
    merkleRoot: hex(d.merkleRoot as number[]),
    provenance: (d.provenance as PublicKey[]).map((p) => p.toBase58()),
    locator: d.locator,
  }));
}

/** A dataset's provenance from program events (the SDK reader). */
export async function provenance(c: Consumer, dataset: PublicKey): Promise<DatasetProvenance> {
  const d = await fetchDatasetOrThrow(c, dataset);
  return fetchDatasetProvenance({ connection: c.connection, dataset, provenance: d.provenance as PublicKey[], programIds: c.client.market.programIds });
}
