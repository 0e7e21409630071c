/**
 * Instruction builders of `lumora_market`, every account explicit (from `pda`), no RPC.
 * @module
 */
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { type AccountMeta, type PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { BN } from "../bn.js";
import { configPda, datasetPda, purchasePda, purchaseVaultPda, treasuryPda } from "../pda.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";
import { marketProgram } from "./program.js";

/** Arguments of {@link listDatasetInstruction}. */
export interface ListDatasetInstructionArgs {
  /** The seller (signer, pays the listing's rent). */
  seller: PublicKey;
  /** Seller-chosen id, unique per seller. */
  datasetId: bigint | number;
  /** SHA-256 of the ciphertext manifest (`data.manifestHash`). */
  contentHash: Uint8Array;
  /** Merkle root over the encrypted chunks (`manifest.merkleRoot`). */
  merkleRoot: Uint8Array;
  /**
   * SHA-256 of the plaintext records (`manifest.contentHash`): with one provenance task, that task's
   * winning content hash (checked on chain).
   */
  recordsHash: Uint8Array;
  /** Bytes of the plaintext (> 0; with provenance, the sum of the winning results' byte counts). */
  sizeBytes: bigint | number;
  /** Records in the dataset. */
  recordCount: bigint | number;
  /** Price in LMR base units (> 0). */
  price: bigint | number;
  /** Cipher suite id (`data.CIPHER_SUITE`); default 1. */
  cipherSuite?: number;
  /** Seconds the seller has to deliver after a purchase. */
  deliveryWindowSecs: number;
  /**
   * The settled tasks the data came from (≤ 8), each with one of its winning results (an agreeing,
   * key-released assignee's result PDA): the remaining accounts, task then result, in order.
   */
  provenance: { task: PublicKey; result: PublicKey }[];
  /** Where the manifest and chunks are served (≤ 128 bytes). */
  locator: string;
  programIds?: Partial<LumoraProgramIds>;
}

/**
 * `list_dataset`: creates the listing after checking each provenance task is a settled Lumora task and
 * binding the listing to its winning results (records hash for one task, total size for any number).
 */
export async function listDatasetInstruction(a: ListDatasetInstructionArgs): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const remaining: AccountMeta[] = a.provenance.flatMap((p) => [p.task, p.result]).map((pubkey) => ({ pubkey, isSigner: false, isWritable: false }));
  return marketProgram({ programId: ids.market })
    .methods.listDataset({
      datasetId: new BN(a.datasetId.toString()),
      contentHash: Array.from(a.contentHash),
      merkleRoot: Array.from(a.merkleRoot),
      recordsHash: Array.from(a.recordsHash),
      sizeBytes: new BN(a.sizeBytes.toString()),
      recordCount: new BN(a.recordCount.toString()),
      price: new BN(a.price.toString()),
      cipherSuite: a.cipherSuite ?? 1,
      deliveryWindowSecs: a.deliveryWindowSecs,
      locator: a.locator,
    })
    .accountsStrict({
      seller: a.seller,
      config: configPda({ programId: ids.registry }).address,
      dataset: datasetPda({ seller: a.seller, datasetId: a.datasetId, programId: ids.market }).address,
      systemProgram: SystemProgram.programId,
    })
    .remainingAccounts(remaining)
    .instruction();
}

