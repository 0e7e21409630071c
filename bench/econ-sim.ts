/**
 * Economic simulation of the rewards v2 design (docs/rewards.md Part 1, §3.1 draws, §3.3 credit, §3.4
 * robustness): an adversary holding a share s of the verifier bonds plays its best strategy against
 * honest providers; what share of R_total it takes against the share it would earn honestly, under each
 * bound on a provider's credit. Deterministic (seeded PRNG, a stated number of epochs).
 *
 *   npx tsx bench/econ-sim.ts [--json] [--epochs 100] [--seed 22]
 *
 * Model (one epoch = one round):
 *   - Verifier slots: a named array of V slots, one bond (min_stake) each: `honestVerifierSlots` honest ones
 *     and A = round(s/(1−s)·V_h) the adversary's (a share s of the bonds), at shuffled positions. Each epoch a
 *     share `slotVoidFraction` of the honest slots is void (joined or moved this epoch, jailed, another
 *     operator's rule): a draw of it counts 0. Honest verifiers and providers are distinct operators; the
 *     adversary uses a separate operator wallet per node, so none of its draws is void by the operator rule.
 *   - Exact draws: each provider gets exactly k draws, with replacement, uniform over the V slots (the
 *     PRNG stands for SHA-256(seed ‖ provider ‖ j) mod V). A slot drawn twice by one provider counts once
 *     (`duplicateSlots: "once"`, the later draw is void): one verifier cannot fill two of the q ranks — the
 *     program checks that the q proofs name distinct slots. `"each"` counts it every time (as §3.3 reads
 *     today: only the j's must be distinct).
 *   - Honest providers: capacity log-normal (median 50 Mbps, σ = 1 in ln, clipped to [1 Mbps, 10 Gbps]),
 *     live a U(0.8, 1) fraction of the epoch. An honest verifier reports min(measured, B_ref) × live time,
 *     its measurement a U(0.9, 1) fraction of the true capacity.
 *   - Credit: the q-th largest of the k drawn reports (void or withheld = 0), then the bounds:
 *       (a) protocol cap B_ref: no report above B_ref × epoch (the registry refuses a larger declared cap);
 *       (b) stake bound: credit ≤ stake × ρ·m, ρ = median capacity × epoch / min_stake (an honest provider
 *           staking min_stake with the median capacity live the whole epoch sits at the bound), m = 1, 2, 4.
 *     Providers' stake (`stakePolicy`): "cover" — each real provider stakes what its capacity needs,
 *     max(min_stake, ⌈min(capacity, B_ref) × epoch / (ρ·m)⌉ LMR), so the bound clips no honest provider;
 *     "min" — every provider at min_stake (the stake bound is then the same as B_ref = m × 50 Mbps).
 *   - Adversary's strategy: its verifiers report B_ref × the whole epoch for its own providers and withhold
 *     (report 0) for honest ones; its real providers (a share s of the real providers) have honest-like
 *     capacities and stake by the same policy; optional sybil providers have no bandwidth and lock min_stake
 *     each. A captured provider (≥ q of its valid draws the adversary's) is credited min(B_ref × epoch,
 *     stake × ρ·m).
 *   - Honest share: the same draws with every verifier honest and no sybils (common random numbers).
 *   - Tasks: in v2 task work earns no emission credit (escrow only): the credit takes the drawn verifiers'
 *     reports and nothing else, so self-dealt tasks earn 0 from R_total by construction.
 */
import { parseArgs } from "node:util";
import { creditEpochTxSize } from "../sdk/src/rewards.js";

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
  /** Honest verifier slots (one bond each): 10 % of the honest providers, as the scale model. */
  honestVerifierSlots: number;
  epochSecs: number;
  capacityMedianKbps: number;
  capacitySigma: number;
  capacityMinKbps: number;
  capacityMaxKbps: number;
  liveMin: number;
  measureMin: number;
  /** The verifier bond and the least a provider stakes (LMR). */
  minStakeLmr: number;
  /** Share of the honest slots void in an epoch (resampled each epoch). */
  slotVoidFraction: number;
  /** A slot drawn twice by one provider: counted once (the later draw void) or each time. */
  duplicateSlots: "once" | "each";
  /** The largest declared cap the registry accepts today (BANDWIDTH_KBPS_MAX = 100 Gbps). */
  protocolMaxCapKbps: number;
  /** Merkle depth of the proofs in the transaction-size column (sizes: `creditEpochTxSize`, sdk/src/rewards.ts, the transaction as built). */
  merkleDepth: number;
  txMaxBytes: number;
}

