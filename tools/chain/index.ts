/**
 * The embedded chain: one interface over two in-process Solana VMs from npm, used by the test harness,
 * `migrations/` and the demo.
 *   - `bankrun`: solana-bankrun 0.4 (what auditors run), driven through anchor-bankrun's BankrunProvider.
 *   - `litesvm`: litesvm 1.5 (the current runtime with p-token), through {@link LiteSvmProvider}.
 * Programs are deployed the way a cluster holds them — BPF upgradeable loader, a program account and a
 * program-data account naming the upgrade authority — so `init_config`'s upgrade-authority check runs.
 * Every transaction's compute units, logs and size are reported to an optional observer.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { type Provider, type Wallet, utils } from "@coral-xyz/anchor";
import {
  type AccountInfo,
  AddressLookupTableAccount,
  type Connection,
  Keypair,
  PublicKey,
  SendTransactionError,
  type Signer,
  Transaction,
  type TransactionSignature,
  VersionedTransaction,
} from "@solana/web3.js";
import { BankrunProvider } from "anchor-bankrun";
import { Clock as BankrunClock, ProgramTestContext } from "solana-bankrun";

const require = createRequire(import.meta.url);
// solana-bankrun logs every instruction at DEBUG unless told otherwise
process.env.RUST_LOG ??= "error";
// litesvm's internal binding takes raw transaction bytes, which fits @solana/web3.js 1.x
/** LiteSVM's native binding (`litesvm/dist/internal.js`), shared with the JSON-RPC facade (tools/chain/rpc). */
export const liteSvmNative = require("litesvm/dist/internal.js") as typeof import("litesvm/dist/internal.js");
const { LiteSvm, FailedTransactionMetadata, Account: LiteAccount, Clock: LiteClock } = liteSvmNative;
export type LiteSvmT = import("litesvm/dist/internal.js").LiteSvm;
const bankrunNative = require("solana-bankrun/dist/internal.js") as typeof import("solana-bankrun/dist/internal.js");
const NodeWallet = (require("@coral-xyz/anchor/dist/cjs/nodewallet.js") as { default: new (k: Keypair) => Wallet }).default;

export type VmKind = "bankrun" | "litesvm";

export const BPF_LOADER_UPGRADEABLE = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

/** What one executed transaction cost and printed. */
export interface TxMeta {
  signature: string;
  /** Compute units consumed by the whole transaction. */
  computeUnits: number;
  logs: string[];
  /** Serialized size in bytes (the limit is 1,232). */
  size: number;
  /** Return data of the last instruction that set it. */
  returnData: Buffer | null;
  /** `null` on success, else the runtime's error text. */
  error: string | null;
}

/** A program to deploy: its id and its built `.so`. */
export interface ProgramToDeploy {
  programId: PublicKey;
  soPath: string;
}

/** An account to preload. */
export interface PreloadAccount {
  address: PublicKey;
  lamports: number;
  data: Uint8Array;
  owner: PublicKey;
  executable?: boolean;
}

export interface StartOptions {
  kind: VmKind;
  programs: ProgramToDeploy[];
  /** Upgrade authority recorded in every program-data account. */
  upgradeAuthority: PublicKey;
  /** Extra accounts (funded actors, fixtures). */
  accounts?: PreloadAccount[];
  /** Called after every transaction the provider sends (success or failure). */
  onTransaction?: (meta: TxMeta) => void;
}

/** The embedded chain: a provider for the SDK plus the test-only controls of the VM. */
export interface EmbeddedChain {
  kind: VmKind;
  /** The Anchor provider the SDK client takes; its wallet is `payer`. */
  provider: Provider;
  /** Funded fee payer (the provider's wallet). */
  payer: Keypair;
  /** Sends a transaction signed by `signers` (the first pays) and returns its metadata; never throws on a program error. */
  sendRaw(tx: Transaction, signers: Signer[]): Promise<TxMeta>;
  /** Sets an account's full state. */
  setAccount(a: PreloadAccount): Promise<void>;
  getAccount(address: PublicKey): Promise<AccountInfo<Buffer> | null>;
  /** Current cluster Unix time (seconds). */
  now(): Promise<bigint>;
  /** Moves the clock forward by `seconds` (and the slot by at least one). */
  warp(seconds: number): Promise<void>;
  rentExempt(bytes: number): Promise<number>;
}

