/**
 * Scale model of Lumora's on-chain cost (issue 22, item 4): what N = 10³ … 10⁷ nodes cost Solana and
 * their operators, from the CU and transaction sizes the chain suites measured and agave's cost model.
 *
 *   npx tsx bench/scale-model.ts [--json] [--cu-dir <dir>] [--vm litesvm|bankrun] [--set name=value …]
 *
 * Inputs, in this order: target/cu/<vm>.json of this tree (what CI has after the chain suites), else the
 * `--cu-dir` given, else the medians in bench/results.json. LiteSVM by default (the current runtime).
 * v2's instructions are built (rewards v2 step 3, b1d7879): PostVerifierRoot and CreditEpoch are read
 * from the input — credit_epoch from the row of the modelled quorum, "credit_epoch (q = 3 proofs)"
 * (tests/harness/cu.ts), else CreditEpoch — and fall back to a stated ESTIMATE only for an input that
 * predates them; credit_epoch's transaction size is `creditEpochTxSize` (sdk/src/rewards.ts) at q proofs
 * of depth `creditProofDepth`, not the suites' small trees. v1's `submit_receipts` is gone from the
 * programs (step 3): the v1 scenarios use its medians as RECORDED at ec69648 (`V1_RECORDED`) unless the
 * input still has the rows (an older bench/results.json). Every assumption is a named parameter
 * (`PARAMS`, overridable with --set) printed with the output.
 *
 * Three scenarios, each a list of flows (one transaction kind, its rate as a function of N, its
 * signatures and writable accounts, who pays):
 *   v1-today  the v1 programs (to step 2) driven as the daemon drove them (heartbeat every 60 s, every
 *             executor bids on every open task, one receipt per transaction, the operator wallet pays
 *             beside the node key, no compute-unit limit set);
 *   v1-best   the same programs driven as well as they can be (no heartbeat — no instruction reads it —,
 *             receipts 3 per v0 transaction, only r + backups bids per task, the node key pays alone,
 *             compute-unit limit = measured × margin);
 *   v2        the rewards v2 design (issue 22): daily epochs, one verifier root per verifier, one
 *             credit per provider, one cumulative claim per node per 30 days; tasks reported apart.
 * Pure functions (the gate bench/check-scale.ts and its tests call them); the CLI is at the bottom.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { creditEpochTxSize } from "../sdk/src/rewards.js";
import type { CuFile } from "./check-budgets.js";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

// ---- agave's cost model and fee schedule --------------------------------------------------------
/** agave's block limits and cost-model weights, and the fee schedule (all stated, none measured). */
export const AGAVE = {
  /** Block compute limit (cost units) per block. */
  blockCu: 48_000_000,
  /** Slot time, ms. */
  blockMs: 400,
  /** Per-writable-account limit per block (cost units). */
  accountBlockCu: 12_000_000,
  /** Cost units per transaction signature. */
  sigCu: 720,
  /** Cost units per ed25519 precompile signature. */
  precompileSigCu: 2_400,
  /** Cost units per writable account (write lock). */
  writeLockCu: 300,
  /** Base fee per signature, precompile signatures included (lamports). */
  lamportsPerSignature: 5_000,
  /** Rent-exempt minimum per byte, lamports (3,480 lamports/byte-year × 2 years). */
  rentLamportsPerByte: 6_960,
  /** Account overhead counted by rent, bytes. */
  rentOverheadBytes: 128,
  /** Compute-unit limit of an instruction when the transaction sets none (priority fee is charged on it). */
  defaultCuLimitPerIx: 200_000,
  /** The same for a builtin / precompile instruction (the ed25519 precompile). */
  defaultCuLimitPerBuiltinIx: 3_000,
} as const;
/** Mainnet's compute per second, cost units: 48M per 400 ms. */
export const MAINNET_CU_PER_SEC = (AGAVE.blockCu * 1000) / AGAVE.blockMs;
export const LAMPORTS_PER_SOL = 1e9;
export const DAY = 86_400;
export const BLOCKS_PER_SEC = 1000 / AGAVE.blockMs;

/** Rent-exempt minimum of an account of `bytes` data bytes (lamports). */
export const rentOf = (bytes: number) => (AGAVE.rentOverheadBytes + bytes) * AGAVE.rentLamportsPerByte;

// ---- parameters ---------------------------------------------------------------------------------
/** Every assumption of the model, by name. `PARAM_DOCS` says what each means and where it comes from. */
export interface Params {
  nodes: number[];
  priorityMicroLamportsPerCu: number;
  cuLimitMargin: number;
  providerFraction: number;
  verifierFraction: number;
  executorFraction: number;
  epochSecs: number;
  shards: number;
  shardsPerCloseEpochTx: number;
  heartbeatSecs: number;
  verifierMeasureSecs: number;
  receiptsPerBestTx: number;
  nodeLifeDays: number;
  tasksPerNodePerHour: number;
  redundancy: number;
  backups: number;
  bidWindowSecs: number;
  verifiersPerProvider: number;
  proofsPerCredit: number;
  creditProofDepth: number;
  claimEveryDays: number;
  creditWindowSecs: number;
  crankWindowSecs: number;
  budgetComputeFraction: number;
  budgetFeesLamportsPerNodeDay: number;
  budgetRentSolPerNode: number;
  budgetNodes: number;
}

export const PARAMS: Params = {
  nodes: [1e3, 1e4, 1e5, 1e6, 1e7],
  priorityMicroLamportsPerCu: 1_000,
  cuLimitMargin: 1.1,
  providerFraction: 1,
  verifierFraction: 0.1,
  executorFraction: 0.7,
  epochSecs: 86_400,
  shards: 1_024,
  shardsPerCloseEpochTx: 16,
  heartbeatSecs: 60,
  verifierMeasureSecs: 15,
  receiptsPerBestTx: 3,
  nodeLifeDays: 365,
  tasksPerNodePerHour: 0.36,
  redundancy: 3,
  backups: 2,
  bidWindowSecs: 10,
  verifiersPerProvider: 5,
  proofsPerCredit: 3,
  creditProofDepth: 7,
  claimEveryDays: 30,
  creditWindowSecs: 6 * 3_600,
  crankWindowSecs: 3_600,
  budgetComputeFraction: 0.05,
  budgetFeesLamportsPerNodeDay: 20_000,
  budgetRentSolPerNode: 0.003,
  budgetNodes: 1e7,
};

