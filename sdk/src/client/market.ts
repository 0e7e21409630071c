import { utils } from "@coral-xyz/anchor";
import { PublicKey, type TransactionSignature } from "@solana/web3.js";
import type { ConfigAccount } from "../config.js";
import { openKey, sealKey } from "../data/index.js";
import { marketProgram, registryProgram, tasksProgram } from "../instructions/program.js";
import { checkListing, DATASET_LAYOUT, type DatasetAccount, MARKET_BOUNDS, type ProvenancePart, type PurchaseAccount } from "../market.js";
import { configPda, datasetPda, purchasePda, resultPda } from "../pda.js";
import { TASK_STATUS, type TaskAccount, type TaskResultAccount } from "../tasks.js";
import * as tx from "../transactions/market.js";
import { BaseClient, type SignerLike } from "./base.js";
import { LumoraError } from "./errors.js";

/** Filters of {@link MarketClient.fetchDatasets}. */
export interface DatasetFilter {
  /** Only this seller's listings (server-side). */
  seller?: PublicKey;
  /** Only listings with this content hash (server-side). */
  contentHash?: Uint8Array;
  /** Only listed (`true`) or only delisted (`false`) datasets (server-side). */
  listed?: boolean;
  /** Only datasets priced at most this (LMR base units). */
  maxPrice?: bigint;
  /** Only datasets whose provenance names this task. */
  provenanceTask?: PublicKey;
  /** Only datasets whose every provenance task was commissioned by the seller. */
  sellerCommissioned?: boolean;
}

/** Sends and reads `lumora_market`: listings, purchases, key delivery, refunds. */
export class MarketClient extends BaseClient {
  private async lmrMint(explicit?: PublicKey): Promise<PublicKey> {
    if (explicit) return explicit;
    const info = await this.provider.connection.getAccountInfo(configPda({ programId: this.programIds.registry }).address);
    if (!info) throw new LumoraError("the protocol config does not exist yet (init_config)", []);
    return registryProgram({ programId: this.programIds.registry }).coder.accounts.decode<ConfigAccount>("config", info.data).lmrMint;
  }

  /** The address of a seller's dataset. */
  datasetAddress(seller: PublicKey, datasetId: bigint | number): PublicKey {
    return datasetPda({ seller, datasetId, programId: this.programIds.market }).address;
  }

  /** The address of a buyer's purchase of a dataset. */
  purchaseAddress(dataset: PublicKey, buyer: PublicKey): PublicKey {
    return purchasePda({ dataset, buyer, programId: this.programIds.market }).address;
  }

  /** Lists a dataset; each provenance task must be a settled task of the Lumora tasks program. */
  async listDataset(args: {
    /** The seller (default: the wallet). */
    seller?: SignerLike;
    datasetId: bigint | number;
    /** SHA-256 of the ciphertext manifest (`data.manifestHash`, or `EncryptResult.manifestHash`). */
    contentHash: Uint8Array;
    /** The manifest's Merkle root. */
    merkleRoot: Uint8Array;
    /** SHA-256 of the plaintext records (`manifest.contentHash`; one task: its winning hash). */
    recordsHash: Uint8Array;
    /** Bytes of the plaintext (with provenance: the winning results' byte counts summed). */
    sizeBytes: bigint | number;
    recordCount: bigint | number;
    price: bigint | number;
    cipherSuite?: number;
    /** Seconds to deliver after a purchase (default 1 day). */
    deliveryWindowSecs?: number;
    /** Settled task PDAs the data came from (≤ 8); each one's winning result is looked up here. */
    provenance?: PublicKey[];
    locator: string;
  }): Promise<{ dataset: PublicKey; signature: TransactionSignature }> {
    if (args.contentHash.length !== 32 || args.merkleRoot.length !== 32 || args.recordsHash.length !== 32) throw new LumoraError("contentHash, merkleRoot and recordsHash must be 32 bytes", []);
    if ((args.provenance?.length ?? 0) > MARKET_BOUNDS.maxProvenance) throw new LumoraError(`at most ${MARKET_BOUNDS.maxProvenance} provenance tasks`, []);
    const s = this.split(args.seller);
    const provenance = [];
    for (const task of args.provenance ?? []) provenance.push({ task, result: (await this.winningResult(task))?.address ?? PublicKey.default });
    const t = await tx.listDatasetTransaction({
      ...args,
      seller: s.key,
      deliveryWindowSecs: args.deliveryWindowSecs ?? 86_400,
      provenance,
      programIds: this.programIds,
      feePayer: this.wallet,
    });
    const signature = await this.send(t, s.signers);
    return { dataset: this.datasetAddress(s.key, args.datasetId), signature };
  }

