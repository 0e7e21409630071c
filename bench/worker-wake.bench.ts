/**
 * Round trip of a message to a worker thread and back after the worker has idled for a while: what a
 * second thread costs to wake on this machine, the overhead the hash worker (sdk/src/data/hasher.ts)
 * pays per job. Medians of 60 round trips per gap (µs). See docs/data.md "Measured".
 *
 *   npx tsx bench/worker-wake.bench.ts
 */
import { Worker } from "node:worker_threads";

const worker = new Worker(`const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m));`, { eval: true, execArgv: [] });
const roundTrip = () =>
  new Promise<number>((resolve) => {
    const t = process.hrtime.bigint();
    worker.once("message", () => resolve(Number(process.hrtime.bigint() - t) / 1e3));
    worker.postMessage(0);
  });
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

for (let i = 0; i < 50; i++) await roundTrip();
for (const gap of [0, 0.2, 1, 5, 20]) {
  const xs: number[] = [];
  for (let i = 0; i < 60; i++) {
    busy(gap); // this thread works, the worker idles
    xs.push(await roundTrip());
  }
  console.log(`worker idle ${String(gap).padStart(4)} ms, this thread busy: round trip ${median(xs).toFixed(0).padStart(4)} µs`);
}
for (const gap of [1, 5, 20]) {
  const xs: number[] = [];
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, gap)); // both idle
    xs.push(await roundTrip());
  }
  console.log(`both idle   ${String(gap).padStart(4)} ms:                   round trip ${median(xs).toFixed(0).padStart(4)} µs`);
}
await worker.terminate();