export const PARAM_DOCS: Record<keyof Params, string> = {
  nodes: "network sizes modelled",
  priorityMicroLamportsPerCu: "priority fee rate, micro-lamports per CU of the compute-unit LIMIT the transaction requests",
  cuLimitMargin: "compute-unit limit the SDK sets = ceil(measured CU × margin) (v1-best, v2); v1-today sets none: 200,000 per instruction (3,000 for the ed25519 precompile)",
  providerFraction: "fraction of nodes with the PROVIDER role (every node: the budget's worst case)",
  verifierFraction: "fraction of nodes with the VERIFIER role",
  executorFraction: "fraction of nodes with the EXECUTOR role (bid on tasks)",
  epochSecs: "reward epoch length, s (migrations/init.ts: daily; v2: 1 day)",
  shards: "reward shards S (v1: migrations/init.ts deploys 16 — used for v1; SHARD_COUNT_MAX 1,024 — used for v2)",
  shardsPerCloseEpochTx: "shards one close_epoch transaction covers (the measured CloseEpoch)",
  heartbeatSecs: "v1-today: seconds between heartbeats (clients/node config default; the program's minimum gap)",
  verifierMeasureSecs: "v1: a verifier measures one provider every N s (clients/node/src/daemon.ts verify()); receipts per provider per day = 86,400 / N × verifiers / providers",
  receiptsPerBestTx: "v1-best: receipts per submit_receipts transaction (v0 + lookup table, the 3-receipt row recorded at ec69648)",
  nodeLifeDays: "node life, days: register_node + close_node amortised over it; churn = 1 / life (every leaving node replaced)",
  tasksPerNodePerHour: "tasks created per node per hour (demand; consumers pay)",
  redundancy: "r: assignees per task",
  backups: "backup slots per task (bids a best client sends = r + backups)",
  bidWindowSecs: "v1: seconds a task's bid window lasts (consumer default 10): every bid of v1-today lands on the Task account inside it",
  verifiersPerProvider: "v2: k verifiers assigned per provider per epoch (stake-weighted sortition)",
  proofsPerCredit: "v2: q Merkle inclusion proofs (against q assigned verifiers' roots) in one credit_epoch; its CU is the measured row \"credit_epoch (q = q proofs)\" when the input has it",
  creditProofDepth: "v2: Merkle path length of each proof (7: a root over ≤ 128 providers, docs/rewards.md §4.2); sizes the credit_epoch transaction (creditEpochTxSize, sdk/src/rewards.ts)",
  claimEveryDays: "v2: a node claims lazily and cumulatively once per N days",
  creditWindowSecs: "v2: providers send credit_epoch within this window after the roots are posted (hot-account burst)",
  crankWindowSecs: "the epoch crank (distribute_shard × S, sweeps) is spread over this many seconds",
  budgetComputeFraction: "budget: share of mainnet compute at budgetNodes (baseline flows: what every node does, tasks or not)",
  budgetFeesLamportsPerNodeDay: "budget: fees per node per day, lamports (the node with every role)",
  budgetRentSolPerNode: "budget: rent per node for its life, SOL (every account it keeps open)",
  budgetNodes: "budget: network size at which the budgets hold",
};

/** Parameters with `name=value` overrides applied (numbers; `nodes` as a comma list). */
export function withOverrides(base: Params, sets: string[]): Params {
  const p: Params = { ...base, nodes: [...base.nodes] };
  for (const s of sets) {
    const m = /^(\w+)=(.+)$/.exec(s);
    if (!m || !(m[1]! in base)) throw new UsageError(`--set ${s}: expected name=value with a name of ${Object.keys(base).join(", ")}`);
    const k = m[1] as keyof Params;
    if (k === "nodes") p.nodes = m[2]!.split(",").map(Number);
    else (p as unknown as Record<string, number>)[k] = Number(m[2]);
    const vals = k === "nodes" ? p.nodes : [p[k] as number];
    if (vals.some((v) => !Number.isFinite(v) || v < 0)) throw new UsageError(`--set ${s}: not a non-negative number`);
  }
  return p;
}

export class UsageError extends Error {}

// ---- instruction figures: measured or estimate --------------------------------------------------
export interface IxFigure {
  /** Row of the CU input it comes from (or would come from). */
  row: string;
  cu: number;
  txBytes: number;
  /** measured: a row of the input; estimate: not measured yet; recorded: measured at an earlier commit, the instruction is gone (V1_RECORDED). */
  source: "measured" | "estimate" | "recorded";
}

/**
 * v2 instructions before they were measured: the design's estimates (issue 22's targets). Each yields to
 * the measured row of the same name; since step 3 (b1d7879) PostVerifierRoot and CreditEpoch are built
 * and measured, so the estimates only apply to an input that predates them (e.g. an old results.json).
 * `Claim` exists as the per-epoch claim, so the cumulative claim counts as measured once `CreditEpoch`
 * (the v2 rewards program) is measured too.
 */
export const V2_ESTIMATES: Record<string, { cu: number; txBytes: number; measuredWhen?: string }> = {
  PostVerifierRoot: { cu: 22_000, txBytes: 400 },
  CreditEpoch: { cu: 25_000, txBytes: 1_150 },
  Claim: { cu: 12_000, txBytes: 420, measuredWhen: "CreditEpoch" },
};

/**
 * v1's `submit_receipts`, removed by rewards v2 step 3 (b1d7879): its medians as the chain suites
 * measured them at ec69648 (bench/cu-budget.json of that commit, the step-2 snapshot its scale model ran
 * on), per VM, and its largest transaction (docs/benchmarks.md of ec69648). RECORDED baselines: the v1
 * scenarios use them when the input has no such row.
 */
export const V1_RECORDED: Record<string, { commit: string; txBytes: number; cu: Record<string, number> }> = {
  "submit_receipts (1 receipt)": { commit: "ec69648", txBytes: 829, cu: { litesvm: 46_537, bankrun: 46_591 } },
  "submit_receipts (3 receipts, v0 + lookup table, largest)": { commit: "ec69648", txBytes: 1_114, cu: { litesvm: 49_854, bankrun: 49_883 } },
};
/** v1's per-epoch `Contribution` (846 bytes, never closed) as it was at ec69648; step 3 replaced it (programs/lumora_rewards/src/layout.rs). */
export const V1_CONTRIBUTION_BYTES = 846;

/** The figure of `row`: measured when the input has it (and its condition holds), else its estimate. */
export function figure(cu: CuFile, row: string, estimate?: { cu: number; txBytes: number; measuredWhen?: string }): IxFigure {
  const r = cu[row];
  if (r && (!estimate?.measuredWhen || cu[estimate.measuredWhen])) return { row, cu: r.median, txBytes: r.maxTxBytes, source: "measured" };
  if (estimate) return { row, cu: estimate.cu, txBytes: estimate.txBytes, source: "estimate" };
  throw new Error(`CU input has no row "${row}" (needed by the model)`);
}

