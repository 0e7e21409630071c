/**
 * Every PDA of the Lumora programs. One function per seed constant of the programs' `seeds.rs`,
 * mirrored one-for-one (same names, same order of seed parts); pinned by `tests/vectors/seeds.json`.
 * @module
 */
import { PublicKey } from "@solana/web3.js";
import { BPF_LOADER_UPGRADEABLE_ID, PROGRAM_IDS } from "./programs.js";

/** Seed constants of `programs/lumora_registry/src/seeds.rs`. */
export const REGISTRY_SEEDS = Object.freeze({
  /** `["config"]` — the singleton protocol config. */
  CONFIG: Buffer.from("config"),
  /** `["treasury"]` — the LMR token account owned by the config PDA. */
  TREASURY: Buffer.from("treasury"),
});

/** A derived address and its canonical bump. */
export interface Pda {
  /** The program-derived address. */
  address: PublicKey;
  /** Its canonical bump. */
  bump: number;
}

function derive(seeds: Buffer[], programId: PublicKey): Pda {
  const [address, bump] = PublicKey.findProgramAddressSync(seeds, programId);
  return { address, bump };
}

/** The protocol config: `["config"]` under the registry program. */
export function configPda(args: { /** Registry program id (default: the declared one). */ programId?: PublicKey } = {}): Pda {
  return derive([REGISTRY_SEEDS.CONFIG], args.programId ?? PROGRAM_IDS.registry);
}

/** The protocol treasury token account: `["treasury"]` under the registry program. */
export function treasuryPda(args: { /** Registry program id (default: the declared one). */ programId?: PublicKey } = {}): Pda {
  return derive([REGISTRY_SEEDS.TREASURY], args.programId ?? PROGRAM_IDS.registry);
}

/** The program-data account of an upgradeable program: `[programId]` under the upgradeable loader. */
export function programDataPda(args: { /** The program whose program-data account to derive. */ programId: PublicKey }): Pda {
  return derive([args.programId.toBuffer()], BPF_LOADER_UPGRADEABLE_ID);
}
