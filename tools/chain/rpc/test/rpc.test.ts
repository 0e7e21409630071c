/**
 * The JSON-RPC facade through a real @solana/web3.js `Connection` (and raw JSON-RPC where web3.js cannot
 * send the request): transfers that confirm promptly, preflight failures with logs, simulation, account
 * queries and filters, transaction metadata, history, subscriptions, the time model, expiry, v0 + lookup
 * tables, concurrency, and the JSON-RPC error codes.
 */
import {
  AddressLookupTableProgram,
  type Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SendTransactionError,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  sendAndConfirmTransaction,
  type TransactionInstruction,
  type AddressLookupTableAccount,
} from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";
import { expect } from "chai";
import { type RpcServer, startRpcServer } from "../server.js";
import { call, closeAll, connect, funded, rpc, sleep, until } from "./helpers.js";

const bs58 = utils.bytes.bs58;
const transfer = (from: Keypair, to: PublicKey, lamports: number) => new Transaction().add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }));

/** Fixture accounts of a made-up program, for getProgramAccounts filters. */
const FIXTURE_PROGRAM = Keypair.generate().publicKey;
const fx = [
  { address: Keypair.generate().publicKey, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) },
  { address: Keypair.generate().publicKey, data: Uint8Array.from([9, 9, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0]) },
  { address: Keypair.generate().publicKey, data: Uint8Array.from([9, 9, 0, 0, 0, 0, 0, 0]) },
];