/** A retired v1 row: measured when the input still has it, else the median recorded at its commit (`V1_RECORDED`). */
export function recordedFigure(cu: CuFile, row: string, vm: string): IxFigure {
  const r = cu[row];
  if (r) return { row, cu: r.median, txBytes: r.maxTxBytes, source: "measured" };
  const rec = V1_RECORDED[row];
  const c = rec?.cu[vm] ?? rec?.cu.litesvm;
  if (!rec || c === undefined) throw new Error(`CU input has no row "${row}" and none is recorded`);
  return { row, cu: c, txBytes: rec.txBytes, source: "recorded" };
}

/** Largest serialized transaction (bytes). */
export const PACKET_LIMIT = 1_232;

/** The row of a credit_epoch with q proofs, as tests/harness/cu.ts names it. */
export const creditRow = (q: number) => `credit_epoch (q = ${q} proof${q === 1 ? "" : "s"})`;

/**
 * credit_epoch at the modelled quorum: CU from the row of exactly q proofs, else from CreditEpoch (every
 * quorum the suites run), else the estimate; bytes from `creditEpochTxSize` at q proofs of the modelled
 * depth (the node key pays: one signature), whatever the suites' trees were.
 */
export function creditFigure(cu: CuFile, p: Pick<Params, "proofsPerCredit" | "creditProofDepth">): IxFigure {
  const q = p.proofsPerCredit;
  const f = cu[creditRow(q)] ? figure(cu, creditRow(q)) : figure(cu, "CreditEpoch", V2_ESTIMATES.CreditEpoch);
  return { ...f, txBytes: creditEpochTxSize({ depths: Array.from({ length: q }, () => p.creditProofDepth), signers: 1 }) };
}

// ---- account sizes from the program sources -------------------------------------------------------
const PRIM: Record<string, number> = { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, u128: 16, i128: 16, Pubkey: 32 };

/** `pub const NAME: T = value;` integer constants of a program's constants.rs. */
function constantsOf(programDir: string): Record<string, number> {
  const f = path.join(programDir, "src", "constants.rs");
  const out: Record<string, number> = {};
  if (!fs.existsSync(f)) return out;
  for (const m of fs.readFileSync(f, "utf8").matchAll(/pub const (\w+): \w+ = ([0-9_]+);/g)) out[m[1]!] = Number(m[2]!.replace(/_/g, ""));
  return out;
}

function sizeOfType(t: string, consts: Record<string, number>): number {
  t = t.trim();
  if (t in PRIM) return PRIM[t]!;
  const arr = /^\[(.+);\s*(\w+)\]$/.exec(t);
  if (arr) {
    const n = /^[0-9_]+$/.test(arr[2]!) ? Number(arr[2]!.replace(/_/g, "")) : consts[arr[2]!];
    if (n === undefined) throw new Error(`unknown array length ${arr[2]}`);
    return n * sizeOfType(arr[1]!, consts);
  }
  const opt = /^Option<(.+)>$/.exec(t);
  if (opt) return 1 + sizeOfType(opt[1]!, consts);
  throw new Error(`cannot size type ${t}`);
}

export interface SourceAccount {
  file: string;
  name: string;
  /** Data bytes: 8-byte discriminator + fields (fixed-size fields only). */
  bytes: number;
  fields: string[];
}

/**
 * The size of `pub struct <name>` in a program's state file, as Anchor allocates it: 8-byte
 * discriminator + the fields (the `#[repr(C)]` zero-copy structs assert they have no padding; borsh
 * structs have none). Throws on a field it cannot size (a Vec/String): such accounts are not fixed-size.
 */
export function accountSizeFromSource(file: string, name: string, root = ROOT): SourceAccount | null {
  const f = path.join(root, file);
  if (!fs.existsSync(f)) return null;
  const src = fs.readFileSync(f, "utf8");
  const m = new RegExp(`pub struct ${name} \\{([\\s\\S]*?)\\n\\}`).exec(src);
  if (!m) return null;
  const consts = constantsOf(path.join(root, file.split("/src/")[0]!));
  let bytes = 8;
  const fields: string[] = [];
  for (const fm of m[1]!.matchAll(/^\s*pub (\w+): ([^\n]+?),\s*$/gm)) {
    bytes += sizeOfType(fm[2]!, consts);
    fields.push(fm[1]!);
  }
  return { file, name, bytes, fields };
}

// ---- transactions, flows ------------------------------------------------------------------------
export type Payer = "node" | "provider" | "verifier" | "executor" | "consumer" | "crank";
/** baseline: what every node does whether or not it has tasks (the budget); task: demand-driven. */
export type FlowClass = "baseline" | "task";

export interface Flow {
  /** What the transaction is, e.g. "heartbeat". */
  name: string;
  ix: IxFigure;
  /** CU of the transaction's program instruction(s) (ix.cu unless a flow scales it). */
  cu: number;
  /** Transactions per day, network-wide. */
  perDay: number;
  txSigs: number;
  precompileSigs: number;
  writable: number;
  /** Compute-unit limit requested (priority fee is charged on it). */
  cuLimit: number;
  payer: Payer;
  class: FlowClass;
  /** The most-written shared account this flow writes, and the writes per second on one instance of it while busy. */
  hot?: { account: string; writesPerSec: number };
}

/** Cost units of one transaction (agave): CU + 720 per signature + 2,400 per precompile signature + 300 per writable account. */
export const txCost = (f: Pick<Flow, "cu" | "txSigs" | "precompileSigs" | "writable">) =>
  f.cu + AGAVE.sigCu * f.txSigs + AGAVE.precompileSigCu * f.precompileSigs + AGAVE.writeLockCu * f.writable;

/** Lamports of one transaction: 5,000 per signature (precompile included) + priority rate × requested limit. */
export const txFee = (f: Pick<Flow, "txSigs" | "precompileSigs" | "cuLimit">, p: Pick<Params, "priorityMicroLamportsPerCu">) =>
  AGAVE.lamportsPerSignature * (f.txSigs + f.precompileSigs) + Math.ceil((p.priorityMicroLamportsPerCu * f.cuLimit) / 1e6);

export type Scenario = "v1-today" | "v1-best" | "v2";
export const SCENARIOS: Scenario[] = ["v1-today", "v1-best", "v2"];
export const SCENARIO_TITLES: Record<Scenario, string> = {
  "v1-today": "v1 as run today",
  "v1-best": "v1, best client",
  v2: "v2 (rewards v2 design)",
};