export const SIM_PARAMS: SimParams = {
  seed: 22,
  epochs: 100,
  honestProviders: 5_000,
  honestVerifierSlots: 500,
  epochSecs: 86_400,
  capacityMedianKbps: 50_000,
  capacitySigma: 1,
  capacityMinKbps: 1_000,
  capacityMaxKbps: 10_000_000,
  liveMin: 0.8,
  measureMin: 0.9,
  minStakeLmr: 1_000,
  slotVoidFraction: 0.02,
  duplicateSlots: "once",
  protocolMaxCapKbps: 100_000_000,
  merkleDepth: 6,
  txMaxBytes: 1_232,
};

export type StakePolicy = "cover" | "min";

export interface Case {
  /** The adversary's share of the verifier bonds (slots), and of the real providers. */
  s: number;
  k: number;
  q: number;
  /** Protocol cap on a report's capacity (kbps). */
  bRefKbps: number;
  /** Stake bound multiplier m (credit ≤ stake × ρ·m), or null: no stake bound. */
  rhoMult: number | null;
  stakePolicy: StakePolicy;
  /** Sybil providers (no bandwidth, min_stake each), as a multiple of the adversary's real providers. */
  sybilsPerProvider: number;
}

export interface CaseResult extends Case {
  adversarySlots: number;
  slots: number;
  adversaryProviders: number;
  sybils: number;
  /** Stake locked by the sybils, and by the honest providers in all (LMR). */
  sybilStakeLmr: number;
  honestStakeLmr: number;
  /** Adversary's share of Σ credit when every verifier is honest (what it would earn honestly). */
  honestShare: number;
  /** Adversary's share (real providers + sybils) under its strategy. */
  attackShare: number;
  /** The sybils' part of attackShare. */
  sybilShare: number;
  /** attackShare / honestShare. */
  ratio: number;
  /** Sybils' share of R_total per LMR locked ÷ honest providers' share per LMR, under attack. */
  sybilPerLmrVsHonest: number;
  /** Honest providers' credit under attack / their credit without it. */
  honestKept: number;
  /** The adversary's share when its verifiers only withhold for honest providers and report honestly for its own: what withholding alone moves. */
  withholdOnlyShare: number;
  /** Providers per verifier root (leaves): the mean k·P/V and the largest seen in any epoch (it sets the Merkle depth). */
  meanLoad: number;
  maxLoad: number;
  /** Share of honest provider-epochs credited 0: under attack, and with no adversary (voids, duplicates). */
  honestZeroAttack: number;
  honestZeroNoAttack: number;
  /** Honest providers' credit with no attack / their true capacity × live time (what measurement and bounds pay). */
  honestPaid: number;
  /** The largest credit one sybil got in one epoch (kbps·s): ≤ min_stake × ρ·m with a stake bound, B_ref × epoch without. */
  maxSybilCredit: number;
  /** Share of all provider-epochs whose credit the adversary's reports set (simulated), and the analytic figures. */
  captureSim: number;
  capturedEpochs: number;
  providerEpochs: number;
  captureBinomial: number;
  captureExact: number;
}

/** ρ: the credit (kbps·s) per LMR at which a min_stake provider with the median capacity, live the whole epoch, sits at the bound. */
export const rhoBase = (p: SimParams = SIM_PARAMS) => (p.capacityMedianKbps * p.epochSecs) / p.minStakeLmr;

/**
 * Bytes of a legacy credit_epoch transaction carrying q proofs of `depth`, the node key paying: the SDK's
 * `creditEpochTxSize` (rewards v2 step 3 as built: 10 fixed accounts + one root per proof, per proof
 * 1 + 20 + 4 + 32·depth bytes). Until step 3 this was the lead's estimate, 306 + q × (22 + 32·depth + 32).
 */
