// Child for test/store.test.ts: opens the store at argv[2] and adds argv[3] probes to one provider's
// tally (read-modify-write in one transaction), printing the probe count after each. Two of these run
// at once to prove concurrent writers never lose an update across processes.
import { writeSync } from "node:fs";
import { tallyAdd } from "@lumora/network";
import { NodeStore } from "../src/store/index.js";

const [dbPath, countArg] = process.argv.slice(2);
if (!dbPath || !countArg) throw new Error("usage: store-seq.child.ts <db> <count>");
const store = NodeStore.open(dbPath);
for (let i = 0; i < Number(countArg); i++) {
  const probes = store.tx(() => {
    const t = tallyAdd(store.tallies.get(7n, "provider-Q"), { bytes: 1024, durationMs: 10, rttMs: 3, rateBps: 102_400 });
    store.tallies.put(7n, "provider-Q", t);
    return t.probes;
  });
  writeSync(1, `${probes}\n`);
}
store.close();