export interface Inputs {
  cu: CuFile;
  /** Where the CU came from (path), for the report. */
  cuSource: string;
  vm: string;
  /** Account sizes read from the program sources. */
  node: SourceAccount;
  contribution: SourceAccount | null;
  rewardState: SourceAccount | null;
  /** VerifierRoot as built (step 3), null for a tree without it. */
  verifierRoot?: SourceAccount | null;
}

/** Lumora's per-node and per-epoch accounts for the rent lines. */
export interface RentItem {
  account: string;
  bytes: number;
  lamports: number;
  source: string;
  /** life: kept while the node lives; per-epoch: one more each epoch, never closed; temporary: closed after the epoch, rent returned. */
  kind: "life" | "per-epoch" | "temporary";
  measured: boolean;
}

const STAKE_VAULT_BYTES = 165; // an SPL token account
/** v2 RewardState estimate: 8 disc + node 32 + operator 32 + cumulative credit u64 + claimed u64 + last credited epoch u64 + bump + version. */
export const REWARD_STATE_ESTIMATE_BYTES = 8 + 32 + 32 + 8 + 8 + 8 + 1 + 1;
/** v2 VerifierRoot (the lead's design figure), for a tree whose source has none (step 3 has: 170 bytes). */
export const VERIFIER_ROOT_BYTES = 120;

/** The rent lines of a scenario, per node. */
export function rentItems(s: Scenario, inp: Inputs): RentItem[] {
  const perNodeVault = inp.node.fields.includes("vault_bump");
  const node: RentItem = { account: "registry Node", bytes: inp.node.bytes, lamports: rentOf(inp.node.bytes), source: `${inp.node.file} (${inp.node.fields.length} fields)`, kind: "life", measured: true };
  const vault: RentItem = { account: "stake vault (SPL token account)", bytes: STAKE_VAULT_BYTES, lamports: rentOf(STAKE_VAULT_BYTES), source: "one per node while Node has vault_bump", kind: "life", measured: true };
  if (s !== "v2") {
    // v1's Contribution as it was (recorded at ec69648): step 3's is another account, closed after the claim window
    return [node, vault, { account: "rewards Contribution (per provider per epoch, never closed)", bytes: V1_CONTRIBUTION_BYTES, lamports: rentOf(V1_CONTRIBUTION_BYTES), source: "recorded at ec69648 (v1 layout, 846 B)", kind: "per-epoch" as const, measured: true }];
  }
  const vr = inp.verifierRoot;
  const rs = inp.rewardState;
  return [
    node,
    perNodeVault ? vault : { account: "stake: share of a pooled vault", bytes: 0, lamports: 0, source: "Node has no vault_bump: pooled", kind: "life", measured: true },
    rs
      ? { account: "rewards RewardState", bytes: rs.bytes, lamports: rentOf(rs.bytes), source: rs.file, kind: "life", measured: true }
      : { account: "rewards RewardState", bytes: REWARD_STATE_ESTIMATE_BYTES, lamports: rentOf(REWARD_STATE_ESTIMATE_BYTES), source: "estimate (not in the source yet)", kind: "life", measured: false },
    vr
      ? { account: "VerifierRoot (per verifier per epoch, closed after it)", bytes: vr.bytes, lamports: rentOf(vr.bytes), source: vr.file, kind: "temporary", measured: true }
      : { account: "VerifierRoot (per verifier per epoch, closed after it)", bytes: VERIFIER_ROOT_BYTES, lamports: rentOf(VERIFIER_ROOT_BYTES), source: "estimate (lead's design)", kind: "temporary", measured: false },
  ];
}

