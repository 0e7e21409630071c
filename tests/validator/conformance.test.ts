/**
 * The embedded chain's JSON-RPC facade (tools/chain/rpc) against agave's solana-test-validator 4.2.2: one
 * localnet of each engine (the four programs deployed upgradeable, the migrations run), the same calls sent to
 * both — every RPC method the SDK, the clients and web3.js/Anchor's send-and-confirm use, WebSocket
 * subscriptions, v0 transactions with a lookup table, blockhash expiry, simulation and preflight failures and
 * their error shapes, the CORS preflight — and the answers compared by shape and, where the protocol fixes
 * them, by value. Each case lists the differences it expects (docs/chain-rpc.md, "Against agave"); any other
 * difference, or a listed one that disappeared, fails the case.
 */
import {
  AddressLookupTableProgram,
  type Connection,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  sendAndConfirmTransaction,
} from "@solana/web3.js";
import { utils } from "@coral-xyz/anchor";
import { expect } from "chai";
import WebSocket from "ws";
import { LumoraClient, PROGRAM_IDS, ROLES } from "../../sdk/src/index.js";
import { BN } from "../../sdk/src/bn.js";
import { type Localnet, startLocalnet } from "../../tools/chain/localnet.js";
import { call, rpc, sleep } from "../../tools/chain/rpc/test/helpers.js";
import { differences } from "./compare.js";

type Side = "facade" | "agave";
const SIDES: Side[] = ["facade", "agave"];

/**
 * The differences each case expects, as `differences()` prints them. Keep docs/chain-rpc.md ("Against agave") in
 * step: every line here is explained there, or fixed in the facade and removed here. Written from agave 4.2.2's
 * sources (solana-rpc rpc.rs, jsonrpc-http-server, solana-transaction-status); a case that finds others prints
 * every line it found, ready to be judged and copied here.
 */
const costUnits = "$.meta.costUnits: only agave has it";
/** A simulation's fields the facade does not compute (null) where agave has values. */
const simulationNulls = (at: string) => [
  `${at}.loadedAccountsDataSize: facade null / agave number`,
  `${at}.postBalances: facade null / agave array`,
  `${at}.postTokenBalances: facade null / agave []`,
  `${at}.preBalances: facade null / agave array`,
  `${at}.preTokenBalances: facade null / agave []`,
];
const KNOWN: Record<string, string[]> = {
  getVersion: ["$.result.lumora: only the facade has it"],
  CORS: ["status = facade 204 / agave 200", 'methods = facade "POST, GET, OPTIONS" / agave "OPTIONS, POST"'],
  "getAccountInfo jsonParsed token": ["$.value.data: facade array / agave object"],
  transfer: ["$.value[].confirmations: facade null / agave number", `json: ${costUnits}`, `base64: ${costUnits}`],
  "simulate overdraw": simulationNulls("$.value"),
  "simulate program error": simulationNulls("$.value"),
  // refused before execution (BlockhashNotFound), agave still reports the accounts' balances; the facade computes none
  "unknown blockhash": simulationNulls("simulate: $.result.value").filter((d) => !d.includes("loadedAccountsDataSize")),
  "preflight failure": ["$.error.data.loadedAccountsDataSize: facade null / agave number"],
  "skipPreflight failure": [costUnits],
  "JSON-RPC errors": [
    `unknown: error.message = facade ${JSON.stringify("Method not found: getFooBar")} / agave ${JSON.stringify("Method not found")}`,
    `bad param: error.message = facade ${JSON.stringify('Invalid params: account is not a valid public key: "not-a-key"')} / agave ${JSON.stringify("Invalid param: Invalid")}`,
  ],
  "v0 + lookup table": [costUnits],
};

/** Fails unless the differences found are exactly the ones the case expects. */
function expectKnown(name: string, found: string[]): void {
  const known = KNOWN[name] ?? [];
  const unexpected = found.filter((d) => !known.includes(d));
  const gone = known.filter((d) => !found.includes(d));
  if (unexpected.length || gone.length) console.log(`    [${name}] found:\n${found.map((d) => `      ${JSON.stringify(d)},`).join("\n")}`);
  expect({ unexpected, gone }, `${name}: differences between the facade and agave`).to.deep.equal({ unexpected: [], gone: [] });
}

