/**
 * `./lumora demo` — the end-to-end demo on the embedded chain (see demo.ts). Prints a report and writes
 * it as JSON.
 *   tsx clients/demo/src/main.ts [--nodes 5] [--tasks 3] [--redundancy 2] [--out target/demo/report.json] [--json]
 *                                [--rpc URL --keys DIR [--max-epoch-wait SECS]]   (a cluster instead of the embedded chain)
 */
import fs from "node:fs";
import path from "node:path";
import { type DemoReport, runDemo } from "./demo.js";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
function int(name: string, dflt: number): number {
  const v = arg(name, String(dflt));
  if (!/^\d+$/.test(v)) throw new RangeError(`--${name} must be a positive integer, got ${v}`);
  return Number(v);
}

const lmr = (units: string | bigint) => {
  const u = BigInt(units);
  return `${u / 1_000_000n}.${(u % 1_000_000n).toString().padStart(6, "0")}`;
};

export function formatReport(r: DemoReport): string {
  const out: string[] = [];
  out.push(`Lumora demo — ${r.ok ? "OK" : "FAILED"} in ${(r.durationMs / 1000).toFixed(1)} s on ${r.chain.rpc} (${r.chain.kind === "embedded" ? "embedded LiteSVM over JSON-RPC" : "cluster"})`);
  out.push("", "nodes");
  for (const n of r.nodes) out.push(`  ${n.name.padEnd(24)} ${n.roles.padEnd(18)} shard ${String(n.shard).padStart(2)}  reputation ${String(n.reputation).padStart(5)}  stake ${lmr(n.stake)} LMR`);
  out.push("", "tasks");
  for (const t of r.tasks) {
    out.push(`  ${t.task}  ${t.status}  r=${t.redundancy}  ${t.urls} pages → ${t.records} records, ${t.bytes} B, decrypted = site: ${t.decryptedMatchesSite}`);
    out.push(`    bidders (score ×10⁻⁶): ${t.bidders.map((b) => `${b.node} ${b.score}`).join(", ")}`);
    out.push(`    assignees: ${t.assignees.map((a) => `${a.node}${a.agreed ? ` agreed, paid ${lmr(a.payout)} LMR` : " dissent/silent"}`).join("; ")}`);
  }
  out.push("", "Proof-of-Bandwidth receipts");
  for (const x of r.receipts) out.push(`  ${x.provider.padEnd(24)} ${x.credited ? `${x.receiptBytes} B credited in epoch ${x.epoch}, measured by its drawn verifier(s) ${x.verifiers.join(", ")}` : "none credited"}`);
  out.push("", `epoch ${r.epoch.index}: R_total ${lmr(r.epoch.rTotal)} LMR, Σc ${r.epoch.totalContribution}`);
  for (const p of r.epoch.payouts) out.push(`  ${p.node.padEnd(24)} c_i ${p.contribution.padStart(10)}  claimed ${lmr(p.claimed)} LMR (floor(c_i·R/Σc) = ${lmr(p.expected)})`);
  out.push(`  Σ payouts ${lmr(r.epoch.sumPayouts)} ≤ R_total ${lmr(r.epoch.rTotal)}; dust ${lmr(r.epoch.dust)} ${r.epoch.dustSweptTo ? `swept to epoch ${r.epoch.dustSweptTo}` : "not swept"}`);
  for (const s of r.epoch.skipped) out.push(`  skipped: ${s}`);
  if (r.dataset) out.push("", `dataset ${r.dataset.address}: sold for ${lmr(r.dataset.price)} LMR (fee ${lmr(r.dataset.fee)}), buyer decrypted ${r.dataset.bytes} B = site: ${r.dataset.decryptedMatchesSite}`);
  out.push("", "compute units per transaction, by instruction (median over the run)");
  for (const c of r.computeUnits) out.push(`  ${`${c.program}.${c.instruction}`.padEnd(36)} ×${String(c.count).padStart(3)}  median ${String(c.median).padStart(7)}  (${c.min}–${c.max})`);
  if (r.errors.length) out.push("", "errors", ...r.errors.map((e) => `  ${e}`));
  return out.join("\n");
}

async function main(): Promise<number> {
  const out = path.resolve(arg("out", path.join("target", "demo", "report.json")));
  const rpc = arg("rpc", "") || undefined;
  const keysDir = arg("keys", "") || undefined;
  if (rpc && !keysDir) throw new RangeError("--rpc needs --keys DIR: a folder of funded keypairs (docs/demo.md, \"On a cluster\")");
  const report = await runDemo({ nodes: int("nodes", 5), tasks: int("tasks", 3), redundancy: int("redundancy", 2), workDir: arg("work", "") || undefined, rpc, keysDir, maxEpochWaitSecs: int("max-epoch-wait", 180) });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
  else console.log(formatReport(report) + `\n\nreport: ${out}`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`demo failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
