/**
 * Every PDA of the Lumora programs. One function per seed constant of the programs' `seeds.rs`,
 * mirrored one-for-one (same names, same order of seed parts); pinned by `tests/vectors/seeds.json`.
 * @module
 */
import { PublicKey } from "@solana/web3.js";
import { BPF_LOADER_UPGRADEABLE_ID, PROGRAM_IDS } from "./programs.js";

/** Seed constants of `programs/lumora_registry/src/seeds.rs`. */
export const REGISTRY_SEEDS = Object.freeze({
  /** `["config"]` — the singleton protocol config. */
  CONFIG: Buffer.from("config"),
  /** `["treasury"]` — the LMR token account owned by the config PDA. */
  TREASURY: Buffer.from("treasury"),
  /** `["node", node_key]` — a node (one per node key). */
  NODE: Buffer.from("node"),
  /** `["stake", node]` — a node's stake vault (LMR token account owned by the node PDA). */
  STAKE_VAULT: Buffer.from("stake"),
  /** `["authority"]` under the tasks / rewards program — the PDA those programs sign registry CPIs with. */
  CPI_AUTHORITY: Buffer.from("authority"),
});

/** A derived address and its canonical bump. */
export interface Pda {
  /** The program-derived address. */
  address: PublicKey;
  /** Its canonical bump. */
  bump: number;
}

function derive(seeds: Buffer[], programId: PublicKey): Pda {
  const [address, bump] = PublicKey.findProgramAddressSync(seeds, programId);
  return { address, bump };
}

/** The protocol config: `["config"]` under the registry program. */
export function configPda(args: { /** Registry program id (default: the declared one). */ programId?: PublicKey } = {}): Pda {
  return derive([REGISTRY_SEEDS.CONFIG], args.programId ?? PROGRAM_IDS.registry);
}

/** The protocol treasury token account: `["treasury"]` under the registry program. */
export function treasuryPda(args: { /** Registry program id (default: the declared one). */ programId?: PublicKey } = {}): Pda {
  return derive([REGISTRY_SEEDS.TREASURY], args.programId ?? PROGRAM_IDS.registry);
}