describe("validator: the facade against agave (same calls, compared answers)", function () {
  this.timeout(180_000);
  const net = {} as Record<Side, Localnet>;
  const alice = Keypair.generate();
  const bob = Keypair.generate();
  const url = (s: Side) => net[s].rpc.url;
  const conn = (s: Side): Connection => net[s].connection;
  /** Runs `f` on both sides at once. */
  async function both<T>(f: (s: Side) => Promise<T>): Promise<Record<Side, T>> {
    const [facade, agave] = await Promise.all(SIDES.map(f));
    return { facade: facade!, agave: agave! };
  }
  /** The same raw JSON-RPC call to both. */
  const callBoth = (method: string, params?: (s: Side) => unknown) => both((s) => call(url(s), method, params?.(s)));
  /** A confirmed transfer alice → bob on a side; its signature. */
  const transferOn = (s: Side, lamports = 1_000) =>
    sendAndConfirmTransaction(conn(s), new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports })), [alice], { commitment: "confirmed" });

  before(async function () {
    this.timeout(300_000);
    const timed = async (engine: "embedded" | "agave") => {
      const t0 = Date.now();
      const n = await startLocalnet({ engine, openFirstEpoch: true });
      return { n, ms: Date.now() - t0 };
    };
    const [facade, agave] = await Promise.all([timed("embedded"), timed("agave")]);
    net.facade = facade.n;
    net.agave = agave.n;
    console.log(`    started: facade ${facade.ms} ms, agave ${agave.n.agave!.version} ready in ${agave.n.agave!.readyMs} ms (localnet with the migrations ${agave.ms} ms)`);
    await both((s) => net[s].fund(alice.publicKey, { lamports: 20e9, lmr: 5_000n * 1_000_000n }));
    await both((s) => net[s].fund(bob.publicKey, { lamports: 1e9, lmr: 0n }));
  });
  after(async () => {
    for (const s of SIDES) await net[s]?.close();
  });

  describe("cluster", () => {
    for (const m of ["getVersion", "getHealth", "getIdentity", "getGenesisHash", "getEpochSchedule", "getEpochInfo", "getSlot", "getBlockHeight", "getRecentPrioritizationFees"]) {
      it(m, async () => {
        const r = await callBoth(m);
        expectKnown(m, differences(r.facade, r.agave));
      });
    }
    it("getMinimumBalanceForRentExemption: the same lamports for 0, 165 and 10,000 bytes", async () => {
      const found: string[] = [];
      for (const n of [0, 165, 10_000]) {
        const r = await callBoth("getMinimumBalanceForRentExemption", () => [n]);
        found.push(...differences(r.facade, r.agave, ["result"]).map((d) => `${n} bytes: ${d}`));
      }
      expectKnown("getMinimumBalanceForRentExemption", found);
    });
    it("getLatestBlockhash: shape; lastValidBlockHeight − blockHeight", async () => {
      const r = await both(async (s) => {
        const lb = await call(url(s), "getLatestBlockhash", [{ commitment: "confirmed" }]);
        const h = await call(url(s), "getBlockHeight", [{ commitment: "confirmed" }]);
        return { lb, window: lb.result.value.lastValidBlockHeight - h.result };
      });
      const found = differences(r.facade.lb, r.agave.lb);
      // agave: the confirmed blockhash's height + 150 (MAX_PROCESSING_AGE); the facade: the slot + 150
      for (const s of SIDES) expect(r[s].window, s).to.be.within(140, 152);
      expectKnown("getLatestBlockhash", found);
    });
    it("CORS preflight: status and allow headers", async () => {
      const r = await both(async (s) => {
        const res = await fetch(url(s), { method: "OPTIONS", headers: { origin: "http://dapp.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
        return { status: res.status, origin: res.headers.get("access-control-allow-origin"), methods: res.headers.get("access-control-allow-methods"), headers: res.headers.get("access-control-allow-headers")?.toLowerCase(), maxAge: res.headers.get("access-control-max-age") };
      });
      for (const s of SIDES) {
        expect(r[s].origin, s).to.equal("http://dapp.example");
        expect(r[s].methods, s).to.contain("POST");
        expect(r[s].headers, s).to.contain("content-type");
      }
      expectKnown("CORS", differences(r.facade, r.agave, ["status", "methods", "maxAge"]));
    });
  });

  describe("accounts", () => {
    it("getAccountInfo of a program and its program-data: the upgradeable loader's layout", async () => {
      const r = await callBoth("getAccountInfo", () => [PROGRAM_IDS.registry.toBase58(), { encoding: "base64" }]);
      expectKnown("getAccountInfo program", differences(r.facade.result, r.agave.result, ["value.owner", "value.executable", "value.data", "value.lamports", "value.space"]));
      const pd = PublicKey.findProgramAddressSync([PROGRAM_IDS.registry.toBuffer()], new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111"))[0];
      const d = await callBoth("getAccountInfo", () => [pd.toBase58(), { encoding: "base64", dataSlice: { offset: 0, length: 4 } }]);
      expectKnown("getAccountInfo programdata", differences(d.facade.result, d.agave.result, ["value.owner", "value.executable", "value.data", "value.lamports", "value.space"]));
    });
    it("getAccountInfo: a missing account is null; base58, base64, jsonParsed of a system account", async () => {
      const found: string[] = [];
      const missing = await callBoth("getAccountInfo", () => [Keypair.generate().publicKey.toBase58()]);
      found.push(...differences(missing.facade.result, missing.agave.result, ["value"]));
      for (const encoding of ["base58", "base64", "jsonParsed"]) {
        const r = await callBoth("getAccountInfo", () => [bob.publicKey.toBase58(), { encoding, commitment: "confirmed" }]);
        found.push(...differences(r.facade.result, r.agave.result, ["value.data", "value.owner", "value.space"]).map((x) => `${encoding}: ${x}`));
      }
      expectKnown("getAccountInfo encodings", found);
    });
    it("getAccountInfo jsonParsed of a token account (the treasury)", async () => {
      const r = await both(async (s) => {
        const cfg = (await new LumoraClient({ provider: net[s].provider }).registry.fetchConfig())!;
        return call(url(s), "getAccountInfo", [cfg.treasury.toBase58(), { encoding: "jsonParsed", commitment: "confirmed" }]);
      });
      expectKnown("getAccountInfo jsonParsed token", differences(r.facade.result, r.agave.result, ["value.owner", "value.space"]));
    });
    it("getMultipleAccounts, getBalance, getTokenAccountBalance", async () => {
      const found: string[] = [];
      const m = await callBoth("getMultipleAccounts", () => [[PROGRAM_IDS.registry.toBase58(), Keypair.generate().publicKey.toBase58()], { encoding: "base64", commitment: "confirmed" }]);
      found.push(...differences(m.facade.result, m.agave.result));
      const b = await callBoth("getBalance", () => [bob.publicKey.toBase58(), { commitment: "confirmed" }]);
      found.push(...differences(b.facade.result, b.agave.result));
      const t = await both(async (s) => {
        const cfg = (await new LumoraClient({ provider: net[s].provider }).registry.fetchConfig())!;
        return call(url(s), "getTokenAccountBalance", [cfg.treasury.toBase58(), { commitment: "confirmed" }]);
      });
      found.push(...differences(t.facade.result, t.agave.result, ["value.decimals"]));
      const bad = await callBoth("getTokenAccountBalance", () => [bob.publicKey.toBase58(), { commitment: "confirmed" }]);
      found.push(...differences(bad.facade, bad.agave, ["error.code", "error.message"]).map((x) => `not a token account: ${x}`));
      expectKnown("getMultipleAccounts/getBalance/getTokenAccountBalance", found);
    });
    it("getProgramAccounts: dataSize + memcmp filters, withContext, dataSlice", async () => {
      const cfgAddr = new LumoraClient({ provider: net.facade.provider }).registry.configAddress();
      const r = await both(async (s) => {
        const info = await conn(s).getAccountInfo(cfgAddr);
        const disc = Buffer.from(info!.data.subarray(0, 8));
        const plain = await call(url(s), "getProgramAccounts", [PROGRAM_IDS.registry.toBase58(), { encoding: "base64", commitment: "confirmed", filters: [{ dataSize: info!.data.length }, { memcmp: { offset: 0, bytes: disc.toString("base64"), encoding: "base64" } }] }]);
        const ctx = await call(url(s), "getProgramAccounts", [PROGRAM_IDS.registry.toBase58(), { encoding: "base64", commitment: "confirmed", withContext: true, dataSlice: { offset: 0, length: 8 }, filters: [{ dataSize: info!.data.length }] }]);
        return { plain, ctx };
      });
      for (const s of SIDES) expect(r[s].plain.result.map((a: { pubkey: string }) => a.pubkey), s).to.deep.equal([cfgAddr.toBase58()]);
      expectKnown("getProgramAccounts", [...differences(r.facade.plain.result, r.agave.plain.result), ...differences(r.facade.ctx.result, r.agave.ctx.result, ["value.0.account.data"])]);
    });
  });

  describe("transactions", () => {
    it("a confirmed transfer: getSignatureStatuses, getTransaction (json, base64), getSignaturesForAddress, getBlockTime", async () => {
      const sig = await both((s) => transferOn(s));
      const st = await both((s) => call(url(s), "getSignatureStatuses", [[sig[s]], { searchTransactionHistory: true }]));
      const found = differences(st.facade.result, st.agave.result, ["value.0.err", "value.0.status"]);
      const tx = await both((s) => call(url(s), "getTransaction", [sig[s], { commitment: "confirmed", encoding: "json", maxSupportedTransactionVersion: 0 }]));
      found.push(...differences(tx.facade.result, tx.agave.result, ["meta.err", "meta.fee", "meta.logMessages", "meta.computeUnitsConsumed", "version", "transaction.message.header"]).map((x) => `json: ${x}`));
      const tx64 = await both((s) => call(url(s), "getTransaction", [sig[s], { commitment: "confirmed", encoding: "base64" }]));
      found.push(...differences(tx64.facade.result, tx64.agave.result).map((x) => `base64: ${x}`));
      const hist = await both((s) => call(url(s), "getSignaturesForAddress", [bob.publicKey.toBase58(), { limit: 1, commitment: "confirmed" }]));
      for (const s of SIDES) expect(hist[s].result[0].signature, s).to.equal(sig[s]);
      found.push(...differences(hist.facade.result, hist.agave.result, ["0.err", "0.memo"]).map((x) => `history: ${x}`));
      // agave answers for rooted blocks (and confirmed ones it still holds); poll up to the finalized lag (≈ 13 s)
      const bt = await both(async (s) => {
        const t0 = Date.now();
        for (;;) {
          const r = await call(url(s), "getBlockTime", [tx[s].result.slot]);
          if (r.result !== undefined || Date.now() - t0 > 30_000) return r;
          await sleep(500);
        }
      });
      for (const s of SIDES) expect(Math.abs(bt[s].result - Date.now() / 1000), `${s} blockTime`).to.be.below(60);
      found.push(...differences(bt.facade, bt.agave).map((x) => `blockTime: ${x}`));
      expectKnown("transfer", found);
    });
    it("getFeeForMessage and isBlockhashValid", async () => {
      const r = await both(async (s) => {
        const { blockhash } = await conn(s).getLatestBlockhash("confirmed");
        const msg = new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: blockhash, instructions: [SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 1 })] }).compileToLegacyMessage();
        const fee = await call(url(s), "getFeeForMessage", [Buffer.from(msg.serialize()).toString("base64"), { commitment: "confirmed" }]);
        const valid = await call(url(s), "isBlockhashValid", [blockhash, { commitment: "confirmed" }]);
        const bogus = await call(url(s), "isBlockhashValid", [Keypair.generate().publicKey.toBase58(), { commitment: "confirmed" }]);
        return { fee, valid, bogus };
      });
      for (const s of SIDES) {
        expect(r[s].valid.result.value, s).to.equal(true);
        expect(r[s].bogus.result.value, s).to.equal(false);
      }
      expectKnown("fee/blockhash", [...differences(r.facade.fee.result, r.agave.fee.result, ["value"]), ...differences(r.facade.valid.result, r.agave.valid.result)]);
    });
    it("requestAirdrop: a signature that confirms", async () => {
      const r = await both(async (s) => {
        const k = Keypair.generate().publicKey;
        const res = await call(url(s), "requestAirdrop", [k.toBase58(), 1e9]);
        const latest = await conn(s).getLatestBlockhash();
        await conn(s).confirmTransaction({ signature: res.result, ...latest }, "confirmed");
        return { res, balance: await conn(s).getBalance(k, "confirmed") };
      });
      for (const s of SIDES) expect(r[s].balance, s).to.equal(1e9);
      expectKnown("requestAirdrop", differences(r.facade.res, r.agave.res));
    });
  });

  describe("simulation and preflight failures", () => {
    /** A transfer alice cannot pay (system program error 1, ResultWithNegativeLamports). */
    const overdraw = async (s: Side) => {
      const { blockhash } = await conn(s).getLatestBlockhash("confirmed");
      const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 1e15 }));
      t.sign(alice);
      return t.serialize().toString("base64");
    };
    /** An instruction the registry program does not know (Anchor's InstructionFallbackNotFound, 101). */
    const unknownIx = async (s: Side) => {
      const { blockhash } = await conn(s).getLatestBlockhash("confirmed");
      const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(new TransactionInstruction({ programId: PROGRAM_IDS.registry, keys: [], data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) }));
      t.sign(alice);
      return t.serialize().toString("base64");
    };

    it("simulateTransaction of a failing transfer: err, logs, units", async () => {
      const r = await both(async (s) => call(url(s), "simulateTransaction", [await overdraw(s), { encoding: "base64", commitment: "confirmed" }]));
      expectKnown("simulate overdraw", differences(r.facade.result, r.agave.result, ["value.err", "value.logs", "value.unitsConsumed"]));
    });
    it("simulateTransaction of a program error: Anchor's error in the logs, the same units", async () => {
      const r = await both(async (s) => call(url(s), "simulateTransaction", [await unknownIx(s), { encoding: "base64", commitment: "confirmed" }]));
      expect(r.agave.result.value.err).to.deep.equal({ InstructionError: [0, { Custom: 101 }] });
      expectKnown("simulate program error", differences(r.facade.result, r.agave.result, ["value.err", "value.logs", "value.unitsConsumed"]));
    });
    it("sendTransaction with preflight: -32002, the message and data web3.js turns into SendTransactionError", async () => {
      const r = await both(async (s) => call(url(s), "sendTransaction", [await unknownIx(s), { encoding: "base64", preflightCommitment: "confirmed" }]));
      expectKnown("preflight failure", differences(r.facade, r.agave, ["error.code", "error.message", "error.data.err", "error.data.logs"]));
    });
    it("sendTransaction with skipPreflight: the failing transaction lands with its error and fee", async () => {
      const r = await both(async (s) => {
        const sig = (await call(url(s), "sendTransaction", [await unknownIx(s), { encoding: "base64", skipPreflight: true }])).result as string;
        const latest = await conn(s).getLatestBlockhash();
        const conf = await conn(s).confirmTransaction({ signature: sig, ...latest }, "confirmed");
        const tx = await call(url(s), "getTransaction", [sig, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }]);
        return { err: conf.value.err, tx: tx.result };
      });
      for (const s of SIDES) expect(r[s].err, s).to.deep.equal({ InstructionError: [0, { Custom: 101 }] });
      expectKnown("skipPreflight failure", differences(r.facade.tx, r.agave.tx, ["meta.err", "meta.fee", "meta.logMessages", "meta.computeUnitsConsumed"]));
    });
    it("a bad signature: simulateTransaction with sigVerify and sendTransaction refuse it (-32003)", async () => {
      const r = await both(async (s) => {
        const { blockhash } = await conn(s).getLatestBlockhash("confirmed");
        const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 5 }));
        t.sign(alice);
        t.signatures[0]!.signature![0]! ^= 0xff;
        const raw = t.serialize({ verifySignatures: false }).toString("base64");
        return { sim: await call(url(s), "simulateTransaction", [raw, { encoding: "base64", sigVerify: true }]), send: await call(url(s), "sendTransaction", [raw, { encoding: "base64" }]) };
      });
      expectKnown("bad signature", [
        ...differences(r.facade.sim, r.agave.sim, ["error.code", "error.message"]).map((x) => `simulate: ${x}`),
        ...differences(r.facade.send, r.agave.send, ["error.code", "error.message"]).map((x) => `send: ${x}`),
      ]);
    });
    it("a duplicate: the same signed transaction sent again", async () => {
      const r = await both(async (s) => {
        const { blockhash, lastValidBlockHeight } = await conn(s).getLatestBlockhash("confirmed");
        const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 7 }));
        t.sign(alice);
        const raw = t.serialize().toString("base64");
        const first = await call(url(s), "sendTransaction", [raw, { encoding: "base64", preflightCommitment: "confirmed" }]);
        await conn(s).confirmTransaction({ signature: first.result, blockhash, lastValidBlockHeight }, "confirmed");
        return call(url(s), "sendTransaction", [raw, { encoding: "base64", preflightCommitment: "confirmed" }]);
      });
      expectKnown("duplicate", differences(r.facade, r.agave, ["error.code", "error.message", "error.data.err"]));
    });
    it("an unknown blockhash: BlockhashNotFound from simulation and preflight", async () => {
      const raw = () => {
        const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: Keypair.generate().publicKey.toBase58() }).add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 5 }));
        t.sign(alice);
        return t.serialize().toString("base64");
      };
      const r = await both(async (s) => ({
        sim: await call(url(s), "simulateTransaction", [raw(), { encoding: "base64" }]),
        send: await call(url(s), "sendTransaction", [raw(), { encoding: "base64" }]),
      }));
      expectKnown("unknown blockhash", [
        ...differences(r.facade.sim, r.agave.sim, ["result.value.err", "result.value.logs"]).map((x) => `simulate: ${x}`),
        ...differences(r.facade.send, r.agave.send, ["error.code", "error.message", "error.data.err"]).map((x) => `send: ${x}`),
      ]);
    });
  });

  describe("JSON-RPC errors", () => {
    it("unknown method, bad params, unparsable JSON, a batch", async () => {
      const found: string[] = [];
      const u = await callBoth("getFooBar", () => []);
      found.push(...differences(u.facade, u.agave, ["error.code", "error.message"]).map((x) => `unknown: ${x}`));
      const b = await callBoth("getBalance", () => ["not-a-key"]);
      found.push(...differences(b.facade, b.agave, ["error.code", "error.message"]).map((x) => `bad param: ${x}`));
      const p = await both((s) => rpc(url(s), "{not json"));
      found.push(...differences(p.facade, p.agave, ["error.code", "error.message"]).map((x) => `parse: ${x}`));
      const batch = await both((s) => rpc(url(s), [{ jsonrpc: "2.0", id: 7, method: "getHealth" }, { jsonrpc: "2.0", id: 8, method: "nope" }]));
      found.push(...differences(batch.facade, batch.agave, ["0.result", "1.error.code"]).map((x) => `batch: ${x}`));
      expectKnown("JSON-RPC errors", found);
    });
  });

  describe("version-0 transactions and lookup tables", () => {
    it("a table created and extended, then used by a v0 transfer (getTransaction without/with maxSupportedTransactionVersion)", async () => {
      const waited: Record<Side, number> = { facade: 0, agave: 0 };
      const r = await both(async (s) => {
        const c = conn(s);
        const recentSlot = await c.getSlot("finalized");
        const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: alice.publicKey, payer: alice.publicKey, recentSlot });
        const extend = AddressLookupTableProgram.extendLookupTable({ lookupTable: table, authority: alice.publicKey, payer: alice.publicKey, addresses: [bob.publicKey, SystemProgram.programId] });
        await sendAndConfirmTransaction(c, new Transaction().add(create, extend), [alice], { commitment: "confirmed" });
        const lut = (await c.getAddressLookupTable(table, { commitment: "confirmed" })).value!;
        expect(lut.state.addresses.map((a) => a.toBase58()), s).to.deep.equal([bob.publicKey.toBase58(), SystemProgram.programId.toBase58()]);
        // a table is usable from the slot after its extension; agave refuses it until then ("invalid index")
        const t0 = Date.now();
        for (;;) {
          const { blockhash, lastValidBlockHeight } = await c.getLatestBlockhash("confirmed");
          const msg = new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: blockhash, instructions: [SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 11 })] }).compileToV0Message([lut]);
          const vtx = new VersionedTransaction(msg);
          vtx.sign([alice]);
          const sent = await call(url(s), "sendTransaction", [Buffer.from(vtx.serialize()).toString("base64"), { encoding: "base64", preflightCommitment: "confirmed" }]);
          if (sent.result) {
            waited[s] = Date.now() - t0;
            await c.confirmTransaction({ signature: sent.result, blockhash, lastValidBlockHeight }, "confirmed");
            const noVersion = await call(url(s), "getTransaction", [sent.result, { commitment: "confirmed" }]);
            const tx = await call(url(s), "getTransaction", [sent.result, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }]);
            return { noVersion, tx: tx.result };
          }
          if (Date.now() - t0 > 30_000) throw new Error(`${s}: the lookup table is still refused after 30 s: ${JSON.stringify(sent.error)}`);
          await sleep(400);
        }
      });
      console.log(`      lookup table usable after: facade ${waited.facade} ms, agave ${waited.agave} ms`);
      for (const s of SIDES) expect(r[s].tx.meta.loadedAddresses, s).to.deep.equal({ writable: [bob.publicKey.toBase58()], readonly: [] });
      expectKnown("v0 + lookup table", [
        ...differences(r.facade.noVersion, r.agave.noVersion, ["error.code", "error.message"]).map((x) => `no maxSupportedTransactionVersion: ${x}`),
        ...differences(r.facade.tx, r.agave.tx, ["version", "meta.err", "meta.fee", "meta.computeUnitsConsumed", "meta.logMessages"]),
      ]);
    });
  });

  describe("WebSocket subscriptions", () => {
    /** Opens the side's WebSocket, subscribes, runs `trigger`, returns the subscribe answer and the first notification. */
    async function subscribeOn(s: Side, method: string, params: unknown[], trigger: () => Promise<unknown>) {
      const ws = new WebSocket(net[s].rpc.wsUrl);
      await new Promise((res, rej) => (ws.once("open", res), ws.once("error", rej)));
      const messages: any[] = [];
      ws.on("message", (d) => messages.push(JSON.parse(d.toString())));
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }));
      const wait = async (pred: (m: any) => boolean, what: string) => {
        const t0 = Date.now();
        for (;;) {
          const m = messages.find(pred);
          if (m) return m;
          if (Date.now() - t0 > 30_000) throw new Error(`${s}: no ${what} for ${method} within 30 s (got ${JSON.stringify(messages).slice(0, 300)})`);
          await sleep(20);
        }
      };
      const reply = await wait((m) => m.id === 1, "reply");
      await trigger();
      const note = await wait((m) => m.method && m.params?.subscription === reply.result, "notification");
      const unsub = method.replace("Subscribe", "Unsubscribe");
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: unsub, params: [reply.result] }));
      const unsubReply = await wait((m) => m.id === 2, "unsubscribe reply");
      ws.close();
      return { reply, note, unsubReply };
    }
    const cases: { name: string; method: string; params: (s: Side) => unknown[]; trigger: (s: Side) => Promise<unknown>; paths?: string[] }[] = [
      { name: "accountSubscribe", method: "accountSubscribe", params: () => [bob.publicKey.toBase58(), { encoding: "base64", commitment: "confirmed" }], trigger: (s) => transferOn(s, 13), paths: ["params.result.value.owner"] },
      { name: "signatureSubscribe", method: "signatureSubscribe", params: () => [], trigger: async () => undefined },
      { name: "slotSubscribe", method: "slotSubscribe", params: () => [], trigger: async () => undefined },
      { name: "logsSubscribe", method: "logsSubscribe", params: () => [{ mentions: [bob.publicKey.toBase58()] }, { commitment: "confirmed" }], trigger: (s) => transferOn(s, 17), paths: ["params.result.value.err", "params.result.value.logs"] },
      {
        name: "programSubscribe",
        method: "programSubscribe",
        params: () => [SystemProgram.programId.toBase58(), { encoding: "base64", commitment: "confirmed", filters: [{ dataSize: 0 }] }],
        trigger: (s) => transferOn(s, 19),
        paths: ["params.result.value.account.owner"],
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        let r: Record<Side, Awaited<ReturnType<typeof subscribeOn>>>;
        if (c.method === "signatureSubscribe") {
          // subscribe before sending: the notification comes when the transfer confirms
          r = await both(async (s) => {
            const { blockhash } = await conn(s).getLatestBlockhash("confirmed");
            const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 23 }));
            t.sign(alice);
            const sig = Buffer.from(t.signature!);
            return subscribeOn(s, "signatureSubscribe", [utils.bytes.bs58.encode(sig), { commitment: "confirmed" }], () => conn(s).sendRawTransaction(t.serialize()));
          });
        } else r = await both((s) => subscribeOn(s, c.method, c.params(s), () => c.trigger(s)));
        expectKnown(c.name, [
          ...differences(r.facade.reply, r.agave.reply).map((x) => `reply: ${x}`),
          ...differences(r.facade.note, r.agave.note, ["method", ...(c.paths ?? [])]).map((x) => `notification: ${x}`),
          ...differences(r.facade.unsubReply, r.agave.unsubReply, ["result"]).map((x) => `unsubscribe: ${x}`),
        ]);
      });
    }
  });

  describe("the SDK on both", () => {
    it("registerNode and a heartbeat too soon: the same success and the same typed error", async () => {
      const operator = Keypair.generate();
      const nodeKey = Keypair.generate();
      const out = await both(async (s) => {
        await net[s].fund(operator.publicKey, { lamports: 5e9, lmr: 2_000n * 1_000_000n });
        const client = new LumoraClient({ provider: net[s].provider });
        const profile = { roles: ROLES.PROVIDER, latE6: 1, lonE6: 2, declaredBandwidthKbps: new BN(100_000), bandwidthCapKbps: new BN(80_000), multiaddr: "/ip4/127.0.0.1/tcp/4001" };
        const sig = await client.registry.registerNode({ operator, nodeKey, profile, stake: 1_000n * 1_000_000n, lmrMint: net[s].lmrMint });
        const tx = await conn(s).getTransaction(sig, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
        const beat = await client.registry.heartbeat({ nodeKey }).then(
          () => "ok",
          (e: Error) => e.name + ": " + e.message.split("\n")[0],
        );
        const node = (await client.registry.fetchNode(nodeKey.publicKey))!;
        return { ok: tx?.meta?.err ?? null, stake: node.stake.toString(), beat, logs: tx?.meta?.logMessages?.filter((l) => l.startsWith("Program log: Instruction")) };
      });
      expect(out.facade).to.deep.equal(out.agave);
    });
  });

  describe("latency (measured and printed)", () => {
    it("send + confirm (confirmed) of 20 transfers, one after the other: every one lands; the median", async () => {
      const r = await both(async (s) => {
        const ms: number[] = [];
        for (let i = 0; i < 20; i++) {
          const t0 = Date.now();
          await transferOn(s, 100 + i);
          ms.push(Date.now() - t0);
        }
        ms.sort((a, b) => a - b);
        return { median: (ms[9]! + ms[10]!) / 2, min: ms[0]!, max: ms[19]! };
      });
      console.log(`      send + confirm: facade median ${r.facade.median} ms (${r.facade.min}–${r.facade.max}), agave median ${r.agave.median} ms (${r.agave.min}–${r.agave.max})`);
    });
  });

  describe("blockhash expiry (real time: ≈ 60–70 s)", () => {
    it("a blockhash stops being valid after its lastValidBlockHeight; sending with it is refused as BlockhashNotFound", async function () {
      this.timeout(240_000);
      const r = await both(async (s) => {
        const c = conn(s);
        const { blockhash, lastValidBlockHeight } = await c.getLatestBlockhash("confirmed");
        const t0 = Date.now();
        while ((await c.getBlockHeight("confirmed")) <= lastValidBlockHeight) await sleep(1_000);
        const secs = (Date.now() - t0) / 1000;
        const valid = (await call(url(s), "isBlockhashValid", [blockhash, { commitment: "confirmed" }])).result.value;
        const t = new Transaction({ feePayer: alice.publicKey, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 29 }));
        t.sign(alice);
        const send = await call(url(s), "sendTransaction", [t.serialize().toString("base64"), { encoding: "base64", preflightCommitment: "confirmed" }]);
        return { secs, valid, send };
      });
      console.log(`      expired after: facade ${r.facade.secs.toFixed(1)} s, agave ${r.agave.secs.toFixed(1)} s`);
      for (const s of SIDES) expect(r[s].valid, s).to.equal(false);
      expectKnown("expired blockhash", differences(r.facade.send, r.agave.send, ["error.code", "error.message", "error.data.err"]));
    });
  });
});