  /**
   * A settled task's first winning result whose key was released (what `list_dataset` takes as
   * provenance): its address and decoded record; `null` when the task is not settled or has none.
   */
  async winningResult(task: PublicKey): Promise<{ address: PublicKey; result: TaskResultAccount } | null> {
    const info = await this.provider.connection.getAccountInfo(task);
    if (!info || !info.owner.equals(this.programIds.tasks)) return null;
    const t = this.decodeTask(info.data);
    if (!t || t.status !== TASK_STATUS.SETTLED) return null;
    const slots = t.slots as { node: PublicKey }[];
    for (let rank = 0; rank < t.assignedCount; rank++) {
      if (!((t.agreeMask >> rank) & 1) || !((t.keyMask >> rank) & 1)) continue;
      const address = resultPda({ task, node: slots[rank]!.node, programId: this.programIds.tasks }).address;
      const r = await this.provider.connection.getAccountInfo(address);
      if (r) return { address, result: tasksProgram({ programId: this.programIds.tasks }).coder.accounts.decode<TaskResultAccount>("taskResult", r.data) };
    }
    return null;
  }

  /** A tasks-program account decoded as a `Task`, `null` when it is another account type. */
  private decodeTask(data: Buffer): TaskAccount | null {
    try {
      return tasksProgram({ programId: this.programIds.tasks }).coder.accounts.decode<TaskAccount>("task", data);
    } catch {
      return null;
    }
  }

  /** The provenance parts of a listing, read from chain: each cited task's state, winning hash and result size. */
  async provenanceParts(dataset: DatasetAccount): Promise<ProvenancePart[]> {
    const out: ProvenancePart[] = [];
    for (const task of dataset.provenance as PublicKey[]) {
      const info = await this.provider.connection.getAccountInfo(task);
      const t = info && info.owner.equals(this.programIds.tasks) ? this.decodeTask(info.data) : null;
      const w = await this.winningResult(task);
      out.push({ task, settled: t?.status === TASK_STATUS.SETTLED, winningHash: Uint8Array.from((t?.winningHash as number[] | undefined) ?? new Array(32).fill(0)), byteCount: w ? BigInt(w.result.byteCount.toString()) : null });
    }
    return out;
  }

  /**
   * The buyer's provenance check before paying (`checkListing`): the listing re-read against its
   * tasks' winning results on chain, and against the manifest when given. Throws `LumoraError` listing
   * every problem; returns the parts for the plaintext check after decryption (`checkPlaintext`).
   */
  async verifyListing(args: { dataset: PublicKey; manifest?: { hash: Uint8Array; merkleRoot: Uint8Array; contentHash: Uint8Array; plaintextSize: number } }): Promise<{ dataset: DatasetAccount; parts: ProvenancePart[] }> {
    const d = await this.fetchDataset(args.dataset);
    if (!d) throw new LumoraError(`no dataset at ${args.dataset.toBase58()}`, []);
    const parts = await this.provenanceParts(d);
    const issues = checkListing({ dataset: d, parts, manifest: args.manifest });
    if (issues.length > 0) throw new LumoraError(`dataset ${args.dataset.toBase58()} fails its provenance check: ${issues.join("; ")}`, []);
    return { dataset: d, parts };
  }

