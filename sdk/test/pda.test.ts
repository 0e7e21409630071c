/** `pda.ts` against tests/vectors/seeds.json — the file the programs' `cargo test` checks `seeds.rs` with. */
import fs from "node:fs";
import { expect } from "chai";
import { PublicKey } from "@solana/web3.js";
import { REGISTRY_SEEDS, configPda, treasuryPda } from "../src/pda.js";
import { PROGRAM_IDS } from "../src/programs.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/seeds.json", import.meta.url), "utf8"));

describe("PDAs (shared vectors with the programs' seeds.rs)", () => {
  it("registry program id matches", () => expect(PROGRAM_IDS.registry.toBase58()).to.equal(V.registry.program_id));
  it("every registry seed constant has a vector and derives its address", () => {
    const derive: Record<string, () => { address: PublicKey; bump: number }> = { CONFIG: configPda, TREASURY: treasuryPda };
    expect(Object.keys(REGISTRY_SEEDS).sort()).to.deep.equal(V.registry.pdas.map((p: { seed_const: string }) => p.seed_const).sort());
    for (const p of V.registry.pdas) {
      expect(REGISTRY_SEEDS[p.seed_const as keyof typeof REGISTRY_SEEDS].toString("utf8")).to.equal(p.seeds_utf8[0]);
      const got = derive[p.seed_const]!();
      expect(got.address.toBase58(), p.seed_const).to.equal(p.address);
      expect(got.bump).to.equal(p.bump);
    }
  });
  it("program id overrides derive under the other id", () => {
    const other = new PublicKey("11111111111111111111111111111112");
    expect(configPda({ programId: other }).address.toBase58()).to.not.equal(V.registry.pdas[0].address);
  });
});
