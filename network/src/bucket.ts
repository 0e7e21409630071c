/**
 * A token bucket bounding the bytes per second a node serves across every Lumora protocol (chunks,
 * PoB payloads). One bucket per node, sized from the operator's declared bandwidth limit (the same
 * cap the rewards program enforces on receipts, PROTOCOL.md §5), so a provider never serves faster
 * than it claims and the verifier's measurement reflects the declared cap.
 *
 * Debt model: `take(n)` deducts `n` at once and, if the balance goes negative, waits until refill
 * covers the debt before resolving. Waiters are served FIFO through one promise chain, so over any
 * window `t` the bytes released are ≤ `burst + rate·t` no matter how many streams compete.
 * @module
 */

/** Options of {@link TokenBucket}. */
export interface TokenBucketInit {
  /** Sustained rate in bytes per second (the operator's bandwidth limit). `Infinity` disables the cap. */
  rateBytesPerSec: number;
  /** Bucket capacity in bytes (largest instantaneous burst); defaults to 1/10 s of the rate, ≥ 64 KiB. */
  burstBytes?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Shared byte-rate limiter; see the module doc. */
export class TokenBucket {
  private rate: number;
  private burst: number;
  private tokens: number;
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  /** Total bytes released by {@link take} (for metrics and tests). */
  released = 0;

  constructor(init: TokenBucketInit) {
    if (!(init.rateBytesPerSec > 0)) throw new RangeError("rateBytesPerSec must be > 0");
    this.rate = init.rateBytesPerSec;
    this.burst = init.burstBytes ?? (Number.isFinite(this.rate) ? Math.max(64 * 1024, Math.floor(this.rate / 10)) : Infinity);
    this.tokens = this.burst;
    this.last = performance.now();
  }

  /** Current sustained rate, bytes per second. */
  get rateBytesPerSec(): number {
    return this.rate;
  }

  /** Changes the rate (operator updated the limit); the balance is kept, clamped to the new burst. */
  setRate(rateBytesPerSec: number, burstBytes?: number): void {
    this.refill();
    this.rate = rateBytesPerSec;
    this.burst = burstBytes ?? (Number.isFinite(this.rate) ? Math.max(64 * 1024, Math.floor(this.rate / 10)) : Infinity);
    this.tokens = Math.min(this.tokens, this.burst);
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  /**
   * Reserves `n` bytes and resolves when they may be sent. Rejects if `signal` aborts while waiting
   * (the reservation stays spent: aborted senders do not give bandwidth back, which keeps the bound).
   */
  take(n: number, signal?: AbortSignal): Promise<void> {
    if (n <= 0 || !Number.isFinite(this.rate)) {
      this.released += Math.max(0, n);
      return Promise.resolve();
    }
    const run = async () => {
      this.refill();
      this.tokens -= n;
      if (this.tokens < 0) await sleep(Math.ceil((-this.tokens / this.rate) * 1000), signal);
      this.released += n;
    };
    const p = this.chain.then(run);
    this.chain = p.catch(() => undefined);
    return p;
  }
}
