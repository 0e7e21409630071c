/**
 * Writes tests/vectors/seeds.json: every PDA seed constant of the programs with sample inputs and the
 * derived address + bump (web3.js `findProgramAddressSync`). `cargo test` re-derives each with the
 * program's `seeds.rs` constants; sdk/test/pda.test.ts with `pda.ts`.
 *   npx tsx tests/vectors/gen_seeds.ts
 */
import fs from "node:fs";
import { createHash } from "node:crypto";
import { PublicKey } from "@solana/web3.js";

const REGISTRY = new PublicKey("BQojAHzcMzsvm9j3cbcxYWHCATphZfxeaLF84kFVnRZP");
const TASKS = new PublicKey("F8B759NWhrJCnR4dgSgN77k2EK9DTkQDiEF4waQM9p3x");
const REWARDS = new PublicKey("6i7rAndt5kU3WSDnfU9sbpNTzCCendx1ULKV3QH3rZLn");
const sampleKey = new PublicKey(createHash("sha256").update("lumora-seed-vector-node-key").digest());

/** A seed part: the constant (utf8), a public key, or a little-endian integer. */
type Part = { utf8: string } | { pubkey: string } | { u64le: string } | { u16le: number };
/** `defined_in`: the program whose seeds.rs holds the constant (its cargo test checks the entry). */
const entries: { defined_in: string; seed_const: string; program_id: string; seeds: Part[]; address: string; bump: number }[] = [];
function bytesOf(p: Part): Buffer {
  if ("utf8" in p) return Buffer.from(p.utf8);
  if ("pubkey" in p) return new PublicKey(p.pubkey).toBuffer();
  const b = Buffer.alloc("u64le" in p ? 8 : 2);
  if ("u64le" in p) b.writeBigUInt64LE(BigInt(p.u64le));
  else b.writeUInt16LE(p.u16le);
  return b;
}
function add(definedIn: string, seedConst: string, programId: PublicKey, seeds: Part[]) {
  const [address, bump] = PublicKey.findProgramAddressSync(seeds.map(bytesOf), programId);
  entries.push({ defined_in: definedIn, seed_const: seedConst, program_id: programId.toBase58(), seeds, address: address.toBase58(), bump });
  return address;
}
add("registry", "CONFIG", REGISTRY, [{ utf8: "config" }]);
add("registry", "TREASURY", REGISTRY, [{ utf8: "treasury" }]);
const node = add("registry", "NODE", REGISTRY, [{ utf8: "node" }, { pubkey: sampleKey.toBase58() }]);
add("registry", "STAKE_VAULT", REGISTRY, [{ utf8: "stake" }, { pubkey: node.toBase58() }]);
add("registry", "CPI_AUTHORITY", TASKS, [{ utf8: "authority" }]);
add("registry", "CPI_AUTHORITY", REWARDS, [{ utf8: "authority" }]);
const consumer = new PublicKey(createHash("sha256").update("lumora-seed-vector-consumer").digest());
const task = add("tasks", "TASK", TASKS, [{ utf8: "task" }, { pubkey: consumer.toBase58() }, { u64le: "18446744073709551615" }]);
add("tasks", "TASK_VAULT", TASKS, [{ utf8: "task_vault" }, { pubkey: task.toBase58() }]);
add("tasks", "BID", TASKS, [{ utf8: "bid" }, { pubkey: task.toBase58() }, { pubkey: node.toBase58() }]);
add("tasks", "RESULT", TASKS, [{ utf8: "result" }, { pubkey: task.toBase58() }, { pubkey: node.toBase58() }]);
add("tasks", "CPI_AUTHORITY", TASKS, [{ utf8: "authority" }]);
// market program (programs/lumora_market/src/seeds.rs), checked by programs/lumora_market/tests/seeds.rs
const MARKET = new PublicKey("EWgUsfTdNu2my94yUTq1bgvbVhopy1Jis6i8bXkTdNts");
const seller = new PublicKey(createHash("sha256").update("lumora-seed-vector-seller").digest());
const buyer = new PublicKey(createHash("sha256").update("lumora-seed-vector-buyer").digest());
const dataset = add("market", "DATASET", MARKET, [{ utf8: "dataset" }, { pubkey: seller.toBase58() }, { u64le: "18446744073709551615" }]);
const purchase = add("market", "PURCHASE", MARKET, [{ utf8: "purchase" }, { pubkey: dataset.toBase58() }, { pubkey: buyer.toBase58() }]);
add("market", "PURCHASE_VAULT", MARKET, [{ utf8: "purchase_vault" }, { pubkey: purchase.toBase58() }]);

// rewards program (programs/lumora_rewards/src/seeds.rs): its own list, checked by
// programs/lumora_rewards/tests/seeds.rs and sdk/test/rewards.test.ts
const registryEntries = entries.splice(0);
const u64le = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };
const u16le = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
type RawPart = { utf8: string } | { pubkey: string } | { u64_le: string } | { u16_le: number };
const rewardsEntries: { seed_const: string; program_id: string; seeds: RawPart[]; address: string; bump: number }[] = [];
function addRewards(seedConst: string, seeds: RawPart[]) {
  const bytes = seeds.map((p) => ("utf8" in p ? Buffer.from(p.utf8) : "pubkey" in p ? new PublicKey(p.pubkey).toBuffer() : "u64_le" in p ? u64le(BigInt(p.u64_le)) : u16le(p.u16_le)));
  const [address, bump] = PublicKey.findProgramAddressSync(bytes, REWARDS);
  rewardsEntries.push({ seed_const: seedConst, program_id: REWARDS.toBase58(), seeds, address: address.toBase58(), bump });
  return address;
}
const epoch = addRewards("EPOCH", [{ utf8: "epoch" }, { u64_le: "20415" }]);
addRewards("VAULT", [{ utf8: "vault" }, { pubkey: epoch.toBase58() }]);
addRewards("EPOCH_SHARD", [{ utf8: "epoch_shard" }, { pubkey: epoch.toBase58() }, { u16_le: 513 }]);
addRewards("SHARD_VAULT", [{ utf8: "shard_vault" }, { pubkey: epoch.toBase58() }, { u16_le: 513 }]);
addRewards("CONTRIBUTION", [{ utf8: "contribution" }, { pubkey: epoch.toBase58() }, { pubkey: node.toBase58() }]);
addRewards("VERIFIER_ROOT", [{ utf8: "verifier_root" }, { pubkey: epoch.toBase58() }, { pubkey: node.toBase58() }]);
addRewards("CPI_AUTHORITY", [{ utf8: "authority" }]);
entries.push(...registryEntries);

const out = {
  comment: "generated by tests/vectors/gen_seeds.ts; read by programs/*/tests/seeds.rs and sdk/test/pda.test.ts",
  registry_program_id: REGISTRY.toBase58(),
  pdas: entries,
  rewards_pdas: rewardsEntries,
};
fs.writeFileSync(new URL("./seeds.json", import.meta.url), JSON.stringify(out, null, 2) + "\n");
console.log(`${entries.length} PDAs`);
