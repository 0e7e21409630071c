// Shared by test/store.test.ts and its crash child (test/store-crash.child.ts): the child's deterministic
// workload, the fake chain it "sends" to, and the checker that audits a store after a kill -9.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Intent, IntentKind, NodeStore } from "../src/store/index.js";

/** Intent kinds the child cycles through: a kill lands during commits, reveals and credits. */
export const CRASH_KINDS: readonly IntentKind[] = ["commit", "reveal", "credit_epoch"];
/** Provider whose tally the child adds a probe to at each confirmation. */
export const CRASH_PROVIDER = "provider-P";
/** Epoch every total of the workload belongs to. */
export const CRASH_EPOCH = 7n;

export const keyOf = (i: number): string => `${CRASH_KINDS[i % CRASH_KINDS.length]}:task-${i}`;
export const kindOf = (i: number): IntentKind => CRASH_KINDS[i % CRASH_KINDS.length]!;
export const verifierOf = (i: number): string => `verifier-${i % 3}`;
export const bytesOf = (i: number): bigint => 1000n + BigInt(i);

function expand(seed: string, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let off = 0, n = 0; off < len; n++) {
    const block = createHash("sha256").update(`${seed}#${n}`).digest();
    out.set(block.subarray(0, Math.min(32, len - off)), off);
    off += 32;
  }
  return out;
}

/** The 140-byte signed-total message of iteration i (content checked byte for byte after each crash). */
export const messageOf = (i: number): Uint8Array => expand(`msg:${i}`, 140);
export const signatureOf = (i: number): Uint8Array => expand(`sig:${i}`, 64);
/** The "serialized transaction" for a key and signature: 300..1199 bytes, so torn blobs would show. */
export const txOf = (key: string, signature: string): Uint8Array => expand(`tx:${key}:${signature}`, 300 + (Number.parseInt(signature.slice(0, 6), 16) % 900));

/** The fake chain: an append-only file of `key signature` lines; the line index is the slot. */
export interface FakeChain {
  /** signature → first slot it landed in. */
  readonly slots: Map<string, number>;
  /** key → distinct signatures that landed for it. */
  readonly byKey: Map<string, Set<string>>;
  readonly height: number;
}

export function readChain(path: string): FakeChain {
  const slots = new Map<string, number>();
  const byKey = new Map<string, Set<string>>();
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0) : [];
  lines.forEach((line, slot) => {
    const [key, sig] = line.split(" ");
    if (!key || !sig) throw new Error(`fake chain: torn line ${JSON.stringify(line)}`);
    if (!slots.has(sig)) slots.set(sig, slot);
    let set = byKey.get(key);
    if (!set) byKey.set(key, (set = new Set()));
    set.add(sig);
  });
  return { slots, byKey, height: lines.length };
}

/**
 * What the child printed (after each committed step): `<step> <i>`, step ∈ A (planned) B (signed)
 * C (sent) D (confirmed); `R <i> …` when it resumes step i after a restart.
 */
export interface Reported {
  /** Furthest step reported per iteration. */
  readonly steps: Map<number, string>;
  /** Highest iteration any line proves was planned (-1 if none). */
  readonly maxPlanned: number;
  /** Recovery lines (`R <i> <what>`). */
  readonly recoveries: string[];
}

export function parseReported(stdout: string): Reported {
  const steps = new Map<number, string>();
  const recoveries: string[] = [];
  let maxPlanned = -1;
  for (const line of stdout.split("\n")) {
    const m = /^([ABCDR]) (\d+)( .*)?$/.exec(line.trim());
    if (!m) continue;
    const i = Number(m[2]);
    maxPlanned = Math.max(maxPlanned, i);
    if (m[1] === "R") {
      recoveries.push(line.trim());
      continue;
    }
    const prev = steps.get(i) ?? "";
    if (m[1]! > prev) steps.set(i, m[1]!);
  }
  return { steps, maxPlanned, recoveries };
}

const RANK: Record<string, number> = { planned: 1, signed: 2, sent: 3, confirmed: 4 };
const STEP_RANK: Record<string, number> = { A: 1, B: 2, C: 3, D: 4 };

/**
 * Audits the store after a crash; throws with every violation found. Returns the number of intents.
 * `reported` is everything the child printed so far (all runs).
 */