/** The flows of a scenario at N nodes. */
export function flows(s: Scenario, N: number, p: Params, cu: CuFile, vm = "litesvm"): Flow[] {
  const Np = N * p.providerFraction, Nv = N * p.verifierFraction;
  const epochsPerDay = DAY / p.epochSecs;
  const tasksPerDay = N * p.tasksPerNodePerHour * 24;
  const best = s !== "v1-today";
  const S = s === "v2" ? p.shards : 16;
  const limit = (cuUsed: number, programIxs = 1, precompileIxs = 0) =>
    best ? Math.ceil(cuUsed * p.cuLimitMargin) : programIxs * AGAVE.defaultCuLimitPerIx + precompileIxs * AGAVE.defaultCuLimitPerBuiltinIx;
  const out: Flow[] = [];
  const add = (f: Omit<Flow, "cu" | "cuLimit"> & { cu?: number; precompileIxs?: number }) => {
    const c = f.cu ?? f.ix.cu;
    const { precompileIxs, ...rest } = f;
    out.push({ ...rest, cu: c, cuLimit: limit(c, 1, precompileIxs ?? 0) });
  };
  const m = (row: string) => figure(cu, row, V2_ESTIMATES[row]);
  // node-key transactions: v1-today's daemon signs with the node key and pays with the operator wallet (2 signatures, +1 writable)
  const nk = (sigs: number, writable: number) => (best ? { txSigs: sigs, writable } : { txSigs: sigs + 1, writable: writable + 1 });

  // ---- registration, amortised over the node's life (both versions)
  add({ name: "register_node (amortised)", ix: m("RegisterNode"), perDay: N / p.nodeLifeDays, txSigs: 2, precompileSigs: 0, writable: 4, payer: "node", class: "baseline" });
  add({ name: "close_node (amortised)", ix: m("CloseNode"), perDay: N / p.nodeLifeDays, txSigs: 1, precompileSigs: 0, writable: 4, payer: "node", class: "baseline" });
  // ---- epoch crank (the protocol pays)
  const crankHot = (n: number) => ({ account: "Epoch", writesPerSec: n / p.crankWindowSecs });
  add({ name: "open_epoch", ix: m("OpenEpoch"), perDay: epochsPerDay, txSigs: 1, precompileSigs: 0, writable: 3, payer: "crank", class: "baseline" });
  add({ name: "fund_epoch", ix: m("FundEpoch"), perDay: epochsPerDay, txSigs: 1, precompileSigs: 0, writable: 4, payer: "crank", class: "baseline" });
  add({ name: `close_epoch (${S} shards, ${p.shardsPerCloseEpochTx} per tx)`, ix: m("CloseEpoch"), perDay: epochsPerDay * Math.ceil(S / p.shardsPerCloseEpochTx), txSigs: 1, precompileSigs: 0, writable: 2, payer: "crank", class: "baseline" });
  add({ name: `distribute_shard × ${S}`, ix: m("DistributeShard"), perDay: epochsPerDay * S, txSigs: 1, precompileSigs: 0, writable: 5, payer: "crank", class: "baseline", hot: crankHot(S) });
  add({ name: `sweep_shard_dust × ${S}`, ix: m("SweepShardDust"), perDay: epochsPerDay * S, txSigs: 1, precompileSigs: 0, writable: 6, payer: "crank", class: "baseline", hot: { account: "target Epoch (sweep)", writesPerSec: S / p.crankWindowSecs } });
  add({ name: "sweep_dust", ix: m("SweepDust"), perDay: epochsPerDay, txSigs: 1, precompileSigs: 0, writable: 5, payer: "crank", class: "baseline" });

  if (s !== "v2") {
    // ---- v1: liveness, receipts, per-epoch claims
    if (s === "v1-today")
      add({ name: `heartbeat every ${p.heartbeatSecs} s`, ix: m("Heartbeat"), perDay: N * (DAY / p.heartbeatSecs), ...nk(1, 1), precompileSigs: 0, payer: "node", class: "baseline", hot: { account: "Node (own)", writesPerSec: 1 / p.heartbeatSecs } });
    const receiptsPerDay = Nv * (DAY / p.verifierMeasureSecs);
    const perTx = s === "v1-today" ? 1 : p.receiptsPerBestTx;
    const row = perTx === 1 ? "submit_receipts (1 receipt)" : "submit_receipts (3 receipts, v0 + lookup table, largest)";
    const txPerDay = receiptsPerDay / perTx;
    add({ name: `submit_receipts, ${perTx} per tx`, ix: recordedFigure(cu, row, vm), perDay: txPerDay, ...nk(1, 4), precompileSigs: perTx, precompileIxs: 1, payer: "provider", class: "baseline", hot: { account: "EpochShard", writesPerSec: txPerDay / S / DAY } });
    add({ name: "claim (per provider per epoch)", ix: figure(cu, "Claim"), perDay: Np * epochsPerDay, txSigs: 1, precompileSigs: 0, writable: 4, payer: "provider", class: "baseline", hot: { account: "shard claim vault", writesPerSec: (Np * epochsPerDay) / S / DAY } });
  } else {
    // ---- v2: one root per verifier, one credit per provider, a cumulative claim per node per claimEveryDays
    add({ name: "post_verifier_root", ix: m("PostVerifierRoot"), perDay: Nv * epochsPerDay, txSigs: 1, precompileSigs: 1, precompileIxs: 1, writable: 2, payer: "verifier", class: "baseline" });
    // writable as built (step 3): payer = the node key, provider Node (metrics CPI), EpochShard, Contribution
    add({ name: `credit_epoch (q = ${p.proofsPerCredit} proofs, depth ${p.creditProofDepth})`, ix: creditFigure(cu, p), perDay: Np * epochsPerDay, txSigs: 1, precompileSigs: 0, writable: 4, payer: "provider", class: "baseline", hot: { account: "EpochShard", writesPerSec: (Np / S) / p.creditWindowSecs } });
    add({ name: `claim (cumulative, every ${p.claimEveryDays} d)`, ix: m("Claim"), perDay: N / p.claimEveryDays, txSigs: 1, precompileSigs: 0, writable: 4, payer: "node", class: "baseline", hot: { account: "shard claim vault", writesPerSec: N / p.claimEveryDays / S / DAY } });
  }

  // ---- tasks (demand-driven, paid by consumers and executors)
  for (const t of taskLifecycle(s, p, cu, N)) add({ ...t, perDay: tasksPerDay * t.perTask, class: "task" });
  return out;
}

/** One task's transactions, per task: r assignees, bids as the scenario sends them. */
export function taskLifecycle(s: Scenario, p: Params, cu: CuFile, N: number): (Omit<Flow, "cu" | "cuLimit" | "perDay" | "class"> & { perTask: number })[] {
  const best = s !== "v1-today";
  const m = (row: string) => figure(cu, row);
  const r = p.redundancy;
  const bids = best ? r + p.backups : N * p.executorFraction;
  const nk = (sigs: number, writable: number) => (best ? { txSigs: sigs, writable } : { txSigs: sigs + 1, writable: writable + 1 });
  const taskHot = (perTask: number, windowSecs: number) => ({ account: "Task", writesPerSec: perTask / windowSecs });
  return [
    { name: "create_task", ix: m("CreateTask"), perTask: 1, txSigs: 1, precompileSigs: 0, writable: 4, payer: "consumer" },
    { name: best ? `bid × (r + backups = ${bids})` : "bid × every executor", ix: m("Bid"), perTask: bids, ...nk(1, 3), precompileSigs: 0, payer: "executor", hot: taskHot(bids, p.bidWindowSecs) },
    { name: "close_bid × bids", ix: m("CloseBid"), perTask: bids, ...nk(1, 2), precompileSigs: 0, payer: "executor" },
    { name: "finalize_assignment", ix: m("FinalizeAssignment"), perTask: 1, txSigs: 1, precompileSigs: 0, writable: 4, payer: "consumer" },
    { name: `commit_result × r`, ix: m("CommitResult"), perTask: r, ...nk(1, 3), precompileSigs: 0, payer: "executor" },
    { name: `reveal_result × r`, ix: m("RevealResult"), perTask: r, ...nk(1, 3), precompileSigs: 0, payer: "executor" },
    { name: "settle", ix: m("Settle"), perTask: 1, txSigs: 1, precompileSigs: 0, writable: 4, payer: "consumer" },
    { name: `settle_assignee × r`, ix: m("SettleAssignee"), perTask: r, txSigs: 1, precompileSigs: 0, writable: 9, payer: "consumer" },
    { name: "close_task", ix: m("CloseTask"), perTask: 1, txSigs: 1, precompileSigs: 0, writable: 4, payer: "consumer" },
    { name: `close_result × r`, ix: m("CloseResult"), perTask: r, ...nk(1, 2), precompileSigs: 0, payer: "executor" },
  ];
}

// ---- evaluation ---------------------------------------------------------------------------------
export interface Totals {
  txPerSec: number;
  costPerSec: number;
  mainnetFraction: number;
  hottest: { account: string; cuPerBlock: number };
  /** Fees per node per day, lamports: averaged over all nodes, and for a node with every role. */
  feesAvgLamports: number;
  feesMaxNodeLamports: number;
}