  /** Changes the price and/or locator of a listing (seller). */
  async updateDataset(args: { seller?: SignerLike; dataset: PublicKey; price?: bigint | number; locator?: string }): Promise<TransactionSignature> {
    const s = this.split(args.seller);
    return this.send(await tx.updateDatasetTransaction({ ...args, seller: s.key, programIds: this.programIds, feePayer: this.wallet }), s.signers);
  }

  /** Stops new sales of a listing (seller). */
  async delist(args: { seller?: SignerLike; dataset: PublicKey }): Promise<TransactionSignature> {
    const s = this.split(args.seller);
    return this.send(await tx.delistTransaction({ seller: s.key, dataset: args.dataset, programIds: this.programIds, feePayer: this.wallet }), s.signers);
  }

  /**
   * Buys a dataset: escrows its price (at most `maxPrice`, default the price read now) and records the
   * buyer's x25519 public key.
   */
  async purchase(args: { buyer?: SignerLike; dataset: PublicKey; buyerX25519: Uint8Array; maxPrice?: bigint | number; lmrMint?: PublicKey; buyerTokens?: PublicKey }): Promise<{ purchase: PublicKey; signature: TransactionSignature }> {
    if (args.buyerX25519.length !== 32) throw new LumoraError("buyerX25519 must be 32 bytes", []);
    const b = this.split(args.buyer);
    let maxPrice = args.maxPrice;
    if (maxPrice === undefined) {
      const d = await this.fetchDataset(args.dataset);
      if (!d) throw new LumoraError(`no dataset at ${args.dataset.toBase58()}`, []);
      maxPrice = BigInt(d.price.toString());
    }
    const t = await tx.purchaseTransaction({ ...args, buyer: b.key, maxPrice, lmrMint: await this.lmrMint(args.lmrMint), programIds: this.programIds, feePayer: this.wallet });
    const signature = await this.send(t, b.signers);
    return { purchase: this.purchaseAddress(args.dataset, b.key), signature };
  }

  /**
   * Delivers the data key to a buyer (seller): pass `sealedKey`, or the plain `dataKey` and it is sealed
   * here to the x25519 key the buyer recorded in its purchase (`data.sealKey`).
   */
  async deliverKey(args: { seller?: SignerLike; dataset: PublicKey; buyer: PublicKey; sealedKey?: Uint8Array; dataKey?: Uint8Array; lmrMint?: PublicKey; sellerTokens?: PublicKey; treasury?: PublicKey }): Promise<TransactionSignature> {
    const s = this.split(args.seller);
    let sealed = args.sealedKey;
    if (!sealed) {
      if (!args.dataKey) throw new LumoraError("pass sealedKey or dataKey", []);
      const p = await this.fetchPurchase({ dataset: args.dataset, buyer: args.buyer });
      if (!p) throw new LumoraError("no purchase by this buyer", []);
      sealed = sealKey({ key: args.dataKey, recipientPublicKey: Uint8Array.from(p.buyerX25519) });
    }
    const t = await tx.deliverKeyTransaction({ ...args, sealedKey: sealed, seller: s.key, lmrMint: await this.lmrMint(args.lmrMint), programIds: this.programIds, feePayer: this.wallet });
    return this.send(t, s.signers);
  }

  /** Takes the escrow back after the delivery deadline (buyer). */
  async refund(args: { buyer?: SignerLike; dataset: PublicKey; lmrMint?: PublicKey; buyerTokens?: PublicKey }): Promise<TransactionSignature> {
    const b = this.split(args.buyer);
    return this.send(await tx.refundTransaction({ ...args, buyer: b.key, lmrMint: await this.lmrMint(args.lmrMint), programIds: this.programIds, feePayer: this.wallet }), b.signers);
  }

  /** Closes a delivered or refunded purchase (buyer); its rent comes back. */
  async closePurchase(args: { buyer?: SignerLike; dataset: PublicKey }): Promise<TransactionSignature> {
    const b = this.split(args.buyer);
    return this.send(await tx.closePurchaseTransaction({ buyer: b.key, dataset: args.dataset, programIds: this.programIds, feePayer: this.wallet }), b.signers);
  }

