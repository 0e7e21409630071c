import { Program, type Provider } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { lumoraMarketIdl, type LumoraMarket, lumoraRegistryIdl, type LumoraRegistry, lumoraTasksIdl, type LumoraTasks } from "../idl/index.js";
import { PROGRAM_IDS } from "../programs.js";

/**
 * Anchor `Program` of the registry under a given id. Builders never send: without a provider they get
 * an inert one (instruction encoding needs none), so they run in a browser or offline signer.
 * @internal
 */
export function registryProgram(args: { programId?: PublicKey; provider?: Provider } = {}): Program<LumoraRegistry> {
  const programId = args.programId ?? PROGRAM_IDS.registry;
  const idl = programId.equals(PROGRAM_IDS.registry)
    ? lumoraRegistryIdl
    : ({ ...lumoraRegistryIdl, address: programId.toBase58() } as LumoraRegistry);
  return new Program<LumoraRegistry>(idl, args.provider ?? ({} as Provider));
}

/** Anchor `Program` of the tasks program under a given id (see {@link registryProgram}). @internal */
export function tasksProgram(args: { programId?: PublicKey; provider?: Provider } = {}): Program<LumoraTasks> {
  const programId = args.programId ?? PROGRAM_IDS.tasks;
  const idl = programId.equals(PROGRAM_IDS.tasks) ? lumoraTasksIdl : ({ ...lumoraTasksIdl, address: programId.toBase58() } as LumoraTasks);
  return new Program<LumoraTasks>(idl, args.provider ?? ({} as Provider));
}

/** Anchor `Program` of the market program under a given id (see {@link registryProgram}). @internal */
export function marketProgram(args: { programId?: PublicKey; provider?: Provider } = {}): Program<LumoraMarket> {
  const programId = args.programId ?? PROGRAM_IDS.market;
  const idl = programId.equals(PROGRAM_IDS.market) ? lumoraMarketIdl : ({ ...lumoraMarketIdl, address: programId.toBase58() } as LumoraMarket);
  return new Program<LumoraMarket>(idl, args.provider ?? ({} as Provider));
}