/** The program-data account of an upgradeable program: `[programId]` under the upgradeable loader. */
export function programDataPda(args: { /** The program whose program-data account to derive. */ programId: PublicKey }): Pda {
  return derive([args.programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID);
}

/** A node: `["node", node_key]` under the registry program. */
export function nodePda(args: { /** The node's ed25519 hot key. */ nodeKey: PublicKey; /** Registry program id. */ programId?: PublicKey }): Pda {
  return derive([REGISTRY_SEEDS.NODE, args.nodeKey.toBuffer()], args.programId ?? PROGRAM_IDS.registry);
}

/** A node's stake vault: `["stake", node]` under the registry program. */
export function stakeVaultPda(args: { /** The node PDA. */ node: PublicKey; /** Registry program id. */ programId?: PublicKey }): Pda {
  return derive([REGISTRY_SEEDS.STAKE_VAULT, args.node.toBuffer()], args.programId ?? PROGRAM_IDS.registry);
}

/**
 * The CPI authority of a Lumora program (`["authority"]` under it): the registry accepts reputation,
 * slash and obligation CPIs only from the tasks program's, metric CPIs only from the rewards program's.
 */
export function cpiAuthorityPda(args: { /** The calling program (tasks or rewards). */ programId: PublicKey }): Pda {
  return derive([REGISTRY_SEEDS.CPI_AUTHORITY], args.programId);
}

/** Seed constants of `programs/lumora_rewards/src/seeds.rs`. */
export const REWARDS_SEEDS = Object.freeze({
  /** `["epoch", index (u64 LE)]` — one reward epoch. */
  EPOCH: Buffer.from("epoch"),
  /** `["vault", epoch]` — the epoch's LMR vault, owned by the epoch PDA. */
  VAULT: Buffer.from("vault"),
  /** `["epoch_shard", epoch, shard (u16 LE)]` — one shard's contribution total in one epoch. */
  EPOCH_SHARD: Buffer.from("epoch_shard"),
  /** `["shard_vault", epoch, shard (u16 LE)]` — one shard's claim vault (LMR, owned by the epoch PDA). */
  SHARD_VAULT: Buffer.from("shard_vault"),
  /** `["contribution", epoch, node]` — one provider's credit in one epoch (`credit_epoch`). */
  CONTRIBUTION: Buffer.from("contribution"),
  /** `["verifier_root", epoch, verifier]` — one verifier's Merkle root over its totals of one epoch. */
  VERIFIER_ROOT: Buffer.from("verifier_root"),
  /** `["authority"]` — the rewards program's registry-CPI signer. */
  CPI_AUTHORITY: Buffer.from("authority"),
});

function u64le(v: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

function u16le(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
}

/** A reward epoch: `["epoch", index LE]` under the rewards program. */
export function epochPda(args: { /** Epoch index. */ index: bigint | number; /** Rewards program id. */ programId?: PublicKey }): Pda {
  return derive([REWARDS_SEEDS.EPOCH, u64le(args.index)], args.programId ?? PROGRAM_IDS.rewards);
}

/** An epoch's LMR vault: `["vault", epoch]` under the rewards program. */
export function epochVaultPda(args: { /** The epoch PDA. */ epoch: PublicKey; /** Rewards program id. */ programId?: PublicKey }): Pda {
  return derive([REWARDS_SEEDS.VAULT, args.epoch.toBuffer()], args.programId ?? PROGRAM_IDS.rewards);
}

/** One shard's total in one epoch: `["epoch_shard", epoch, shard LE]` under the rewards program. */
export function epochShardPda(args: { /** The epoch PDA. */ epoch: PublicKey; /** Shard number. */ shard: number; /** Rewards program id. */ programId?: PublicKey }): Pda {
  return derive([REWARDS_SEEDS.EPOCH_SHARD, args.epoch.toBuffer(), u16le(args.shard)], args.programId ?? PROGRAM_IDS.rewards);
}

/** One shard's claim vault in one epoch: `["shard_vault", epoch, shard LE]` under the rewards program. */
export function shardVaultPda(args: { /** The epoch PDA. */ epoch: PublicKey; /** Shard number. */ shard: number; /** Rewards program id. */ programId?: PublicKey }): Pda {
  return derive([REWARDS_SEEDS.SHARD_VAULT, args.epoch.toBuffer(), u16le(args.shard)], args.programId ?? PROGRAM_IDS.rewards);
}

/** One verifier's epoch root: `["verifier_root", epoch, verifier]` under the rewards program. */
export function verifierRootPda(args: { /** The epoch PDA. */ epoch: PublicKey; /** The verifier's registry Node PDA. */ verifier: PublicKey; /** Rewards program id. */ programId?: PublicKey }): Pda {
  return derive([REWARDS_SEEDS.VERIFIER_ROOT, args.epoch.toBuffer(), args.verifier.toBuffer()], args.programId ?? PROGRAM_IDS.rewards);
}

/** One provider's credit in one epoch: `["contribution", epoch, node]` under the rewards program. */
export function contributionPda(args: { /** The epoch PDA. */ epoch: PublicKey; /** The registry Node PDA. */ node: PublicKey; /** Rewards program id. */ programId?: PublicKey }): Pda {
  return derive([REWARDS_SEEDS.CONTRIBUTION, args.epoch.toBuffer(), args.node.toBuffer()], args.programId ?? PROGRAM_IDS.rewards);
}

/** Seed constants of `programs/lumora_tasks/src/seeds.rs`. */
export const TASKS_SEEDS = Object.freeze({
  /** `["task", consumer, task_id (u64 LE)]` — a task. */
  TASK: Buffer.from("task"),
  /** `["task_vault", task]` — the task's LMR escrow, owned by the task PDA. */
  TASK_VAULT: Buffer.from("task_vault"),
  /** `["bid", task, node]` — one bid per node per task. */
  BID: Buffer.from("bid"),
  /** `["result", task, node]` — an assignee's commitment and reveal. */
  RESULT: Buffer.from("result"),
  /** `["authority"]` — the tasks program's registry/rewards CPI signer. */
  CPI_AUTHORITY: Buffer.from("authority"),
});

function taskIdLe(id: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(id));
  return b;
}

/** A task: `["task", consumer, task_id LE]` under the tasks program. */
export function taskPda(args: { /** The consumer that creates it. */ consumer: PublicKey; /** Consumer-chosen id. */ taskId: bigint | number; /** Tasks program id. */ programId?: PublicKey }): Pda {
  return derive([TASKS_SEEDS.TASK, args.consumer.toBuffer(), taskIdLe(args.taskId)], args.programId ?? PROGRAM_IDS.tasks);
}

/** A task's escrow: `["task_vault", task]` under the tasks program. */
export function taskVaultPda(args: { /** The task PDA. */ task: PublicKey; /** Tasks program id. */ programId?: PublicKey }): Pda {
  return derive([TASKS_SEEDS.TASK_VAULT, args.task.toBuffer()], args.programId ?? PROGRAM_IDS.tasks);
}

/** A node's bid on a task: `["bid", task, node]` under the tasks program. */
export function bidPda(args: { /** The task PDA. */ task: PublicKey; /** The bidding node's registry PDA. */ node: PublicKey; /** Tasks program id. */ programId?: PublicKey }): Pda {
  return derive([TASKS_SEEDS.BID, args.task.toBuffer(), args.node.toBuffer()], args.programId ?? PROGRAM_IDS.tasks);
}

/** An assignee's result: `["result", task, node]` under the tasks program. */
export function resultPda(args: { /** The task PDA. */ task: PublicKey; /** The assignee's registry PDA. */ node: PublicKey; /** Tasks program id. */ programId?: PublicKey }): Pda {
  return derive([TASKS_SEEDS.RESULT, args.task.toBuffer(), args.node.toBuffer()], args.programId ?? PROGRAM_IDS.tasks);
}

/** Seed constants of `programs/lumora_market/src/seeds.rs`. */
export const MARKET_SEEDS = Object.freeze({
  /** `["dataset", seller, dataset_id (u64 LE)]` — a listing. */
  DATASET: Buffer.from("dataset"),
  /** `["purchase", dataset, buyer]` — a buyer's purchase of a dataset (one open at a time). */
  PURCHASE: Buffer.from("purchase"),
  /** `["purchase_vault", purchase]` — the purchase's LMR escrow, owned by the purchase PDA. */
  PURCHASE_VAULT: Buffer.from("purchase_vault"),
});

/** A dataset listing: `["dataset", seller, dataset_id LE]` under the market program. */
export function datasetPda(args: { /** The seller. */ seller: PublicKey; /** Seller-chosen id. */ datasetId: bigint | number; /** Market program id. */ programId?: PublicKey }): Pda {
  return derive([MARKET_SEEDS.DATASET, args.seller.toBuffer(), taskIdLe(args.datasetId)], args.programId ?? PROGRAM_IDS.market);
}

/** A purchase: `["purchase", dataset, buyer]` under the market program. */
export function purchasePda(args: { /** The dataset PDA. */ dataset: PublicKey; /** The buyer. */ buyer: PublicKey; /** Market program id. */ programId?: PublicKey }): Pda {
  return derive([MARKET_SEEDS.PURCHASE, args.dataset.toBuffer(), args.buyer.toBuffer()], args.programId ?? PROGRAM_IDS.market);
}

/** A purchase's escrow: `["purchase_vault", purchase]` under the market program. */
export function purchaseVaultPda(args: { /** The purchase PDA. */ purchase: PublicKey; /** Market program id. */ programId?: PublicKey }): Pda {
  return derive([MARKET_SEEDS.PURCHASE_VAULT, args.purchase.toBuffer()], args.programId ?? PROGRAM_IDS.market);
}