  /**
   * Opens the key delivered to a buyer: reads the sealed key from the purchase and opens it with the
   * buyer's x25519 secret key; with `manifest`, checks it is that dataset's key (`data.openKey`).
   */
  async openDeliveredKey(args: { dataset: PublicKey; buyer: PublicKey; x25519SecretKey: Uint8Array; manifest?: Uint8Array }): Promise<Uint8Array> {
    const p = await this.fetchPurchase({ dataset: args.dataset, buyer: args.buyer });
    if (!p || p.sealedKey.length === 0) throw new LumoraError("no key delivered for this purchase", []);
    return openKey({ sealed: Uint8Array.from(p.sealedKey), recipientSecretKey: args.x25519SecretKey, manifest: args.manifest });
  }

  /** Reads a listing; `null` when absent. */
  async fetchDataset(dataset: PublicKey): Promise<DatasetAccount | null> {
    const info = await this.provider.connection.getAccountInfo(dataset);
    if (!info || !info.owner.equals(this.programIds.market)) return null;
    return marketProgram({ programId: this.programIds.market }).coder.accounts.decode<DatasetAccount>("dataset", info.data);
  }

  /** Reads a purchase; `null` when absent (never bought, or closed). */
  async fetchPurchase(args: { dataset: PublicKey; buyer: PublicKey }): Promise<PurchaseAccount | null> {
    const info = await this.provider.connection.getAccountInfo(this.purchaseAddress(args.dataset, args.buyer));
    if (!info || !info.owner.equals(this.programIds.market)) return null;
    return marketProgram({ programId: this.programIds.market }).coder.accounts.decode<PurchaseAccount>("purchase", info.data);
  }

  /**
   * Every listing matching `filter`: seller, content hash and listed state server-side (`memcmp`),
   * the rest here. Needs a connection that serves `getProgramAccounts` (an RPC node or LiteSVM's
   * provider); bankrun's does not, and this throws a `LumoraError` saying so.
   */
  async fetchDatasets(filter: DatasetFilter = {}): Promise<{ address: PublicKey; dataset: DatasetAccount }[]> {
    const conn = this.provider.connection as { getProgramAccounts?: (id: PublicKey, cfg: unknown) => Promise<readonly { pubkey: PublicKey; account: { data: Buffer } }[]> };
    if (typeof conn.getProgramAccounts !== "function")
      throw new LumoraError("this provider's connection cannot enumerate accounts (getProgramAccounts): use an RPC connection or LiteSVM", []);
    const program = marketProgram({ programId: this.programIds.market });
    const disc = program.coder.accounts.memcmp("dataset");
    const filters: unknown[] = [{ memcmp: { offset: 0, bytes: disc.bytes } }];
    const eq = (offset: number, b: Uint8Array) => filters.push({ memcmp: { offset, bytes: utils.bytes.bs58.encode(Buffer.from(b)) } });
    if (filter.seller) eq(DATASET_LAYOUT.seller, filter.seller.toBytes());
    if (filter.contentHash) eq(DATASET_LAYOUT.contentHash, filter.contentHash);
    if (filter.listed !== undefined) eq(DATASET_LAYOUT.listed, Uint8Array.of(filter.listed ? 1 : 0));
    const raw = await conn.getProgramAccounts(this.programIds.market, { filters });
    return raw
      .map((r) => ({ address: new PublicKey(r.pubkey), dataset: program.coder.accounts.decode<DatasetAccount>("dataset", Buffer.from(r.account.data)) }))
      .filter(({ dataset: d }) => filter.maxPrice === undefined || BigInt(d.price.toString()) <= filter.maxPrice)
      .filter(({ dataset: d }) => !filter.provenanceTask || (d.provenance as PublicKey[]).some((t) => t.equals(filter.provenanceTask!)))
      .filter(({ dataset: d }) => filter.sellerCommissioned === undefined || d.sellerCommissioned === filter.sellerCommissioned)
      .sort((a, b) => a.address.toBase58().localeCompare(b.address.toBase58()));
  }
}
