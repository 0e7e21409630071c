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
import { LumoraClient, PROGRAM_IDS, ROLES, type NodeProfile } from "../sdk/src/index.js";
import { BN } from "../sdk/src/bn.js";
import { fundTokens } from "../tools/chain/spl.js";
import { type TxMeta, type VmKind, deployedSo, startChain } from "../tools/chain/index.js";
import { initializeProtocol } from "./init.js";

const argv = process.argv.slice(2);
const vm = (argv.includes("--vm") ? argv[argv.indexOf("--vm") + 1] : "bankrun") as VmKind;
const json = argv.includes("--json");
if (vm !== "bankrun" && vm !== "litesvm") throw new Error(`--vm must be bankrun or litesvm, got ${vm}`);

const deployer = Keypair.generate();
const admin = Keypair.generate();
const operators = [Keypair.generate(), Keypair.generate()];
/** Demo nodes: different roles, places and capacities (lat/lon in micro-degrees). */
const NODES: { name: string; operator: number; profile: NodeProfile }[] = [
  { name: "berlin-provider", operator: 0, profile: { roles: ROLES.PROVIDER | ROLES.VERIFIER, latE6: 52_520_008, lonE6: 13_404_954, declaredBandwidthKbps: new BN(1_000_000), bandwidthCapKbps: new BN(800_000), multiaddr: "/ip4/127.0.0.1/tcp/4101" } },
  { name: "paris-executor", operator: 0, profile: { roles: ROLES.EXECUTOR, latE6: 48_856_613, lonE6: 2_352_222, declaredBandwidthKbps: new BN(500_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/127.0.0.1/tcp/4102" } },
  { name: "tokyo-verifier", operator: 1, profile: { roles: ROLES.VERIFIER, latE6: 35_676_192, lonE6: 139_650_311, declaredBandwidthKbps: new BN(200_000), bandwidthCapKbps: new BN(0), multiaddr: "/ip4/127.0.0.1/tcp/4103" } },
  { name: "saopaulo-all", operator: 1, profile: { roles: ROLES.PROVIDER | ROLES.EXECUTOR | ROLES.VERIFIER, latE6: -23_550_520, lonE6: -46_633_309, declaredBandwidthKbps: new BN(300_000), bandwidthCapKbps: new BN(250_000), multiaddr: "/ip4/127.0.0.1/tcp/4104" } },
];
const nodeKeys = NODES.map(() => Keypair.generate());
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
  accounts: [deployer, ...operators].map((k) => ({ address: k.publicKey, lamports: 100 * 1e9, data: new Uint8Array(), owner: PublicKey.default })),
  onTransaction: (m) => txs.push(m),
});
const { lmrMint, signature } = await initializeProtocol({ provider: chain.provider, deployer, admin: admin.publicKey });
const client = new LumoraClient({ provider: chain.provider });
const config = (await client.registry.fetchConfig())!;

// operators get LMR (the deployer is the demo mint's authority) and register their nodes
const minStake = BigInt(config.params.minStake.toString());
for (const op of operators) await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: deployer, owner: op.publicKey, amount: 10n * minStake });
const registerCu: number[] = [];
for (const [i, n] of NODES.entries()) {
  const sig = await client.registry.registerNode({ operator: operators[n.operator]!, nodeKey: nodeKeys[i]!, profile: n.profile, stake: minStake * BigInt(1 + (i % 2)), lmrMint });
  registerCu.push(txs.find((t) => t.signature === sig)!.computeUnits);
}
await chain.warp(61);
const heartbeatCu: number[] = [];
for (const k of nodeKeys) {
  const sig = await client.registry.heartbeat({ nodeKey: k });
  heartbeatCu.push(txs.find((t) => t.signature === sig)!.computeUnits);
}
const roleNames = (r: number) => Object.entries(ROLES).filter(([, bit]) => (r & bit) !== 0).map(([name]) => name.toLowerCase()).join("+");
const nodes = await Promise.all(
  NODES.map(async (n, i) => {
    const a = (await client.registry.fetchNode(nodeKeys[i]!.publicKey))!;
    return {
      name: n.name,
      nodeKey: a.nodeKey.toBase58(),
      operator: a.operator.toBase58(),
      roles: roleNames(a.roles),
      shard: a.shard,
      location: `${(a.latE6 / 1e6).toFixed(3)},${(a.lonE6 / 1e6).toFixed(3)}`,
      bandwidthKbps: a.declaredBandwidthKbps.toString(),
      capKbps: a.bandwidthCapKbps.toString(),
      stake: a.stake.toString(),
      reputation: a.reputation,
      heartbeatsInEpoch: a.heartbeatsInEpoch,
      multiaddr: Buffer.from(a.multiaddr.slice(0, a.multiaddrLen)).toString(),
    };
  }),
);
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
  nodes,
  computeUnits: { registerNode: registerCu, heartbeat: heartbeatCu },
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
  console.log(`init_config: ${state.initConfig.computeUnits} CU, ${state.initConfig.txBytes} bytes`);
  console.log(`nodes (${nodes.length}):`);
  console.log(`  ${"name".padEnd(16)} ${"node key".padEnd(44)} ${"roles".padEnd(25)} shard ${"lat,lon".padEnd(16)} ${"kbps".padStart(8)} ${"cap".padStart(8)} ${"stake".padStart(11)}  rep  hb`);
  for (const n of nodes)
    console.log(`  ${n.name.padEnd(16)} ${n.nodeKey.padEnd(44)} ${n.roles.padEnd(25)} ${String(n.shard).padStart(5)} ${n.location.padEnd(16)} ${n.bandwidthKbps.padStart(8)} ${n.capKbps.padStart(8)} ${n.stake.padStart(11)} ${String(n.reputation).padStart(5)} ${String(n.heartbeatsInEpoch).padStart(3)}`);
  console.log(`register_node: ${registerCu.join(", ")} CU; heartbeat: ${heartbeatCu.join(", ")} CU; done in ${state.elapsedMs} ms`);
}
