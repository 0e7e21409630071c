/**
 * Throughput of the SDK data pipeline against raw node:crypto on the same bytes, in the same run.
 *
 *   npx tsx bench/data.bench.ts            # 1 MiB and 100 MiB
 *   npx tsx bench/data.bench.ts --quick    # fewer runs
 *
 * encrypt + hash: `data.encryptStream` (compression none: AES-256-GCM per chunk, SHA-256 per chunk,
 *   Merkle root, manifest, content hash) vs one AES-256-GCM stream over the input + one SHA-256 of the
 *   ciphertext, fed 1 MiB at a time.
 * decrypt + verify: `data.decryptStream` (manifest check, SHA-256 per chunk against the table, decrypt,
 *   content hash) vs one SHA-256 of the ciphertext + one AES-256-GCM decryption.
 * The SDK also hashes the plaintext once (the manifest's content hash, SHA-256 of the original data),
 * which the bare raw baseline does not: a second baseline adds that same pass ("raw + content hash").
 * "SDK, hash on one thread" is the same SDK code with the content hash kept on the main thread
 * (`setContentHashThread("main")`), i.e. without the hash worker.
 * Cases: 1 MiB in one 1 MiB chunk and in four 256 KiB chunks, 100 MiB in 1 MiB chunks; all functions of a
 * case run in interleaved rounds; ratios are medians over rounds of baseline time ÷ SDK time.
 * Reports medians (MB/s, 10^6 bytes) and ratios; also the full pipeline with zstd, for information.
 * Results go to stdout; docs/data.md ("Measured") records a run.
 */
import { createHash, randomBytes } from "node:crypto";
import os from "node:os";
import { data } from "../sdk/src/index.js";
import { setContentHashThread } from "../sdk/src/data/hasher.js";
import { rawDecrypt, rawEncrypt, sdkDecrypt, sdkEncrypt } from "./data-common.js";

const MiB = 1 << 20;
const quick = process.argv.includes("--quick");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median seconds of `fn` over `runs` runs, after `warmup` unmeasured ones. */
async function time(fn: () => unknown, runs: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return median(xs);
}

const contentHash = (b: Buffer) => createHash("sha256").update(b).digest();

/** The SDK with its content hash on the main thread (as before the hash worker), same code otherwise. */
async function oneThread<T>(fn: () => Promise<T>): Promise<T> {
  setContentHashThread("main");
  try {
    return await fn();
  } finally {
    setContentHashThread("auto");
  }
}

const mbps = (bytes: number, s: number) => bytes / s / 1e6;

/**
 * Seconds per run of every function, measured in interleaved rounds (one run of each per round, after
 * `warmup` unmeasured rounds), so drift in machine load and heap state hits every side alike. (A forced
 * full collection before each run was tried: it leaves the hash worker's core idle between runs and
 * penalises the two-thread path more than anything it evens out.)
 */
async function rounds<K extends string>(fns: Record<K, () => unknown>, runs: number, warmup = 2): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(Object.keys(fns).map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < warmup + runs; i++) {
    for (const k of Object.keys(fns) as K[]) {
      const t = process.hrtime.bigint();
      await fns[k]();
      if (i >= warmup) out[k].push(Number(process.hrtime.bigint() - t) / 1e9);
    }
  }
  return out;
}

/** Median over rounds of baseline time ÷ SDK time (the SDK's throughput as a fraction of the baseline's). */
const ratio = (sdk: number[], base: number[]) => median(sdk.map((s, i) => base[i]! / s));

async function main() {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`# data pipeline benchmark — ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log("| input | chunks | path | SDK MB/s | raw MB/s | **SDK / raw** | SDK, hash on one thread / raw | raw + content hash MB/s | SDK / (raw + content hash) |");
  console.log("|---|---|---|---:|---:|---:|---:|---:|---:|");
  const rows: Record<string, unknown>[] = [];
  for (const [size, chunkSize] of [[MiB, MiB], [MiB, MiB / 4], [100 * MiB, MiB]] as const) {
    const runs = size === MiB ? (quick ? 20 : 100) : quick ? 3 : 9;
    const input = randomBytes(size);
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const raw = rawEncrypt(key, iv, input);
    const ds = await data.encrypt({ data: input, compression: "none", chunkSize });
    const t = await rounds(
      {
        encSdk: () => sdkEncrypt(input, "none", chunkSize),
        encSdk1: () => oneThread(() => sdkEncrypt(input, "none", chunkSize)),
        encRaw: () => rawEncrypt(key, iv, input),
        encRawCh: () => (rawEncrypt(key, iv, input), contentHash(input)),
        decSdk: () => sdkDecrypt(ds),
        decSdk1: () => oneThread(() => sdkDecrypt(ds)),
        decRaw: () => rawDecrypt(key, iv, raw.ct, raw.tag, raw.digest),
        decRawCh: () => {
          const h = createHash("sha256");
          rawDecrypt(key, iv, raw.ct, raw.tag, raw.digest, (pt) => h.update(pt));
          return h.digest();
        },
      },
      runs,
    );
    const label = `${size / MiB} MiB`;
    const chunks = `${ds.manifest.chunkCount} × ${chunkSize >= MiB ? `${chunkSize / MiB} MiB` : `${chunkSize / 1024} KiB`}`;
    for (const [path, sdk, sdk1, r, rc] of [
      ["encrypt + hash", t.encSdk, t.encSdk1, t.encRaw, t.encRawCh],
      ["decrypt + verify", t.decSdk, t.decSdk1, t.decRaw, t.decRawCh],
    ] as const) {
      const f = (xs: number[]) => mbps(size, median(xs)).toFixed(0);
      console.log(`| ${label} | ${chunks} | ${path} | ${f(sdk)} | ${f(r)} | **${ratio(sdk, r).toFixed(2)}** | ${ratio(sdk1, r).toFixed(2)} | ${f(rc)} | ${ratio(sdk, rc).toFixed(2)} |`);
      rows.push({
        size, chunkSize, path, runs,
        sdkMBps: mbps(size, median(sdk)), rawMBps: mbps(size, median(r)), ratio: ratio(sdk, r),
        ratioOneThread: ratio(sdk1, r), rawContentHashMBps: mbps(size, median(rc)), ratioLikeForLike: ratio(sdk, rc),
      });
    }
  }
  // For information: the whole pipeline with zstd on text-like data (compression dominates).
  const text = Buffer.from("2026-11-23T00:00:00Z,GET,https://example.org/page?id=4711,200,text/html,18234\n".repeat((100 * MiB) / 78 + 1)).subarray(0, 100 * MiB);
  if (data.compressionAvailable({ compression: "zstd" })) {
    const runs = quick ? 2 : 5;
    const ds = await data.encrypt({ data: text, compression: "zstd" });
    const enc = await time(() => sdkEncrypt(text, "zstd"), runs, 1);
    const dec = await time(() => sdkDecrypt(ds), runs, 1);
    console.log(`\nzstd pipeline, 100 MiB of CSV-like text (→ ${(ds.manifest.compressedSize / MiB).toFixed(2)} MiB): ` +
      `encrypt ${mbps(text.length, enc).toFixed(0)} MB/s, decrypt ${mbps(text.length, dec).toFixed(0)} MB/s (of plaintext)`);
    rows.push({ size: text.length, path: "zstd text pipeline", encryptMBps: mbps(text.length, enc), decryptMBps: mbps(text.length, dec) });
  }
  if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
}

await main();