/** Lamports for rent exemption on the default rent (3,480 lamports/byte-year, 2 years, +128 bytes). */
export function rentExemptLamports(bytes: number): number {
  return (128 + bytes) * 3480 * 2;
}

/** Program + program-data accounts of an upgradeable program, exactly as the loader writes them. */
export function upgradeableProgramAccounts(programId: PublicKey, elf: Uint8Array, authority: PublicKey): PreloadAccount[] {
  const [programData] = PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE);
  // UpgradeableLoaderState::Program { programdata_address } = u32 tag 2 + 32 bytes
  const prog = Buffer.alloc(36);
  prog.writeUInt32LE(2, 0);
  programData.toBuffer().copy(prog, 4);
  // UpgradeableLoaderState::ProgramData { slot: u64, upgrade_authority_address: Option<Pubkey> } = 45 bytes, then the ELF
  const pd = Buffer.alloc(45 + elf.length);
  pd.writeUInt32LE(3, 0);
  pd.writeBigUInt64LE(0n, 4);
  pd.writeUInt8(1, 12);
  authority.toBuffer().copy(pd, 13);
  Buffer.from(elf).copy(pd, 45);
  return [
    { address: programData, lamports: rentExemptLamports(pd.length), data: pd, owner: BPF_LOADER_UPGRADEABLE },
    { address: programId, lamports: rentExemptLamports(prog.length), data: prog, owner: BPF_LOADER_UPGRADEABLE, executable: true },
  ];
}

/** Reads each program's `.so` and returns its upgradeable loader accounts (program-data first). */
export function loadPrograms(programs: ProgramToDeploy[], authority: PublicKey): PreloadAccount[] {
  return programs.flatMap((p) => {
    if (!fs.existsSync(p.soPath))
      throw new Error(`missing ${p.soPath}: build the programs first (bash tools/sbf/build.sh)`);
    return upgradeableProgramAccounts(p.programId, fs.readFileSync(p.soPath), authority);
  });
}

function fail(error: string, logs: string[]): SendTransactionError {
  return new SendTransactionError({ action: "send", signature: "", transactionMessage: error, logs });
}

function sizeOf(tx: Transaction | VersionedTransaction): number {
  return tx instanceof VersionedTransaction ? tx.serialize().length : tx.serialize({ verifySignatures: false }).length;
}

function sigOf(tx: Transaction | VersionedTransaction): string {
  const s = tx instanceof VersionedTransaction ? tx.signatures[0] : tx.signature;
  return s ? utils.bytes.bs58.encode(s) : "";
}

// ---------------------------------------------------------------------------------------------------
// bankrun

/** anchor-bankrun's connection proxy throws for a missing account; web3.js (and the SDK) expect `null`. */
class BankrunConnection {
  constructor(private readonly ctx: ProgramTestContext) {}
  async getAccountInfo(address: PublicKey): Promise<AccountInfo<Buffer> | null> {
    const a = await this.ctx.banksClient.getAccount(address);
    return a ? { ...a, data: Buffer.from(a.data) } : null;
  }
  async getAccountInfoAndContext(address: PublicKey) {
    return { context: { slot: Number(await this.ctx.banksClient.getSlot()) }, value: await this.getAccountInfo(address) };
  }
  async getMultipleAccountsInfo(addresses: PublicKey[]) {
    return Promise.all(addresses.map((a) => this.getAccountInfo(a)));
  }
  async getMinimumBalanceForRentExemption(bytes: number): Promise<number> {
    return Number((await this.ctx.banksClient.getRent()).minimumBalance(BigInt(bytes)));
  }
  async getLatestBlockhash() {
    const [blockhash, lastValidBlockHeight] = (await this.ctx.banksClient.getLatestBlockhash())!;
    return { blockhash, lastValidBlockHeight: Number(lastValidBlockHeight) };
  }
  async getBalance(address: PublicKey): Promise<number> {
    return Number(await this.ctx.banksClient.getBalance(address));
  }
  /** The last completed slot: the one the SlotHashes sysvar (which lookup-table creation checks) already holds. */
  async getSlot(): Promise<number> {
    return Math.max(Number(await this.ctx.banksClient.getSlot()) - 1, 0);
  }
  async getAddressLookupTable(address: PublicKey) {
    return { context: { slot: Number(await this.ctx.banksClient.getSlot()) }, value: lookupTableOf(address, await this.getAccountInfo(address)) };
  }
}

