// Crash child for test/store.test.ts: a daemon-shaped writer the parent kills with SIGKILL at random
// points. Each iteration i journals one on-chain step exactly like the daemon must:
//   A  one transaction: hold a verifier's signed total, plan intent `<kind>:task-i`, count metrics
//   B  sign (fresh random signature, tx bytes) and persist BEFORE sending
//   C  "send": append `key signature` to the fake chain file, then markSent
//   D  one transaction: confirm at the chain slot, add a probe to the verifier's tally, count metrics
// After each committed step it prints "<step> <i>" with a synchronous write. On start it resumes every
// pending intent with recoveryAction() against the fake chain (never re-signing a signed step).
// argv: <db> <chain> <until: iterations to finish, or -1 to run until killed>
import { randomBytes } from "node:crypto";
import { appendFileSync, writeSync } from "node:fs";
import { tallyAdd } from "@lumora/network";
import { NodeStore, recoveryAction, type Intent } from "../src/store/index.js";
import {
  CRASH_EPOCH,
  CRASH_PROVIDER,
  bytesOf,
  keyOf,
  kindOf,
  messageOf,
  readChain,
  signatureOf,
  txOf,
  verifierOf,
} from "./store-crash.fixture.js";

const [dbPath, chainPath, untilArg] = process.argv.slice(2);
if (!dbPath || !chainPath || !untilArg) throw new Error("usage: store-crash.child.ts <db> <chain> <until>");
const until = Number(untilArg);
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};

const store = NodeStore.open(dbPath);
say("ready");

const indexOf = (key: string): number => Number(key.slice(key.lastIndexOf("-") + 1));

function planStep(i: number): void {
  store.tx(() => {
    store.totals.hold({ epoch: CRASH_EPOCH, verifier: verifierOf(i), liveMs: i, bytes: bytesOf(i), message: messageOf(i), signature: signatureOf(i) });
    store.outbox.plan({ kind: kindOf(i), key: keyOf(i), payload: { task: `task-${i}`, epoch: CRASH_EPOCH.toString() } });
    store.metrics.add(CRASH_EPOCH, { totalsReceived: 1n, bytesServed: bytesOf(i) });
  });
  say(`A ${i}`);
}

function signStep(i: number): Intent {
  const signature = randomBytes(32).toString("hex");
  const height = BigInt(readChain(chainPath).height);
  const it = store.outbox.sign(keyOf(i), { signature, tx: txOf(keyOf(i), signature), lastValidBlockHeight: height + 1_000_000n });
  say(`B ${i}`);
  return it;
}

function sendStep(i: number, it: Intent): void {
  appendFileSync(chainPath, `${it.key} ${it.signed!.signature}\n`);
  store.outbox.markSent(it.key);
  say(`C ${i}`);
}

function confirmStep(i: number, slot: bigint): void {
  store.tx(() => {
    store.outbox.confirm(keyOf(i), { slot });
    store.tallies.put(CRASH_EPOCH, CRASH_PROVIDER, tallyAdd(store.tallies.get(CRASH_EPOCH, CRASH_PROVIDER), { bytes: 1024, durationMs: 10, rttMs: 3, rateBps: 102_400 }));
    store.metrics.add(CRASH_EPOCH, { tasksDone: 1n });
  });
  say(`D ${i}`);
}

function landedSlot(signature: string): bigint {
  const slot = readChain(chainPath).slots.get(signature);
  if (slot === undefined) throw new Error(`${signature} did not land`);
  return BigInt(slot);
}

function drive(i: number, from: Intent): void {
  let it = from;
  for (;;) {
    const chain = readChain(chainPath);
    const status = it.signed && chain.slots.has(it.signed.signature) ? { slot: BigInt(chain.slots.get(it.signed.signature)!), err: null } : null;
    const action = recoveryAction(it, { blockHeight: BigInt(chain.height), status });
    switch (action.action) {
      case "sign":
        it = signStep(i);
        sendStep(i, it);
        confirmStep(i, landedSlot(it.signed!.signature));
        return;
      case "rebroadcast":
        say(`R ${i} rebroadcast`);
        sendStep(i, it);
        it = store.outbox.require(it.key);
        continue;
      case "confirm":
        say(`R ${i} confirm-from-${it.state}`);
        confirmStep(i, action.slot);
        return;
      case "fail":
      case "replan":
        throw new Error(`unexpected recovery action ${action.action} for ${it.key}`);
    }
  }
}

// Resume whatever a previous run left open.
for (const it of store.outbox.pending()) {
  say(`R ${indexOf(it.key)} resume-${it.state}`);
  drive(indexOf(it.key), it);
}

const planned = Object.values(store.outbox.counts()).reduce((a, b) => a + b, 0);
for (let i = planned; until < 0 || i < until; i++) {
  planStep(i);
  drive(i, store.outbox.require(keyOf(i)));
}
store.close();
say("done");
