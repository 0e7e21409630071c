/**
 * Protocol initialisation, shared by the embedded chain (tools/chain/localnet.ts: the demo and the
 * client tests), deploy.ts and a real cluster: creates the LMR mint (unless one is given), initialises
 * the registry config and the treasury through the SDK, and optionally opens the first rewards epoch. The programs must already be deployed with `deployer` as upgrade authority.
 */
import anchor, { type Provider } from "@coral-xyz/anchor";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { type ConfigParams, LumoraClient, epochIndex, fetchChainTime, validateConfigParams } from "../sdk/src/index.js";
import { createMint } from "../tools/chain/spl.js";

// @coral-xyz/anchor is CommonJS; Node's ESM loader cannot see its `BN` re-export as a named import
const { BN } = anchor;

/** Launch parameters (`ConfigParams`: the registry program's `state/config.rs` documents each field; bounds in sdk/src/config.ts and tests/vectors/config_bounds.json). */
export function launchParams(): ConfigParams {
  return {
    weights: { alphaBps: 5_000, betaBps: 3_000, gammaBps: 2_000 },
    bMaxKbps: new BN(1_000_000), // 1 Gbps reference bandwidth
    epochLengthSecs: 86_400, // daily reward epochs
    claimWindowSecs: 30 * 86_400,
    minStake: new BN(1_000).mul(new BN(1_000_000)), // 1 000 LMR (6 decimals)
    unstakeCooldownSecs: 7 * 86_400,
    repInitial: 5_000,
    repKUpBps: 500,
    repKDownBps: 2_000,
    jailThreshold: 2_000,
    slashBps: 1_000,
    protocolFeeBps: 250,
    verifierDraws: 7, // k: verifier slots drawn per provider per epoch (docs/rewards.md §3.1)
    // ρ: a provider's credit per epoch ≤ stake × 540 bytes per base unit — the minimum stake (1,000 LMR)
    // backs 50 Mbps live all day (50e6 / 8 × 86,400 = 5.4e11 bytes); docs/rewards.md §3.4
    creditPerStakeUnit: 540,
    // q: a provider's credit is the 3rd largest of its 7 drawn verifiers' totals (docs/rewards.md §3.4:
    // k = 7, q = 3 was the economic simulation's choice with the stake bound on)
    creditQuorum: 3,
    // roots and credits within 12 h of an epoch's end; the epoch closes after it
    creditWindowSecs: 43_200,
  };
}

export interface InitResult {
  lmrMint: PublicKey;
  signature: string;
}

export async function initializeProtocol(args: {
  provider: Provider;
  /** Upgrade authority of the registry program (signs init_config). */
  deployer: Keypair;
  /** Governance admin recorded in the config. */
  admin: PublicKey;
  /** Existing LMR mint; when absent a new one is created with `deployer` as mint authority. */
  lmrMint?: PublicKey;
  shardCount?: number;
  params?: ConfigParams;
  /** Also open the rewards epoch of the chain's current time (permissionless; nodes' coordinators do it later otherwise). */
  openFirstEpoch?: boolean;
}): Promise<InitResult> {
  const params = args.params ?? launchParams();
  validateConfigParams(params);
  const lmrMint =
    args.lmrMint ?? (await createMint(args.provider, { mint: Keypair.generate(), authority: args.deployer.publicKey, decimals: 6 }));
  const client = new LumoraClient({ provider: args.provider });
  const signature = await client.registry.initConfig({
    authority: args.deployer,
    admin: args.admin,
    lmrMint,
    shardCount: args.shardCount ?? 16,
    params,
  });
  if (args.openFirstEpoch) {
    const now = await fetchChainTime({ connection: args.provider.connection });
    await client.rewards.openEpoch({ index: epochIndex({ unixTs: now, epochLengthSecs: params.epochLengthSecs }) });
  }
  return { lmrMint, signature };
}
