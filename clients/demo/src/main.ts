/**
 * `./lumora demo` — the end-to-end demo on the embedded chain (see demo.ts). Prints a report and writes
 * it as JSON.
 *   tsx clients/demo/src/main.ts [--nodes 5] [--tasks 3] [--redundancy 2] [--out target/demo/report.json] [--json]
 *                                [--rpc URL --keys DIR [--max-epoch-wait SECS]]   (a cluster instead of the embedded chain)
 * `--help` lists every flag with its default and range (PROGRAM below; parsing follows @lumora/cli-kit).
 */
import fs from "node:fs";
import path from "node:path";
import { type Parsed, type ProgramSpec, UsageError, httpUrl, int, runCommand } from "@lumora/cli-kit";
import type { DemoReport } from "./demo.js";

/** Executors among the first n node templates of demo.ts (n = 3..7): the most a task's redundancy can use. */
const EXECUTORS_AT = [0, 0, 0, 2, 3, 3, 4, 5];

/**
 * The demo's flags (`./lumora demo --help`). Parsed before anything is built or loaded: `./lumora demo`
 * runs this check first (LUMORA_DEMO_CHECK_ARGS=1), so a bad flag costs no build.
 */
export const PROGRAM: ProgramSpec = {
  name: "./lumora demo",
  summary: "demo",
  single: true,
  commands: [
    {
      name: "demo",
      summary: "The end-to-end demo: embedded chain, lumora-node processes, tasks, Proof-of-Bandwidth credits, rewards, a dataset sale; prints a report and writes it as JSON (docs/demo.md).",
      flags: {
        nodes: { type: "string", value: "N", help: "lumora-node processes to start (the first N of demo.ts's seven templates)", accepts: int(3, 7), default: "5" },
        tasks: { type: "string", value: "N", help: "scraping tasks the consumer commissions", accepts: int(1, 10), default: "3" },
        redundancy: { type: "string", value: "R", help: "executors per task: at most the executors among the nodes (2 at 3 nodes, 3 at 4–5, 4 at 6, 5 at 7)", accepts: int(1, 5), default: "2" },
        out: { type: "string", value: "FILE", help: "where the JSON report is written", default: "target/demo/report.json" },
        work: { type: "string", value: "DIR", help: "folder for the nodes' homes and logs (kept at the end)", defaultText: "a new temporary folder, removed at the end unless --keep" },
        keep: { type: "boolean", help: "keep the temporary folder of the nodes' homes and logs" },
        rpc: { type: "string", value: "URL", help: "run on this cluster instead of the embedded chain (needs --keys)", accepts: httpUrl },
        keys: { type: "string", value: "DIR", help: "with --rpc: a folder of funded keypairs (docs/demo.md, \"On a cluster\")" },
        "max-epoch-wait": { type: "string", value: "SECS", help: "on a cluster: longest wait for the epoch to end", accepts: int(0, 86_400), default: "180" },
      },
    },
  ],
};

