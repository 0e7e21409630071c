/** `pda.ts` against tests/vectors/seeds.json — the file the programs' `cargo test` checks `seeds.rs` with. */
import fs from "node:fs";
import { expect } from "chai";
import { PublicKey } from "@solana/web3.js";
import { REGISTRY_SEEDS, configPda, cpiAuthorityPda, nodePda, stakeVaultPda, treasuryPda } from "../src/pda.js";
import { PROGRAM_IDS } from "../src/programs.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/seeds.json", import.meta.url), "utf8"));
type Entry = { seed_const: keyof typeof REGISTRY_SEEDS; program_id: string; seeds: ({ utf8: string } | { pubkey: string })[]; address: string; bump: number };

const derive: Record<keyof typeof REGISTRY_SEEDS, (e: Entry) => { address: PublicKey; bump: number }> = {
  CONFIG: () => configPda(),
  TREASURY: () => treasuryPda(),
  NODE: (e) => nodePda({ nodeKey: new PublicKey((e.seeds[1] as { pubkey: string }).pubkey) }),
  STAKE_VAULT: (e) => stakeVaultPda({ node: new PublicKey((e.seeds[1] as { pubkey: string }).pubkey) }),
  CPI_AUTHORITY: (e) => cpiAuthorityPda({ programId: new PublicKey(e.program_id) }),
};

describe("PDAs (shared vectors with the programs' seeds.rs)", () => {
  it("registry program id matches", () => expect(PROGRAM_IDS.registry.toBase58()).to.equal(V.registry_program_id));
  it("every seed constant has vectors, and each derives its address and bump", () => {
    expect(Object.keys(REGISTRY_SEEDS).sort()).to.deep.equal([...new Set(V.pdas.map((p: Entry) => p.seed_const))].sort());
    for (const e of V.pdas as Entry[]) {
      expect(REGISTRY_SEEDS[e.seed_const].toString("utf8")).to.equal((e.seeds[0] as { utf8: string }).utf8);
      const got = derive[e.seed_const](e);
      expect(got.address.toBase58(), e.seed_const).to.equal(e.address);
      expect(got.bump, e.seed_const).to.equal(e.bump);
    }
  });
  it("program id overrides derive under the other id", () => {
    const other = new PublicKey("11111111111111111111111111111112");
    expect(configPda({ programId: other }).address.toBase58()).to.not.equal(configPda().address.toBase58());
  });
});