export interface Point {
  N: number;
  baseline: Totals;
  /** v1: baseline + tasks at tasksPerNodePerHour; v2: same, for reference (tasks are consumer-paid). */
  withTasks: Totals;
  /** Cost units of one task's lifecycle, and tasks per second that fit under the compute budget beside the baseline. */
  taskCostUnits: number;
  tasksPerSecUnderBudget: number;
  rent: { perNodeLifeSol: number; perNodePerYearSol: number; networkSol: number; temporarySol: number };
}

function totals(fs_: Flow[], N: number, p: Params): Totals {
  const txPerSec = fs_.reduce((a, f) => a + f.perDay / DAY, 0);
  const costPerSec = fs_.reduce((a, f) => a + (f.perDay / DAY) * txCost(f), 0);
  const hot = new Map<string, number>();
  for (const f of fs_) if (f.hot) hot.set(f.hot.account, (hot.get(f.hot.account) ?? 0) + (f.hot.writesPerSec / BLOCKS_PER_SEC) * txCost(f));
  const [account, cuPerBlock] = [...hot.entries()].sort((a, b) => b[1] - a[1])[0] ?? ["—", 0];
  const count: Record<Payer, number> = { node: N, provider: N * p.providerFraction, verifier: N * p.verifierFraction, executor: N * p.executorFraction, consumer: Infinity, crank: Infinity };
  let avg = 0, max = 0;
  for (const f of fs_) {
    if (f.payer === "consumer" || f.payer === "crank") continue;
    const perDay = f.perDay * txFee(f, p);
    avg += perDay / N;
    if (count[f.payer] > 0) max += perDay / count[f.payer];
  }
  return { txPerSec, costPerSec, mainnetFraction: costPerSec / MAINNET_CU_PER_SEC, hottest: { account, cuPerBlock }, feesAvgLamports: avg, feesMaxNodeLamports: max };
}

export function evaluate(s: Scenario, N: number, p: Params, inp: Inputs): Point {
  const all = flows(s, N, p, inp.cu, inp.vm);
  const base = all.filter((f) => f.class === "baseline");
  const life = rentItems(s, inp).filter((r) => r.kind === "life").reduce((a, r) => a + r.lamports, 0) / LAMPORTS_PER_SOL;
  const perEpoch = rentItems(s, inp).filter((r) => r.kind === "per-epoch").reduce((a, r) => a + r.lamports, 0) / LAMPORTS_PER_SOL;
  const perYear = perEpoch * p.providerFraction * (365 * DAY) / p.epochSecs;
  const temporary = rentItems(s, inp).filter((r) => r.kind === "temporary").reduce((a, r) => a + r.lamports, 0) / LAMPORTS_PER_SOL * N * p.verifierFraction;
  const task = taskLifecycle(s, p, inp.cu, N).reduce((a, t) => a + t.perTask * txCost({ ...t, cu: t.ix.cu }), 0);
  const b = totals(base, N, p);
  const room = Math.max(0, p.budgetComputeFraction * MAINNET_CU_PER_SEC - b.costPerSec);
  return {
    N,
    baseline: b,
    withTasks: totals(all, N, p),
    taskCostUnits: task,
    tasksPerSecUnderBudget: room / task,
    rent: { perNodeLifeSol: life, perNodePerYearSol: perYear, networkSol: N * (life + perYear), temporarySol: temporary },
  };
}

