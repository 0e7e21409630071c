import { Program, type Provider } from "@coral-xyz/anchor";
import type { PublicKey } from "@solana/web3.js";
import { lumoraRegistryIdl, type LumoraRegistry } from "../idl/index.js";
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
