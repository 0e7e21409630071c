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
  /** `["node", node_key]` — a node (one per node key). */
  NODE: Buffer.from("node"),
  /** `["stake", node]` — a node's stake vault (LMR token account owned by the node PDA). */
  STAKE_VAULT: Buffer.from("stake"),
  /** `["authority"]` under the tasks / rewards program — the PDA those programs sign registry CPIs with. */
  CPI_AUTHORITY: Buffer.from("authority"),
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

/** A node: `["node", node_key]` under the registry program. */
export function nodePda(args: { /** The node's ed25519 hot key. */ nodeKey: PublicKey; /** Registry program id. */ programId?: PublicKey }): Pda {
  return derive([REGISTRY_SEEDS.NODE, args.nodeKey.toBuffer()], args.programId ?? PROGRAM_IDS.registry);
}

/** A node's stake vault: `["stake", node]` under the registry program. */
export function stakeVaultPda(args: { /** The node PDA. */ node: PublicKey; /** Registry program id. */ programId?: PublicKey }): Pda {
  return derive([REGISTRY_SEEDS.STAKE_VAULT, args.node.toBuffer()], args.programId ?? PROGRAM_IDS.registry);
}

/**
 * The CPI authority of a Lumora program (`["authority"]` under it): the registry accepts reputation,
 * slash and obligation CPIs only from the tasks program's, metric CPIs only from the rewards program's.
 */
export function cpiAuthorityPda(args: { /** The calling program (tasks or rewards). */ programId: PublicKey }): Pda {
  return derive([REGISTRY_SEEDS.CPI_AUTHORITY], args.programId);
}