/** The smallest N (bisection, to 0.1 %) at which a scenario's load (tasks included) reaches `fraction` of mainnet. */
export function nodesAt(s: Scenario, fraction: number, p: Params, inp: Inputs): number {
  const load = (N: number) => evaluate(s, N, p, inp).withTasks.mainnetFraction;
  let lo = 1, hi = 1e9;
  if (load(hi) < fraction) return Infinity;
  while (hi / lo > 1.001) {
    const mid = Math.sqrt(lo * hi);
    if (load(mid) >= fraction) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface Model {
  vm: string;
  /** Fields of the registry Node account as the source declares them. */
  nodeFields: string[];
  cuSource: string;
  params: Params;
  agave: typeof AGAVE;
  instructions: IxFigure[];
  rent: Record<Scenario, RentItem[]>;
  scenarios: Record<Scenario, { title: string; points: Point[]; flowsAtBudget: (Flow & { costUnits: number; feeLamports: number })[]; fivePercentAt: number; fullAt: number }>;
  /** What the issue reported for v1 (commit 593dfe6), beside this model's figures. */
  issue: { todayFivePct: number; todayFull: number; todayFeeSolPerNodeDayAt1k: number; bestFivePct: number; bestFull: number };
  /** v1-today's fees per node per day at 1,000 nodes (SOL), and the priority rate that would give the issue's 0.27. */
  todayFeeAt1k: { sol: number; rateForIssue: number };
}

export function runModel(inp: Inputs, p: Params = PARAMS): Model {
  const scenarios = {} as Model["scenarios"];
  for (const s of SCENARIOS) {
    const fl = flows(s, p.budgetNodes, p, inp.cu, inp.vm).map((f) => ({ ...f, costUnits: txCost(f), feeLamports: txFee(f, p) }));
    scenarios[s] = {
      title: SCENARIO_TITLES[s],
      points: p.nodes.map((N) => evaluate(s, N, p, inp)),
      flowsAtBudget: fl,
      fivePercentAt: nodesAt(s, 0.05, p, inp),
      fullAt: nodesAt(s, 1, p, inp),
    };
  }
  const seen = new Map<string, IxFigure>();
  for (const s of SCENARIOS)
    for (const f of flows(s, 1e3, p, inp.cu, inp.vm)) {
      const row = f.ix.row === "Claim" ? `Claim (${s === "v2" ? "v2 cumulative" : "v1 per epoch"})` : f.ix.row;
      seen.set(row, { ...f.ix, row });
    }
  const fee1k = (rate: number) => evaluate("v1-today", 1e3, { ...p, priorityMicroLamportsPerCu: rate }, inp).withTasks.feesAvgLamports / LAMPORTS_PER_SOL;
  const f0 = fee1k(0), f1 = fee1k(1e6);
  return {
    vm: inp.vm,
    nodeFields: inp.node.fields,
    cuSource: inp.cuSource,
    params: p,
    agave: AGAVE,
    instructions: [...seen.values()].sort((a, b) => a.row.localeCompare(b.row)),
    rent: Object.fromEntries(SCENARIOS.map((s) => [s, rentItems(s, inp)])) as Record<Scenario, RentItem[]>,
    scenarios,
    issue: { todayFivePct: 1_700, todayFull: 7_800, todayFeeSolPerNodeDayAt1k: 0.27, bestFivePct: 30_000, bestFull: 605_000 },
    todayFeeAt1k: { sol: fee1k(p.priorityMicroLamportsPerCu), rateForIssue: ((0.27 - f0) / (f1 - f0)) * 1e6 },
  };
}

// ---- inputs -------------------------------------------------------------------------------------
/** The CU input: target/cu/<vm>.json of this tree, else --cu-dir, else bench/results.json's medians. */
export function loadCu(opts: { vm: string; cuDir?: string; root?: string }): { cu: CuFile; source: string } {
  const root = opts.root ?? ROOT;
  const candidates = [path.join(root, "target", "cu"), ...(opts.cuDir ? [opts.cuDir] : [])];
  for (const dir of candidates) {
    const f = path.join(dir, `${opts.vm}.json`);
    const rel = path.relative(root, f);
    if (fs.existsSync(f)) return { cu: JSON.parse(fs.readFileSync(f, "utf8")) as CuFile, source: rel.startsWith("..") || path.isAbsolute(rel) ? f : rel };
  }
  const res = JSON.parse(fs.readFileSync(path.join(root, "bench", "results.json"), "utf8")) as { generated: string; computeUnits: { instructions: ({ name: string } & Record<string, { n: number; median: number; min: number; max: number; maxTxBytes: number } | null | string | undefined>)[] } };
  const cu: CuFile = {};
  for (const i of res.computeUnits.instructions) {
    const r = i[opts.vm];
    if (r && typeof r === "object") cu[i.name] = r;
  }
  return { cu, source: `bench/results.json (${opts.vm} medians of ${res.generated.slice(0, 10)})` };
}

export function loadInputs(opts: { vm: string; cuDir?: string; root?: string }): Inputs {
  const root = opts.root ?? ROOT;
  const { cu, source } = loadCu(opts);
  const node = accountSizeFromSource("programs/lumora_registry/src/state/node.rs", "Node", root);
  if (!node) throw new Error("programs/lumora_registry/src/state/node.rs: no `pub struct Node`");
  return {
    cu,
    cuSource: source,
    vm: opts.vm,
    node,
    contribution: accountSizeFromSource("programs/lumora_rewards/src/state/contribution.rs", "Contribution", root),
    rewardState: accountSizeFromSource("programs/lumora_rewards/src/state/reward_state.rs", "RewardState", root),
    verifierRoot: accountSizeFromSource("programs/lumora_rewards/src/state/verifier_root.rs", "VerifierRoot", root),
  };
}

// ---- text report --------------------------------------------------------------------------------
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en", { maximumFractionDigits: d, minimumFractionDigits: d }) : "∞");
const pct = (x: number) => (x >= 0.1 ? `${fmt(x * 100, 1)} %` : x >= 0.0001 ? `${fmt(x * 100, 3)} %` : `${(x * 100).toExponential(1)} %`);
const sol = (x: number) => (x >= 1 ? fmt(x, 2) : x.toFixed(6));
const pow10 = (N: number) => (Number.isInteger(Math.log10(N)) ? `10^${Math.log10(N)}` : fmt(N));
const kN = (n: number) => (n >= 1e6 ? `${fmt(n / 1e6, 2)}M` : n >= 1e3 ? `${fmt(n / 1e3, 1)}k` : fmt(n));

/** The plain-text report (the CLI's output, and the source of docs/benchmarks.md's section). */
export function renderText(m: Model): string {
  const L: string[] = [];
  const p = m.params;
  L.push(`Scale model — CU input: ${m.cuSource} (${m.vm}); agave: ${fmt(AGAVE.blockCu)} CU per ${AGAVE.blockMs} ms block (${fmt(MAINNET_CU_PER_SEC)} CU/s), ${fmt(AGAVE.accountBlockCu)} per writable account per block;`);
  L.push(`cost = CU + ${AGAVE.sigCu}/signature + ${fmt(AGAVE.precompileSigCu)}/ed25519 precompile signature + ${AGAVE.writeLockCu}/writable account; fee = ${fmt(AGAVE.lamportsPerSignature)} lamports/signature (precompile included)`);
  L.push(`+ ${fmt(p.priorityMicroLamportsPerCu)} µlamports/CU × the requested CU limit; rent = (${AGAVE.rentOverheadBytes} + bytes) × ${fmt(AGAVE.rentLamportsPerByte)} lamports.`);
  L.push("");
  L.push("Parameters (--set name=value):");
  for (const k of Object.keys(p) as (keyof Params)[]) L.push(`  ${k.padEnd(30)} ${String(k === "nodes" ? p.nodes.map(pow10).join(", ") : p[k]).padEnd(18)} ${PARAM_DOCS[k]}`);
  L.push("");
  L.push("Instructions (CU = median of the input; estimate = not measured yet; recorded = gone since step 3, median recorded at ec69648):");
  for (const i of m.instructions) L.push(`  ${i.row.padEnd(58)} ${fmt(i.cu).padStart(7)} CU ${fmt(i.txBytes).padStart(6)} B  ${i.source === "estimate" ? "ESTIMATE" : i.source === "recorded" ? `recorded (${V1_RECORDED[i.row]?.commit ?? "?"})` : "measured"}${i.txBytes > PACKET_LIMIT ? `  OVER the ${fmt(PACKET_LIMIT)}-byte limit` : ""}`);
  for (const s of SCENARIOS) {
    const sc = m.scenarios[s];
    L.push("");
    L.push(`== ${sc.title}`);
    L.push(`   flows at N = ${pow10(p.budgetNodes)} (cost units and fee per transaction; * = estimate, (rec) = recorded at ec69648, [task] = demand-driven):`);
    for (const f of sc.flowsAtBudget)
      L.push(`     ${(f.name + (f.ix.source === "estimate" ? " *" : f.ix.source === "recorded" ? " (rec)" : "") + (f.class === "task" ? " [task]" : "")).padEnd(48)} ${fmt(f.perDay / DAY, 2).padStart(14)} tx/s  ${fmt(f.costUnits).padStart(7)} cu/tx  sigs ${f.txSigs}+${f.precompileSigs}  w ${f.writable}  limit ${fmt(f.cuLimit).padStart(7)}  ${fmt(f.feeLamports).padStart(6)} lam  payer ${f.payer}`);
    const hdr = "     N      tx/s           CU/s   % mainnet   hottest account (CU/block, limit 12M)        fees/node/day avg · all roles (lam)   rent/node life (SOL)   rent network (SOL)";
    const row = (pt: Point, t: Totals) =>
      `  ${pow10(pt.N).padStart(5)} ${fmt(t.txPerSec, t.txPerSec < 10 ? 3 : 1).padStart(9)} ${fmt(t.costPerSec).padStart(14)} ${pct(t.mainnetFraction).padStart(11)}   ${`${t.hottest.account}: ${fmt(t.hottest.cuPerBlock)}${t.hottest.cuPerBlock > AGAVE.accountBlockCu ? " OVER" : ""}`.padEnd(44)} ${fmt(t.feesAvgLamports).padStart(14)} · ${fmt(t.feesMaxNodeLamports).padStart(12)}   ${sol(pt.rent.perNodeLifeSol).padStart(10)}${pt.rent.perNodePerYearSol ? ` + ${sol(pt.rent.perNodePerYearSol)}/yr` : ""}   ${sol(pt.rent.networkSol).padStart(14)}${pt.rent.perNodePerYearSol ? " (after 1 yr)" : ""}`;
    if (s === "v2") {
      L.push("   baseline (what every node does, tasks or not):");
      L.push(hdr);
      for (const pt of sc.points) L.push(row(pt, pt.baseline));
      const pt0 = sc.points[0]!;
      L.push(`   tasks (consumer-paid, reported apart): ${fmt(pt0.taskCostUnits)} cost units per task lifecycle (r = ${p.redundancy}, ${p.redundancy + p.backups} bids); tasks/s that fit under ${p.budgetComputeFraction * 100} % of mainnet beside the baseline: ` +
        sc.points.map((pt) => `${pow10(pt.N)}: ${fmt(pt.tasksPerSecUnderBudget, 0)}`).join(" · "));
      L.push(`   tasks at ${p.tasksPerNodePerHour} per node per hour (v1's demand) would need: ` + sc.points.map((pt) => `${pow10(pt.N)}: ${pct(pt.withTasks.mainnetFraction - pt.baseline.mainnetFraction)}`).join(" · ") + " of mainnet");
      L.push(`   temporary rent (VerifierRoots of one epoch, returned): ` + sc.points.map((pt) => `${pow10(pt.N)}: ${sol(pt.rent.temporarySol)} SOL`).join(" · "));
    } else {
      L.push(`   with tasks at ${p.tasksPerNodePerHour} per node per hour (v1 credits task bytes as emission, so tasks are part of the load):`);
      L.push(hdr);
      for (const pt of sc.points) L.push(row(pt, pt.withTasks));
      const pt0 = sc.points[0]!;
      L.push(`   ${fmt(pt0.taskCostUnits)} cost units per task lifecycle at N = ${pow10(pt0.N)}${s === "v1-today" ? " (grows with N: every executor bids)" : ""}; 5 % of mainnet at ≈ ${kN(sc.fivePercentAt)} nodes, 100 % at ≈ ${kN(sc.fullAt)}`);
    }
    L.push(`   rent per node: ` + m.rent[s].map((r) => `${r.account} ${fmt(r.bytes)} B = ${sol(r.lamports / LAMPORTS_PER_SOL)} SOL [${r.kind}${r.measured ? "" : ", estimate"}]`).join("; "));
  }
  L.push("");
  const t = m.scenarios["v1-today"], b = m.scenarios["v1-best"];
  L.push("Against issue 22 (its parameters were not recorded; these are the model's):");
  L.push(`  v1 today: 5 % at ≈ ${kN(t.fivePercentAt)} (issue ≈ 1.7k), 100 % at ≈ ${kN(t.fullAt)} (issue ≈ 7.8k); fees at 10^3 nodes ${m.todayFeeAt1k.sol.toFixed(3)} SOL/node/day (issue ≈ 0.27: reached at a priority rate of ≈ ${fmt(m.todayFeeAt1k.rateForIssue)} µlamports/CU on the default 200k limits)`);
  L.push(`  v1 best:  5 % at ≈ ${kN(b.fivePercentAt)} (issue ≈ 30k), 100 % at ≈ ${kN(b.fullAt)} (issue ≈ 605k)`);
  const over = m.rent.v2.filter((r) => r.kind === "life" && r.lamports / LAMPORTS_PER_SOL > p.budgetRentSolPerNode);
  L.push(`  v2 rent for life: ${m.rent.v2.filter((r) => r.kind === "life").map((r) => `${r.account} ${sol(r.lamports / LAMPORTS_PER_SOL)}`).join(" + ")} = ${sol(m.rent.v2.filter((r) => r.kind === "life").reduce((a, r) => a + r.lamports, 0) / LAMPORTS_PER_SOL)} SOL; over ${p.budgetRentSolPerNode} SOL on its own: ${over.map((r) => r.account).join(", ") || "none"}; the budget leaves ${fmt(p.budgetRentSolPerNode * LAMPORTS_PER_SOL / AGAVE.rentLamportsPerByte - AGAVE.rentOverheadBytes)} data bytes for one account (or ${fmt(p.budgetRentSolPerNode * LAMPORTS_PER_SOL / AGAVE.rentLamportsPerByte - 2 * AGAVE.rentOverheadBytes)} over two)`);
  return L.join("\n");
}

// ---- CLI ----------------------------------------------------------------------------------------
const HELP = `usage: npx tsx bench/scale-model.ts [--json] [--cu-dir <dir>] [--vm litesvm|bankrun] [--set name=value]…
  --json      print the model as one JSON line (the numbers and every parameter)
  --cu-dir    a folder with <vm>.json (used when this tree has no target/cu/<vm>.json)
  --vm        whose measurements (default litesvm, the current runtime)
  --set       override a parameter, e.g. --set verifierFraction=0.2 --set nodes=1000,1000000`;

export function parseCli(argv: string[]): { json: boolean; cuDir?: string; vm: string; sets: string[]; help: boolean } {
  try {
    const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { json: { type: "boolean" }, "cu-dir": { type: "string" }, vm: { type: "string" }, set: { type: "string", multiple: true }, help: { type: "boolean", short: "h" } } });
    const vm = values.vm ?? "litesvm";
    if (vm !== "litesvm" && vm !== "bankrun") throw new UsageError(`--vm ${vm}: litesvm or bankrun`);
    return { json: !!values.json, cuDir: values["cu-dir"], vm, sets: values.set ?? [], help: !!values.help };
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

function main(): number {
  let a;
  try {
    a = parseCli(process.argv.slice(2));
    if (a.help) {
      console.log(HELP);
      return 0;
    }
    const m = runModel(loadInputs({ vm: a.vm, cuDir: a.cuDir }), withOverrides(PARAMS, a.sets));
    console.log(a.json ? JSON.stringify(m) : renderText(m));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${HELP}`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1]?.endsWith("scale-model.ts")) process.exitCode = main();