export const creditTxBytes = (q: number, p: SimParams = SIM_PARAMS, depth = p.merkleDepth) => creditEpochTxSize({ depths: Array.from({ length: q }, () => depth), signers: 1 });
/** The deepest proofs at which q of them fit `txMaxBytes` (-1: none). */
export const maxDepthFor = (q: number, p: SimParams = SIM_PARAMS) => {
  let d = 16;
  while (d >= 0 && creditTxBytes(q, p, d) > p.txMaxBytes) d--;
  return d;
};

const choose = (n: number, r: number) => {
  let c = 1;
  for (let i = 0; i < r; i++) c = (c * (n - i)) / (i + 1);
  return c;
};

/** P(≥ q of k independent draws adversarial), each with probability s — the design's figure (§3.4). */
export function binomialTail(k: number, q: number, s: number): number {
  let t = 0;
  for (let i = q; i <= k; i++) t += choose(k, i) * s ** i * (1 - s) ** (k - i);
  return t;
}

/**
 * P(≥ q *distinct* adversarial slots among k uniform draws with replacement from V slots of which A are the
 * adversary's): exact for `duplicateSlots: "once"` (a dynamic programme over the draws).
 */
export function captureExact(k: number, q: number, A: number, V: number): number {
  // d[i] = P(i distinct adversarial slots so far)
  let d = [1];
  for (let j = 0; j < k; j++) {
    const n = new Array(d.length + 1).fill(0);
    for (let i = 0; i < d.length; i++) {
      const pNew = (A - i) / V; // a not-yet-drawn adversarial slot
      n[i + 1] += d[i]! * Math.max(0, pNew);
      n[i] += d[i]! * (1 - Math.max(0, pNew));
    }
    d = n;
  }
  return d.slice(q).reduce((a, b) => a + b, 0);
}

/** The credit rule: the q-th largest of xs[0..n) (void / withheld entries are 0), sorting that prefix in place. */
export function qthLargest(xs: Float64Array, n: number, q: number): number {
  for (let i = 1; i < n; i++) {
    const v = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]! < v) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = v;
  }
  return q <= n ? xs[q - 1]! : 0;
}

/** The credit rule on a plain list of k reports (absent = 0). */
export const credit = (reports: number[], q: number) => qthLargest(Float64Array.from(reports), reports.length, q);

const HONEST = 0, ADV = 1, SYBIL = 2;
const D_VOID = 0, D_HONEST = 1, D_ADV = 2;

