// Child for test/store.test.ts: opens the store at argv[2] and reserves argv[3] verifier seqs for one
// provider, printing each. Two of these run at once to prove reservations never collide across processes.
import { writeSync } from "node:fs";
import { NodeStore } from "../src/store/index.js";

const [dbPath, countArg] = process.argv.slice(2);
if (!dbPath || !countArg) throw new Error("usage: store-seq.child.ts <db> <count>");
const store = NodeStore.open(dbPath);
for (let i = 0; i < Number(countArg); i++) writeSync(1, `${store.verifier.reserve("provider-Q")}\n`);
store.close();
