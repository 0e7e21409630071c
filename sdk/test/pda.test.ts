/** `pda.ts` against tests/vectors/seeds.json — the file the programs' `cargo test` checks `seeds.rs` with. */
import fs from "node:fs";
import { expect } from "chai";
import { PublicKey } from "@solana/web3.js";
import { MARKET_SEEDS, REGISTRY_SEEDS, TASKS_SEEDS, bidPda, datasetPda, purchasePda, purchaseVaultPda, configPda, cpiAuthorityPda, nodePda, resultPda, stakeVaultPda, taskPda, taskVaultPda, treasuryPda } from "../src/pda.js";
import { PROGRAM_IDS } from "../src/programs.js";

const V = JSON.parse(fs.readFileSync(new URL("../../tests/vectors/seeds.json", import.meta.url), "utf8"));
type Part = { utf8: string } | { pubkey: string } | { u64le: string } | { u16le: number };
type Entry = { defined_in: string; seed_const: string; program_id: string; seeds: Part[]; address: string; bump: number };
const key = (p: Part) => new PublicKey((p as { pubkey: string }).pubkey);

const derive: Record<string, Record<string, (e: Entry) => { address: PublicKey; bump: number }>> = {
  registry: {
    CONFIG: () => configPda(),
    TREASURY: () => treasuryPda(),
    NODE: (e) => nodePda({ nodeKey: key(e.seeds[1]!) }),
    STAKE_VAULT: (e) => stakeVaultPda({ node: key(e.seeds[1]!) }),
    CPI_AUTHORITY: (e) => cpiAuthorityPda({ programId: new PublicKey(e.program_id) }),
  },
  tasks: {
    TASK: (e) => taskPda({ consumer: key(e.seeds[1]!), taskId: BigInt((e.seeds[2] as { u64le: string }).u64le) }),
    TASK_VAULT: (e) => taskVaultPda({ task: key(e.seeds[1]!) }),
    BID: (e) => bidPda({ task: key(e.seeds[1]!), node: key(e.seeds[2]!) }),
    RESULT: (e) => resultPda({ task: key(e.seeds[1]!), node: key(e.seeds[2]!) }),
    CPI_AUTHORITY: (e) => cpiAuthorityPda({ programId: new PublicKey(e.program_id) }),
  },
  market: {
    DATASET: (e) => datasetPda({ seller: key(e.seeds[1]!), datasetId: BigInt((e.seeds[2] as { u64le: string }).u64le) }),
    PURCHASE: (e) => purchasePda({ dataset: key(e.seeds[1]!), buyer: key(e.seeds[2]!) }),
    PURCHASE_VAULT: (e) => purchaseVaultPda({ purchase: key(e.seeds[1]!) }),
  },
};
const constants: Record<string, Record<string, Buffer>> = { registry: REGISTRY_SEEDS, tasks: TASKS_SEEDS, market: MARKET_SEEDS };

describe("PDAs (shared vectors with the programs' seeds.rs)", () => {
  it("registry program id matches", () => expect(PROGRAM_IDS.registry.toBase58()).to.equal(V.registry_program_id));
  for (const program of Object.keys(derive)) {
    it(`every ${program} seed constant has vectors, and each derives its address and bump`, () => {
      const entries = (V.pdas as Entry[]).filter((e) => e.defined_in === program);
      expect(Object.keys(constants[program]!).sort()).to.deep.equal([...new Set(entries.map((e) => e.seed_const))].sort());
      for (const e of entries) {
        expect(constants[program]![e.seed_const]!.toString("utf8")).to.equal((e.seeds[0] as { utf8: string }).utf8);
        const got = derive[program]![e.seed_const]!(e);
        expect(got.address.toBase58(), `${program}.${e.seed_const}`).to.equal(e.address);
        expect(got.bump, `${program}.${e.seed_const}`).to.equal(e.bump);
      }
    });
  }
  it("program id overrides derive under the other id", () => {
    const other = new PublicKey("11111111111111111111111111111112");
    expect(configPda({ programId: other }).address.toBase58()).to.not.equal(configPda().address.toBase58());
  });
});