export function simulateCase(c: Case, p: SimParams = SIM_PARAMS): CaseResult {
  const u = rng(p.seed);
  const T = p.epochSecs;
  const { k, q } = c;
  const B = c.bRefKbps;
  // slot array: named slots, the adversary's at shuffled positions
  const Vh = p.honestVerifierSlots;
  const A = c.s > 0 ? Math.max(1, Math.round((c.s / (1 - c.s)) * Vh)) : 0;
  const V = Vh + A;
  const slotAdv = new Uint8Array(V);
  for (let i = Vh; i < V; i++) slotAdv[i] = 1;
  for (let i = V - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [slotAdv[i], slotAdv[j]] = [slotAdv[j]!, slotAdv[i]!];
  }
  const slotVoid = new Uint8Array(V);
  // providers
  const adversaryProviders = Math.round((p.honestProviders * c.s) / (1 - c.s));
  const sybils = Math.round(adversaryProviders * c.sybilsPerProvider);
  const P = p.honestProviders + adversaryProviders + sybils;
  const owner = new Uint8Array(P), cap = new Float64Array(P), stake = new Float64Array(P), bound = new Float64Array(P);
  const rhoEff = c.rhoMult === null ? Infinity : rhoBase(p) * c.rhoMult;
  for (let i = 0; i < P; i++) {
    owner[i] = i < p.honestProviders ? HONEST : i < p.honestProviders + adversaryProviders ? ADV : SYBIL;
    cap[i] = owner[i] === SYBIL ? 0 : Math.min(p.capacityMaxKbps, Math.max(p.capacityMinKbps, logNormal(u, p.capacityMedianKbps, p.capacitySigma)));
    const need = c.stakePolicy === "cover" && owner[i] !== SYBIL && Number.isFinite(rhoEff) ? Math.ceil((Math.min(cap[i]!, B) * T) / rhoEff) : 0;
    stake[i] = Math.max(p.minStakeLmr, need);
    bound[i] = stake[i]! * rhoEff;
  }
  const advMax = B * T; // what the adversary's verifiers report for its own providers
  let hwAll = 0, hwAdv = 0, hwHon = 0, atAll = 0, atAdv = 0, atSyb = 0, atHon = 0;
  let wAll = 0, wAdv = 0;
  let zeroAt = 0, zeroHw = 0, honEpochs = 0, captured = 0, trueHon = 0, maxSyb = 0, maxLoad = 0;
  const slots = new Int32Array(k), kind = new Uint8Array(k), fac = new Float64Array(k);
  const rh = new Float64Array(k), ra = new Float64Array(k), rw = new Float64Array(k), rm = new Float64Array(k);
  const load = new Int32Array(V); // providers per slot in an epoch: the leaves of that verifier's root
  for (let e = 0; e < p.epochs; e++) {
    for (let i = 0; i < V; i++) slotVoid[i] = !slotAdv[i] && u() < p.slotVoidFraction ? 1 : 0;
    load.fill(0);
    for (let i = 0; i < P; i++) {
      const o = owner[i]!;
      const live = (p.liveMin + (1 - p.liveMin) * u()) * T;
      for (let j = 0; j < k; j++) {
        const sl = Math.floor(u() * V);
        slots[j] = sl;
        fac[j] = p.measureMin + (1 - p.measureMin) * u(); // drawn for every draw: common random numbers across cases
        let dup = false;
        if (p.duplicateSlots === "once") for (let jj = 0; jj < j; jj++) if (slots[jj] === sl) dup = true;
        kind[j] = dup ? D_VOID : slotAdv[sl] ? D_ADV : slotVoid[sl] ? D_VOID : D_HONEST;
        if (!dup) load[sl]!++;
      }
      for (let j = 0; j < k; j++) {
        const honestReport = Math.min(cap[i]! * fac[j]!, B) * live;
        const kd = kind[j]!;
        rh[j] = kd === D_VOID ? 0 : honestReport; // every verifier honest
        ra[j] = kd === D_VOID ? 0 : kd === D_HONEST ? honestReport : o === HONEST ? 0 : advMax; // the attack
        rw[j] = kd === D_VOID ? 0 : kd === D_HONEST ? honestReport : o === HONEST ? 0 : honestReport; // withholding alone
        rm[j] = kd === D_ADV ? Infinity : kd === D_HONEST ? 1 : 0; // marker: does the adversary set the credit?
      }
      const b = bound[i]!;
      const cH = o === SYBIL ? 0 : Math.min(qthLargest(rh, k, q), b);
      const cA = Math.min(qthLargest(ra, k, q), b);
      const cW = o === SYBIL ? 0 : Math.min(qthLargest(rw, k, q), b);
      wAll += cW;
      if (o === ADV) wAdv += cW;
      if (qthLargest(rm, k, q) === Infinity) captured++;
      hwAll += cH;
      atAll += cA;
      if (o === HONEST) {
        hwHon += cH;
        atHon += cA;
        honEpochs++;
        trueHon += cap[i]! * live; // true capacity-time: what measurement, B_ref and the stake bound leave of it is "paid"
        if (cH === 0) zeroHw++;
        if (cA === 0) zeroAt++;
      } else {
        if (o === ADV) hwAdv += cH;
        atAdv += cA;
        if (o === SYBIL) {
          atSyb += cA;
          if (cA > maxSyb) maxSyb = cA;
        }
      }
    }
    for (let i = 0; i < V; i++) if (load[i]! > maxLoad) maxLoad = load[i]!;
  }
  const honestStakeLmr = stake.subarray(0, p.honestProviders).reduce((a, b) => a + b, 0);
  const sybilStakeLmr = sybils * p.minStakeLmr;
  const honestShare = hwAll ? hwAdv / hwAll : 0;
  const attackShare = atAll ? atAdv / atAll : 0;
  const sybilShare = atAll ? atSyb / atAll : 0;
  const providerEpochs = P * p.epochs;
  return {
    ...c,
    adversarySlots: A,
    slots: V,
    adversaryProviders,
    sybils,
    sybilStakeLmr,
    honestStakeLmr,
    honestShare,
    attackShare,
    sybilShare,
    ratio: honestShare ? attackShare / honestShare : attackShare ? Infinity : 1,
    sybilPerLmrVsHonest: sybils && atHon ? sybilShare / sybilStakeLmr / (atHon / atAll / honestStakeLmr) : 0,
    honestKept: hwHon ? atHon / hwHon : 0,
    withholdOnlyShare: wAll ? wAdv / wAll : 0,
    meanLoad: (k * P) / V,
    maxLoad,
    honestZeroAttack: honEpochs ? zeroAt / honEpochs : 0,
    honestZeroNoAttack: honEpochs ? zeroHw / honEpochs : 0,
    honestPaid: trueHon ? hwHon / trueHon : 0,
    maxSybilCredit: maxSyb,
    captureSim: captured / providerEpochs,
    capturedEpochs: captured,
    providerEpochs,
    captureBinomial: binomialTail(k, q, A / V),
    captureExact: p.duplicateSlots === "once" ? captureExact(k, q, A, V) : binomialTail(k, q, A / V),
  };
}

