/**
 * The content hash (SHA-256 of a whole dataset's original bytes, manifest field `contentHash`) as a
 * stream, computed on a worker thread when a second core can run it beside the chunk work.
 *
 * Why: the chunk path already costs one AES-GCM pass and one SHA-256 pass (the Merkle leaf of each
 * encrypted chunk); the content hash is a second SHA-256 pass over the plaintext, which on one thread
 * makes encryption and decryption ~1.8× slower than bare AES-GCM + SHA-256 (docs/data.md, "Measured").
 * The definition does not change: it is still one plain, sequential SHA-256 of the bytes, in order
 * (`sha256sum` reproduces it); only the thread that runs it does.
 *
 * How: one process-wide worker keeps one OpenSSL hash per stream. The main thread copies each stream's
 * bytes into a shared ring of {@link RING_BYTES} (allocated once, so no fresh pages to fault in per
 * message — a fresh 1 MiB buffer costs ~0.5 ms of page faults on the VM we measured, as much as hashing
 * it) and posts the ring range, ≥ {@link STAGE_BYTES} at a time; the worker hashes ranges in the order
 * they were posted and advances a shared counter. The ring bounds memory whatever the input size:
 * `update` returns a promise to await when the ring is full. Streams shorter than one stage never reach
 * the worker (hashed inline at `digest`: a round trip would cost more). The worker is unreferenced
 * except while a caller awaits it, so an abandoned stream never keeps a process alive.
 * @module
 */
import { createHash } from "node:crypto";
import os from "node:os";
import { Worker } from "node:worker_threads";

/** Bytes of a stream gathered before one post to the worker (a post costs a few µs). */
export const STAGE_BYTES = 64 * 1024;
/** The shared ring: at most this many bytes are copied and not yet hashed. */
export const RING_BYTES = 8 * 1024 * 1024;

/** Where content hashes run: `auto` = a worker when the machine has ≥ 2 cores, else the main thread. */
export type HashThread = "auto" | "main" | "worker";

let configured: HashThread = "auto";

// ES2024's Atomics.waitAsync (in Node since 16); the compile target's lib predates it.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: BigInt64Array, index: number, value: bigint, timeoutMs: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/**
 * Chooses where content hashes run from now on (streams already open keep their choice). `auto` is the
 * default; `main` suits a process whose other cores are busy anyway. The result is the same either way.
 */
export function setContentHashThread(thread: HashThread): void {
  if (thread !== "auto" && thread !== "main" && thread !== "worker") throw new RangeError(`unknown hash thread ${String(thread)}`);
  configured = thread;
}

/** A running SHA-256 over a byte stream. */
export interface ContentHasher {
  /**
   * Adds bytes. They are copied by the time `update` returns, or, if it returns a promise (the worker's
   * ring is full), by the time that settles: await it before the next call or before reusing the bytes.
   */
  update(bytes: Uint8Array): Promise<void> | undefined;
  /** The SHA-256 of everything added; the hasher is finished afterwards. */
  digest(): Promise<Uint8Array>;
  /** Abandons the hash (no result); safe to call at any time, also after `digest`. */
  dispose(): void;
}

/**
 * A content hasher on the thread {@link setContentHashThread} chose. `overlaps: false` tells `auto` that
 * this thread will have nothing to do while the worker hashes (e.g. decrypting a one-chunk dataset,
 * whose plaintext exists only after its chunk is verified): the worker would only add a copy and a
 * round trip, so the hash stays here.
 */
export function contentHasher(opts: { overlaps?: boolean } = {}): ContentHasher {
  const offload = configured === "worker" || (configured === "auto" && opts.overlaps !== false && os.availableParallelism() >= 2);
  return offload ? new OffloadedHasher() : new InlineHasher();
}

const finishedError = () => new Error("content hash already finished");

class InlineHasher implements ContentHasher {
  private readonly hash = createHash("sha256");
  private done = false;
  update(bytes: Uint8Array): undefined {
    if (this.done) throw finishedError();
    this.hash.update(bytes);
    return undefined;
  }
  async digest(): Promise<Uint8Array> {
    if (this.done) throw finishedError();
    this.done = true;
    return this.hash.digest();
  }
  dispose(): void {
    this.done = true;
  }
}