export function auditCrashStore(store: NodeStore, chainPath: string, reported: Reported): { intents: number; confirmed: number } {
  const problems: string[] = [];
  const integrity = store.integrityCheck();
  if (integrity.length !== 1 || integrity[0] !== "ok") problems.push(`integrity_check: ${integrity.join("; ")}`);
  const chain = readChain(chainPath);
  const intents = store.outbox.list().reverse();
  const n = intents.length;
  let confirmed = 0;
  intents.forEach((it: Intent, i) => {
    const key = keyOf(i);
    if (it.key !== key || it.kind !== kindOf(i)) problems.push(`intent #${i} is ${it.key}/${it.kind}, expected ${key}`);
    if (it.state === "confirmed") confirmed++;
    if (i < n - 1 && it.state !== "confirmed") problems.push(`${key} is ${it.state} but a later step was planned`);
    if (!(it.state in RANK)) problems.push(`${key} in unexpected state ${it.state}`);
    if (it.signed && !bytesEqual(it.signed.tx, txOf(key, it.signed.signature))) problems.push(`${key}: stored tx bytes do not match its signature`);
    // nothing sent twice: one distinct signature per step on chain, and it is the one the store holds
    const onChain = chain.byKey.get(key) ?? new Set<string>();
    if (onChain.size > 1) problems.push(`${key}: ${onChain.size} different transactions landed`);
    if (onChain.size === 1 && (!it.signed || !onChain.has(it.signed.signature))) problems.push(`${key}: landed signature is not the stored one`);
    if ((it.state === "sent" || it.state === "confirmed") && onChain.size !== 1) problems.push(`${key} is ${it.state} but not on chain`);
    if (it.state === "confirmed" && it.confirmedSlot !== BigInt(chain.slots.get(it.signed!.signature) ?? -1)) problems.push(`${key}: wrong slot`);
    // the newest total of its verifier, written in the same transaction as the plan: iteration i's,
    // unless a later iteration of the same verifier replaced it
    const held = store.totals.latest(CRASH_EPOCH, verifierOf(i));
    const newest = i + 3 * Math.floor((n - 1 - i) / 3);
    if (!held) problems.push(`${key}: no total held for ${verifierOf(i)}`);
    else if (i === newest && (held.liveMs !== i || held.bytes !== bytesOf(i) || !bytesEqual(held.message, messageOf(i)) || !bytesEqual(held.signature, signatureOf(i)))) problems.push(`${key}: held total bytes`);
    // durability: every step the child reported is in the store
    const rep = reported.steps.get(i);
    if (rep && (RANK[it.state] ?? 0) < STEP_RANK[rep]!) problems.push(`${key}: child reported ${rep} but the store has ${it.state}`);
  });
  if (n < reported.maxPlanned + 1) problems.push(`lost work: child reported planning #${reported.maxPlanned}, store has ${n} intents`);
  if (n > reported.maxPlanned + 2) problems.push(`store has ${n} intents, child reported only ${reported.maxPlanned + 1} (+1 unreported at most)`);
  const all = store.totals.byEpoch(CRASH_EPOCH);
  if (all.length !== Math.min(n, 3)) problems.push(`${all.length} verifiers' totals for ${n} intents (half-written step)`);
  for (const key of chain.byKey.keys()) if (!store.outbox.get(key)) problems.push(`chain has ${key} the store never planned`);
  const probes = store.tallies.get(CRASH_EPOCH, CRASH_PROVIDER)?.probes ?? 0;
  if (probes !== confirmed) problems.push(`tally of ${probes} probes != ${confirmed} confirmed`);
  const m = store.metrics.get(CRASH_EPOCH);
  const served = intents.reduce((s, _it, i) => s + bytesOf(i), 0n);
  if (n > 0 && (!m || m.totalsReceived !== BigInt(n) || m.bytesServed !== served || m.tasksDone !== BigInt(confirmed))) {
    problems.push(`metrics ${JSON.stringify(m, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))} do not match ${n} intents / ${confirmed} confirmed`);
  }
  if (problems.length > 0) throw new Error(`crash audit failed:\n  ${problems.join("\n  ")}`);
  return { intents: n, confirmed };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
