/**
 * Harness throughput and account rent (issue 12): starts the embedded chain (tools/chain) with the four
 * programs, initialises the protocol (migrations/init.ts), registers executor nodes, then runs a mixed
 * workload through the SDK client — each round: one create_task, and per node a heartbeat, a bid on
 * that task (every list full after the 10th bid: r = 5 + 5 backups) and a stake_more — and reports
 * transactions per second of the workload phase. Afterwards it reads every account the four programs
 * own (sizes and rent by account type), and what a node operator locks to join.
 *
 *   npx tsx bench/throughput.ts [--vm bankrun|litesvm|both] [--nodes 20] [--rounds 5] [--json]
 *
 * Wall-clock figures include the SDK's transaction building and signing (tweetnacl) — what a client
 * of the harness sees — and depend on the machine's load; CU figures do not.
 */
import os from "node:os";
import { Keypair, PublicKey } from "@solana/web3.js";
import { BN } from "../sdk/src/bn.js";
import { LumoraClient, PROGRAM_IDS, ROLES, specHash } from "../sdk/src/index.js";
import { nodePda, stakeVaultPda } from "../sdk/src/pda.js";
import registryIdl from "../sdk/src/idl/lumora_registry.json" with { type: "json" };
import tasksIdl from "../sdk/src/idl/lumora_tasks.json" with { type: "json" };
import rewardsIdl from "../sdk/src/idl/lumora_rewards.json" with { type: "json" };
import marketIdl from "../sdk/src/idl/lumora_market.json" with { type: "json" };
import { type LiteSvmProvider, type TxMeta, type VmKind, deployedSo, startChain } from "../tools/chain/index.js";
import { fundTokens } from "../tools/chain/spl.js";
import { initializeProtocol, launchParams } from "../migrations/init.js";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const vms: VmKind[] = opt("--vm", "both") === "both" ? ["bankrun", "litesvm"] : [opt("--vm", "bankrun") as VmKind];
const NODES = Number(opt("--nodes", "20"));
const ROUNDS = Number(opt("--rounds", "5"));
const json = argv.includes("--json");

/** Deterministic keypair per name, so runs are comparable. */
const key = (name: string) => Keypair.fromSeed(new Uint8Array(Buffer.from(`lumora-bench:${name}`.padEnd(32, "#").slice(0, 32))));

const IDLS = { registry: registryIdl, tasks: tasksIdl, rewards: rewardsIdl, market: marketIdl } as const;

export interface ThroughputResult {
  vm: VmKind;
  nodes: number;
  rounds: number;
  transactions: number;
  seconds: number;
  txPerSec: number;
  byKind: Record<string, { n: number; medianCu: number; maxTxBytes: number }>;
  /** Bid CU while the ranked list fills (bids 1–10 of a task) and once it is full (bids 11+). */
  bid: { filling: { n: number; median: number; max: number }; full: { n: number; median: number; max: number } };
  setupSeconds: number;
}

export interface AccountRow {
  program: string;
  account: string;
  bytes: number;
  rentLamports: number;
  count: number;
  /** "chain": data length of a live account; "idl": computed from the IDL (not created by the workload). */
  source: "chain" | "idl";
}

type IdlType = string | { array?: [IdlType, number]; defined?: { name: string }; option?: IdlType; vec?: IdlType };
interface IdlTypeDef { name: string; type: { kind: string; fields?: { type: IdlType }[]; variants?: { fields?: ({ type: IdlType } | IdlType)[] }[] } }
const PRIM: Record<string, number> = { bool: 1, u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, f64: 8, u128: 16, i128: 16, pubkey: 32 };

/** Serialized size of an IDL type, or null when it is variable (Vec, String). Option counts its maximum. */
function idlSize(types: IdlTypeDef[], t: IdlType): number | null {
  if (typeof t === "string") return PRIM[t] ?? null;
  if (t.array) {
    const e = idlSize(types, t.array[0]);
    return e === null ? null : e * t.array[1];
  }
  if (t.option) {
    const e = idlSize(types, t.option);
    return e === null ? null : 1 + e;
  }
  if (t.defined) {
    const def = types.find((d) => d.name === t.defined!.name);
    if (!def) return null;
    if (def.type.kind === "struct") {
      let sum = 0;
      for (const f of def.type.fields ?? []) {
        const e = idlSize(types, f.type);
        if (e === null) return null;
        sum += e;
      }
      return sum;
    }
    if (def.type.kind === "enum") {
      let max = 0;
      for (const v of def.type.variants ?? []) {
        let sum = 0;
        for (const f of v.fields ?? []) {
          const e = idlSize(types, typeof f === "object" && "type" in f ? f.type : (f as IdlType));
          if (e === null) return null;
          sum += e;
        }
        max = Math.max(max, sum);
      }
      return 1 + max;
    }
  }
  return null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : 0;
};

