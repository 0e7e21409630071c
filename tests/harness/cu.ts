/**
 * Compute-unit log of the test run: every successful transaction with exactly one top-level Lumora
 * (or probe) instruction is recorded under that instruction's name; the root hook prints a table at
 * the end and writes target/cu/<vm>.json. Timings stay out of tests: this is reporting only.
 */
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

/**
 * Records a successful transaction under its one Lumora instruction. Instructions that log no Anchor
 * name — the ed25519 precompile before `submit_receipts`, compute-budget instructions — do not count,
 * so `[ed25519, submit_receipts]` is recorded as SubmitReceipts. `label` records under an explicit
 * row instead (e.g. one per batch size).
 */
export function recordTransaction(meta: TxMeta, label?: string): void {
  if (meta.error !== null) return;
  const names = label ? [label] : topLevelInstructions(meta.logs);
  if (names.length !== 1) return;
  const s = samples.get(names[0]!) ?? { cu: [], size: [] };
  s.cu.push(meta.computeUnits);
  s.size.push(meta.size);
  samples.set(names[0]!, s);
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