describe("chain rpc: web3.js Connection against the facade", () => {
  let server: RpcServer;
  let conn: Connection;
  const opened: Connection[] = [];
  const alice = Keypair.generate();
  const bob = Keypair.generate();

  before(async () => {
    server = await startRpcServer({
      accounts: [funded(alice.publicKey), funded(bob.publicKey), ...fx.map((f) => ({ address: f.address, lamports: 1e7, data: f.data, owner: FIXTURE_PROGRAM }))],
    });
    conn = connect(server.url, opened);
  });
  after(async () => {
    closeAll(opened);
    await server.close();
  });

  describe("sending", () => {
    it("sendAndConfirmTransaction: a transfer lands and confirms promptly (finalized)", async () => {
      const to = Keypair.generate().publicKey;
      const t0 = Date.now();
      const sig = await sendAndConfirmTransaction(conn, transfer(alice, to, 1_234_567), [alice]);
      expect(Date.now() - t0).to.be.below(2_000);
      expect(await conn.getBalance(to)).to.equal(1_234_567);
      const st = (await conn.getSignatureStatuses([sig], { searchTransactionHistory: true })).value[0];
      expect(st?.err).to.equal(null);
      expect(st?.confirmationStatus).to.equal("finalized");
    });

    it("a failing transaction: SendTransactionError with the program's logs; nothing lands", async () => {
      const poor = Keypair.generate();
      await conn.confirmTransaction({ signature: await conn.requestAirdrop(poor.publicKey, LAMPORTS_PER_SOL), ...(await conn.getLatestBlockhash()) });
      const tx = transfer(poor, bob.publicKey, 5 * LAMPORTS_PER_SOL);
      const err = await sendAndConfirmTransaction(conn, tx, [poor]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(SendTransactionError);
      const logs = (err as SendTransactionError).logs ?? [];
      expect(logs.join("\n")).to.match(/insufficient lamports/);
      expect((err as Error).message).to.match(/custom program error: 0x1/);
      expect((await conn.getSignatureStatuses([bs58.encode(tx.signature!)], { searchTransactionHistory: true })).value[0]).to.equal(null);
      expect(await conn.getBalance(poor.publicKey)).to.equal(LAMPORTS_PER_SOL);
    });

    it("skipPreflight: a failing transaction lands with its error and pays the fee", async () => {
      const payer = Keypair.generate();
      await conn.confirmTransaction({ signature: await conn.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL), ...(await conn.getLatestBlockhash()) });
      const bh = await conn.getLatestBlockhash();
      const tx = transfer(payer, bob.publicKey, 5 * LAMPORTS_PER_SOL);
      tx.recentBlockhash = bh.blockhash;
      tx.sign(payer);
      const sig = await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
      const res = await conn.confirmTransaction({ signature: sig, ...bh });
      expect(res.value.err).to.deep.equal({ InstructionError: [0, { Custom: 1 }] });
      expect(await conn.getBalance(payer.publicKey)).to.equal(LAMPORTS_PER_SOL - 5_000);
      const got = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
      expect(got?.meta?.err).to.deep.equal({ InstructionError: [0, { Custom: 1 }] });
      expect(got?.meta?.logMessages?.join("\n")).to.match(/insufficient lamports/);
    });

    it("a duplicate is refused by preflight as already processed", async () => {
      const tx = transfer(alice, bob.publicKey, 1);
      await sendAndConfirmTransaction(conn, tx, [alice]);
      const err = await conn.sendRawTransaction(tx.serialize()).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/already been processed/);
      // simulation checks the status cache too (agave's Bank::simulate_transaction)
      const sim = await call(server.url, "simulateTransaction", [tx.serialize().toString("base64"), { encoding: "base64" }]);
      expect(sim.result.value.err).to.equal("AlreadyProcessed");
    });

    it("concurrent senders on separate Connections: every transfer lands once (serial execution)", async () => {
      const to = Keypair.generate().publicKey;
      const senders = Array.from({ length: 8 }, () => Keypair.generate());
      for (const s of senders) await conn.confirmTransaction({ signature: await conn.requestAirdrop(s.publicKey, LAMPORTS_PER_SOL), ...(await conn.getLatestBlockhash()) });
      await Promise.all(senders.map((s, i) => sendAndConfirmTransaction(connect(server.url, opened), transfer(s, to, 1_000_000 + i), [s])));
      expect(await conn.getBalance(to)).to.equal(senders.reduce((sum, _s, i) => sum + 1_000_000 + i, 0));
    });
  });

  describe("simulation", () => {
    it("logs, units and post-state accounts; nothing changes", async () => {
      const to = Keypair.generate().publicKey;
      const tx = transfer(alice, to, 1_000_777);
      tx.feePayer = alice.publicKey;
      const res = await conn.simulateTransaction(tx, [alice], [to]);
      expect(res.value.err).to.equal(null);
      expect(res.value.unitsConsumed).to.equal(150);
      expect(res.value.logs).to.include("Program 11111111111111111111111111111111 success");
      expect(res.value.accounts?.[0]?.lamports).to.equal(1_000_777);
      expect(await conn.getBalance(to)).to.equal(0);
    });

    it("a failing simulation reports the instruction error and logs", async () => {
      const tx = transfer(bob, alice.publicKey, 10_000 * LAMPORTS_PER_SOL);
      tx.feePayer = bob.publicKey;
      const res = await conn.simulateTransaction(tx, [bob]);
      expect(res.value.err).to.deep.equal({ InstructionError: [0, { Custom: 1 }] });
      expect(res.value.logs?.join("\n")).to.match(/insufficient lamports/);
    });

    it("an unknown blockhash: BlockhashNotFound, unless replaceRecentBlockhash", async () => {
      const msg = new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: bs58.encode(Keypair.generate().publicKey.toBytes()), instructions: transfer(alice, bob.publicKey, 1).instructions }).compileToLegacyMessage();
      const tx = new VersionedTransaction(msg);
      tx.sign([alice]);
      const plain = await conn.simulateTransaction(tx, { sigVerify: false });
      expect(plain.value.err).to.equal("BlockhashNotFound");
      const replaced = await conn.simulateTransaction(tx, { replaceRecentBlockhash: true });
      expect(replaced.value.err).to.equal(null);
      const replacement = (replaced.value as { replacementBlockhash?: { blockhash: string } }).replacementBlockhash;
      expect((await conn.isBlockhashValid(replacement!.blockhash)).value).to.equal(true);
    });

    it("sigVerify: a transaction signed by the wrong key fails simulation (SignatureFailure) and preflight (-32002), as on agave", async () => {
      const { blockhash } = await conn.getLatestBlockhash();
      const tx = new VersionedTransaction(new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: blockhash, instructions: transfer(alice, bob.publicKey, 1).instructions }).compileToLegacyMessage());
      tx.sign([alice]);
      tx.signatures[0] = new Uint8Array(64).fill(7);
      const noVerify = await conn.simulateTransaction(tx, { sigVerify: false });
      expect(noVerify.value.err).to.equal(null);
      const r = await call(server.url, "simulateTransaction", [Buffer.from(tx.serialize()).toString("base64"), { encoding: "base64", sigVerify: true }]);
      expect(r.result?.value).to.deep.include({ err: "SignatureFailure", logs: [], unitsConsumed: 0, fee: null });
      // agave's RpcSimulateTransactionResult: every key present
      expect(Object.keys(r.result.value)).to.have.members([
        "err", "logs", "accounts", "unitsConsumed", "loadedAccountsDataSize", "returnData", "innerInstructions", "replacementBlockhash",
        "fee", "preBalances", "postBalances", "preTokenBalances", "postTokenBalances", "loadedAddresses",
      ]);
      const s = await call(server.url, "sendTransaction", [Buffer.from(tx.serialize()).toString("base64"), { encoding: "base64" }]);
      expect(s.error?.code).to.equal(-32002);
      expect(s.error?.message).to.equal("Transaction simulation failed: Transaction did not pass signature verification");
      expect(s.error?.data?.err).to.equal("SignatureFailure");
    });
  });

  describe("accounts", () => {
    it("getAccountInfo / getMultipleAccounts / getBalance; missing accounts are null", async () => {
      const info = await conn.getAccountInfo(fx[0]!.address);
      expect(info?.owner.toBase58()).to.equal(FIXTURE_PROGRAM.toBase58());
      expect([...info!.data]).to.deep.equal([...fx[0]!.data]);
      const many = await conn.getMultipleAccountsInfo([fx[1]!.address, Keypair.generate().publicKey]);
      expect(many[0]?.data.length).to.equal(16);
      expect(many[1]).to.equal(null);
      expect(await conn.getBalance(fx[2]!.address)).to.equal(1e7);
    });

    it("getProgramAccounts: dataSize and memcmp (base58 and base64) filters, withContext, dataSlice", async () => {
      const keys = (xs: readonly { pubkey: PublicKey }[]) => xs.map((x) => x.pubkey.toBase58()).sort();
      expect(keys(await conn.getProgramAccounts(FIXTURE_PROGRAM))).to.deep.equal(fx.map((f) => f.address.toBase58()).sort());
      expect(keys(await conn.getProgramAccounts(FIXTURE_PROGRAM, { filters: [{ dataSize: 16 }] }))).to.deep.equal([fx[0], fx[1]].map((f) => f!.address.toBase58()).sort());
      const nines = [fx[1], fx[2]].map((f) => f!.address.toBase58()).sort();
      expect(keys(await conn.getProgramAccounts(FIXTURE_PROGRAM, { filters: [{ memcmp: { offset: 0, bytes: bs58.encode([9, 9]) } }] }))).to.deep.equal(nines);
      expect(keys(await conn.getProgramAccounts(FIXTURE_PROGRAM, { filters: [{ memcmp: { offset: 0, bytes: Buffer.from([9, 9]).toString("base64"), encoding: "base64" } }] }))).to.deep.equal(nines);
      expect(keys(await conn.getProgramAccounts(FIXTURE_PROGRAM, { filters: [{ dataSize: 16 }, { memcmp: { offset: 2, bytes: bs58.encode([3, 4]) } }] }))).to.deep.equal([fx[0], fx[1]].map((f) => f!.address.toBase58()).sort());
      const ctx = await conn.getProgramAccounts(FIXTURE_PROGRAM, { withContext: true, filters: [{ dataSize: 8 }] });
      expect(ctx.context.slot).to.be.a("number");
      expect(keys(ctx.value)).to.deep.equal([fx[2]!.address.toBase58()]);
      const sliced = await conn.getProgramAccounts(FIXTURE_PROGRAM, { dataSlice: { offset: 1, length: 2 }, filters: [{ dataSize: 8 }] });
      expect([...sliced[0]!.account.data]).to.deep.equal([9, 0]);
      const b58 = await call(server.url, "getProgramAccounts", [FIXTURE_PROGRAM.toBase58(), { encoding: "base58", filters: [{ dataSize: 8 }] }]);
      expect(b58.result[0].account.data).to.deep.equal([bs58.encode(fx[2]!.data), "base58"]);
    });

    it("getMinimumBalanceForRentExemption, getEpochInfo, getVersion, getHealth, getGenesisHash, getFeeForMessage", async () => {
      expect(await conn.getMinimumBalanceForRentExemption(0)).to.equal(890_880);
      const ei = await conn.getEpochInfo();
      expect(ei.absoluteSlot).to.equal(ei.epoch * ei.slotsInEpoch + ei.slotIndex);
      expect((await conn.getVersion())["solana-core"]).to.be.a("string");
      expect((await call(server.url, "getHealth")).result).to.equal("ok");
      expect(await conn.getGenesisHash()).to.equal(await conn.getGenesisHash());
      const { blockhash } = await conn.getLatestBlockhash();
      const msg = new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: blockhash, instructions: transfer(alice, bob.publicKey, 1).instructions }).compileToLegacyMessage();
      expect((await conn.getFeeForMessage(msg)).value).to.equal(5_000);
      expect(await conn.getRecentPrioritizationFees()).to.deep.equal([]);
    });
  });

  describe("history", () => {
    it("getTransaction: logs, compute units, fee, balances, version, slot and block time", async () => {
      const to = Keypair.generate().publicKey;
      const sig = await sendAndConfirmTransaction(conn, transfer(alice, to, 1_004_242), [alice]);
      const tx = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
      expect(tx?.version).to.equal("legacy");
      expect(tx?.meta?.err).to.equal(null);
      expect(tx?.meta?.computeUnitsConsumed).to.equal(150);
      expect(tx?.meta?.fee).to.equal(5_000);
      const keys = tx!.transaction.message.staticAccountKeys.map((k) => k.toBase58());
      const i = keys.indexOf(to.toBase58());
      expect(tx!.meta!.postBalances[i]! - tx!.meta!.preBalances[i]!).to.equal(1_004_242);
      expect(tx!.meta!.preBalances[0]! - tx!.meta!.postBalances[0]!).to.equal(1_004_242 + 5_000);
      expect(tx?.meta?.logMessages).to.include("Program 11111111111111111111111111111111 success");
      expect(Math.abs(tx!.blockTime! - Date.now() / 1000)).to.be.below(10);
      expect(await conn.getBlockTime(tx!.slot)).to.be.closeTo(tx!.blockTime!, 1);
      expect(await conn.getTransaction(bs58.encode(new Uint8Array(64).fill(1)), { maxSupportedTransactionVersion: 0 })).to.equal(null);
    });

    it("getSignaturesForAddress: newest first, with limit, before and until", async () => {
      const payer = Keypair.generate();
      await conn.confirmTransaction({ signature: await conn.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL), ...(await conn.getLatestBlockhash()) });
      const sigs: string[] = [];
      for (let i = 0; i < 3; i++) sigs.push(await sendAndConfirmTransaction(conn, transfer(payer, bob.publicKey, 1 + i), [payer]));
      const all = (await conn.getSignaturesForAddress(payer.publicKey)).map((s) => s.signature);
      expect(all.slice(0, 3)).to.deep.equal([...sigs].reverse());
      expect(all).to.have.length(4); // + the airdrop
      expect((await conn.getSignaturesForAddress(payer.publicKey, { limit: 1 })).map((s) => s.signature)).to.deep.equal([sigs[2]]);
      expect((await conn.getSignaturesForAddress(payer.publicKey, { before: sigs[2], limit: 2 })).map((s) => s.signature)).to.deep.equal([sigs[1], sigs[0]]);
      expect((await conn.getSignaturesForAddress(payer.publicKey, { until: sigs[0] })).map((s) => s.signature)).to.deep.equal([sigs[2], sigs[1]]);
    });
  });

  describe("subscriptions", () => {
    it("onSignature, onLogs (mentions), onAccountChange, onSlotChange", async () => {
      const target = Keypair.generate().publicKey;
      const seen: { sig?: unknown; logs?: string[]; lamports?: number; slot?: number } = {};
      const subs = [
        conn.onLogs(target, (l) => (seen.logs = l.logs), "confirmed"),
        conn.onAccountChange(target, (a) => (seen.lamports = a.lamports), { commitment: "confirmed" }),
        conn.onSlotChange((s) => (seen.slot = s.slot)),
      ];
      await sleep(200); // the subscriptions reach the server
      const { blockhash } = await conn.getLatestBlockhash();
      const tx = transfer(alice, target, 1_055_555);
      tx.recentBlockhash = blockhash;
      tx.sign(alice);
      const sig = bs58.encode(tx.signature!);
      subs.push(conn.onSignature(sig, (r) => (seen.sig = r), "confirmed"));
      await sleep(200);
      await conn.sendRawTransaction(tx.serialize());
      await until("the signature notification", () => seen.sig);
      expect(seen.sig).to.deep.equal({ err: null });
      await until("the logs notification", () => seen.logs);
      expect(seen.logs).to.include("Program 11111111111111111111111111111111 success");
      await until("the account notification", () => seen.lamports);
      expect(seen.lamports).to.equal(1_055_555);
      await until("a slot notification", () => seen.slot);
      expect(seen.slot).to.be.a("number");
      for (const id of subs.slice(0, 3)) await conn.removeOnLogsListener(id).catch(() => {});
    });

    it("onProgramAccountChange with filters; unsubscribing an unknown id is refused", async () => {
      const to = Keypair.generate().publicKey;
      const seen: string[] = [];
      const id = conn.onProgramAccountChange(SystemProgram.programId, (k) => seen.push(k.accountId.toBase58()), { commitment: "confirmed", filters: [{ dataSize: 0 }] });
      await sleep(200);
      await sendAndConfirmTransaction(conn, transfer(alice, to, 1_000_000), [alice]);
      await until("the program notification", () => seen.includes(to.toBase58()));
      expect(seen).to.include(alice.publicKey.toBase58());
      await conn.removeProgramAccountChangeListener(id);
      const ws = new (await import("ws")).default(server.wsUrl);
      await new Promise((r) => ws.once("open", r));
      const reply = new Promise<string>((r) => ws.once("message", (d) => r(d.toString())));
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "accountUnsubscribe", params: [987_654] }));
      expect(JSON.parse(await reply).error.code).to.equal(-32602);
      ws.close();
    });

    it("two Connections share one chain", async () => {
      const other = connect(server.url, opened);
      const to = Keypair.generate().publicKey;
      let notified = 0;
      other.onAccountChange(to, (a) => (notified = a.lamports));
      await sleep(200);
      await sendAndConfirmTransaction(conn, transfer(alice, to, 1_009_999), [alice]);
      expect(await other.getBalance(to)).to.equal(1_009_999);
      await until("the other Connection's account notification", () => notified);
      expect(notified).to.equal(1_009_999);
    });
  });

  describe("time", () => {
    const clockOf = async (c: Connection) => {
      const d = (await c.getAccountInfo(SYSVAR_CLOCK_PUBKEY))!.data;
      return { slot: Number(d.readBigUInt64LE(0)), unix: Number(d.readBigInt64LE(32)) };
    };

    it("the slot advances in real time and the clock follows the wall clock", async () => {
      const s0 = await conn.getSlot();
      await sleep(1_300);
      const s1 = await conn.getSlot();
      expect(s1 - s0).to.be.within(2, 5);
      const c = await clockOf(conn);
      expect(c.slot).to.equal(await conn.getSlot());
      expect(Math.abs(c.unix - Date.now() / 1000)).to.be.below(3);
      const b1 = (await conn.getLatestBlockhash()).blockhash;
      await sleep(500);
      expect((await conn.getLatestBlockhash()).blockhash).to.not.equal(b1);
    });

    it("lumora_warp moves the Clock sysvar forward (and the slot by one)", async () => {
      const before = await clockOf(conn);
      const r = await call(server.url, "lumora_warp", [{ seconds: 3_600 }]);
      expect(r.error).to.equal(undefined);
      const after = await clockOf(conn);
      expect(after.unix - before.unix).to.be.within(3_600, 3_603);
      expect(after.slot).to.be.greaterThan(before.slot);
      expect(r.result.unixTimestamp).to.equal(after.unix);
      // later ticks keep the warped time
      await sleep(500);
      expect((await clockOf(conn)).unix).to.be.at.least(after.unix);
    });
  });

  describe("JSON-RPC errors", () => {
    it("an unknown method: -32601 naming it", async () => {
      const r = await call(server.url, "getFooBar", []);
      expect(r.error?.code).to.equal(-32601);
      expect(r.error?.message).to.contain("getFooBar");
    });

    it("bad params: -32602 with a clear message", async () => {
      const r = await call(server.url, "getBalance", ["not-a-key"]);
      expect(r.error?.code).to.equal(-32602);
      expect(r.error?.message).to.contain("not-a-key");
      const f = await call(server.url, "getProgramAccounts", [FIXTURE_PROGRAM.toBase58(), { filters: [{ size: 3 }] }]);
      expect(f.error?.code).to.equal(-32602);
      expect(f.error?.message).to.contain("filters[0]");
      const w = await call(server.url, "lumora_warp", [{ seconds: -5 }]);
      expect(w.error?.code).to.equal(-32602);
    });

    it("batches answer each request by id; parse errors are -32700", async () => {
      const r = await rpc(server.url, [
        { jsonrpc: "2.0", id: 7, method: "getHealth" },
        { jsonrpc: "2.0", id: 8, method: "nope" },
        { jsonrpc: "2.0", method: "getSlot" }, // a notification: no answer
      ]);
      expect(r).to.have.length(2);
      expect(r[0]).to.deep.include({ id: 7, result: "ok" });
      expect(r[1].id).to.equal(8);
      expect(r[1].error.code).to.equal(-32601);
      expect((await rpc(server.url, "{not json")).error.code).to.equal(-32700);
    });
  });

  describe("version-0 transactions", () => {
    it("an address lookup table is created, extended and used by a v0 transfer", async () => {
      const send = async (ixs: TransactionInstruction[], tables: AddressLookupTableAccount[] = []) => {
        const bh = await conn.getLatestBlockhash();
        const tx = new VersionedTransaction(new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: bh.blockhash, instructions: ixs }).compileToV0Message(tables));
        tx.sign([alice]);
        const sig = await conn.sendTransaction(tx);
        expect((await conn.confirmTransaction({ signature: sig, ...bh })).value.err).to.equal(null);
        return sig;
      };
      const dests = [Keypair.generate().publicKey, Keypair.generate().publicKey, Keypair.generate().publicKey];
      const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: alice.publicKey, payer: alice.publicKey, recentSlot: await conn.getSlot() });
      await send([create, AddressLookupTableProgram.extendLookupTable({ payer: alice.publicKey, authority: alice.publicKey, lookupTable: table, addresses: dests })]);
      await sleep(900); // addresses become usable the slot after they were added
      const alt = (await conn.getAddressLookupTable(table)).value!;
      expect(alt.state.addresses.map((a) => a.toBase58())).to.deep.equal(dests.map((d) => d.toBase58()));
      const sig = await send(
        dests.map((d, i) => SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: d, lamports: 1_000_000 + i })),
        [alt],
      );
      for (const [i, d] of dests.entries()) expect(await conn.getBalance(d)).to.equal(1_000_000 + i);
      const tx = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
      expect(tx?.version).to.equal(0);
      expect(tx?.meta?.loadedAddresses?.writable.map((k) => k.toBase58())).to.deep.equal(dests.map((d) => d.toBase58()));
      expect(tx?.transaction.message.addressTableLookups).to.have.length(1);
      // a legacy-only client is told to ask for version 0
      const legacyOnly = await call(server.url, "getTransaction", [sig, { encoding: "json" }]);
      expect(legacyOnly.error?.code).to.equal(-32015);
    });
  });
});