async function run(vm: VmKind): Promise<{ result: ThroughputResult; accounts: AccountRow[]; join: Record<string, number> }> {
  const deployer = key("deployer");
  const operator = key("operator");
  const consumer = key("consumer");
  const txs: TxMeta[] = [];
  // node keys sign (and pay the rent of) their bids
  const nodeKeys = Array.from({ length: NODES }, (_, i) => key(`node-${i}`));
  const t0 = performance.now();
  const chain = await startChain({
    kind: vm,
    programs: (["registry", "tasks", "rewards", "market"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: deployedSo(`lumora_${p}`) })),
    upgradeAuthority: deployer.publicKey,
    accounts: [deployer, operator, consumer, ...nodeKeys].map((k) => ({ address: k.publicKey, lamports: 1_000 * 1e9, data: new Uint8Array(), owner: PublicKey.default })),
    payer: key("payer"),
    onTransaction: (m) => txs.push(m),
  });
  // step 3's credit parameters until migrations/init.ts's launchParams carries them (its validation refuses
  // a config without them): q = 3 of k = 5 draws (docs/rewards.md §3.4), a 12 h credit window; no credit runs here
  const params = { ...launchParams(), creditQuorum: 3, creditWindowSecs: 43_200 };
  const { lmrMint } = await initializeProtocol({ provider: chain.provider, deployer, admin: deployer.publicKey, params });
  const client = new LumoraClient({ provider: chain.provider });
  const config = (await client.registry.fetchConfig())!;
  const minStake = BigInt(config.params.minStake.toString());
  await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: deployer, owner: operator.publicKey, amount: 1_000n * minStake });
  await fundTokens(chain.provider, { mint: lmrMint, mintAuthority: deployer, owner: consumer.publicKey, amount: 1_000n * minStake });

  // what a node operator locks to join: every lamport leaving the payer, the operator and the node key, minus fees
  const sol = async (k: PublicKey) => (await chain.getAccount(k))?.lamports ?? 0;
  const join: Record<string, number> = {};
  for (const [i, nk] of nodeKeys.entries()) {
    const before = (await sol(chain.payer.publicKey)) + (await sol(operator.publicKey));
    const sig = await client.registry.registerNode({
      operator,
      nodeKey: nk,
      lmrMint,
      stake: minStake,
      profile: {
        roles: ROLES.EXECUTOR | ROLES.PROVIDER,
        latE6: 40_000_000 + i * 500_000,
        lonE6: -10_000_000 + i * 1_000_000,
        declaredBandwidthKbps: new BN(100_000 + i * 10_000),
        bandwidthCapKbps: new BN(50_000),
        multiaddr: `/ip4/10.0.${i}.1/tcp/4001`,
      },
    });
    if (i === 0) {
      const after = (await sol(chain.payer.publicKey)) + (await sol(operator.publicKey));
      const fee = 5_000 * 3; // payer, operator, node key
      const node = await chain.getAccount(nodePda({ nodeKey: nk.publicKey }).address);
      const vault = await chain.getAccount(stakeVaultPda({ node: nodePda({ nodeKey: nk.publicKey }).address }).address);
      Object.assign(join, {
        lamportsLocked: before - after - fee,
        nodeAccountLamports: node!.lamports,
        nodeAccountBytes: node!.data.length,
        stakeVaultLamports: vault?.lamports ?? 0,
        stakeVaultBytes: vault?.data.length ?? 0,
        minStakeLmrBaseUnits: Number(minStake),
        registerNodeCu: txs.find((t) => t.signature === sig)!.computeUnits,
      });
    }
  }
  const setupSeconds = (performance.now() - t0) / 1e3;

  // the mixed workload, timed
  const bidFull: number[] = [];
  const bidFilling: number[] = [];
  const first = txs.length;
  const tw = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    await chain.warp(61); // heartbeats are ≥ 60 s apart
    const now = await chain.now();
    const { task } = await client.tasks.createTask({
      consumer,
      taskId: r + 1,
      specHash: specHash({ bench: r }),
      consumerX25519: new Uint8Array(32).fill(7),
      latE6: 48_856_613,
      lonE6: 2_352_222,
      redundancy: 5,
      maxBackups: 5,
      bidWindowEnd: now + 86_400n,
      commitDeadline: now + 2n * 86_400n,
      revealDeadline: now + 3n * 86_400n,
      payment: 100n * minStake,
      lmrMint,
    });
    for (const [i, nk] of nodeKeys.entries()) {
      await client.registry.heartbeat({ nodeKey: nk });
      // a bid that cannot enter the kept list is not sent (the program refuses it: BidCannotRank, tasks v2)
      if (!(await client.tasks.bidOutlook({ nodeKey: nk.publicKey, task }))!.wouldRank) continue;
      const sig = await client.tasks.bid({ nodeKey: nk, task });
      // the kept list holds r + backups = 10: from the 11th bid on, every bid meets a full list
      (i >= 10 ? bidFull : bidFilling).push(txs.find((t) => t.signature === sig)!.computeUnits);
      await client.registry.stake({ operator, nodeKey: nk.publicKey, amount: 1_000_000n, lmrMint });
    }
  }
  const seconds = (performance.now() - tw) / 1e3;
  const work = txs.slice(first);
  const failed = work.filter((t) => t.error !== null);
  if (failed.length) throw new Error(`${failed.length} workload transactions failed: ${failed[0]!.error}`);
  const byKind: ThroughputResult["byKind"] = {};
  for (const t of work) {
    const name = /^Program log: Instruction: (\w+)$/.exec(t.logs.find((l) => l.startsWith("Program log: Instruction: ")) ?? "")?.[1] ?? "other";
    const k = (byKind[name] ??= { n: 0, medianCu: 0, maxTxBytes: 0 });
    k.n++;
    k.maxTxBytes = Math.max(k.maxTxBytes, t.size);
  }
  for (const name of Object.keys(byKind))
    byKind[name]!.medianCu = median(work.filter((t) => t.logs.includes(`Program log: Instruction: ${name}`)).map((t) => t.computeUnits));

  // account sizes and rent, by type (LiteSVM can list a program's accounts)
  const accounts: AccountRow[] = [];
  if (vm === "litesvm") {
    const conn = (chain.provider as LiteSvmProvider).liteConnection;
    for (const [program, idl] of Object.entries(IDLS)) {
      const found = await conn.getProgramAccounts(PROGRAM_IDS[program as keyof typeof IDLS]);
      for (const a of (idl as { accounts?: { name: string; discriminator: number[] }[] }).accounts ?? []) {
        const mine = found.filter((f) => f.account.data.subarray(0, 8).equals(Buffer.from(a.discriminator)));
        // not created by this workload: the size from the IDL (8-byte discriminator + the fields)
        const fromIdl = idlSize((idl as unknown as { types: IdlTypeDef[] }).types, { defined: { name: a.name } });
        const bytes = mine[0]?.account.data.length ?? (fromIdl === null ? 0 : 8 + fromIdl);
        accounts.push({ program, account: a.name, bytes, rentLamports: bytes ? await chain.rentExempt(bytes) : 0, count: mine.length, source: mine.length ? "chain" : "idl" });
      }
    }
  }
  return {
    result: { vm, nodes: NODES, rounds: ROUNDS, transactions: work.length, seconds, txPerSec: work.length / seconds, byKind, setupSeconds,
      bid: {
        filling: { n: bidFilling.length, median: median(bidFilling), max: Math.max(0, ...bidFilling) },
        full: { n: bidFull.length, median: median(bidFull), max: Math.max(0, ...bidFull) },
      } },
    accounts,
    join,
  };
}

const out: { machine: Record<string, unknown>; throughput: ThroughputResult[]; accounts: AccountRow[]; join: Record<string, number> } = {
  machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version, loadavg: os.loadavg()[0] },
  throughput: [],
  accounts: [],
  join: {},
};
for (const vm of vms) {
  const r = await run(vm);
  out.throughput.push(r.result);
  if (r.accounts.length) out.accounts = r.accounts;
  if (vm === "litesvm" || !Object.keys(out.join).length) out.join = r.join;
  const k = Object.entries(r.result.byKind).map(([n, v]) => `${n} ${v.n}`).join(", ");
  console.log(`${vm}: ${r.result.transactions} transactions (${k}) in ${r.result.seconds.toFixed(2)} s = ${r.result.txPerSec.toFixed(0)} tx/s`);
}
for (const a of out.accounts) console.log(`  ${a.program}.${a.account}: ${a.bytes ? `${a.bytes} bytes, rent ${(a.rentLamports / 1e9).toFixed(6)} SOL (${a.source === "chain" ? `${a.count} on chain` : "size from the IDL"})` : "variable size, not created by this workload"}`);
console.log(`join: ${JSON.stringify(out.join)}`);
if (json) console.log(JSON.stringify(out));