/** A lookup-table account as web3.js decodes it; `null` when absent or not owned by the lookup-table program. */
function lookupTableOf(key: PublicKey, info: AccountInfo<Buffer> | null): AddressLookupTableAccount | null {
  if (!info || !info.owner.equals(new PublicKey("AddressLookupTab1e1111111111111111111111111"))) return null;
  return new AddressLookupTableAccount({ key, state: AddressLookupTableAccount.deserialize(info.data) });
}

/**
 * anchor-bankrun's BankrunProvider with two changes: `sendAndConfirm` reports each transaction's
 * metadata (compute units, logs, size) and advances the slot so identical retries get a fresh
 * blockhash; the connection returns `null` for missing accounts as web3.js does.
 */
class MeteredBankrunProvider extends BankrunProvider {
  constructor(
    readonly ctx: ProgramTestContext,
    private readonly observe: (m: TxMeta) => void,
  ) {
    super(ctx);
    (this as { connection: unknown }).connection = new BankrunConnection(ctx);
  }

  async execute(tx: Transaction | VersionedTransaction): Promise<TxMeta> {
    const res = await this.ctx.banksClient.tryProcessTransaction(tx);
    const meta: TxMeta = {
      signature: sigOf(tx),
      computeUnits: Number(res.meta?.computeUnitsConsumed ?? 0n),
      logs: res.meta?.logMessages ?? [],
      size: sizeOf(tx),
      returnData: res.meta?.returnData ? Buffer.from(res.meta.returnData.data) : null,
      error: res.result,
    };
    this.observe(meta);
    const slot = await this.ctx.banksClient.getSlot();
    this.ctx.warpToSlot(slot + 1n);
    return meta;
  }

  override async sendAndConfirm(tx: Transaction | VersionedTransaction, signers?: Signer[]): Promise<TransactionSignature> {
    if (tx instanceof VersionedTransaction) {
      // the blockhash first: it is part of what the signatures sign
      tx.message.recentBlockhash = (await this.ctx.banksClient.getLatestBlockhash())![0];
      if (signers?.length) tx.sign(signers);
    } else {
      tx.feePayer = tx.feePayer ?? this.wallet.publicKey;
      tx.recentBlockhash = (await this.ctx.banksClient.getLatestBlockhash())![0];
      signers?.forEach((s) => tx.partialSign(s));
    }
    await this.wallet.signTransaction(tx);
    const meta = await this.execute(tx);
    if (meta.error !== null) throw fail(meta.error, meta.logs);
    return meta.signature;
  }
}

/**
 * solana-bankrun's `start`, except that the native `Account` objects handed to the (asynchronous) native
 * call stay reachable until it resolves. solana-bankrun 0.4's own `start` builds them in a temporary array
 * it drops as soon as the call is made; a GC during start-up then runs their finalizers — freeing the
 * copied account data (here the ~5 MB of program ELFs) — while the native thread is still copying it into
 * the bank: a use-after-free that segfaulted about one chain start in three (core dump: main thread in a
 * bankrun finalizer `free` → `systrim` shrinking the heap by exactly the size of the .so files, a bankrun
 * worker thread in `memcpy`). tests/harness/chain-start.spec.ts forces that GC and fails without this.
 */
export async function startBankrunKeepingInputs(
  accounts: { address: PublicKey; info: { lamports: number; data: Uint8Array; owner: PublicKey; executable: boolean } }[],
  duringStart: () => void = () => {},
): Promise<ProgramTestContext> {
  const native: [Uint8Array, InstanceType<typeof bankrunNative.Account>][] = accounts.map((a) => [
    a.address.toBytes(),
    new bankrunNative.Account(BigInt(a.info.lamports), a.info.data, a.info.owner.toBytes(), a.info.executable, 0n),
  ]);
  const pending = bankrunNative.start([], native, null, null, []);
  duringStart();
  const inner = await pending;
  // read after the await: `native` is live (and its finalizers cannot run) until the bank holds copies
  if (native.length !== accounts.length) throw new Error("unreachable");
  return new ProgramTestContext(inner);
}