describe("chain rpc: blockhash expiry (clock stopped)", () => {
  let server: RpcServer;
  const opened: Connection[] = [];
  const payer = Keypair.generate();
  before(async () => {
    server = await startRpcServer({ accounts: [funded(payer.publicKey)], slotMs: 3_600_000 });
  });
  after(async () => {
    closeAll(opened);
    await server.close();
  });

  it("a blockhash is valid for 150 slots, then refused as not found", async () => {
    const conn = connect(server.url, opened);
    const bh = await conn.getLatestBlockhash();
    const tx = transfer(payer, Keypair.generate().publicKey, 1_000);
    tx.recentBlockhash = bh.blockhash;
    tx.feePayer = payer.publicKey;
    tx.sign(payer);
    expect((await call(server.url, "lumora_setSlot", [{ slot: bh.lastValidBlockHeight }])).result.slot).to.equal(bh.lastValidBlockHeight);
    expect((await conn.isBlockhashValid(bh.blockhash)).value).to.equal(true);
    expect(await conn.getBlockHeight()).to.equal(bh.lastValidBlockHeight);
    await call(server.url, "lumora_setSlot", [{ slot: bh.lastValidBlockHeight + 1 }]);
    expect((await conn.isBlockhashValid(bh.blockhash)).value).to.equal(false);
    const err = await conn.sendRawTransaction(tx.serialize()).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).to.be.instanceOf(SendTransactionError);
    expect(err?.message).to.match(/Blockhash not found/);
    const skipped = await call(server.url, "sendTransaction", [Buffer.from(tx.serialize()).toString("base64"), { encoding: "base64", skipPreflight: true }]);
    expect(skipped.error?.data?.err).to.equal("BlockhashNotFound");
    expect((await conn.getSignatureStatuses([bs58.encode(tx.signature!)])).value[0]).to.equal(null);
    expect((await call(server.url, "lumora_setSlot", [{ slot: 1 }])).error?.code).to.equal(-32602);
  });

  it("as on agave, simulation and preflight refuse a blockhash 6 slots before it expires (forwarding delay); skipPreflight still lands it", async () => {
    const conn = connect(server.url, opened);
    const bh = await conn.getLatestBlockhash();
    const tx = transfer(payer, Keypair.generate().publicKey, LAMPORTS_PER_SOL);
    tx.recentBlockhash = bh.blockhash;
    tx.feePayer = payer.publicKey;
    tx.sign(payer);
    const raw = Buffer.from(tx.serialize()).toString("base64");
    await call(server.url, "lumora_setSlot", [{ slot: bh.lastValidBlockHeight - 6 }]);
    expect((await call(server.url, "simulateTransaction", [raw, { encoding: "base64" }])).result.value.err).to.equal(null);
    await call(server.url, "lumora_setSlot", [{ slot: bh.lastValidBlockHeight - 5 }]);
    expect((await call(server.url, "simulateTransaction", [raw, { encoding: "base64" }])).result.value.err).to.equal("BlockhashNotFound");
    expect((await call(server.url, "sendTransaction", [raw, { encoding: "base64" }])).error?.data?.err).to.equal("BlockhashNotFound");
    expect((await conn.isBlockhashValid(bh.blockhash)).value).to.equal(true);
    const sig = (await call(server.url, "sendTransaction", [raw, { encoding: "base64", skipPreflight: true }])).result;
    expect(sig).to.equal(bs58.encode(tx.signature!));
    expect((await conn.getSignatureStatuses([sig])).value[0]?.err).to.equal(null);
  });
});
