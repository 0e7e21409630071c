/**
 * Economic simulation of the rewards v2 design (issue 22, item 5): an adversary holding a share s of
 * the verifier stake plays its best strategy against honest providers; what share of R_total it takes
 * against the share it would earn honestly. Deterministic (seeded PRNG, a stated number of epochs).
 *
 *   npx tsx bench/econ-sim.ts [--json] [--epochs 100] [--seed 22]
 *
 * Model (one epoch = one round):
 *   - Honest providers: capacity log-normal (median 50 Mbps, σ = 1 in ln, clipped to [1 Mbps, 10 Gbps]),
 *     declared cap = capacity, live a U(0.8, 1) fraction of the epoch (live time ≤ the epoch).
 *   - Verifiers: honest ones with log-normal stake (median 10,000 LMR, σ = 1, ≥ min_stake); the adversary's
 *     stake s·W split over many verifiers of the honest median stake (splitting maximises the tail of its
 *     assigned count, which is what it needs).
 *   - Assignment: each provider gets each verifier v independently with probability min(1, k·w_v/W)
 *     (k = 5). Sampled exactly: honest reports differ only by i.i.d. measurement noise, so only the counts
 *     matter — the honest count from its exact Poisson-binomial distribution, the adversary's from its
 *     binomial one.
 *   - Reports: an honest verifier reports min(measured capacity, declared cap) × live time, its measurement
 *     a U(0.9, 1) fraction of the true capacity; an absent report counts 0.
 *   - Credit: the q-th largest report (q = 3, the lead's rule), or — the alternative shown beside it — the
 *     (⌊n/2⌋+1)-th largest of the n assigned (a majority of the assigned must agree).
 *   - Adversary's best strategy: its verifiers report declared cap × the full epoch for its own providers and
 *     0 (withhold) for honest ones; its own real providers (a share s of the providers, honest capacities)
 *     declare the protocol's maximum cap; optionally sybil providers with no bandwidth, max cap, each
 *     costing min_stake (1,000 LMR).
 *   - Honest share: the same draws with every verifier honest and no sybils (common random numbers).
 *   - Tasks: in v2 task work earns no emission credit (escrow only): `credit()` takes the assigned
 *     verifiers' reports and nothing else, so self-dealt tasks earn 0 from R_total by construction.
 */
import { parseArgs } from "node:util";

// ---- PRNG ---------------------------------------------------------------------------------------
/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
const logNormal = (u: () => number, median: number, sigma: number) => median * Math.exp(sigma * normal(u));

// ---- parameters ---------------------------------------------------------------------------------
export interface SimParams {
  seed: number;
  epochs: number;
  honestProviders: number;
  honestVerifiers: number;
  k: number;
  q: number;
  epochSecs: number;
  capacityMedianKbps: number;
  capacitySigma: number;
  capacityMinKbps: number;
  capacityMaxKbps: number;
  liveMin: number;
  measureMin: number;
  stakeMedianLmr: number;
  stakeSigma: number;
  minStakeLmr: number;
  /** The largest declared cap the registry accepts (BANDWIDTH_KBPS_MAX = 100 Gbps). */
  protocolMaxCapKbps: number;
}

export const SIM_PARAMS: SimParams = {
  seed: 22,
  epochs: 100,
  honestProviders: 5_000,
  honestVerifiers: 500,
  k: 5,
  q: 3,
  epochSecs: 86_400,
  capacityMedianKbps: 50_000,
  capacitySigma: 1,
  capacityMinKbps: 1_000,
  capacityMaxKbps: 10_000_000,
  liveMin: 0.8,
  measureMin: 0.9,
  stakeMedianLmr: 10_000,
  stakeSigma: 1,
  minStakeLmr: 1_000,
  protocolMaxCapKbps: 100_000_000,
};

export type Rule = "q-th largest" | "majority of assigned";

export interface Case {
  s: number;
  rule: Rule;
  /** The adversary's declared cap (its best: the protocol maximum). */
  capKbps: number;
  /** Sybil providers (no bandwidth, max cap, min_stake each), as a multiple of its real providers. */
  sybilsPerProvider: number;
  /** Verifiers per provider (default: the parameters' k). */
  k?: number;
}

