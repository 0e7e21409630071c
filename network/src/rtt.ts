/**
 * Round-trip times from libp2p ping, smoothed per peer (the TCP SRTT estimator, RFC 6298 style:
 * `srtt ← (1-α)·srtt + α·sample`, α = 1/8 by default). Exposed per peer; it feeds the latency input of
 * task scoring and the RTT a verifier writes into a PoB receipt.
 * @module
 */

/** Smoothed RTT state of one peer. */
export interface RttStats {
  /** Smoothed RTT, ms. */
  srttMs: number;
  /** Smoothed mean deviation, ms. */
  rttvarMs: number;
  /** Smallest sample seen, ms. */
  minMs: number;
  /** Most recent sample, ms. */
  lastMs: number;
  /** Number of samples. */
  samples: number;
  /** When the last sample was taken (epoch ms). */
  updatedAt: number;
}

/** Per-peer smoothed RTT table. Keys are PeerId strings. */
export class RttTable {
  private readonly table = new Map<string, RttStats>();

  constructor(
    /** Gain of the smoothed mean (α). */
    private readonly alpha = 1 / 8,
    /** Gain of the deviation (β). */
    private readonly beta = 1 / 4,
    /** Most peers tracked; the stalest entry is evicted beyond this. */
    private readonly maxPeers = 4096,
  ) {}

  /** Records one sample (ms) for `peer`. Non-finite or negative samples are ignored. */
  record(peer: string, sampleMs: number, now = Date.now()): RttStats | undefined {
    if (!Number.isFinite(sampleMs) || sampleMs < 0) return this.table.get(peer);
    const prev = this.table.get(peer);
    let next: RttStats;
    if (prev === undefined) {
      next = { srttMs: sampleMs, rttvarMs: sampleMs / 2, minMs: sampleMs, lastMs: sampleMs, samples: 1, updatedAt: now };
      if (this.table.size >= this.maxPeers) this.evictStalest();
    } else {
      const rttvar = (1 - this.beta) * prev.rttvarMs + this.beta * Math.abs(prev.srttMs - sampleMs);
      const srtt = (1 - this.alpha) * prev.srttMs + this.alpha * sampleMs;
      next = { srttMs: srtt, rttvarMs: rttvar, minMs: Math.min(prev.minMs, sampleMs), lastMs: sampleMs, samples: prev.samples + 1, updatedAt: now };
    }
    this.table.set(peer, next);
    return next;
  }

  /** The peer's stats, or `undefined` before the first sample. */
  get(peer: string): RttStats | undefined {
    return this.table.get(peer);
  }

  /** Forgets a peer. */
  delete(peer: string): void {
    this.table.delete(peer);
  }

  /** Every tracked peer's stats. */
  entries(): Array<[string, RttStats]> {
    return [...this.table.entries()];
  }

  private evictStalest(): void {
    let oldest: string | undefined;
    let t = Infinity;
    for (const [k, v] of this.table) if (v.updatedAt < t) ((t = v.updatedAt), (oldest = k));
    if (oldest !== undefined) this.table.delete(oldest);
  }
}