async function startBankrunChain(opts: StartOptions, payer: Keypair): Promise<EmbeddedChain> {
  const accounts = [
    ...loadPrograms(opts.programs, opts.upgradeAuthority),
    ...(opts.accounts ?? []),
    { address: payer.publicKey, lamports: 1_000_000 * 1e9, data: new Uint8Array(), owner: PublicKey.default },
  ].map((a) => ({
    address: a.address,
    info: { lamports: a.lamports, data: a.data, owner: a.owner, executable: a.executable ?? false },
  }));
  const ctx = await startBankrunKeepingInputs(accounts);
  const provider = new MeteredBankrunProvider(ctx, opts.onTransaction ?? (() => {}));
  // anchor-bankrun's wallet is ctx.payer; ours must be the preloaded payer (deterministic keys)
  (provider as { wallet: Wallet }).wallet = new NodeWallet(payer);
  (provider as { publicKey: PublicKey }).publicKey = payer.publicKey;
  const connection = provider.connection as unknown as BankrunConnection;
  return {
    kind: "bankrun",
    provider,
    payer,
    async sendRaw(tx, signers) {
      tx.recentBlockhash = (await ctx.banksClient.getLatestBlockhash())![0];
      tx.feePayer = tx.feePayer ?? signers[0]!.publicKey;
      tx.sign(...signers);
      return provider.execute(tx);
    },
    async setAccount(a) {
      // Keep the bank's capitalization: lamports created (or destroyed) here are taken from (or given
      // to) the payer. Otherwise bankrun's accounts-hash check at the next rooted warp panics
      // ("calculate_accounts_hash_with_verify mismatch").
      const old = await ctx.banksClient.getAccount(a.address);
      const delta = a.lamports - Number(old?.lamports ?? 0);
      if (delta !== 0 && !a.address.equals(payer.publicKey)) {
        const p = (await ctx.banksClient.getAccount(payer.publicKey))!;
        ctx.setAccount(payer.publicKey, { ...p, lamports: Number(p.lamports) - delta });
      }
      ctx.setAccount(a.address, { lamports: a.lamports, data: a.data, owner: a.owner, executable: a.executable ?? false });
    },
    getAccount: (address) => connection.getAccountInfo(address),
    async now() {
      return (await ctx.banksClient.getClock()).unixTimestamp;
    },
    async warp(seconds) {
      const c = await ctx.banksClient.getClock();
      ctx.setClock(new BankrunClock(c.slot + 1n, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, c.unixTimestamp + BigInt(seconds)));
      ctx.warpToSlot(c.slot + 2n);
    },
    rentExempt: (bytes) => connection.getMinimumBalanceForRentExemption(bytes),
  };
}

// ---------------------------------------------------------------------------------------------------
// LiteSVM