export interface CaseResult extends Case {
  adversaryVerifiers: number;
  adversaryProviders: number;
  sybils: number;
  sybilStakeLmr: number;
  /** Adversary's share of Σ credit when every verifier is honest (what it would earn honestly). */
  honestShare: number;
  /** Adversary's share under its strategy. */
  attackShare: number;
  /** attackShare / honestShare. */
  ratio: number;
  /** Honest providers' credit under attack / their credit without it (what withholding costs them). */
  honestKept: number;
  /** Share of honest provider-epochs credited 0 with no adversary at all (fewer assigned than the rule needs). */
  honestZeroEpochs: number;
}

/** Distribution of the number of successes of independent Bernoulli(p_i): exact, truncated at `max`. */
export function poissonBinomial(ps: number[], max = 64): number[] {
  let d = [1];
  for (const p of ps) {
    const n = new Array(Math.min(d.length + 1, max + 1)).fill(0);
    for (let i = 0; i < d.length; i++) {
      n[i] += d[i]! * (1 - p);
      if (i + 1 <= max) n[i + 1] += d[i]! * p;
    }
    d = n;
  }
  return d;
}
const sampleFrom = (cdf: number[], u: number) => {
  let i = 0;
  while (i < cdf.length - 1 && u >= cdf[i]!) i++;
  return i;
};
const cdfOf = (pmf: number[]) => pmf.reduce<number[]>((a, p) => (a.push((a.at(-1) ?? 0) + p), a), []);

/** The rank the credit takes among n assigned verifiers' reports: q, or a majority of the assigned. */
export const rule = (r: Rule, n: number, q: number) => (r === "q-th largest" ? q : Math.floor(n / 2) + 1);

/** The credit rule on a list of reports: the rank-th largest (absent = 0); 0 when fewer are assigned than the rank. */
export function credit(reports: number[], r: Rule, q: number): number {
  const rank = rule(r, reports.length, q);
  if (reports.length < rank) return 0;
  return [...reports].sort((a, b) => b - a)[rank - 1]!;
}

/** The j-th largest (1-based) of xs[0..n), sorting that prefix in place (insertion sort: n is ~5). */
export function kthLargest(xs: Float64Array, n: number, j: number): number {
  for (let i = 1; i < n; i++) {
    const v = xs[i]!;
    let k = i - 1;
    while (k >= 0 && xs[k]! < v) {
      xs[k + 1] = xs[k]!;
      k--;
    }
    xs[k + 1] = v;
  }
  return xs[j - 1]!;
}

