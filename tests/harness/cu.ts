/**
 * Compute-unit log of the test run: every successful transaction with exactly one top-level Lumora
 * (or probe) instruction is recorded under that instruction's name; the root hook prints a table at
 * the end and writes target/cu/<vm>.json. Timings stay out of tests: this is reporting only.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TxMeta } from "../../tools/chain/index.js";

const samples = new Map<string, { cu: number[]; size: number[] }>();

/** Top-level instruction names of a transaction, from Anchor's "Instruction: X" log after "invoke [1]". */
function topLevelInstructions(logs: string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < logs.length; i++) {
    const m = /^Program (\w+) invoke \[1\]$/.exec(logs[i]!);
    if (!m) continue;
    const next = logs[i + 1] ?? "";
    const ix = /^Program log: Instruction: (\w+)$/.exec(next);
    if (ix) names.push(ix[1]!);
  }
  return names;
}

/** Anchor's discriminator of the rewards event `EpochCredited` (first 8 bytes of its "Program data:" log). */
const EPOCH_CREDITED = createHash("sha256").update("event:EpochCredited").digest().subarray(0, 8);

/**
 * q of a successful `credit_epoch`: the length of `EpochCredited.verifiers` (one per proof), read from the
 * event's log — discriminator 8, epoch 8, provider 32, shard 2, measured 8, contribution 8, capacity 4,
 * live 4, rtt 4, then the vector's u32 length at byte 78 (programs/lumora_rewards/src/events.rs).
 */
function creditProofs(logs: string[]): number | null {
  for (const l of logs) {
    if (!l.startsWith("Program data: ")) continue;
    const d = Buffer.from(l.slice("Program data: ".length), "base64");
    if (d.length >= 82 && d.subarray(0, 8).equals(EPOCH_CREDITED)) return d.readUInt32LE(78);
  }
  return null;
}

function push(name: string, meta: TxMeta): void {
  const s = samples.get(name) ?? { cu: [], size: [] };
  s.cu.push(meta.computeUnits);
  s.size.push(meta.size);
  samples.set(name, s);
}

/**
 * Records a successful transaction under its one Lumora instruction. Instructions that log no Anchor
 * name — the ed25519 precompile before `post_verifier_root`, compute-budget instructions — do not count,
 * so `[ed25519, post_verifier_root]` is recorded as PostVerifierRoot. `label` records under an explicit
 * row instead (e.g. one per batch size). A `credit_epoch` is recorded twice: as CreditEpoch (every
 * quorum the suites run) and as "credit_epoch (q = N proofs)" (N from its EpochCredited event), so the
 * budgets and the scale model can read one quorum's median.
 */
export function recordTransaction(meta: TxMeta, label?: string): void {
  if (meta.error !== null) return;
  const names = label ? [label] : topLevelInstructions(meta.logs);
  if (names.length !== 1) return;
  push(names[0]!, meta);
  if (!label && names[0] === "CreditEpoch") {
    const q = creditProofs(meta.logs);
    if (q !== null) push(`credit_epoch (q = ${q} proof${q === 1 ? "" : "s"})`, meta);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

export function reportComputeUnits(vm: string, outDir: string): string {
  const rows = [...samples.entries()].sort(([a], [b]) => a.localeCompare(b));
  const json: Record<string, { n: number; median: number; min: number; max: number; maxTxBytes: number }> = {};
  const lines = [`compute units per instruction (${vm}; transaction = the instruction alone)`,
    "  instruction                              n   median      min      max   tx bytes"];
  for (const [name, s] of rows) {
    const r = { n: s.cu.length, median: median(s.cu), min: Math.min(...s.cu), max: Math.max(...s.cu), maxTxBytes: Math.max(...s.size) };
    json[name] = r;
    lines.push(`  ${name.padEnd(38)} ${String(r.n).padStart(3)} ${String(r.median).padStart(8)} ${String(r.min).padStart(8)} ${String(r.max).padStart(8)} ${String(r.maxTxBytes).padStart(10)}`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${vm}.json`), JSON.stringify(json, null, 2) + "\n");
  return lines.join("\n");
}
