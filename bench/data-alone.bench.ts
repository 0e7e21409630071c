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
import { randomBytes } from "node:crypto";
import { data } from "../sdk/src/index.js";
import { rawDecrypt, rawEncrypt, sdkDecrypt, sdkEncrypt } from "./data-common.js";

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
const { ct, tag, digest } = rawEncrypt(key, iv, input);
const ds = which.startsWith("decrypt") ? await data.encrypt({ data: input, compression: "none" }) : null;

const run: Record<string, () => unknown> = {
  "raw-encrypt": () => rawEncrypt(key, iv, input, { keepCiphertext: false }),
  "raw-decrypt": () => rawDecrypt(key, iv, ct, tag, digest),
  encrypt: () => sdkEncrypt(input, "none"),
  decrypt: () => sdkDecrypt(ds!),
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