export function simulateCase(c: Case, p: SimParams = SIM_PARAMS): CaseResult {
  const u = rng(p.seed);
  const T = p.epochSecs;
  const k = c.k ?? p.k;
  // verifiers: honest stakes, the adversary's split at the honest median
  const honestStakes = Array.from({ length: p.honestVerifiers }, () => Math.max(p.minStakeLmr, logNormal(u, p.stakeMedianLmr, p.stakeSigma)));
  const Wh = honestStakes.reduce((a, b) => a + b, 0);
  const Wa = (c.s / (1 - c.s)) * Wh;
  const adversaryVerifiers = c.s > 0 ? Math.max(1, Math.round(Wa / p.stakeMedianLmr)) : 0;
  const W = Wh + Wa;
  const hCdf = cdfOf(poissonBinomial(honestStakes.map((w) => Math.min(1, (k * w) / W))));
  const aCdf = cdfOf(poissonBinomial(new Array(adversaryVerifiers).fill(Math.min(1, (k * (Wa / Math.max(1, adversaryVerifiers))) / W))));
  // providers: honest, the adversary's real ones (a share s of all real providers), its sybils
  const adversaryProviders = Math.round((p.honestProviders * c.s) / (1 - c.s));
  const sybils = Math.round(adversaryProviders * c.sybilsPerProvider);
  const cap = () => Math.min(p.capacityMaxKbps, Math.max(p.capacityMinKbps, logNormal(u, p.capacityMedianKbps, p.capacitySigma)));
  type Prov = { capacity: number; owner: "honest" | "adversary" | "sybil" };
  const provs: Prov[] = [
    ...Array.from({ length: p.honestProviders }, (): Prov => ({ capacity: cap(), owner: "honest" })),
    ...Array.from({ length: adversaryProviders }, (): Prov => ({ capacity: cap(), owner: "adversary" })),
    ...Array.from({ length: sybils }, (): Prov => ({ capacity: 0, owner: "sybil" })),
  ];
  let honestAll = 0, honestAdv = 0, attackAll = 0, attackAdv = 0, honestHonest = 0, attackHonest = 0, zero = 0, honestEpochs = 0;
  // measurement factors of one provider's assigned verifiers: all n (honest world), the first h (the honest ones under attack)
  const all = new Float64Array(4096), hon = new Float64Array(4096);
  for (let e = 0; e < p.epochs; e++) {
    for (const pr of provs) {
      const h = sampleFrom(hCdf, u());
      const a = sampleFrom(aCdf, u());
      const n = h + a;
      const live = (p.liveMin + (1 - p.liveMin) * u()) * T;
      const mine = pr.owner !== "honest";
      const declared = mine ? c.capKbps : pr.capacity;
      for (let i = 0; i < n; i++) all[i] = hon[i] = p.measureMin + (1 - p.measureMin) * u();
      const rank = rule(c.rule, n, p.q);
      // a report: min(measured capacity, declared cap) × live time; min and × are monotone, so the j-th
      // largest report is the one of the j-th largest measurement factor
      const report = (factor: number) => Math.min(pr.capacity * factor, declared) * live;
      // honest world: every assigned verifier honest; sybils have no bandwidth and earn 0
      const cHonest = n >= rank ? report(kthLargest(all, n, rank)) : 0;
      // attack: the adversary's a verifiers report declared cap × epoch for its own providers (above every
      // honest report), 0 for honest ones (below every honest report)
      let cAttack = 0;
      if (n >= rank) {
        if (mine) cAttack = a >= rank ? declared * T : report(kthLargest(hon, h, rank - a));
        else cAttack = h >= rank ? report(kthLargest(hon, h, rank)) : 0;
      }
      honestAll += cHonest;
      attackAll += cAttack;
      if (mine) {
        honestAdv += cHonest;
        attackAdv += cAttack;
      } else {
        honestHonest += cHonest;
        attackHonest += cAttack;
        honestEpochs++;
        if (cHonest === 0) zero++;
      }
    }
  }
  const honestShare = honestAll ? honestAdv / honestAll : 0;
  const attackShare = attackAll ? attackAdv / attackAll : 0;
  return {
    ...c,
    adversaryVerifiers,
    adversaryProviders,
    sybils,
    sybilStakeLmr: sybils * p.minStakeLmr,
    honestShare,
    attackShare,
    ratio: honestShare ? attackShare / honestShare : Infinity,
    honestKept: honestHonest ? attackHonest / honestHonest : 0,
    honestZeroEpochs: honestEpochs ? zero / honestEpochs : 0,
  };
}

/** The cases the report shows: s = 1 %, 10 %, 33 %; the lead's rule and the majority rule; the protocol max cap and a 1 Gbps bound; with and without sybils. */
export function defaultCases(p: SimParams = SIM_PARAMS): Case[] {
  const out: Case[] = [];
  for (const rule of ["q-th largest", "majority of assigned"] as Rule[])
    for (const capKbps of [p.protocolMaxCapKbps, 1_000_000])
      for (const s of [0.01, 0.1, 0.33])
        for (const sybilsPerProvider of [0, 1]) out.push({ s, rule, capKbps, sybilsPerProvider });
  // what a larger k buys with the majority rule (each credit then carries ⌊n/2⌋+1 ≈ 8 proofs, not 3)
  for (const capKbps of [p.protocolMaxCapKbps, 1_000_000]) for (const s of [0.1, 0.33]) out.push({ s, rule: "majority of assigned", capKbps, sybilsPerProvider: 0, k: 15 });
  return out;
}

export function simulate(p: SimParams = SIM_PARAMS, cases = defaultCases(p)): CaseResult[] {
  return cases.map((c) => simulateCase(c, p));
}

// ---- report -------------------------------------------------------------------------------------
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const fmt = (n: number) => n.toLocaleString("en");
const gbps = (kbps: number) => (kbps >= 1e6 ? `${kbps / 1e6} Gbps` : `${kbps / 1e3} Mbps`);