/** The subset of web3.js `Connection` that Anchor and the SDK read, served from a LiteSVM instance. */
export class LiteSvmConnection {
  constructor(readonly svm: LiteSvmT) {}
  async getAccountInfo(address: PublicKey): Promise<AccountInfo<Buffer> | null> {
    const a = this.svm.getAccount(address.toBytes());
    if (!a) return null;
    return {
      lamports: Number(a.lamports()),
      data: Buffer.from(a.data()),
      owner: new PublicKey(a.owner()),
      executable: a.executable(),
      rentEpoch: Number(a.rentEpoch()),
    };
  }
  async getAccountInfoAndContext(address: PublicKey) {
    return { context: { slot: Number(this.svm.getClock().slot) }, value: await this.getAccountInfo(address) };
  }
  async getMultipleAccountsInfo(addresses: PublicKey[]) {
    return Promise.all(addresses.map((a) => this.getAccountInfo(a)));
  }
  async getMinimumBalanceForRentExemption(bytes: number): Promise<number> {
    return Number(this.svm.minimumBalanceForRentExemption(BigInt(bytes)));
  }
  async getLatestBlockhash() {
    return { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: Number(this.svm.getClock().slot) + 150 };
  }
  async getBalance(address: PublicKey): Promise<number> {
    return Number(this.svm.getBalance(address.toBytes()) ?? 0n);
  }
  /** The current slot (in the SlotHashes sysvar: see {@link recordSlotHash}). */
  async getSlot(): Promise<number> {
    return Number(this.svm.getClock().slot);
  }
  async getAddressLookupTable(address: PublicKey) {
    return { context: { slot: Number(this.svm.getClock().slot) }, value: lookupTableOf(address, await this.getAccountInfo(address)) };
  }
  /** `getProgramAccounts` with the RPC's `dataSize` and `memcmp` (base58 bytes) filters. */
  async getProgramAccounts(programId: PublicKey, config?: { filters?: ({ dataSize: number } | { memcmp: { offset: number; bytes: string } })[] }) {
    const filters = config?.filters ?? [];
    return this.svm
      .getProgramAccounts(programId.toBytes())
      .map((a) => {
        const acc = a.account();
        return {
          pubkey: new PublicKey(a.address),
          account: { lamports: Number(acc.lamports()), data: Buffer.from(acc.data()), owner: new PublicKey(acc.owner()), executable: acc.executable(), rentEpoch: Number(acc.rentEpoch()) },
        };
      })
      .filter(({ account }) =>
        filters.every((f) => {
          if ("dataSize" in f) return account.data.length === f.dataSize;
          const want = Buffer.from(utils.bytes.bs58.decode(f.memcmp.bytes));
          return account.data.subarray(f.memcmp.offset, f.memcmp.offset + want.length).equals(want);
        }),
      );
  }
}

/** An Anchor `Provider` over LiteSVM: the SDK client runs on it unchanged. */
export class LiteSvmProvider implements Provider {
  /** The `Connection` subset Anchor and the SDK use (see {@link LiteSvmConnection}). */
  readonly connection: Connection;
  readonly liteConnection: LiteSvmConnection;
  readonly publicKey: PublicKey;

  constructor(
    readonly svm: LiteSvmT,
    readonly wallet: Wallet,
    private readonly observe: (m: TxMeta) => void = () => {},
  ) {
    this.liteConnection = new LiteSvmConnection(svm);
    this.connection = this.liteConnection as unknown as Connection;
    this.publicKey = wallet.publicKey;
  }

  execute(tx: Transaction | VersionedTransaction): TxMeta {
    const raw = tx instanceof VersionedTransaction ? tx.serialize() : tx.serialize();
    const res = tx instanceof VersionedTransaction ? this.svm.sendVersionedTransaction(raw) : this.svm.sendLegacyTransaction(raw);
    const failed = res instanceof FailedTransactionMetadata;
    const m = failed ? res.meta() : res;
    const rd = m.returnData();
    const data = rd ? Buffer.from(rd.data()) : null;
    const meta: TxMeta = {
      signature: sigOf(tx),
      computeUnits: Number(m.computeUnitsConsumed()),
      logs: m.logs(),
      size: raw.length,
      returnData: data && data.length ? data : null,
      error: failed ? res.toString() : null,
    };
    this.observe(meta);
    this.svm.expireBlockhash();
    return meta;
  }

  async sendAndConfirm(tx: Transaction | VersionedTransaction, signers?: Signer[]): Promise<TransactionSignature> {
    if (tx instanceof VersionedTransaction) {
      tx.message.recentBlockhash = this.svm.latestBlockhash();
      if (signers?.length) tx.sign(signers);
    } else {
      tx.feePayer = tx.feePayer ?? this.wallet.publicKey;
      tx.recentBlockhash = this.svm.latestBlockhash();
      signers?.forEach((s) => tx.partialSign(s));
    }
    await this.wallet.signTransaction(tx);
    const meta = this.execute(tx);
    if (meta.error !== null) throw fail(meta.error, meta.logs);
    return meta.signature;
  }

  async send(tx: Transaction | VersionedTransaction, signers?: Signer[]): Promise<TransactionSignature> {
    return this.sendAndConfirm(tx, signers);
  }
}

/** Sets an account's full state in a LiteSVM instance. */
export function putLiteAccount(svm: LiteSvmT, a: PreloadAccount): void {
  svm.setAccount(a.address.toBytes(), new LiteAccount(BigInt(a.lamports), a.data, a.owner.toBytes(), a.executable ?? false, 0n));
}

