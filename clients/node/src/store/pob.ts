/**
 * Proof-of-Bandwidth v2 on both sides of the protocol (docs/rewards.md §3.2, `@lumora/network`'s
 * `/lumora/pob/2`).
 *
 * As a VERIFIER the node keeps, per (epoch, provider), the tally of its answered probes — what its
 * cumulative total and, after the epoch, its Merkle root are computed from. A tally is written only once
 * the provider acknowledged the total that counts it, so a restart rebuilds the same tree.
 *
 * As a PROVIDER the node keeps, per (epoch, verifier), the latest signed total the verifier handed it:
 * live time and bytes never go back (a root below it would be evidence of under-reporting).
 * @module
 */
import type { Tally } from "@lumora/network";
import { big, blob, bytesIn, num, nowMs, str, u64In, type Row } from "./codec.js";
import type { Db } from "./db.js";
import { StoreRangeError } from "./errors.js";

/** Signed total message length (`TOTAL_MESSAGE_LEN` in the SDK). */
export const TOTAL_MESSAGE_LEN = 140;
/** ed25519 signature length. */
export const TOTAL_SIGNATURE_LEN = 64;

/** Verifier side: tallies per (epoch, provider node key base58). */
export class Tallies {
  constructor(private readonly db: Db) {}

  get(epoch: bigint, provider: string): Tally | null {
    const r = this.db.get("SELECT probes, bytes, rates, rtts FROM pob_tallies WHERE epoch = ? AND provider = ?", u64In("epoch", epoch), provider);
    return r ? toTally(r) : null;
  }

  /** Replaces the tally of (epoch, provider); the probe count never goes back. */
  put(epoch: bigint, provider: string, t: Tally): void {
    if (!Number.isInteger(t.probes) || t.probes < 1 || t.ratesKbps.length !== t.probes || t.rttsMs.length !== t.probes) throw new StoreRangeError("tally", "probes must be ≥ 1 with one rate and one RTT each");
    u64In("bytes", t.bytes);
    const prev = this.get(epoch, provider);
    if (prev && prev.probes > t.probes) throw new StoreRangeError("tally", `probes cannot go back (${prev.probes} → ${t.probes})`);
    this.db.run(
      `INSERT INTO pob_tallies (epoch, provider, probes, bytes, rates, rtts, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (epoch, provider) DO UPDATE SET probes = excluded.probes, bytes = excluded.bytes, rates = excluded.rates, rtts = excluded.rtts, updated_at = excluded.updated_at`,
      epoch,
      provider,
      t.probes,
      t.bytes,
      JSON.stringify(t.ratesKbps),
      JSON.stringify(t.rttsMs),
      nowMs(),
    );
  }

  /** Every tally of an epoch, by provider. */
  byEpoch(epoch: bigint): { provider: string; tally: Tally }[] {
    return this.db.all("SELECT provider, probes, bytes, rates, rtts FROM pob_tallies WHERE epoch = ? ORDER BY provider", u64In("epoch", epoch)).map((r) => ({ provider: str(r, "provider"), tally: toTally(r) }));
  }
}

function toTally(r: Row): Tally {
  return { probes: num(r, "probes"), bytes: big(r, "bytes"), ratesKbps: JSON.parse(str(r, "rates")) as number[], rttsMs: JSON.parse(str(r, "rtts")) as number[] };
}

/** A total as the provider holds it. */
export interface HeldTotal {
  readonly epoch: bigint;
  /** Verifier node key (base58). */
  readonly verifier: string;
  readonly liveMs: number;
  readonly bytes: bigint;
  /** The 140-byte signed message and the verifier's signature. */
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly receivedAt: number;
}

/** Provider side: the latest signed total per (epoch, verifier). */
export class HeldTotals {
  constructor(private readonly db: Db) {}

  /** Keeps a newer total (live time and bytes not below the held one); an older one is ignored (`false`). */
  hold(args: { epoch: bigint; verifier: string; liveMs: number; bytes: bigint; message: Uint8Array; signature: Uint8Array }): boolean {
    bytesIn("message", args.message, TOTAL_MESSAGE_LEN);
    bytesIn("signature", args.signature, TOTAL_SIGNATURE_LEN);
    u64In("bytes", args.bytes);
    return this.db.tx(() => {
      const prev = this.latest(args.epoch, args.verifier);
      if (prev && (prev.liveMs > args.liveMs || prev.bytes > args.bytes)) return false;
      this.db.run(
        `INSERT INTO pob_totals (epoch, verifier, live_ms, bytes, message, signature, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (epoch, verifier) DO UPDATE SET live_ms = excluded.live_ms, bytes = excluded.bytes, message = excluded.message, signature = excluded.signature, received_at = excluded.received_at`,
        u64In("epoch", args.epoch),
        args.verifier,
        args.liveMs,
        args.bytes,
        args.message,
        args.signature,
        nowMs(),
      );
      return true;
    });
  }

  latest(epoch: bigint, verifier: string): HeldTotal | null {
    const r = this.db.get("SELECT epoch, verifier, live_ms, bytes, message, signature, received_at FROM pob_totals WHERE epoch = ? AND verifier = ?", u64In("epoch", epoch), verifier);
    return r ? toHeld(r) : null;
  }

  byEpoch(epoch: bigint): HeldTotal[] {
    return this.db.all("SELECT epoch, verifier, live_ms, bytes, message, signature, received_at FROM pob_totals WHERE epoch = ? ORDER BY verifier", u64In("epoch", epoch)).map(toHeld);
  }
}

function toHeld(r: Row): HeldTotal {
  return { epoch: big(r, "epoch"), verifier: str(r, "verifier"), liveMs: num(r, "live_ms"), bytes: big(r, "bytes"), message: blob(r, "message"), signature: blob(r, "signature"), receivedAt: num(r, "received_at") };
}
