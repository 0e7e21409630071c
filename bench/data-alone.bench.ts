/**
 * One data-pipeline function measured alone in a fresh process: 100 MiB (BENCH_MIB), 2 warm-up runs, 5
 * measured (BENCH_RUNS), mean ms per run, minor page faults per MiB and CPU ms per run. Complements
 * bench/data.bench.ts, whose interleaved rounds run every function in one process (heap and page state
 * shared between them); see docs/data.md "Measured".
 *
 *   for f in raw-encrypt encrypt encrypt-one-thread raw-decrypt decrypt decrypt-one-thread; do
 *     npx tsx bench/data-alone.bench.ts $f; done
 *
 * raw-*: one AES-256-GCM stream + one SHA-256 of the ciphertext, 1 MiB at a time (as data.bench.ts).
 * encrypt / decrypt: the SDK (compression none, 1 MiB chunks), content hash where `auto` puts it;
 * *-one-thread: the same with `setContentHashThread("main")`.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { data } from "../sdk/src/index.js";

const which = process.argv[2] ?? "";
const fns = ["raw-encrypt", "encrypt", "encrypt-one-thread", "raw-decrypt", "decrypt", "decrypt-one-thread"];
if (!fns.includes(which)) {
  console.error(`usage: data-alone.bench.ts <${fns.join("|")}>`);
  process.exit(2);
}
const MiB = 1 << 20;
const size = Number(process.env.BENCH_MIB ?? 100) * MiB;
const runs = Number(process.env.BENCH_RUNS ?? 5);
if (which.endsWith("-one-thread")) data.setContentHashThread("main");

const input = randomBytes(size);
const key = randomBytes(32);
const iv = randomBytes(12);
const enc = createCipheriv("aes-256-gcm", key, iv);
const ct: Buffer[] = [];
for (let off = 0; off < size; off += MiB) ct.push(enc.update(input.subarray(off, off + MiB)));
enc.final();
const tag = enc.getAuthTag();
const ds = which.startsWith("decrypt") ? await data.encrypt({ data: input, compression: "none" }) : null;

const run: Record<string, () => unknown> = {
  "raw-encrypt": () => {
    const c = createCipheriv("aes-256-gcm", key, iv);
    const h = createHash("sha256");
    for (let off = 0; off < size; off += MiB) h.update(c.update(input.subarray(off, off + MiB)));
    c.final();
    return h.update(c.getAuthTag()).digest();
  },
  "raw-decrypt": () => {
    const h = createHash("sha256");
    for (const piece of ct) h.update(piece);
    h.update(tag).digest();
    const d = createDecipheriv("aes-256-gcm", key, iv);
    d.setAuthTag(tag);
    for (const piece of ct) d.update(piece);
    d.final();
  },
  encrypt: async () => {
    const s = data.encryptStream({ source: [input], compression: "none" });
    for await (const c of s.chunks) void c;
    return s.result;
  },
  decrypt: async () => {
    let n = 0;
    for await (const p of data.decryptStream({ manifest: ds!.manifestBytes, key: ds!.key, chunks: ds!.chunks, chunkHashes: ds!.chunkHashes })) n += p.length;
    return n;
  },
};
const fn = run[which.replace("-one-thread", "")]!;
for (let i = 0; i < 2; i++) await fn();
const before = process.resourceUsage();
const t = process.hrtime.bigint();
for (let i = 0; i < runs; i++) await fn();
const ms = Number(process.hrtime.bigint() - t) / 1e6 / runs;
const after = process.resourceUsage();
const cpu = (u: NodeJS.ResourceUsage) => u.userCPUTime + u.systemCPUTime;
console.log(
  `${which.padEnd(20)} ${ms.toFixed(1).padStart(7)} ms per ${size / MiB} MiB  (${(size / 1e6 / (ms / 1e3)).toFixed(0)} MB/s)  ` +
    `faults/MiB ${((after.minorPageFault - before.minorPageFault) / ((runs * size) / MiB)).toFixed(0)}  CPU ${((cpu(after) - cpu(before)) / 1e3 / runs).toFixed(0)} ms`,
);
process.exit(0);
