/**
 * Child process of tests/chain/bankrun-start.spec.ts (run with `--expose-gc`): starts a bankrun chain
 * `N` times with ~17 MB of account data each time, forcing a full GC while the native start is still
 * copying that data and letting finalizers run (setImmediate) until it resolves. Through
 * `startBankrunKeepingInputs` it exits 0; through solana-bankrun's own `start` (argv[3] = "library") the
 * finalizers free the data mid-copy and the process dies with SIGSEGV in most runs of 20.
 */
import fs from "node:fs";
import { Keypair, PublicKey } from "@solana/web3.js";
import { start } from "solana-bankrun";
import { deployedSo, startBankrunKeepingInputs } from "../../tools/chain/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const rounds = Number(process.argv[2] ?? 20);
const viaLibrary = process.argv[3] === "library";
const elf = fs.readFileSync(deployedSo("lumora_registry"));

for (let i = 0; i < rounds; i++) {
  const accounts = Array.from({ length: 12 }, () => ({
    address: Keypair.generate().publicKey,
    info: { lamports: 1e12, data: new Uint8Array(elf), owner: PublicKey.default, executable: false },
  }));
  let done = false;
  const pending = (viaLibrary ? start([], accounts) : startBankrunKeepingInputs(accounts)).then((c) => {
    done = true;
    return c;
  });
  gc();
  while (!done) await new Promise((r) => setImmediate(r));
  const ctx = await pending;
  // the bank holds the bytes it was given
  const got = await ctx.banksClient.getAccount(accounts[11]!.address);
  if (!got || Buffer.compare(Buffer.from(got.data), elf) !== 0) throw new Error(`round ${i}: account data differs`);
}
console.log(`${rounds} starts ok`);