// The worker: one OpenSSL hash per stream id; hashes ring ranges in the order posted, counts the bytes
// in a shared counter and wakes a waiting main thread. Evaluated from a string, so the bundled SDK needs
// no extra file; without the parent's flags (a loader or --input-type=module has no business here), and
// it loads builtins in whichever module scope it is evaluated.
const WORKER_SOURCE = `"use strict";
const load = typeof require === "function" ? require : process.getBuiltinModule;
const { parentPort, workerData } = load("node:worker_threads");
const { createHash } = load("node:crypto");
const ring = new Uint8Array(workerData.ring);
const hashed = new BigInt64Array(workerData.hashed);
const hashes = new Map();
parentPort.on("message", (m) => {
  let h = hashes.get(m.id);
  if (h === undefined) { h = createHash("sha256"); hashes.set(m.id, h); }
  if (m.length > 0) {
    const at = m.start % ring.length;
    const first = Math.min(m.length, ring.length - at);
    h.update(ring.subarray(at, at + first));
    if (m.length > first) h.update(ring.subarray(0, m.length - first));
    Atomics.add(hashed, 0, BigInt(m.length));
    Atomics.notify(hashed, 0);
  }
  if (m.end === "digest") { hashes.delete(m.id); parentPort.postMessage({ id: m.id, digest: new Uint8Array(h.digest()) }); }
  else if (m.end === "drop") hashes.delete(m.id);
});`;

interface Waiter {
  resolve: (digest: Uint8Array) => void;
  reject: (e: Error) => void;
}

/**
 * The process-wide hash worker and its ring. Ring bytes are posted in ring order (a stream's unposted
 * bytes are posted before another stream writes), so the bytes hashed are always a prefix of the bytes
 * written and `written − hashed` is what the ring holds. Replaced by a fresh worker if it ever fails.
 */