export const S_VALUES = [0.01, 0.1, 0.33];
/** (5, 3) the design; (7, 4) and (9, 5) majorities of more draws; (7, 3) more draws with the same three proofs (the same transaction). */
export const KQ: [number, number][] = [[5, 3], [7, 3], [7, 4], [9, 5]];
/** Stake bounds in the table: none, ρ·m with providers covering their capacity (m = 1, 2, 4), and everyone at min_stake with m = 1. */
export const BOUNDS: { rhoMult: number | null; stakePolicy: StakePolicy }[] = [
  { rhoMult: null, stakePolicy: "min" },
  { rhoMult: 1, stakePolicy: "cover" },
  { rhoMult: 2, stakePolicy: "cover" },
  { rhoMult: 4, stakePolicy: "cover" },
  { rhoMult: 1, stakePolicy: "min" },
];

/**
 * k = 5, q = 3: every B_ref × stake bound × s; the other (k, q): B_ref alone (100 Gbps, 1 Gbps) and the
 * stake bound at ρ×1, ρ×2, ρ×4 (B_ref = 100 Gbps: with a stake bound B_ref hardly moves the figures). Each without
 * and with sybils (one per real adversary provider).
 */
export function defaultCases(p: SimParams = SIM_PARAMS): Case[] {
  const out: Case[] = [];
  const push = (k: number, q: number, bRefKbps: number, b: (typeof BOUNDS)[number]) => {
    for (const s of S_VALUES) for (const sybilsPerProvider of [0, 1]) out.push({ s, k, q, bRefKbps, ...b, sybilsPerProvider });
  };
  for (const bRefKbps of [p.protocolMaxCapKbps, 1_000_000]) for (const b of BOUNDS) push(5, 3, bRefKbps, b);
  for (const [k, q] of KQ.slice(1)) {
    push(k, q, p.protocolMaxCapKbps, BOUNDS[0]!);
    push(k, q, 1_000_000, BOUNDS[0]!);
    for (const b of BOUNDS.slice(1, 4)) push(k, q, p.protocolMaxCapKbps, b);
  }
  return out;
}

export function simulate(p: SimParams = SIM_PARAMS, cases = defaultCases(p)): CaseResult[] {
  return cases.map((c) => simulateCase(c, p));
}

// ---- report -------------------------------------------------------------------------------------
const pct = (x: number, d = 2) => `${(x * 100).toFixed(d)} %`;
const pr = (x: number) => (x === 0 ? "0" : x < 1e-3 ? x.toExponential(1) : x.toFixed(4));
const fmt = (n: number) => n.toLocaleString("en");
const gbps = (kbps: number) => (kbps >= 1e6 ? `${kbps / 1e6} Gbps` : `${kbps / 1e3} Mbps`);
const boundName = (r: Case) => (r.rhoMult === null ? "none" : `ρ×${r.rhoMult}${r.stakePolicy === "min" ? ", all at min_stake" : ""}`);
/** The Merkle depth a root of n leaves needs. */
export const depthFor = (n: number) => Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));