/** Checks the combination of flags (each flag's own range is checked by the parser). */
function checkArgs(a: Parsed): void {
  const nodes = a.int("nodes")!;
  const r = a.int("redundancy")!;
  if (r > EXECUTORS_AT[nodes]!) throw new UsageError(`${PROGRAM.name}: --redundancy must be an integer in [1, ${EXECUTORS_AT[nodes]}] with --nodes ${nodes} (the executors among them), got ${r}`);
  if (a.has("rpc") && !a.has("keys")) throw new UsageError(`${PROGRAM.name}: --rpc needs --keys DIR: a folder of funded keypairs (docs/demo.md, "On a cluster")`);
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
    for (const u of t.pages) out.push(`    page ${u}`);
    if (t.sample) out.push(`    sample record: ${JSON.stringify(t.sample).slice(0, 200)}`);
    out.push(`    bidders (score ×10⁻⁶): ${t.bidders.map((b) => `${b.node} ${b.score}${b.kept ? "" : " (not kept)"}`).join(", ")}`);
    out.push(`    assignees: ${t.assignees.map((a) => `${a.node}${a.agreed ? ` agreed, paid ${lmr(a.payout)} LMR` : " dissent/silent"}`).join("; ")}`);
  }
  out.push("", "Proof-of-Bandwidth v2 credits (q-th largest of the drawn verifiers' totals, one credit_epoch per provider)");
  for (const x of r.credits)
    out.push(
      `  ${x.provider.padEnd(24)} ${x.credited ? `c_i ${x.contribution} B in epoch ${x.epoch} (${x.capacityKbps} kbps × ${(x.liveMs / 1000).toFixed(0)} s live / 8; measured ${x.measured}), from the roots of ${x.verifiers.join(", ")}; ${x.totalsHeld} signed totals held` : `not credited (${x.totalsHeld} signed totals held)`}`,
    );
  out.push("", `epoch ${r.epoch.index}: R_total ${lmr(r.epoch.rTotal)} LMR, Σc ${r.epoch.totalContribution}`);
  for (const p of r.epoch.payouts) out.push(`  ${p.node.padEnd(24)} c_i ${p.contribution.padStart(10)}  claimed ${lmr(p.claimed)} LMR (floor(c_i·R/Σc) = ${lmr(p.expected)})`);
  out.push(`  Σ payouts ${lmr(r.epoch.sumPayouts)} ≤ R_total ${lmr(r.epoch.rTotal)}; dust ${lmr(r.epoch.dust)} ${r.epoch.dustSweptTo ? `swept to epoch ${r.epoch.dustSweptTo}` : "not swept"}`);
  for (const s of r.epoch.skipped) out.push(`  skipped: ${s}`);
  out.push("", "relay (/lumora/relay/1): which provider carried which executor's scraping connections");
  for (const x of r.relay) out.push(`  ${x.provider.padEnd(24)} for ${x.executor.padEnd(24)} ${x.sessions} sessions, ${x.bytesDown} B down / ${x.bytesUp} B up, ${x.bothSigned} signed by both ends`);
  if (r.relay.length === 0) out.push("  none (no provider among the nodes, or every connection went direct)");
  if (r.dataset) out.push("", `dataset ${r.dataset.address}: sold for ${lmr(r.dataset.price)} LMR (fee ${lmr(r.dataset.fee)}), buyer decrypted ${r.dataset.bytes} B = site: ${r.dataset.decryptedMatchesSite}`);
  out.push("", "compute units per transaction, by instruction (median over the run)");
  for (const c of r.computeUnits) out.push(`  ${`${c.program}.${c.instruction}`.padEnd(36)} ×${String(c.count).padStart(3)}  median ${String(c.median).padStart(7)}  (${c.min}–${c.max})`);
  out.push("", r.warnings.length ? "warnings in the nodes' logs" : "warnings in the nodes' logs: none");
  for (const w of r.warnings) out.push(`  ${w.node.padEnd(24)} ${w.message} ×${w.count}  e.g. ${w.example.slice(0, 160)}`);
  out.push("", `nodes' files (homes: config, keys, SQLite, datasets; logs) in ${r.files.workDir}: ${r.files.kept ? "kept" : "removed at the end (pass --keep to keep them)"}`);
  for (const n of r.files.nodes) out.push(`  ${n.name.padEnd(24)} ${n.home}  log ${n.log}`);
  if (r.errors.length) out.push("", "errors", ...r.errors.map((e) => `  ${e}`));
  return out.join("\n");
}

async function demo(a: Parsed): Promise<number> {
  checkArgs(a);
  if (process.env.LUMORA_DEMO_CHECK_ARGS === "1") return 0;
  const { runDemo } = await import("./demo.js");
  const out = path.resolve(a.str("out")!);
  const report = await runDemo({ nodes: a.int("nodes")!, tasks: a.int("tasks")!, redundancy: a.int("redundancy")!, workDir: a.str("work"), keep: a.bool("keep"), rpc: a.str("rpc"), keysDir: a.str("keys"), maxEpochWaitSecs: a.int("max-epoch-wait")! });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  if (a.bool("json")) console.log(JSON.stringify(report, null, 2));
  else console.log(formatReport(report) + `\n\nreport: ${out}`);
  return report.ok ? 0 : 1;
}

process.exit(await runCommand(PROGRAM, process.argv.slice(2), demo, { usageErrors: (e) => (e instanceof Error && e.constructor.name === "DemoInputError" ? "input" : null) }));