class HashWorker {
  private readonly worker: Worker;
  private readonly ring = new Uint8Array(new SharedArrayBuffer(RING_BYTES));
  private readonly hashed = new BigInt64Array(new SharedArrayBuffer(8));
  private written = 0; // bytes copied into the ring, ever
  private pendingStream = 0; // the stream whose bytes [written − pendingBytes, written) are not posted yet
  private pendingBytes = 0;
  private nextId = 1;
  private readonly digests = new Map<number, Waiter>();
  private waiting = 0; // callers awaiting the worker (digest or room): the worker is referenced while > 0
  failure: Error | null = null;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { ring: this.ring.buffer, hashed: this.hashed.buffer },
    });
    this.worker.unref();
    this.worker.on("message", (m: { id: number; digest: Uint8Array }) => {
      const w = this.digests.get(m.id);
      if (w === undefined) return;
      this.digests.delete(m.id);
      this.unwait();
      w.resolve(m.digest);
    });
    this.worker.on("error", (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    this.worker.on("exit", (code) => this.fail(new Error(`the content-hash worker exited (code ${code})`)));
  }

  id(): number {
    return this.nextId++;
  }

  /** Copies as much of `bytes` as the ring has room for into stream `id`; returns how many. */
  write(id: number, bytes: Uint8Array): number {
    this.check();
    if (this.pendingBytes > 0 && this.pendingStream !== id) this.flush();
    const n = Math.min(bytes.length, RING_BYTES - this.held());
    if (n === 0) return 0;
    const at = this.written % RING_BYTES;
    const first = Math.min(n, RING_BYTES - at);
    this.ring.set(bytes.subarray(0, first), at);
    if (n > first) this.ring.set(bytes.subarray(first, n), 0);
    this.written += n;
    this.pendingStream = id;
    this.pendingBytes += n;
    if (this.pendingBytes >= STAGE_BYTES) this.flush();
    return n;
  }

  /** Ends stream `id`: its digest, or nothing (`drop`). */
  end(id: number, end: "digest"): Promise<Uint8Array>;
  end(id: number, end: "drop"): undefined;
  end(id: number, end: "digest" | "drop"): Promise<Uint8Array> | undefined {
    this.check();
    if (this.pendingBytes > 0 && this.pendingStream !== id) this.flush();
    // What is pending now is this stream's (or nothing): it goes with the end.
    if (end === "drop") {
      this.post(id, end);
      return undefined;
    }
    const result = new Promise<Uint8Array>((resolve, reject) => this.digests.set(id, { resolve, reject }));
    this.wait();
    this.post(id, end);
    return result;
  }

  /** Resolves once the ring has room (posting what is pending first, so the worker can make it). */
  async room(): Promise<void> {
    this.check();
    if (this.pendingBytes > 0) this.flush();
    this.wait();
    try {
      while (this.held() >= RING_BYTES) {
        const seen = Atomics.load(this.hashed, 0);
        // The timeout only re-checks for a worker that died between the load and the wait.
        const r = waitAsync(this.hashed, 0, seen, 1000);
        if (r.async) await r.value;
        this.check();
      }
    } finally {
      this.unwait();
    }
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private held(): number {
    return this.written - Number(Atomics.load(this.hashed, 0));
  }

  private flush(): void {
    this.post(this.pendingStream);
  }

  /** Posts the pending ring range as stream `id`'s (possibly empty), with the stream's end if given. */
  private post(id: number, end?: "digest" | "drop"): void {
    this.worker.postMessage({ id, start: this.written - this.pendingBytes, length: this.pendingBytes, end });
    this.pendingBytes = 0;
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }

  private wait(): void {
    if (this.waiting++ === 0) this.worker.ref();
  }

  private unwait(): void {
    if (this.waiting > 0 && --this.waiting === 0) this.worker.unref(); // after a failure, `waiting` was reset
  }

  private fail(e: Error): void {
    if (this.failure !== null) return;
    this.failure = e;
    if (shared === this) shared = null;
    for (const w of this.digests.values()) w.reject(e);
    this.digests.clear();
    this.waiting = 0;
    this.worker.unref();
  }
}

let shared: HashWorker | null = null;
let unavailable = false; // worker threads cannot start in this runtime: hash inline from then on

/** The shared worker, started on first use; `null` where worker threads cannot start. */
function hashWorker(): HashWorker | null {
  if (shared === null && !unavailable) {
    try {
      shared = new HashWorker();
    } catch {
      unavailable = true;
    }
  }
  return shared;
}

/** Test hook: behave as a runtime where worker threads cannot start (`true`), or as normal again. */
export function workerUnavailableForTest(value: boolean): void {
  unavailable = value;
}

/** Test hook: stops the shared worker as a crash would (streams using it fail; new ones get a new worker). */
export async function terminateHashWorkerForTest(): Promise<void> {
  const w = shared;
  if (w !== null) await w.terminate();
}

class OffloadedHasher implements ContentHasher {
  private worker: HashWorker | null = null; // set once the stream outgrows the local stage
  private inline: InlineHasher | null = null; // instead, if no worker could start
  private stream = 0;
  private stage: Uint8Array | null = null; // the first bytes, until there are more
  private fill = 0;
  private done = false;

  update(bytes: Uint8Array): Promise<void> | undefined {
    if (this.done) throw finishedError();
    if (this.inline !== null) return this.inline.update(bytes);
    if (this.worker === null) {
      if (this.fill + bytes.length < STAGE_BYTES) {
        (this.stage ??= new Uint8Array(STAGE_BYTES)).set(bytes, this.fill);
        this.fill += bytes.length;
        return undefined;
      }
      const worker = hashWorker();
      if (worker === null) {
        // No worker in this runtime: nothing was posted yet, so the stage moves to an inline hash.
        this.inline = new InlineHasher();
        if (this.stage !== null) this.inline.update(this.stage.subarray(0, this.fill));
        this.stage = null;
        return this.inline.update(bytes);
      }
      this.worker = worker;
      this.stream = worker.id();
      const staged = this.stage?.subarray(0, this.fill);
      this.stage = null;
      this.fill = 0;
      if (staged !== undefined && staged.length > 0) return this.send(worker, [staged, bytes]);
    }
    return this.send(this.worker, [bytes]);
  }

  /** Writes `parts` in order into the ring, as far as it has room now, the rest as room appears. */
  private send(w: HashWorker, parts: Uint8Array[]): Promise<void> | undefined {
    let i = 0;
    let rest = parts[0]!;
    const advance = (): boolean => {
      // Writes what fits; true when every part is written.
      for (;;) {
        rest = rest.subarray(w.write(this.stream, rest));
        if (rest.length > 0) return false;
        if (++i === parts.length) return true;
        rest = parts[i]!;
      }
    };
    if (advance()) return undefined;
    return (async () => {
      do await w.room();
      while (!advance());
    })();
  }

  async digest(): Promise<Uint8Array> {
    if (this.done) throw finishedError();
    this.done = true;
    if (this.inline !== null) return this.inline.digest();
    if (this.worker === null) return createHash("sha256").update(this.stage?.subarray(0, this.fill) ?? new Uint8Array(0)).digest(); // short: no round trip
    return this.worker.end(this.stream, "digest");
  }

  dispose(): void {
    if (this.done) return;
    this.done = true;
    if (this.worker !== null && this.worker.failure === null) this.worker.end(this.stream, "drop");
  }
}