export function renderSim(rs: CaseResult[], p: SimParams = SIM_PARAMS): string {
  const L: string[] = [];
  const rho = rhoBase(p);
  L.push(`Seed ${p.seed}, ${p.epochs} epochs of ${fmt(p.epochSecs)} s; ${fmt(p.honestProviders)} honest providers (capacity log-normal, median ${gbps(p.capacityMedianKbps)}, σ ${p.capacitySigma}, clipped to [${gbps(p.capacityMinKbps)}, ${gbps(p.capacityMaxKbps)}], live U(${p.liveMin}, 1) of the epoch, measured U(${p.measureMin}, 1) of the capacity);`);
  L.push(`${fmt(p.honestVerifierSlots)} honest verifier slots + the adversary's A (a share s of the bonds; one slot per bond of min_stake = ${fmt(p.minStakeLmr)} LMR), ${pct(p.slotVoidFraction, 0)} of the honest slots void each epoch; k exact draws per provider with replacement, uniform over the slot array, a slot drawn twice by one provider counted ${p.duplicateSlots}; credit = the q-th largest of the k reports (void / withheld = 0).`);
  L.push(`Stake bound: credit ≤ stake × ρ·m, ρ = ${gbps(p.capacityMedianKbps)} × ${fmt(p.epochSecs)} s / ${fmt(p.minStakeLmr)} LMR = ${((rho * 1000) / 8 / 1e9).toFixed(2)} GB of capacity-time per LMR per epoch. "ρ×m": each real provider stakes max(min_stake, its capacity (≤ B_ref) × epoch / (ρ·m)) — what it needs so that the bound never clips it; "all at min_stake": every provider at min_stake (the bound is then B_ref = m × ${gbps(p.capacityMedianKbps)} in disguise).`);
  L.push("Adversary: its verifiers report B_ref × the whole epoch for its own providers and withhold (0) for honest ones; its real providers (a share s of the real providers) have honest-like capacities and stakes; sybils have no bandwidth and lock min_stake each, one per real adversary provider.");
  L.push("");
  L.push("### Draws: capture, withholding, transaction size (the same for every bound)");
  L.push("");
  L.push(`Capture: ≥ q of a provider's k draws are distinct adversary slots, so the adversary sets its credit; an honest provider is zeroed by ≥ k − q + 1 withheld or void draws. Analytic: the binomial P(≥ q of k) with p = A/V (§3.4's figure) and the exact probability for the slot array when a repeated slot counts once (a dynamic programme over the draws; below the binomial: A slots cannot fill more than A ranks). Simulated: over every provider-epoch, the credit rule applied to the draws. Root leaves: providers drawing one slot in an epoch (mean k·P/V, the largest seen), which sets the Merkle depth. credit_epoch bytes: \`creditEpochTxSize\` (sdk/src/rewards.ts: the legacy transaction as built in step 3, the node key paying; per proof 1 + 20 + 4 + 32·depth bytes and a root account), limit ${fmt(p.txMaxBytes)}.`);
  L.push("");
  L.push(`| k, q | s | adversary slots / V | P(≥ q of k) binomial | exact (slot array) | simulated (captured / provider-epochs) | honest provider-epochs at 0: attack | no attack | root leaves mean / max (depth) | credit_epoch bytes: depth ${p.merkleDepth} / that depth |`);
  L.push("|---|---:|---:|---:|---:|---|---:|---:|---|---|");
  const base = rs.filter((r) => r.bRefKbps === p.protocolMaxCapKbps && r.rhoMult === null && r.sybilsPerProvider === 0);
  const fit = (n: number) => `${fmt(n)}${n <= p.txMaxBytes ? "" : " **over**"}`;
  for (const r of base) {
    const d = depthFor(r.maxLoad);
    L.push(
      `| ${r.k}, ${r.q} | ${pct(r.s, 0)} | ${fmt(r.adversarySlots)} / ${fmt(r.slots)} | ${pr(r.captureBinomial)} | ${pr(r.captureExact)} | ${pr(r.captureSim)} (${fmt(r.capturedEpochs)} / ${fmt(r.providerEpochs)}) | ${pct(r.honestZeroAttack)} | ${pct(r.honestZeroNoAttack, 3)} | ` +
        `${r.meanLoad.toFixed(0)} / ${r.maxLoad} (${d}) | ${fit(creditTxBytes(r.q, p))} / ${fit(creditTxBytes(r.q, p, d))} |`,
    );
  }
  L.push("");
  L.push("### Bounds: the adversary's share of R_total");
  L.push("");
  L.push("Honest share: the adversary's real providers with every verifier honest. Attack share: its real providers under its strategy; withholding alone: its verifiers withhold for honest providers but report its own honestly; with sybils: the attack share with one sybil per real provider, and in brackets a sybil's share of R_total per LMR locked ÷ an honest provider's. Honest providers keep: their credit under attack ÷ without. Honest paid: honest credit with no attack ÷ true capacity × live time (measurement and bounds). Honest stake: the mean an honest provider locks.");
  L.push("");
  L.push("| k, q | B_ref | stake bound | s | honest share | attack share | × honest | + points | withholding alone | with sybils (per LMR ÷ honest) | honest providers keep | honest paid (no attack) | honest stake (mean LMR) |");
  L.push("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
  const key = (r: Case) => `${r.k}/${r.q}/${r.bRefKbps}/${r.rhoMult}/${r.stakePolicy}/${r.s}`;
  const syb = new Map(rs.filter((r) => r.sybilsPerProvider > 0).map((r) => [key(r), r]));
  for (const r of rs.filter((r) => r.sybilsPerProvider === 0)) {
    const y = syb.get(key(r));
    L.push(
      `| ${r.k}, ${r.q} | ${gbps(r.bRefKbps)} | ${boundName(r)} | ${pct(r.s, 0)} | ${pct(r.honestShare)} | **${pct(r.attackShare)}** | ${r.ratio.toFixed(2)} | ${((r.attackShare - r.honestShare) * 100).toFixed(2)} | ${pct(r.withholdOnlyShare)} | ` +
        `${y ? `${pct(y.attackShare)} (${y.sybilPerLmrVsHonest.toFixed(3)})` : "—"} | ${pct(r.honestKept)} | ${pct(r.honestPaid, 1)} | ${fmt(Math.round(r.honestStakeLmr / p.honestProviders))} |`,
    );
  }
  L.push("");
  L.push(...summary(rs, p));
  L.push("");
  L.push("Tasks: 0 emission credit in every case. Not an outcome of the draws but of the design: the credit takes the drawn verifiers' reports only — there is no task input — so a self-dealt task, whatever bytes it reveals, moves escrow between the actor's own accounts and earns nothing from R_total.");
  return L.join("\n");
}

/** The largest difference in attack share between the B_ref = `a` and `b` rows of the same case, over the cases with a stake bound. */
function bRefDelta(rs: CaseResult[], a: number, b: number): number {
  const key = (r: Case) => `${r.k}/${r.q}/${r.rhoMult}/${r.stakePolicy}/${r.s}/${r.sybilsPerProvider}`;
  const at = new Map(rs.filter((r) => r.bRefKbps === a).map((r) => [key(r), r]));
  let d = 0;
  for (const r of rs) if (r.bRefKbps === b && r.rhoMult !== null && at.has(key(r))) d = Math.max(d, Math.abs(r.attackShare - at.get(key(r))!.attackShare) * 100);
  return d;
}

/** The reading under the tables, every figure taken from the results. */
function summary(rs: CaseResult[], p: SimParams): string[] {
  const at = (s: number, k: number, q: number, bRef: number, rhoMult: number | null, pol: StakePolicy = rhoMult === null ? "min" : "cover", syb = 0) =>
    rs.find((r) => r.s === s && r.k === k && r.q === q && r.bRefKbps === bRef && r.rhoMult === rhoMult && r.stakePolicy === pol && r.sybilsPerProvider === syb);
  const big = p.protocolMaxCapKbps, G1 = 1_000_000;
  const sh = (r: CaseResult | undefined) => (r ? `${pct(r.attackShare)} (honest ${pct(r.honestShare)}, ×${r.ratio.toFixed(2)})` : "—");
  const out: string[] = [];
  out.push(
    `- **Without a stake bound** a captured provider earns B_ref × epoch, ${fmt(Math.round(big / p.capacityMedianKbps))}× a median provider at ${gbps(big)}: at s = 10 %, k = 5, q = 3 the adversary takes ${sh(at(0.1, 5, 3, big, null))}; ` +
      `B_ref = 1 Gbps brings it to ${sh(at(0.1, 5, 3, G1, null))} but not at s = 33 %: ${sh(at(0.33, 5, 3, G1, null))}, and a sybil then earns ${at(0.33, 5, 3, G1, null, "min", 1)?.sybilPerLmrVsHonest.toFixed(2)}× an honest provider per LMR.`,
  );
  const r1 = at(0.1, 5, 3, big, 1), r33 = at(0.33, 5, 3, big, 1);
  out.push(
    `- **With the stake bound** a captured provider earns at most the capacity its stake covers, so capture adds little and a sybil's return per LMR is ≈ P(capture) × m of an honest provider's: ρ×1, k = 5, q = 3, s = 10 %: ${sh(r1)}, sybils ${at(0.1, 5, 3, big, 1, "cover", 1)?.sybilPerLmrVsHonest.toFixed(3)}× per LMR; ` +
      `s = 33 %: ${sh(r33)}, of which withholding alone gives ${r33 ? pct(r33.withholdOnlyShare) : "—"}. ρ×4: ${sh(at(0.33, 5, 3, big, 4))} at s = 33 %. With a stake bound B_ref hardly matters: the 1 Gbps rows differ from the ${gbps(big)} ones by at most ${bRefDelta(rs, big, G1).toFixed(2)} point of attack share.`,
  );
  const a = at(0.33, 5, 3, big, 1), b = at(0.33, 7, 3, big, 1), c = at(0.33, 7, 4, big, 1), d = at(0.33, 9, 5, big, 1);
  const z = (r: CaseResult | undefined) => (r ? `${pct(r.attackShare)}, honest keep ${pct(r.honestKept, 1)}` : "—");
  out.push(`- **k and q** with ρ×1 at s = 33 %: (5, 3) ${z(a)}; (7, 3) ${z(b)}; (7, 4) ${z(c)}; (9, 5) ${z(d)}. Once capture is bounded, what remains is withholding, which needs k − q + 1 draws to bite: more draws at the same q cut it, and q = 3 keeps the transaction.`);
  out.push(
    `- **Transaction**: ${fmt(p.txMaxBytes)} bytes at depth ${p.merkleDepth}: ` +
      [3, 4, 5].map((q) => `q = ${q} → ${fmt(creditTxBytes(q, p))} B${creditTxBytes(q, p) <= p.txMaxBytes ? " (fits)" : " (over)"}`).join(", ") +
      `; the largest root seen (no sybils) has ` +
      [...new Set(rs.map((r) => r.k))].map((k) => { const m = Math.max(...rs.filter((r) => r.k === k && r.sybilsPerProvider === 0).map((r) => r.maxLoad)); return `${m} leaves at k = ${k} (depth ${depthFor(m)})`; }).join(", ") +
      ` — sybils are providers too and add leaves; at depth 7 (≤ 128 leaves) q = 3 → ${fmt(creditTxBytes(3, p, 7))} B, q = 4 → ${fmt(creditTxBytes(4, p, 7))} B. q = 3 fits up to depth ${maxDepthFor(3, p)} (≤ ${2 ** maxDepthFor(3, p)} providers per root), q = 4 only at depth ≤ ${maxDepthFor(4, p)} (${fmt(creditTxBytes(4, p, maxDepthFor(4, p)))} B: ≤ ${2 ** maxDepthFor(4, p)} providers per root, so verifiers ≥ k/${2 ** maxDepthFor(4, p)} of the providers), or at depth 6 with the root accounts in an address lookup table (≈ ${fmt(creditTxBytes(4, p) - 4 * 31 + 34)} B: 1-byte indices and a 34-byte table reference; ≈ ${fmt(creditTxBytes(4, p, 7) - 4 * 31 + 34)} B at depth 7), which costs each provider extra transactions and rent per epoch.`,
  );
  return out;
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
