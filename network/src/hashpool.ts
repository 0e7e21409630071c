/**
 * SHA-256 of large buffers off the event loop: a small pool of worker threads. A consumer verifying
 * every chunk of a fast transfer spends about a third of its event loop in SHA-256 (docs/network.md,
 * Measured); handing each chunk to a worker lets the event loop keep decrypting and parsing the next
 * frames on another core. The buffer is *transferred* (zero-copy) to the worker and back, so the caller
 * must own it exclusively (see `FramedStream.readOwned`). A pool that fails (a worker dies) rejects its
 * pending jobs and is not used again; callers fall back to hashing on the event loop.
 * @module
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";

/** Plain CommonJS run by each worker (no TypeScript loader needed inside workers). */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", (m) => {
  const digest = createHash("sha256").update(new Uint8Array(m.buffer, m.offset, m.length)).digest();
  parentPort.postMessage({ id: m.id, buffer: m.buffer, digest }, [m.buffer]);
});
`;

/** Result of {@link HashPool.sha256}: the digest and the same bytes, handed back by the worker. */
export interface Hashed {
  /** SHA-256 of `bytes`. */
  digest: Uint8Array;
  /** The hashed bytes: a view over the transferred-back buffer (the caller's original view is detached). */
  bytes: Uint8Array;
}

interface Job {
  resolve: (h: Hashed) => void;
  reject: (e: Error) => void;
  offset: number;
  length: number;
}

/** A pool of SHA-256 worker threads; create with {@link HashPool.create}. */
export class HashPool {
  private readonly jobs = new Map<number, Job>();
  private readonly load: number[];
  private nextId = 1;
  private broken: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    this.load = workers.map(() => 0);
    workers.forEach((w, i) => {
      w.unref(); // an idle pool never keeps the process alive
      w.on("message", (m: { id: number; buffer: ArrayBuffer; digest: Uint8Array }) => {
        const job = this.jobs.get(m.id);
        if (job === undefined) return;
        this.jobs.delete(m.id);
        if (--this.load[i]! === 0) w.unref();
        job.resolve({ digest: new Uint8Array(m.digest), bytes: new Uint8Array(m.buffer, job.offset, job.length) });
      });
      const fail = (err: Error) => {
        this.broken ??= err;
        for (const job of this.jobs.values()) job.reject(err);
        this.jobs.clear();
        void this.close();
      };
      w.on("error", fail);
      w.on("exit", (code) => fail(new Error(`hash worker exited with ${code}`)));
    });
  }

  /** A pool of `threads` workers (default: one per core beyond the first, at most 2); undefined on a single core. */
  static create(threads = Math.min(2, availableParallelism() - 1)): HashPool | undefined {
    if (threads < 1) return undefined;
    return new HashPool(Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true })));
  }

  /** False once a worker has failed: use hashing on the event loop instead. */
  get usable(): boolean {
    return this.broken === undefined;
  }

  /**
   * SHA-256 of `buffer[offset, offset + length)` on a worker. `buffer` is transferred: every view of it
   * is detached until the result hands it back as {@link Hashed.bytes}.
   */
  sha256(buffer: ArrayBuffer, offset: number, length: number): Promise<Hashed> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    const id = this.nextId++;
    return new Promise<Hashed>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, offset, length });
      if (this.load[w]!++ === 0) this.workers[w]!.ref(); // a job in flight keeps the process alive
      this.workers[w]!.postMessage({ id, buffer, offset, length }, [buffer]);
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.broken ??= new Error("hash pool closed");
    await Promise.allSettled(this.workers.map((w) => w.terminate()));
  }
}

let shared: HashPool | undefined | null = null;
/** The process-wide pool, created on first use (undefined on a single core or after a failure). */
export function sharedHashPool(): HashPool | undefined {
  if (shared === null) shared = HashPool.create();
  if (shared !== undefined && !shared.usable) shared = undefined;
  return shared;
}
