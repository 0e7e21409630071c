/**
 * credit_epoch's compute by Merkle depth, q = 3 (rewards v2 step 3). The chain suites' trees hold ≤ 16
 * leaves, so their CreditEpoch medians carry short paths; the scale model prices a credit at depth 7
 * (a root over ≤ 128 providers, docs/rewards.md §4.2). This runs one epoch on the embedded chain with
 * three verifiers per depth, each posting a full tree of 2^depth leaves (the measured providers plus
 * filler keys), and credits four providers per depth with q = 3 proofs of exactly that depth.
 *
 *   LUMORA_VM=litesvm node --import=tsx -e 'require("./bench/credit-depth.bench.ts")' -- [--json]
 *
 * (loaded through require, as mocha loads the suites: tests/harness imports anchor's CommonJS `BN` by
 * name, which Node's ESM loader — `npx tsx file` — refuses)
 * Prints the median CU and transaction size per depth, the CU per level of the three paths (least
 * squares over the depths), and depth 7 extrapolated from it — depth 7 itself does not fit a legacy
 * transaction (creditEpochTxSize: 1,294 bytes), so it is not sent. Reporting only; nothing is written to
 * target/cu. Needs the built programs (bash tools/sbf/build.sh).
 */
import { Keypair } from "@solana/web3.js";
import { ROLES } from "../sdk/src/registry-math.js";
import { creditEpochTxSize } from "../sdk/src/rewards.js";
import { actor, ctx } from "../tests/harness/context.js";
import { type RewardsEnv, credit, postRoot, startRewardsChain, total } from "../tests/rewards/env.js";

type Node = Awaited<ReturnType<RewardsEnv["register"]>>;
const json = process.argv.includes("--json");
const DEPTHS = [2, 4, 6];
const PER_DEPTH = 4;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};

async function main() {
  ctx.vm = process.env.LUMORA_VM === "bankrun" ? "bankrun" : "litesvm";
  const env = await startRewardsChain({ creditQuorum: 3 });
  const providers = new Map<number, Node[]>();
  const verifiers = new Map<number, Node[]>();
  for (const d of DEPTHS) {
    const ps: Node[] = [];
    for (let i = 0; i < PER_DEPTH; i++) ps.push(await env.register(`depth-${d}-provider-${i}`, actor(`depth-op-p-${d}-${i}`), ROLES.PROVIDER));
    providers.set(d, ps);
    const vs: Node[] = [];
    for (let j = 0; j < 3; j++) vs.push(await env.register(`depth-${d}-verifier-${j}`, actor(`depth-op-v-${d}-${j}`), ROLES.VERIFIER));
    verifiers.set(d, vs);
  }
  const epoch = await env.epochNow();
  await env.openEpoch(epoch);
  await env.toCreditWindow(epoch);

  const rows: { depth: number; n: number; medianCu: number; minCu: number; maxCu: number; txBytes: number; sizeByFormula: number }[] = [];
  for (const d of DEPTHS) {
    const ps = providers.get(d)!;
    // a full tree: the providers and filler keys up to 2^d leaves, so every path has exactly d siblings
    const fillers = Array.from({ length: 2 ** d - ps.length }, () => ({ node: Keypair.generate().publicKey }) as unknown as Node);
    const leaves = [...ps, ...fillers].map((p) => ({ provider: p, total: total({ capacityKbps: 2_000, liveMs: 8_000 }) }));
    const trees = [];
    for (const v of verifiers.get(d)!) trees.push({ verifier: v, tree: await postRoot(env, v, epoch, leaves) });
    const cu: number[] = [];
    let bytes = 0;
    for (const p of ps) {
      let m;
      try {
        m = await credit(env, p, epoch, trees);
      } catch (e) {
        console.error(`depth ${d}: ${(e as Error).message} — provider skipped`);
        continue;
      }
      if (m.error) throw new Error(`depth ${d}: credit_epoch failed: ${m.error}\n${m.logs.join("\n")}`);
      cu.push(m.computeUnits);
      bytes = Math.max(bytes, m.size);
    }
    if (!cu.length) continue;
    rows.push({ depth: d, n: cu.length, medianCu: median(cu), minCu: Math.min(...cu), maxCu: Math.max(...cu), txBytes: bytes, sizeByFormula: creditEpochTxSize({ depths: [d, d, d], signers: 1 }) });
  }
  // least squares: CU = a + b × depth (b = the three paths' cost per level)
  const n = rows.length, sx = rows.reduce((a, r) => a + r.depth, 0), sy = rows.reduce((a, r) => a + r.medianCu, 0);
  const sxx = rows.reduce((a, r) => a + r.depth * r.depth, 0), sxy = rows.reduce((a, r) => a + r.depth * r.medianCu, 0);
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx), a = (sy - b * sx) / n;
  const out = { vm: ctx.vm, q: 3, rows, cuPerLevel: b, depth7Extrapolated: Math.round(a + 7 * b), depth7Bytes: creditEpochTxSize({ depths: [7, 7, 7], signers: 1 }) };
  const f = (x: number) => Math.round(x).toLocaleString("en");
  console.log(`credit_epoch, q = 3, by Merkle depth (${ctx.vm}; ${PER_DEPTH} providers per depth, full trees of 2^depth leaves)`);
  console.log("  depth   n   median CU   min      max      tx bytes (measured / creditEpochTxSize)");
  for (const r of rows) console.log(`  ${String(r.depth).padStart(5)} ${String(r.n).padStart(3)} ${f(r.medianCu).padStart(11)} ${f(r.minCu).padStart(8)} ${f(r.maxCu).padStart(8)}   ${f(r.txBytes)} / ${f(r.sizeByFormula)}`);
  console.log(`  per level of the three paths: ${f(b)} CU; depth 7 extrapolated: ${f(out.depth7Extrapolated)} CU (${f(out.depth7Bytes)} bytes: over 1,232, not sent)`);
  if (json) console.log(JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