/** `update_dataset`: the seller changes the price and/or the locator (`undefined` keeps it). */
export async function updateDatasetInstruction(a: { seller: PublicKey; dataset: PublicKey; price?: bigint | number; locator?: string; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  return marketProgram({ programId: ids.market })
    .methods.updateDataset({ price: a.price === undefined ? null : new BN(a.price.toString()), locator: a.locator ?? null })
    .accountsStrict({ seller: a.seller, config: configPda({ programId: ids.registry }).address, dataset: a.dataset })
    .instruction();
}

/** `delist`: the seller stops new sales. */
export async function delistInstruction(a: { seller: PublicKey; dataset: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  return marketProgram({ programId: ids.market })
    .methods.delist()
    .accountsStrict({ seller: a.seller, config: configPda({ programId: ids.registry }).address, dataset: a.dataset })
    .instruction();
}

/** Arguments of {@link purchaseInstruction}. */
export interface PurchaseInstructionArgs {
  /** The buyer (signer, pays the price and rents). */
  buyer: PublicKey;
  /** The dataset PDA. */
  dataset: PublicKey;
  /** The buyer's x25519 public key (32 bytes): the data key is sealed to it. */
  buyerX25519: Uint8Array;
  /** The most the buyer pays (the listing's price when it read it). */
  maxPrice: bigint | number;
  /** The LMR mint (from the registry config). */
  lmrMint: PublicKey;
  /** The buyer's LMR account (default: its associated token account). */
  buyerTokens?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}

/** `purchase`: escrows the price and records the buyer's x25519 key. */
export async function purchaseInstruction(a: PurchaseInstructionArgs): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const purchase = purchasePda({ dataset: a.dataset, buyer: a.buyer, programId: ids.market }).address;
  return marketProgram({ programId: ids.market })
    .methods.purchase({ buyerX25519: Array.from(a.buyerX25519), maxPrice: new BN(a.maxPrice.toString()) })
    .accountsStrict({
      buyer: a.buyer,
      config: configPda({ programId: ids.registry }).address,
      dataset: a.dataset,
      purchase,
      vault: purchaseVaultPda({ purchase, programId: ids.market }).address,
      lmrMint: a.lmrMint,
      buyerTokens: a.buyerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.buyer, true),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** `deliver_key`: the seller posts the sealed key; the escrow pays the treasury and the seller. */
export async function deliverKeyInstruction(a: {
  /** The seller (signer). */
  seller: PublicKey;
  dataset: PublicKey;
  buyer: PublicKey;
  /** The data key sealed to the buyer's x25519 key (`data.sealKey`). */
  sealedKey: Uint8Array;
  lmrMint: PublicKey;
  /** The seller's LMR account (default: its associated token account). */
  sellerTokens?: PublicKey;
  /** The fee account (default: the registry treasury PDA). */
  treasury?: PublicKey;
  programIds?: Partial<LumoraProgramIds>;
}): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const purchase = purchasePda({ dataset: a.dataset, buyer: a.buyer, programId: ids.market }).address;
  return marketProgram({ programId: ids.market })
    .methods.deliverKey(Buffer.from(a.sealedKey))
    .accountsStrict({
      seller: a.seller,
      config: configPda({ programId: ids.registry }).address,
      dataset: a.dataset,
      purchase,
      vault: purchaseVaultPda({ purchase, programId: ids.market }).address,
      sellerTokens: a.sellerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.seller, true),
      treasury: a.treasury ?? treasuryPda({ programId: ids.registry }).address,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `refund`: the buyer takes the escrow back after the deadline. */
export async function refundInstruction(a: { buyer: PublicKey; dataset: PublicKey; lmrMint: PublicKey; buyerTokens?: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const purchase = purchasePda({ dataset: a.dataset, buyer: a.buyer, programId: ids.market }).address;
  return marketProgram({ programId: ids.market })
    .methods.refund()
    .accountsStrict({
      buyer: a.buyer,
      config: configPda({ programId: ids.registry }).address,
      purchase,
      dataset: a.dataset,
      vault: purchaseVaultPda({ purchase, programId: ids.market }).address,
      buyerTokens: a.buyerTokens ?? getAssociatedTokenAddressSync(a.lmrMint, a.buyer, true),
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}

/** `close_purchase`: the buyer closes a delivered or refunded purchase and its empty escrow. */
export async function closePurchaseInstruction(a: { buyer: PublicKey; dataset: PublicKey; programIds?: Partial<LumoraProgramIds> }): Promise<TransactionInstruction> {
  const ids = resolveProgramIds(a.programIds);
  const purchase = purchasePda({ dataset: a.dataset, buyer: a.buyer, programId: ids.market }).address;
  return marketProgram({ programId: ids.market })
    .methods.closePurchase()
    .accountsStrict({
      buyer: a.buyer,
      config: configPda({ programId: ids.registry }).address,
      purchase,
      dataset: a.dataset,
      vault: purchaseVaultPda({ purchase, programId: ids.market }).address,
      tokenProgram: TOKEN_PROGRAM_ID,
    })
    .instruction();
}
