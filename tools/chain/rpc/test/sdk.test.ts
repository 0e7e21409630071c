/**
 * The Lumora SDK end to end over HTTP: the four programs deployed in the facade at the SDK's program ids,
 * an `AnchorProvider` over a plain web3.js `Connection`, and `LumoraClient` doing what the demo and the
 * node daemon do — create the LMR mint and the config (migrations/init.ts), register a node, heartbeat
 * (too soon → the typed program error, then after `lumora_warp` it counts) — then reading it all back
 * through the RPC (account filters, token balances, signatures and transaction metadata).
 */
import { createRequire } from "node:module";
import anchor, { type Wallet } from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Connection, Keypair, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { expect } from "chai";
import { initializeProtocol, launchParams } from "../../../../migrations/init.js";
import { BN } from "../../../../sdk/src/bn.js";
import { LumoraClient, LumoraProgramError } from "../../../../sdk/src/client/index.js";
import { nodePda } from "../../../../sdk/src/pda.js";
import { PROGRAM_IDS } from "../../../../sdk/src/programs.js";
import { NODE_STATUS, ROLES } from "../../../../sdk/src/registry-math.js";
import { deployedSo } from "../../index.js";
import { fundTokens } from "../../spl.js";
import { type RpcServer, startRpcServer } from "../server.js";
import { call, closeAll, connect, funded } from "./helpers.js";

const require = createRequire(import.meta.url);
const NodeWallet = (require("@coral-xyz/anchor/dist/cjs/nodewallet.js") as { default: new (k: Keypair) => Wallet }).default;
const { AnchorProvider } = anchor;

describe("chain rpc: the Lumora SDK over HTTP", () => {
  let server: RpcServer;
  let conn: Connection;
  let client: LumoraClient;
  let provider: InstanceType<typeof AnchorProvider>;
  let lmrMint: import("@solana/web3.js").PublicKey;
  const opened: Connection[] = [];
  const payer = Keypair.generate();
  const deployer = Keypair.generate();
  const admin = Keypair.generate();
  const operator = Keypair.generate();
  const nodeKey = Keypair.generate();
  const minStake = BigInt(launchParams().minStake.toString());

  before(async () => {
    server = await startRpcServer({
      programs: (["registry", "tasks", "rewards", "market"] as const).map((p) => ({ programId: PROGRAM_IDS[p], soPath: deployedSo(`lumora_${p}`) })),
      upgradeAuthority: deployer.publicKey,
      accounts: [funded(payer.publicKey, 1_000), funded(deployer.publicKey), funded(operator.publicKey)],
    });
    conn = connect(server.url, opened);
    provider = new AnchorProvider(conn, new NodeWallet(payer), { commitment: "confirmed" });
    client = new LumoraClient({ provider });
  });
  after(async () => {
    closeAll(opened);
    await server.close();
  });

  it("the programs are deployed as upgradeable programs at the SDK's ids", async () => {
    for (const id of Object.values(PROGRAM_IDS)) {
      const info = await conn.getAccountInfo(id);
      expect(info?.executable, id.toBase58()).to.equal(true);
      expect(info?.owner.toBase58()).to.equal("BPFLoaderUpgradeab1e11111111111111111111111");
    }
  });

  it("initConfig: the LMR mint and the protocol config, signed by the upgrade authority", async () => {
    ({ lmrMint } = await initializeProtocol({ provider, deployer, admin: admin.publicKey }));
    const config = await client.registry.fetchConfig();
    expect(config?.admin.toBase58()).to.equal(admin.publicKey.toBase58());
    expect(config?.lmrMint.toBase58()).to.equal(lmrMint.toBase58());
  });

  it("registerNode: stake moves into the vault; the node is found by getProgramAccounts filters", async () => {
    const ata = await fundTokens(provider, { mint: lmrMint, mintAuthority: deployer, owner: operator.publicKey, amount: 3n * minStake });
    await client.registry.registerNode({
      operator,
      nodeKey,
      stake: minStake,
      profile: { roles: ROLES.PROVIDER | ROLES.EXECUTOR, latE6: 52_520_008, lonE6: 13_404_954, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(80_000), multiaddr: "/ip4/127.0.0.1/tcp/4101" },
    });
    const node = await client.registry.fetchNode(nodeKey.publicKey);
    expect(node?.status).to.equal(NODE_STATUS.ACTIVE);
    expect(node?.operator.toBase58()).to.equal(operator.publicKey.toBase58());
    const found = await client.registry.fetchNodes({ roles: ROLES.EXECUTOR });
    expect(found.map((n) => n.node.nodeKey.toBase58())).to.deep.equal([nodeKey.publicKey.toBase58()]);
    expect(await client.registry.fetchNodes({ roles: ROLES.VERIFIER })).to.deep.equal([]);
    expect(ata.toBase58()).to.equal(getAssociatedTokenAddressSync(lmrMint, operator.publicKey).toBase58());
    const bal = await conn.getTokenAccountBalance(ata);
    expect(bal.value.amount).to.equal((2n * minStake).toString());
    expect(bal.value.decimals).to.equal(6);
  });

  it("heartbeat: too soon → the typed program error (from the preflight logs); after lumora_warp it counts", async () => {
    const err = await client.registry.heartbeat({ nodeKey }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(LumoraProgramError);
    expect((err as LumoraProgramError).is("registry", "HeartbeatTooSoon")).to.equal(true);

    expect((await call(server.url, "lumora_warp", [{ seconds: 61 }])).error).to.equal(undefined);
    const clockUnix = async () => Number((await conn.getAccountInfo(SYSVAR_CLOCK_PUBKEY))!.data.readBigInt64LE(32));
    const before = await clockUnix();
    const sig = await client.registry.heartbeat({ nodeKey });
    const after = await clockUnix();
    const node = (await client.registry.fetchNode(nodeKey.publicKey))!;
    expect(node.heartbeatsInEpoch).to.equal(1);
    expect(Number(node.lastHeartbeatTs.toString())).to.be.within(before, after);

    // the history a client reads back: the node account's signatures, newest first, with their metadata
    const sigs = await conn.getSignaturesForAddress(nodePda({ nodeKey: nodeKey.publicKey }).address);
    expect(sigs[0]?.signature).to.equal(sig);
    expect(sigs).to.have.length(2); // register + heartbeat (the refused one never landed)
    const tx = await conn.getTransaction(sig, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.err).to.equal(null);
    expect(tx?.meta?.computeUnitsConsumed).to.be.greaterThan(1_000);
    expect(tx?.meta?.logMessages?.some((l) => l.startsWith(`Program ${PROGRAM_IDS.registry.toBase58()} consumed`))).to.equal(true);
  });
});
