/**
 * Deployment through the upgradeable loader (migrations/loader.ts: buffer, Write, DeployWithMaxDataLen / Upgrade),
 * as on a cluster: on the embedded chain, on agave with the features mainnet does not have turned off
 * (SIMD-0500 `disable_sbpf_v0_v1_v2_deployment`, SIMD-0312 `CreateAccountAllowPrefund`) — where the four programs
 * are upgraded and the SDK's key flow runs on the upgraded code — and on agave as it ships, where SIMD-0500
 * refuses the SBPF v0 ELFs tools/sbf builds.
 */
import { type Connection, Keypair, PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";
import { expect } from "chai";
import { LumoraClient, PROGRAM_IDS, ROLES } from "../../sdk/src/index.js";
import { BN } from "../../sdk/src/bn.js";
import { deployedSo } from "../../tools/chain/index.js";
import { type Localnet, startLocalnet } from "../../tools/chain/localnet.js";
import { FEATURES } from "../../tools/validator/agave.js";
import { deployProgram, programDataAddress, upgradeProgram } from "../../migrations/loader.js";
import { sleep } from "../../tools/chain/rpc/test/helpers.js";

/** Anchor's answer to an instruction it does not know: the program ran (InstructionFallbackNotFound = 101, or 4100 DeclaredProgramIdMismatch at another address). */
async function probe(c: Connection, payer: Keypair, programId: PublicKey): Promise<unknown> {
  const { blockhash } = await c.getLatestBlockhash("confirmed");
  const t = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(new TransactionInstruction({ programId, keys: [], data: Buffer.alloc(8, 7) }));
  t.sign(payer);
  return (await c.simulateTransaction(t)).value.err;
}

/** Probes until the program answers with a program error (a deployment is visible from the next slot). */
async function untilRuns(c: Connection, payer: Keypair, programId: PublicKey): Promise<unknown> {
  const t0 = Date.now();
  for (;;) {
    const err = await probe(c, payer, programId);
    if (JSON.stringify(err).includes("Custom")) return err;
    if (Date.now() - t0 > 20_000) throw new Error(`${programId.toBase58()} does not run after 20 s: ${JSON.stringify(err)}`);
    await sleep(400);
  }
}

const PROGRAMS = ["registry", "tasks", "rewards", "market"] as const;

for (const engine of ["embedded", "agave"] as const) {
  describe(`validator: deployment through the loader on ${engine === "embedded" ? "the embedded chain" : "agave, SIMD-0500 and SIMD-0312 off (mainnet-like)"}`, function () {
    this.timeout(300_000);
    let net: Localnet;
    before(async () => {
      net = await startLocalnet({ engine, openFirstEpoch: true, ...(engine === "agave" ? { agave: { deactivateFeatures: [FEATURES.disableSbpfV0V1V2Deployment, FEATURES.createAccountAllowPrefund] } } : {}) });
    });
    after(async () => {
      await net?.close();
    });

    it("a new program: buffer + Write + DeployWithMaxDataLen, then it runs", async () => {
      const program = Keypair.generate();
      const t0 = Date.now();
      const r = await deployProgram({ connection: net.connection, authority: net.deployer, program, soPath: deployedSo("lumora_registry") });
      console.log(`      deployed lumora_registry (${r.writes} writes) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const acct = await net.connection.getAccountInfo(program.publicKey, "confirmed");
      expect(acct?.executable).to.equal(true);
      expect(acct?.owner.toBase58()).to.equal("BPFLoaderUpgradeab1e11111111111111111111111");
      // Anchor checks its declared id: at another address the program runs and says so (DeclaredProgramIdMismatch)
      expect(await untilRuns(net.connection, net.deployer, program.publicKey)).to.deep.equal({ InstructionError: [0, { Custom: 4100 }] });
    });

    // the embedded chain writes ≈ 30 buffer transactions a second: one upgrade there (≈ 45 s), the four on agave
    const upgraded = engine === "agave" ? PROGRAMS : (["registry"] as const);
    it(`${engine === "agave" ? "the four programs" : "the registry"} upgraded (buffer + Write + Upgrade); the SDK's key flow runs on the upgraded code`, async () => {
      const before = await net.connection.getAccountInfo(programDataAddress(PROGRAM_IDS.registry), "confirmed");
      const t0 = Date.now();
      for (const p of upgraded) await upgradeProgram({ connection: net.connection, authority: net.deployer, programId: PROGRAM_IDS[p], soPath: deployedSo(`lumora_${p}`) });
      console.log(`      upgraded ${upgraded.join(", ")} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const after = await net.connection.getAccountInfo(programDataAddress(PROGRAM_IDS.registry), "confirmed");
      // program-data: the slot of the last deployment moved forward
      expect(after!.data.readBigUInt64LE(4) > before!.data.readBigUInt64LE(4)).to.equal(true);
      for (const p of upgraded) expect(await untilRuns(net.connection, net.deployer, PROGRAM_IDS[p])).to.deep.equal({ InstructionError: [0, { Custom: 101 }] });
      const operator = Keypair.generate();
      const nodeKey = Keypair.generate();
      await net.fund(operator.publicKey, { lamports: 5e9, lmr: 2_000n * 1_000_000n });
      const client = new LumoraClient({ provider: net.provider });
      await client.registry.registerNode({
        operator,
        nodeKey,
        profile: { roles: ROLES.PROVIDER | ROLES.VERIFIER, latE6: 1, lonE6: 2, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(80_000), multiaddr: "/ip4/127.0.0.1/tcp/4001" },
        stake: 1_000n * 1_000_000n,
        lmrMint: net.lmrMint,
      });
      const node = (await client.registry.fetchNode(nodeKey.publicKey))!;
      expect(node.stake.toString()).to.equal((1_000n * 1_000_000n).toString());
      const err = await client.registry.heartbeat({ nodeKey }).then(() => null, (e: Error) => e);
      expect(err?.message).to.match(/HeartbeatTooSoon|too soon/i);
    });
  });
}

describe("validator: agave as it ships (SIMD-0500 active) refuses the SBPF v0 ELFs at Upgrade", function () {
  this.timeout(300_000);
  let net: Localnet;
  before(async () => {
    net = await startLocalnet({ engine: "agave" });
  });
  after(async () => {
    await net?.close();
  });

  it("Upgrade fails naming the SBPF version; the program keeps running its genesis code", async () => {
    const err = await upgradeProgram({ connection: net.connection, authority: net.deployer, programId: PROGRAM_IDS.registry, soPath: deployedSo("lumora_registry") }).then(
      () => null,
      (e: Error & { logs?: string[]; transactionLogs?: string[] }) => e,
    );
    expect(err, "the upgrade should have been refused").to.not.equal(null);
    const text = `${err!.message} ${(err!.logs ?? err!.transactionLogs ?? []).join("\n")}`;
    expect(text).to.match(/sbpf_version|SBPF version/i);
    expect(await untilRuns(net.connection, net.deployer, PROGRAM_IDS.registry)).to.deep.equal({ InstructionError: [0, { Custom: 101 }] });
  });
});