export function renderSim(rs: CaseResult[], p: SimParams = SIM_PARAMS): string {
  const L: string[] = [];
  L.push(`Economic simulation — seed ${p.seed}, ${p.epochs} epochs of ${fmt(p.epochSecs)} s; ${fmt(p.honestProviders)} honest providers (capacity log-normal, median ${gbps(p.capacityMedianKbps)}, σ ${p.capacitySigma}, clipped to [${gbps(p.capacityMinKbps)}, ${gbps(p.capacityMaxKbps)}], live U(${p.liveMin}, 1) of the epoch);`);
  L.push(`${fmt(p.honestVerifiers)} honest verifiers (stake log-normal, median ${fmt(p.stakeMedianLmr)} LMR, σ ${p.stakeSigma}); k = ${p.k}, q = ${p.q}; honest measurement U(${p.measureMin}, 1) of the true capacity; min_stake ${fmt(p.minStakeLmr)} LMR; protocol max cap ${gbps(p.protocolMaxCapKbps)}.`);
  L.push("Adversary: verifier stake share s split over verifiers of the median stake; its verifiers report cap × epoch for its providers, 0 for honest ones; its real providers (share s of real providers) declare `cap`; sybils: providers with no bandwidth at cap, min_stake each.");
  L.push("");
  L.push("| rule | k | adversary cap | s | adv. verifiers | adv. providers + sybils (stake) | honest share | attack share | × honest | honest providers keep | honest epochs at 0 (no attack) |");
  L.push("|---|---:|---|---:|---:|---|---:|---:|---:|---:|---:|");
  for (const r of rs)
    L.push(`| ${r.rule === "q-th largest" ? `${p.q}rd largest` : "majority of assigned"} | ${r.k ?? p.k} | ${gbps(r.capKbps)} | ${pct(r.s)} | ${fmt(r.adversaryVerifiers)} | ${fmt(r.adversaryProviders)} + ${fmt(r.sybils)}${r.sybils ? ` (${fmt(r.sybilStakeLmr)} LMR)` : ""} | ${pct(r.honestShare)} | **${pct(r.attackShare)}** | ${r.ratio.toFixed(2)} | ${pct(r.honestKept)} | ${pct(r.honestZeroEpochs)} |`);
  L.push("");
  const lead = rs.filter((r) => r.rule === "q-th largest" && r.capKbps === p.protocolMaxCapKbps && r.sybilsPerProvider === 0 && r.k === undefined);
  L.push(
    `Excess with the lead's rule (${p.q}rd largest, k = ${p.k}) and the protocol's max cap, no sybils: ` +
      lead.map((r) => `s = ${pct(r.s)}: ${pct(r.attackShare)} against ${pct(r.honestShare)} honest (+${((r.attackShare - r.honestShare) * 100).toFixed(2)} points)`).join("; ") +
      ". Not small beyond s = 1 %: with ≥ q of its verifiers among a provider's assigned ones (Poisson, mean k·s) the adversary sets that provider's credit to cap × epoch, " +
      `${fmt(Math.round(p.protocolMaxCapKbps / p.capacityMedianKbps))}× an honest median provider's; what bounds it is the cap (1 Gbps rows), a larger k with a majority rule, or a credit bounded by what honest verifiers measured.`,
  );
  L.push("Tasks: 0 emission credit in every case. Not an outcome of the draws but of the design: v2's credit (the rank-th largest report) takes the assigned verifiers' reports only — there is no task input (v1 had one: `credit_task_bytes`) — so a self-dealt task, whatever bytes it reveals, moves escrow between the actor's own accounts and earns nothing from R_total: the actor gains at most what it paid.");
  return L.join("\n");
}

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { json: { type: "boolean" }, epochs: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: npx tsx bench/econ-sim.ts [--json] [--epochs N] [--seed N]`);
    return 2;
  }
  if (values.help) {
    console.log("usage: npx tsx bench/econ-sim.ts [--json] [--epochs N] [--seed N]");
    return 0;
  }
  const p: SimParams = { ...SIM_PARAMS, ...(values.epochs ? { epochs: Number(values.epochs) } : {}), ...(values.seed ? { seed: Number(values.seed) } : {}) };
  if (!Number.isInteger(p.epochs) || p.epochs < 1 || !Number.isInteger(p.seed)) {
    console.error("--epochs and --seed take integers (epochs ≥ 1)");
    return 2;
  }
  const rs = simulate(p);
  console.log(values.json ? JSON.stringify({ params: p, results: rs }) : renderSim(rs, p));
  return 0;
}

if (process.argv[1]?.endsWith("econ-sim.ts")) process.exitCode = main();