/**
 * A LiteSVM instance with the programs deployed as upgradeable programs, the accounts preloaded and the
 * clock at the present Unix time (LiteSVM's starts at 0; a cluster's, and bankrun's, is the present).
 */
export function createLiteSvm(opts: { programs: ProgramToDeploy[]; upgradeAuthority: PublicKey; accounts?: PreloadAccount[]; unixTimestamp?: number }): LiteSvmT {
  const svm = new LiteSvm();
  // program-data before program: LiteSVM loads an upgradeable program when its account is set
  for (const a of loadPrograms(opts.programs, opts.upgradeAuthority)) putLiteAccount(svm, a);
  for (const a of opts.accounts ?? []) putLiteAccount(svm, a);
  const c0 = svm.getClock();
  const now = opts.unixTimestamp ?? Math.floor(Date.now() / 1000);
  svm.setClock(new LiteClock(c0.slot, c0.epochStartTimestamp, c0.epoch, c0.leaderScheduleEpoch, BigInt(now)));
  recordSlotHash(svm);
  return svm;
}

/**
 * Records the current slot (at the current blockhash) in the SlotHashes sysvar, newest first, 512 kept:
 * address-lookup-table creation checks its `recentSlot` there, and LiteSVM does not add the slots it is
 * warped to. Called wherever a LiteSVM chain moves to a new slot (the harness's `warp`, the JSON-RPC
 * facade's `advanceTo`). The current slot is included because every read is at the current slot (a
 * cluster's `getSlot` is older than its bank).
 */
export function recordSlotHash(svm: LiteSvmT): void {
  const slot = svm.getClock().slot;
  const hashes = svm.getSlotHashes().filter((h) => h.slot !== slot);
  hashes.unshift({ slot, hash: svm.latestBlockhash() });
  svm.setSlotHashes(hashes.slice(0, 512));
}

function startLiteSvmChain(opts: StartOptions, payer: Keypair): EmbeddedChain {
  const svm = createLiteSvm(opts);
  const put = (a: PreloadAccount) => putLiteAccount(svm, a);
  // set, not airdropped: LiteSVM's faucet holds less than the payer needs
  put({ address: payer.publicKey, lamports: 1_000_000 * 1e9, data: new Uint8Array(), owner: PublicKey.default });
  const provider = new LiteSvmProvider(svm, new NodeWallet(payer), opts.onTransaction);
  return {
    kind: "litesvm",
    provider,
    payer,
    async sendRaw(tx, signers) {
      tx.recentBlockhash = svm.latestBlockhash();
      tx.feePayer = tx.feePayer ?? signers[0]!.publicKey;
      tx.sign(...signers);
      return provider.execute(tx);
    },
    async setAccount(a) {
      put(a);
    },
    getAccount: (address) => provider.liteConnection.getAccountInfo(address),
    async now() {
      return svm.getClock().unixTimestamp;
    },
    async warp(seconds) {
      const c = svm.getClock();
      svm.setClock(new LiteClock(c.slot + 1n, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, c.unixTimestamp + BigInt(seconds)));
      svm.warpToSlot(c.slot + 1n);
      recordSlotHash(svm);
    },
    rentExempt: (bytes) => provider.liteConnection.getMinimumBalanceForRentExemption(bytes),
  };
}

/** Starts the embedded chain of the given kind with the programs deployed. */
export async function startChain(opts: StartOptions & { payer?: Keypair }): Promise<EmbeddedChain> {
  const payer = opts.payer ?? Keypair.generate();
  return opts.kind === "bankrun" ? startBankrunChain(opts, payer) : startLiteSvmChain(opts, payer);
}

/** The VM selected by `LUMORA_VM` (`bankrun`, the default, or `litesvm`). */
export function vmFromEnv(): VmKind {
  const v = process.env.LUMORA_VM ?? "bankrun";
  if (v !== "bankrun" && v !== "litesvm") throw new Error(`LUMORA_VM must be 'bankrun' or 'litesvm', got '${v}'`);
  return v;
}

/** Repository root (this file is tools/chain/index.ts). */
export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

/** `target/deploy/<name>.so` of the repository. */
export function deployedSo(name: string): string {
  return path.join(REPO_ROOT, "target", "deploy", `${name}.so`);
}
