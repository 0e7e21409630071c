/**
 * The README's main command (for now): deploys the four Lumora programs into the embedded chain
 * (bankrun by default, `--vm litesvm` for the current runtime), creates the LMR mint, initialises the
 * config and the treasury, and prints the resulting on-chain state. The full demo (issue 11) grows
 * from here.
 *   tsx migrations/deploy.ts [--vm bankrun|litesvm] [--json]
 */
import fs from "node:fs";
import { Keypair, PublicKey } from "@solana/web3.js";
import { AccountLayout } from "@solana/spl-token";
import { LumoraClient, PROGRAM_IDS } from "../sdk/src/index.js";
import { type TxMeta, type VmKind, deployedSo, startChain } from "../tools/chain/index.js";
import { initializeProtocol } from "./init.js";

const argv = process.argv.slice(2);
const vm = (argv.includes("--vm") ? argv[argv.indexOf("--vm") + 1] : "bankrun") as VmKind;
const json = argv.includes("--json");
if (vm !== "bankrun" && vm !== "litesvm") throw new Error(`--vm must be bankrun or litesvm, got ${vm}`);

const deployer = Keypair.generate();
const admin = Keypair.generate();
const txs: TxMeta[] = [];
const programs = (["registry", "tasks", "rewards", "market"] as const).map((p) => ({
  name: `lumora_${p}`,
  programId: PROGRAM_IDS[p],
  soPath: deployedSo(`lumora_${p}`),
}));

const t0 = performance.now();
const chain = await startChain({
  kind: vm,
  programs,
  upgradeAuthority: deployer.publicKey,
  // the deployer pays for the config and the treasury
  accounts: [{ address: deployer.publicKey, lamports: 100 * 1e9, data: new Uint8Array(), owner: PublicKey.default }],
  onTransaction: (m) => txs.push(m),
});
const { lmrMint, signature } = await initializeProtocol({ provider: chain.provider, deployer, admin: admin.publicKey });
const client = new LumoraClient({ provider: chain.provider });
const config = (await client.registry.fetchConfig())!;
const treasury = AccountLayout.decode((await chain.getAccount(config.treasury))!.data);
const initTx = txs.find((t) => t.signature === signature)!;

const state = {
  chain: vm,
  programs: programs.map((p) => ({ name: p.name, programId: p.programId.toBase58(), soBytes: fs.statSync(p.soPath).size })),
  lmrMint: lmrMint.toBase58(),
  config: {
    address: client.registry.configAddress().toBase58(),
    admin: config.admin.toBase58(),
    paused: config.paused,
    shardCount: config.shardCount,
    treasury: config.treasury.toBase58(),
    treasuryOwner: treasury.owner.toBase58(),
    treasuryBalance: treasury.amount.toString(),
    weightsBps: config.params.weights,
    bMaxKbps: config.params.bMaxKbps.toString(),
    epochLengthSecs: config.params.epochLengthSecs,
    minStake: config.params.minStake.toString(),
    protocolFeeBps: config.params.protocolFeeBps,
  },
  initConfig: { signature, computeUnits: initTx.computeUnits, txBytes: initTx.size },
  elapsedMs: Math.round(performance.now() - t0),
};

if (json) {
  console.log(JSON.stringify(state, null, 2));
} else {
  console.log(`Lumora on the embedded chain (${vm})`);
  for (const p of state.programs) console.log(`  ${p.name.padEnd(16)} ${p.programId}  ${p.soBytes.toLocaleString("en")} bytes`);
  console.log(`  LMR mint         ${state.lmrMint}`);
  console.log(`config ${state.config.address}`);
  for (const [k, v] of Object.entries(state.config)) if (k !== "address") console.log(`  ${k.padEnd(16)} ${typeof v === "object" ? JSON.stringify(v) : v}`);
  console.log(`init_config: ${state.initConfig.computeUnits} CU, ${state.initConfig.txBytes} bytes; done in ${state.elapsedMs} ms`);
}
