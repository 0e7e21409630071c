/**
 * The embedded chain served over Solana's JSON-RPC: one LiteSVM instance behind an HTTP JSON-RPC 2.0
 * endpoint (batches supported) and a WebSocket endpoint for subscriptions, so several processes share
 * one chain and every client talks to it through a plain web3.js `Connection` — exactly as it would to
 * devnet or mainnet. It serves the methods web3.js 1.x `Connection`, Anchor's `AnchorProvider` and the
 * Lumora SDK call (see {@link METHODS} and docs/chain-rpc.md), nothing more.
 *
 * Time: the slot advances in real time (one per `slotMs`, 400 ms), each slot with a fresh blockhash that
 * stays valid for 150 slots as on a cluster; the Clock sysvar's `unix_timestamp` follows the wall clock
 * from the start. `lumora_warp` / `lumora_setSlot` move the clock forward for tests and the demo (never
 * needed against a real cluster). Every request runs to completion on the one VM before the next starts
 * (a queue), so concurrent clients cannot interleave mid-transaction. Everything processed is final:
 * `processed`, `confirmed` and `finalized` are the same state.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { utils } from "@coral-xyz/anchor";
import {
  AddressLookupTableAccount,
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionMessage,
  VersionedMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import WebSocket from "ws";
import {
  type LiteSvmT,
  type PreloadAccount,
  type ProgramToDeploy,
  createLiteSvm,
  liteSvmNative,
  recordSlotHash,
} from "../index.js";

const { Clock: LiteClock, FailedTransactionMetadata, TransactionErrorInstructionError, InstructionErrorCustom, InstructionErrorBorshIo } = liteSvmNative;
const { TransactionErrorDuplicateInstruction, TransactionErrorInsufficientFundsForRent, TransactionErrorProgramExecutionTemporarilyRestricted } = liteSvmNative;
type TxMetadata = import("litesvm/dist/internal.js").TransactionMetadata;

const bs58 = utils.bytes.bs58;
/** Fee per signature (the cluster default and LiteSVM's). */
export const LAMPORTS_PER_SIGNATURE = 5_000;
/** Blockhashes stay valid this many slots after the slot that produced them (as on a cluster). */
export const BLOCKHASH_VALIDITY_SLOTS = 150;
/** The stack height agave reports for a transaction's own (top-level) instructions (solana-instruction's TRANSACTION_LEVEL_STACK_HEIGHT). */
const TRANSACTION_LEVEL_STACK_HEIGHT = 1;
/** Slots a simulation (and so a preflight) takes off a blockhash's age on agave (solana-clock's MAX_TRANSACTION_FORWARDING_DELAY). */
export const MAX_TRANSACTION_FORWARDING_DELAY = 6;
const TOKEN_PROGRAMS = new Set(["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"]);

// The order of LiteSVM's `TransactionErrorFieldless` / `InstructionErrorFieldless` enums (its .d.ts), whose
// names are the RPC's error strings.
const TX_ERRORS = "AccountInUse AccountLoadedTwice AccountNotFound ProgramAccountNotFound InsufficientFundsForFee InvalidAccountForFee AlreadyProcessed BlockhashNotFound CallChainTooDeep MissingSignatureForFee InvalidAccountIndex SignatureFailure InvalidProgramForExecution SanitizeFailure ClusterMaintenance AccountBorrowOutstanding WouldExceedMaxBlockCostLimit UnsupportedVersion InvalidWritableAccount WouldExceedMaxAccountCostLimit WouldExceedAccountDataBlockLimit TooManyAccountLocks AddressLookupTableNotFound InvalidAddressLookupTableOwner InvalidAddressLookupTableData InvalidAddressLookupTableIndex InvalidRentPayingAccount WouldExceedMaxVoteCostLimit WouldExceedAccountDataTotalLimit MaxLoadedAccountsDataSizeExceeded ResanitizationNeeded InvalidLoadedAccountsDataSizeLimit UnbalancedTransaction ProgramCacheHitMaxLimit CommitCancelled".split(" ");
const IX_ERRORS = "GenericError InvalidArgument InvalidInstructionData InvalidAccountData AccountDataTooSmall InsufficientFunds IncorrectProgramId MissingRequiredSignature AccountAlreadyInitialized UninitializedAccount UnbalancedInstruction ModifiedProgramId ExternalAccountLamportSpend ExternalAccountDataModified ReadonlyLamportChange ReadonlyDataModified DuplicateAccountIndex ExecutableModified RentEpochModified NotEnoughAccountKeys AccountDataSizeChanged AccountNotExecutable AccountBorrowFailed AccountBorrowOutstanding DuplicateAccountOutOfSync InvalidError ExecutableDataModified ExecutableLamportChange ExecutableAccountNotRentExempt UnsupportedProgramId CallDepth MissingAccount ReentrancyNotAllowed MaxSeedLengthExceeded InvalidSeeds InvalidRealloc ComputationalBudgetExceeded PrivilegeEscalation ProgramEnvironmentSetupFailure ProgramFailedToComplete ProgramFailedToCompile Immutable IncorrectAuthority AccountNotRentExempt InvalidAccountOwner ArithmeticOverflow UnsupportedSysvar IllegalOwner MaxAccountsDataAllocationsExceeded MaxAccountsExceeded MaxInstructionTraceLengthExceeded BuiltinProgramsMustConsumeComputeUnits BorshIoError".split(" ");

/** A transaction error in the RPC's JSON shape (`"BlockhashNotFound"`, `{ InstructionError: [0, { Custom: 6001 }] }`, ...). */
export type RpcTxError = string | Record<string, unknown>;

/** A JSON-RPC error (code, message, optional data). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
const badParams = (msg: string) => new RpcError(-32602, `Invalid params: ${msg}`);

export interface RpcServerOptions {
  /** Programs to deploy as upgradeable programs (program + program-data accounts). */
  programs?: ProgramToDeploy[];
  /** Upgrade authority recorded in every program-data account (default: a fresh key). */
  upgradeAuthority?: PublicKey;
  /** Accounts to preload (funded actors, fixtures). */
  accounts?: PreloadAccount[];
  /** HTTP port (0, the default, picks a free one); the WebSocket endpoint listens on port + 1 as well. */
  port?: number;
  host?: string;
  /** Slot duration in milliseconds (400 as on a cluster). */
  slotMs?: number;
  /** Unix time of the first slot (default: now). */
  startUnixTime?: number;
  /** Lamports the faucet behind `requestAirdrop` holds (default 10^9 SOL). */
  faucetLamports?: number;
}

export interface RpcServer {
  /** HTTP JSON-RPC endpoint, e.g. `http://127.0.0.1:8899`. */
  url: string;
  /** WebSocket endpoint on port + 1 (where web3.js looks by default); the HTTP port accepts WebSocket upgrades too. */
  wsUrl: string;
  /** The VM (tests may read it directly; writes should go through the queue: {@link RpcServer.serial}). */
  svm: LiteSvmT;
  /** The faucet behind `requestAirdrop`. */
  faucet: Keypair;
  /** Runs `fn` on the VM's queue (between requests). */
  serial<T>(fn: () => T): Promise<T>;
  /** Current slot. */
  slot(): number;
  /** Stops the slot clock, closes every connection and both listeners. */
  close(): Promise<void>;
}

/** One executed transaction as the ledger keeps it. */
interface TxRecord {
  signature: string;
  slot: number;
  /** Its position in its slot's block (agave's `transactionIndex`). */
  index: number;
  blockTime: number;
  tx: VersionedTransaction;
  err: RpcTxError | null;
  logs: string[];
  unitsConsumed: number;
  fee: number;
  /** Static keys then loaded writable then loaded readonly (the RPC's account order). */
  keys: PublicKey[];
  loaded: { writable: PublicKey[]; readonly: PublicKey[] };
  writable: PublicKey[];
  preBalances: number[];
  postBalances: number[];
  innerInstructions: { index: number; instructions: { programIdIndex: number; accounts: number[]; data: string; stackHeight: number }[] }[];
  returnData: { programId: string; data: [string, "base64"] } | null;
}

type Sub =
  | { kind: "signature"; ws: WebSocket; signature: string }
  | { kind: "slot"; ws: WebSocket }
  | { kind: "account"; ws: WebSocket; address: string; encoding: string }
  | { kind: "program"; ws: WebSocket; programId: string; encoding: string; filters: Filter[] }
  | { kind: "logs"; ws: WebSocket; mentions: string | null };

type Filter = { dataSize: number } | { memcmp: { offset: number; bytes: string } };

/** The validator's text for each transaction error (solana-transaction-error 3.4's `Display`), which agave puts in
 *  "Transaction simulation failed: …" and web3.js in `SendTransactionError.message`. */
const TX_ERROR_TEXT: Record<string, string> = {
  AccountInUse: "Account in use",
  AccountLoadedTwice: "Account loaded twice",
  AccountNotFound: "Attempt to debit an account but found no record of a prior credit.",
  ProgramAccountNotFound: "Attempt to load a program that does not exist",
  InsufficientFundsForFee: "Insufficient funds for fee",
  InvalidAccountForFee: "This account may not be used to pay transaction fees",
  AlreadyProcessed: "This transaction has already been processed",
  BlockhashNotFound: "Blockhash not found",
  CallChainTooDeep: "Loader call chain is too deep",
  MissingSignatureForFee: "Transaction requires a fee but has no signature present",
  InvalidAccountIndex: "Transaction contains an invalid account reference",
  SignatureFailure: "Transaction did not pass signature verification",
  InvalidProgramForExecution: "This program may not be used for executing instructions",
  SanitizeFailure: "Transaction failed to sanitize accounts offsets correctly",
  ClusterMaintenance: "Transactions are currently disabled due to cluster maintenance",
  AccountBorrowOutstanding: "Transaction processing left an account with an outstanding borrowed reference",
  WouldExceedMaxBlockCostLimit: "Transaction would exceed max Block Cost Limit",
  UnsupportedVersion: "Transaction version is unsupported",
  InvalidWritableAccount: "Transaction loads a writable account that cannot be written",
  WouldExceedMaxAccountCostLimit: "Transaction would exceed max account limit within the block",
  WouldExceedAccountDataBlockLimit: "Transaction would exceed account data limit within the block",
  TooManyAccountLocks: "Transaction locked too many accounts",
  AddressLookupTableNotFound: "Transaction loads an address table account that doesn't exist",
  InvalidAddressLookupTableOwner: "Transaction loads an address table account with an invalid owner",
  InvalidAddressLookupTableData: "Transaction loads an address table account with invalid data",
  InvalidAddressLookupTableIndex: "Transaction address table lookup uses an invalid index",
  InvalidRentPayingAccount: "Transaction leaves an account with a lower balance than rent-exempt minimum",
  WouldExceedMaxVoteCostLimit: "Transaction would exceed max Vote Cost Limit",
  WouldExceedAccountDataTotalLimit: "Transaction would exceed total account data limit",
  MaxLoadedAccountsDataSizeExceeded: "Transaction exceeded max loaded accounts data size cap",
  InvalidLoadedAccountsDataSizeLimit: "LoadedAccountsDataSizeLimit set for transaction must be greater than 0.",
  ResanitizationNeeded: "ResanitizationNeeded",
  UnbalancedTransaction: "Sum of account balances before and after transaction do not match",
  ProgramCacheHitMaxLimit: "Program cache hit max limit",
  CommitCancelled: "CommitCancelled",
};
/** The text for each instruction error (solana-instruction-error 2.5's `Display`): "Error processing Instruction i: …". */
const IX_ERROR_TEXT: Record<string, string> = {
  GenericError: "generic instruction error",
  InvalidArgument: "invalid program argument",
  InvalidInstructionData: "invalid instruction data",
  InvalidAccountData: "invalid account data for instruction",
  AccountDataTooSmall: "account data too small for instruction",
  InsufficientFunds: "insufficient funds for instruction",
  IncorrectProgramId: "incorrect program id for instruction",
  MissingRequiredSignature: "missing required signature for instruction",
  AccountAlreadyInitialized: "instruction requires an uninitialized account",
  UninitializedAccount: "instruction requires an initialized account",
  UnbalancedInstruction: "sum of account balances before and after instruction do not match",
  ModifiedProgramId: "instruction illegally modified the program id of an account",
  ExternalAccountLamportSpend: "instruction spent from the balance of an account it does not own",
  ExternalAccountDataModified: "instruction modified data of an account it does not own",
  ReadonlyLamportChange: "instruction changed the balance of a read-only account",
  ReadonlyDataModified: "instruction modified data of a read-only account",
  DuplicateAccountIndex: "instruction contains duplicate accounts",
  ExecutableModified: "instruction changed executable bit of an account",
  RentEpochModified: "instruction modified rent epoch of an account",
  NotEnoughAccountKeys: "insufficient account keys for instruction",
  AccountDataSizeChanged: "program other than the account's owner changed the size of the account data",
  AccountNotExecutable: "instruction expected an executable account",
  AccountBorrowFailed: "instruction tries to borrow reference for an account which is already borrowed",
  AccountBorrowOutstanding: "instruction left account with an outstanding borrowed reference",
  DuplicateAccountOutOfSync: "instruction modifications of multiply-passed account differ",
  InvalidError: "program returned invalid error code",
  ExecutableDataModified: "instruction changed executable accounts data",
  ExecutableLamportChange: "instruction changed the balance of an executable account",
  ExecutableAccountNotRentExempt: "executable accounts must be rent exempt",
  UnsupportedProgramId: "Unsupported program id",
  CallDepth: "Cross-program invocation call depth too deep",
  MissingAccount: "An account required by the instruction is missing",
  ReentrancyNotAllowed: "Cross-program invocation reentrancy not allowed for this instruction",
  MaxSeedLengthExceeded: "Length of the seed is too long for address generation",
  InvalidSeeds: "Provided seeds do not result in a valid address",
  InvalidRealloc: "Failed to reallocate account data",
  ComputationalBudgetExceeded: "Computational budget exceeded",
  PrivilegeEscalation: "Cross-program invocation with unauthorized signer or writable account",
  ProgramEnvironmentSetupFailure: "Failed to create program execution environment",
  ProgramFailedToComplete: "Program failed to complete",
  ProgramFailedToCompile: "Program failed to compile",
  Immutable: "Account is immutable",
  IncorrectAuthority: "Incorrect authority provided",
  BorshIoError: "Failed to serialize or deserialize account data",
  AccountNotRentExempt: "An account does not have enough lamports to be rent-exempt",
  InvalidAccountOwner: "Invalid account owner",
  ArithmeticOverflow: "Program arithmetic overflowed",
  UnsupportedSysvar: "Unsupported sysvar",
  IllegalOwner: "Provided owner is not allowed",
  MaxAccountsDataAllocationsExceeded: "Accounts data allocations exceeded the maximum allowed per transaction",
  MaxAccountsExceeded: "Max accounts exceeded",
  MaxInstructionTraceLengthExceeded: "Max instruction trace length exceeded",
  BuiltinProgramsMustConsumeComputeUnits: "Builtin programs must consume compute units",
};

/** Every method served (the JSON-RPC names). */
export const METHODS = [
  "getAccountInfo", "getMultipleAccounts", "getProgramAccounts", "getBalance", "getLatestBlockhash", "isBlockhashValid",
  "getSlot", "getBlockHeight", "getEpochInfo", "getEpochSchedule", "getMinimumBalanceForRentExemption", "getTokenAccountBalance",
  "sendTransaction", "simulateTransaction", "getSignatureStatuses", "getTransaction", "getSignaturesForAddress", "requestAirdrop",
  "getGenesisHash", "getVersion", "getHealth", "getIdentity", "getFeeForMessage", "getRecentPrioritizationFees", "getBlockTime",
  "lumora_warp", "lumora_setSlot",
] as const;
const SUBSCRIPTIONS = ["signature", "slot", "account", "program", "logs"] as const;

// ---------------------------------------------------------------------------------------------------
// errors

function txErrorJson(e: unknown): RpcTxError {
  if (typeof e === "number") return TX_ERRORS[e] ?? `TransactionError(${e})`;
  if (e instanceof TransactionErrorInstructionError) {
    const ie = e.err();
    let inner: unknown;
    if (typeof ie === "number") inner = IX_ERRORS[ie] ?? `InstructionError(${ie})`;
    else if (ie instanceof InstructionErrorCustom) inner = { Custom: ie.code };
    else if (ie instanceof InstructionErrorBorshIo) inner = { BorshIoError: ie.msg };
    else inner = String(ie);
    return { InstructionError: [e.index, inner] };
  }
  if (e instanceof TransactionErrorDuplicateInstruction) return { DuplicateInstruction: e.index };
  if (e instanceof TransactionErrorInsufficientFundsForRent) return { InsufficientFundsForRent: { account_index: e.accountIndex } };
  if (e instanceof TransactionErrorProgramExecutionTemporarilyRestricted) return { ProgramExecutionTemporarilyRestricted: { account_index: e.accountIndex } };
  return String(e);
}

const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

/** The validator's text for a transaction error (what `SendTransactionError.message` carries). */
export function describeTxError(err: RpcTxError): string {
  if (typeof err === "string") {
    const known = TX_ERROR_TEXT[err];
    if (known) return known;
    const w = words(err);
    return w[0]!.toUpperCase() + w.slice(1);
  }
  if ("DuplicateInstruction" in err) return `Transaction contains a duplicate instruction (${err.DuplicateInstruction as number}) that is not allowed`;
  if ("ProgramExecutionTemporarilyRestricted" in err)
    return `Execution of the program referenced by account at index ${(err.ProgramExecutionTemporarilyRestricted as { account_index: number }).account_index} is temporarily restricted.`;
  if ("InsufficientFundsForRent" in err)
    return `Transaction results in an account (${(err.InsufficientFundsForRent as { account_index: number }).account_index}) with insufficient funds for rent`;
  if ("InstructionError" in err) {
    const [index, inner] = err.InstructionError as [number, unknown];
    const text =
      typeof inner === "string"
        ? (IX_ERROR_TEXT[inner] ?? words(inner))
        : inner && typeof inner === "object" && "Custom" in inner
          ? `custom program error: 0x${(inner as { Custom: number }).Custom.toString(16)}`
          : JSON.stringify(inner);
    return `Error processing Instruction ${index}: ${text}`;
  }
  return JSON.stringify(err);
}

/** Errors that mean the transaction executed (fee charged, recorded with its error), as opposed to refused before execution. */
function landedWith(err: RpcTxError): boolean {
  return typeof err === "object" && ("InstructionError" in err || "InsufficientFundsForRent" in err || "ProgramExecutionTemporarilyRestricted" in err);
}

// ---------------------------------------------------------------------------------------------------
// param helpers

function pubkeyParam(v: unknown, what: string): PublicKey {
  if (typeof v !== "string") throw badParams(`${what} must be a base-58 public key string, got ${JSON.stringify(v)}`);
  try {
    const b = bs58.decode(v);
    if (b.length !== 32) throw new Error();
    return new PublicKey(b);
  } catch {
    throw badParams(`${what} is not a valid public key: ${JSON.stringify(v)}`);
  }
}

function objParam(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw badParams(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function intParam(v: unknown, what: string, min = 0): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw badParams(`${what} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function decodeWire(v: unknown, encoding: unknown, what: string): Uint8Array {
  if (typeof v !== "string") throw badParams(`${what} must be an encoded string`);
  const enc = encoding ?? "base58";
  if (enc === "base64") return Buffer.from(v, "base64");
  if (enc === "base58") {
    try {
      return bs58.decode(v);
    } catch {
      throw badParams(`${what} is not valid base-58`);
    }
  }
  throw badParams(`unsupported encoding ${JSON.stringify(enc)} (base58 or base64)`);
}

// ---------------------------------------------------------------------------------------------------
// the server

/** Starts the chain and serves it; resolves once both endpoints listen. */
export async function startRpcServer(opts: RpcServerOptions = {}): Promise<RpcServer> {
  const host = opts.host ?? "127.0.0.1";
  const slotMs = opts.slotMs ?? 400;
  const faucet = Keypair.generate();
  const startUnix = opts.startUnixTime ?? Math.floor(Date.now() / 1000);
  const svm = createLiteSvm({
    programs: opts.programs ?? [],
    upgradeAuthority: opts.upgradeAuthority ?? Keypair.generate().publicKey,
    accounts: [...(opts.accounts ?? []), { address: faucet.publicKey, lamports: opts.faucetLamports ?? 1e18, data: new Uint8Array(), owner: SystemProgram.programId }],
    unixTimestamp: startUnix,
  });
  // blockhash expiry is ours (150 slots); LiteSVM only knows its latest blockhash
  svm.setBlockhashCheck(false);

  // --- ledger state -------------------------------------------------------------------------------
  let slot = Number(svm.getClock().slot);
  const t0 = Date.now();
  let warpSeconds = 0;
  let lastUnix = startUnix;
  const blockhashes = new Map<string, number>(); // blockhash -> slot that produced it
  const blockTimes = new Map<number, number>();
  const txs = new Map<string, TxRecord>();
  /** The slot of the last landed transaction and how many landed in it (for `transactionIndex`). */
  let lastTxSlot = -1;
  let txsInSlot = 0;
  const byAddress = new Map<string, string[]>(); // address -> signatures, oldest first
  const genesisHash = svm.latestBlockhash();
  blockhashes.set(genesisHash, slot);
  blockTimes.set(slot, startUnix);
  let transactionCount = 0;

  const unixNow = () => {
    lastUnix = Math.max(lastUnix, startUnix + Math.floor((Date.now() - t0) / 1000) + warpSeconds);
    return lastUnix;
  };
  const latest = () => svm.latestBlockhash();
  const lastValid = (hashSlot: number) => hashSlot + BLOCKHASH_VALIDITY_SLOTS;
  /** Whether a blockhash is at most `maxAge` slots old (150; a simulation, as agave's, allows 150 − 6 forwarding slots). */
  const blockhashValid = (h: string, maxAge = BLOCKHASH_VALIDITY_SLOTS) => {
    const s = blockhashes.get(h);
    return s !== undefined && slot <= s + maxAge;
  };
  const context = () => ({ slot, apiVersion: "2.2.0" });

  /** Moves to `to` (> slot): a fresh blockhash, the clock sysvar at the new slot and the current time. */
  function advanceTo(to: number): void {
    const parent = slot;
    slot = to;
    svm.warpToSlot(BigInt(slot));
    svm.expireBlockhash();
    blockhashes.set(svm.latestBlockhash(), slot);
    recordSlotHash(svm); // address lookup tables need recent slots
    const c = svm.getClock();
    const unix = unixNow();
    svm.setClock(new LiteClock(BigInt(slot), c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, BigInt(unix)));
    blockTimes.set(slot, unix);
    for (const [h, s] of blockhashes) if (slot > lastValid(s)) blockhashes.delete(h);
    if (blockTimes.size > 200_000) for (const k of [...blockTimes.keys()].slice(0, 100_000)) blockTimes.delete(k);
    for (const [id, sub] of subs) if (sub.kind === "slot") notify(sub.ws, "slotNotification", id, { parent, root: slot, slot });
  }

  // --- the queue: every request runs alone on the VM -----------------------------------------------
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => T): Promise<T> {
    const p = queue.then(fn);
    queue = p.catch(() => {});
    return p;
  }
  const ticker = setInterval(() => void serial(() => advanceTo(slot + 1)), slotMs);
  ticker.unref();

  // --- accounts -----------------------------------------------------------------------------------
  function accountJson(address: PublicKey, encoding: unknown, dataSlice?: unknown) {
    const a = svm.getAccount(address.toBytes());
    if (!a) return null;
    let data = Buffer.from(a.data());
    const space = data.length;
    if (dataSlice !== undefined) {
      const ds = objParam(dataSlice, "dataSlice");
      const off = intParam(ds.offset, "dataSlice.offset");
      const len = intParam(ds.length, "dataSlice.length");
      data = data.subarray(off, off + len);
    }
    return { lamports: Number(a.lamports()), owner: new PublicKey(a.owner()).toBase58(), executable: a.executable(), rentEpoch: Number(a.rentEpoch()), space, data: encodeData(data, encoding) };
  }
  function encodeData(data: Buffer, encoding: unknown): [string, string] {
    // jsonParsed falls back to base64 as the RPC does for accounts it has no parser for
    const enc = encoding ?? "base64";
    if (enc === "base64" || enc === "jsonParsed") return [data.toString("base64"), "base64"];
    if (enc === "base58") return [bs58.encode(data), "base58"];
    throw badParams(`unsupported encoding ${JSON.stringify(enc)} (base58, base64 or jsonParsed)`);
  }
  function filtersParam(v: unknown): Filter[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw badParams("filters must be an array");
    if (v.length > 4) throw badParams("too many filters provided; max 4");
    return v.map((f, i): Filter => {
      const o = objParam(f, `filters[${i}]`);
      if ("dataSize" in o) return { dataSize: intParam(o.dataSize, `filters[${i}].dataSize`) };
      if ("memcmp" in o) {
        const m = objParam(o.memcmp, `filters[${i}].memcmp`);
        const bytes = decodeWire(m.bytes, m.encoding, `filters[${i}].memcmp.bytes`);
        if (bytes.length > 128) throw badParams(`filters[${i}].memcmp.bytes is longer than 128 bytes`);
        return { memcmp: { offset: intParam(m.offset, `filters[${i}].memcmp.offset`), bytes: bs58.encode(bytes) } };
      }
      throw badParams(`filters[${i}] must be { dataSize } or { memcmp }, got ${JSON.stringify(f)}`);
    });
  }
  function matches(data: Buffer, filters: Filter[]): boolean {
    return filters.every((f) => {
      if ("dataSize" in f) return data.length === f.dataSize;
      const want = Buffer.from(bs58.decode(f.memcmp.bytes));
      return data.subarray(f.memcmp.offset, f.memcmp.offset + want.length).equals(want);
    });
  }

  // --- transactions -------------------------------------------------------------------------------
  function decodeTx(params: unknown[]): { raw: Uint8Array; tx: VersionedTransaction; cfg: Record<string, unknown> } {
    const cfg = objParam(params[1], "config");
    const raw = decodeWire(params[0], cfg.encoding, "transaction");
    let tx: VersionedTransaction;
    try {
      tx = VersionedTransaction.deserialize(raw);
    } catch (e) {
      throw badParams(`failed to deserialize the transaction: ${(e as Error).message}`);
    }
    return { raw, tx, cfg };
  }

  /** Account keys in the RPC's order, resolving address lookup tables from the current state. */
  function resolveKeys(tx: VersionedTransaction) {
    const msg = tx.message;
    const tables: AddressLookupTableAccount[] = [];
    for (const l of msg.addressTableLookups) {
      const a = svm.getAccount(l.accountKey.toBytes());
      if (!a) return null;
      try {
        tables.push(new AddressLookupTableAccount({ key: l.accountKey, state: AddressLookupTableAccount.deserialize(a.data()) }));
      } catch {
        return null;
      }
    }
    try {
      const k = msg.getAccountKeys({ addressLookupTableAccounts: tables });
      const keys = [...k.staticAccountKeys, ...(k.accountKeysFromLookups?.writable ?? []), ...(k.accountKeysFromLookups?.readonly ?? [])];
      const writable = keys.filter((_, i) => msg.isAccountWritable(i));
      return { keys, loaded: k.accountKeysFromLookups ?? { writable: [], readonly: [] }, writable };
    } catch {
      return null;
    }
  }

  function feeOf(msg: VersionedMessage): number {
    let limit: number | null = null;
    let price = 0n;
    let others = 0;
    const keys = msg.staticAccountKeys;
    for (const ix of msg.compiledInstructions) {
      const d = Buffer.from(ix.data);
      if (keys[ix.programIdIndex]?.equals(ComputeBudgetProgram.programId)) {
        if (d[0] === 2 && d.length >= 5) limit = d.readUInt32LE(1);
        if (d[0] === 3 && d.length >= 9) price = d.readBigUInt64LE(1);
      } else others++;
    }
    const units = BigInt(limit ?? Math.min(1_400_000, 200_000 * others));
    return msg.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE + Number((price * units + 999_999n) / 1_000_000n);
  }

  interface RunResult {
    err: RpcTxError | null;
    logs: string[];
    unitsConsumed: number;
    meta: TxMetadata | null;
    postAccounts?: Map<string, ReturnType<typeof accountJson>>;
  }

  /** Runs (or simulates) a decoded transaction; `err` set when it failed or was refused. */
  function run(raw: Uint8Array, tx: VersionedTransaction, how: { simulate: boolean; sigVerify: boolean; checkBlockhash: boolean }): RunResult {
    // agave's Bank::simulate_transaction checks like a real run, with the age shortened by
    // MAX_TRANSACTION_FORWARDING_DELAY (6 slots): a blockhash 145–150 slots old fails preflight but would still land
    const maxAge = how.simulate ? BLOCKHASH_VALIDITY_SLOTS - MAX_TRANSACTION_FORWARDING_DELAY : BLOCKHASH_VALIDITY_SLOTS;
    if (how.checkBlockhash && !blockhashValid(tx.message.recentBlockhash, maxAge)) return { err: "BlockhashNotFound", logs: [], unitsConsumed: 0, meta: null };
    // the status cache: simulating a transaction that already landed says so, as agave's does
    if (txs.has(bs58.encode(tx.signatures[0]!))) return { err: "AlreadyProcessed", logs: [], unitsConsumed: 0, meta: null };
    const legacy = tx.version === "legacy";
    svm.setSigverify(how.sigVerify);
    try {
      const res = how.simulate
        ? legacy ? svm.simulateLegacyTransaction(raw) : svm.simulateVersionedTransaction(raw)
        : legacy ? svm.sendLegacyTransaction(raw) : svm.sendVersionedTransaction(raw);
      if (res instanceof FailedTransactionMetadata) {
        const m = res.meta();
        return { err: txErrorJson(res.err()), logs: m.logs(), unitsConsumed: Number(m.computeUnitsConsumed()), meta: m };
      }
      const m = "postAccounts" in res ? res.meta() : res;
      const post = "postAccounts" in res ? new Map(res.postAccounts().map((a) => [new PublicKey(a.address).toBase58(), rawAccountJson(a.account())])) : undefined;
      return { err: null, logs: m.logs(), unitsConsumed: Number(m.computeUnitsConsumed()), meta: m, postAccounts: post };
    } finally {
      svm.setSigverify(true);
    }
  }
  function rawAccountJson(a: import("litesvm/dist/internal.js").Account) {
    const data = Buffer.from(a.data());
    return { lamports: Number(a.lamports()), owner: new PublicKey(a.owner()).toBase58(), executable: a.executable(), rentEpoch: Number(a.rentEpoch()), space: data.length, data: [data.toString("base64"), "base64"] as [string, string] };
  }

  function returnDataJson(m: TxMetadata | null) {
    const rd = m?.returnData();
    if (!rd) return null;
    const data = Buffer.from(rd.data());
    return data.length ? { programId: new PublicKey(rd.programId()).toBase58(), data: [data.toString("base64"), "base64"] as [string, "base64"] } : null;
  }

  /**
   * agave's `RpcSimulateTransactionResult` (solana-rpc 4.2.2): every key present. A transaction refused before
   * execution (bad signature, unknown blockhash) carries agave's `TransactionSimulationResult::new_error`: no logs,
   * 0 units, 0 loaded bytes, no fee. Not computed here (null where agave has values): `loadedAccountsDataSize` of an
   * executed transaction, the balances and token balances (`preflight` leaves them null on agave too).
   */
  function simulationJson(res: RunResult, tx: VersionedTransaction, o: { preflight: boolean; accounts?: unknown[] | null; replacementBlockhash?: unknown }) {
    const executed = res.meta !== null && typeof res.err !== "string";
    const loaded = o.preflight ? null : (resolveKeys(tx)?.loaded ?? { writable: [], readonly: [] });
    return {
      err: res.err,
      logs: executed ? res.logs : [],
      accounts: o.accounts ?? null,
      unitsConsumed: executed ? res.unitsConsumed : 0,
      loadedAccountsDataSize: executed ? null : 0,
      returnData: executed ? returnDataJson(res.meta) : null,
      innerInstructions: null,
      replacementBlockhash: o.replacementBlockhash ?? null,
      fee: executed ? feeOf(tx.message) : null,
      preBalances: null,
      postBalances: null,
      preTokenBalances: null,
      postTokenBalances: null,
      loadedAddresses: loaded && { writable: loaded.writable.map((k) => k.toBase58()), readonly: loaded.readonly.map((k) => k.toBase58()) },
    };
  }

  /** Executes a transaction for real and records it when it landed; returns its signature or throws the RPC's error. */
  function submit(raw: Uint8Array, tx: VersionedTransaction, preflight: boolean): string {
    const signature = bs58.encode(tx.signatures[0]!);
    if (txs.has(signature)) {
      // a duplicate: preflight refuses it as the cluster does; without preflight the RPC just returns the signature
      if (!preflight) return signature;
      throw new RpcError(-32002, `Transaction simulation failed: ${describeTxError("AlreadyProcessed")}`, simulationJson({ err: "AlreadyProcessed", logs: [], unitsConsumed: 0, meta: null }, tx, { preflight: true }));
    }
    if (preflight) {
      // agave verifies the signatures first, then simulates; either failure is a preflight failure (-32002)
      const sim = run(raw, tx, { simulate: true, sigVerify: true, checkBlockhash: true });
      if (sim.err !== null) throw new RpcError(-32002, `Transaction simulation failed: ${describeTxError(sim.err)}`, simulationJson(sim, tx, { preflight: true }));
    }
    const resolved = resolveKeys(tx);
    const pre = resolved?.keys.map((k) => Number(svm.getBalance(k.toBytes()) ?? 0n)) ?? [];
    const res = run(raw, tx, { simulate: false, sigVerify: true, checkBlockhash: true });
    if (res.err !== null && !landedWith(res.err)) {
      // refused before execution (a bad signature too): nothing lands (a validator would drop it; here the sender learns why)
      throw new RpcError(-32002, `Transaction ${describeTxError(res.err)}`, simulationJson(res, tx, { preflight: true }));
    }
    const keys = resolved?.keys ?? tx.message.staticAccountKeys;
    if (lastTxSlot !== slot) (lastTxSlot = slot), (txsInSlot = 0);
    const rec: TxRecord = {
      signature,
      slot,
      index: txsInSlot++,
      blockTime: unixNow(),
      tx,
      err: res.err,
      logs: res.logs,
      unitsConsumed: res.unitsConsumed,
      fee: feeOf(tx.message),
      keys,
      loaded: resolved?.loaded ?? { writable: [], readonly: [] },
      writable: resolved?.writable ?? [],
      preBalances: pre,
      postBalances: keys.map((k) => Number(svm.getBalance(k.toBytes()) ?? 0n)),
      innerInstructions: (res.meta?.innerInstructions() ?? [])
        .map((list, index) => ({
          index,
          instructions: list.map((ii) => {
            const ci = ii.instruction();
            return { programIdIndex: ci.programIdIndex(), accounts: Array.from(ci.accounts()), data: bs58.encode(ci.data()), stackHeight: ii.stackHeight() };
          }),
        }))
        .filter((x) => x.instructions.length > 0),
      returnData: returnDataJson(res.meta),
    };
    txs.set(signature, rec);
    transactionCount++;
    for (const k of new Set(keys.map((k) => k.toBase58()))) {
      const list = byAddress.get(k) ?? [];
      list.push(signature);
      byAddress.set(k, list);
    }
    publish(rec);
    return signature;
  }

  // --- subscriptions ------------------------------------------------------------------------------
  const subs = new Map<number, Sub>();
  let nextSub = 0;
  function notify(ws: WebSocket, method: string, subscription: number, result: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ jsonrpc: "2.0", method, params: { result, subscription } }));
  }
  function publish(rec: TxRecord): void {
    const mentioned = new Set(rec.keys.map((k) => k.toBase58()));
    const written = new Set(rec.writable.map((k) => k.toBase58()));
    for (const [id, sub] of subs) {
      if (sub.kind === "signature" && sub.signature === rec.signature) {
        notify(sub.ws, "signatureNotification", id, { context: { slot }, value: { err: rec.err } });
        subs.delete(id);
      } else if (sub.kind === "logs" && (sub.mentions === null || mentioned.has(sub.mentions))) {
        notify(sub.ws, "logsNotification", id, { context: { slot }, value: { signature: rec.signature, err: rec.err, logs: rec.logs } });
      } else if (sub.kind === "account" && written.has(sub.address)) {
        notify(sub.ws, "accountNotification", id, { context: { slot }, value: accountJson(new PublicKey(sub.address), sub.encoding) });
      } else if (sub.kind === "program") {
        for (const w of written) {
          const a = svm.getAccount(new PublicKey(w).toBytes());
          if (a && new PublicKey(a.owner()).toBase58() === sub.programId && matches(Buffer.from(a.data()), sub.filters))
            notify(sub.ws, "programNotification", id, { context: { slot }, value: { pubkey: w, account: accountJson(new PublicKey(w), sub.encoding) } });
        }
      }
    }
  }
  function subscribe(ws: WebSocket, kind: (typeof SUBSCRIPTIONS)[number], params: unknown[]): { id: number; after?: () => void } {
    const id = nextSub++;
    let after: (() => void) | undefined;
    if (kind === "signature") {
      const signature = params[0];
      if (typeof signature !== "string" || decodeWire(signature, "base58", "signature").length !== 64) throw badParams(`not a transaction signature: ${JSON.stringify(signature)}`);
      subs.set(id, { kind, ws, signature });
      // already processed: notify right away (after the subscription id reached the client)
      const rec = txs.get(signature);
      if (rec) after = () => publish(rec);
    } else if (kind === "slot") subs.set(id, { kind, ws });
    else if (kind === "account") {
      const address = pubkeyParam(params[0], "account").toBase58();
      const encoding = String(objParam(params[1], "config").encoding ?? "base64");
      encodeData(Buffer.alloc(0), encoding); // validates it now, not at the first notification
      subs.set(id, { kind, ws, address, encoding });
    } else if (kind === "program") {
      const cfg = objParam(params[1], "config");
      const encoding = String(cfg.encoding ?? "base64");
      encodeData(Buffer.alloc(0), encoding);
      subs.set(id, { kind, ws, programId: pubkeyParam(params[0], "program id").toBase58(), encoding, filters: filtersParam(cfg.filters) });
    } else {
      const f = params[0];
      let mentions: string | null = null;
      if (f === "all" || f === "allWithVotes") mentions = null;
      else if (f && typeof f === "object" && Array.isArray((f as { mentions?: unknown }).mentions) && (f as { mentions: unknown[] }).mentions.length === 1)
        mentions = pubkeyParam((f as { mentions: unknown[] }).mentions[0], "mentions[0]").toBase58();
      else throw badParams(`logsSubscribe filter must be "all", "allWithVotes" or { mentions: [one address] }, got ${JSON.stringify(f)}`);
      subs.set(id, { kind: "logs", ws, mentions });
    }
    return { id, after };
  }

  // --- methods ------------------------------------------------------------------------------------
  const handlers: Record<(typeof METHODS)[number], (p: unknown[]) => unknown> = {
    getAccountInfo: (p) => {
      const cfg = objParam(p[1], "config");
      return { context: context(), value: accountJson(pubkeyParam(p[0], "account"), cfg.encoding, cfg.dataSlice) };
    },
    getMultipleAccounts: (p) => {
      if (!Array.isArray(p[0])) throw badParams("the first parameter must be an array of addresses");
      if (p[0].length > 100) throw badParams("too many accounts requested; max 100");
      const cfg = objParam(p[1], "config");
      return { context: context(), value: p[0].map((a, i) => accountJson(pubkeyParam(a, `accounts[${i}]`), cfg.encoding, cfg.dataSlice)) };
    },
    getProgramAccounts: (p) => {
      const programId = pubkeyParam(p[0], "program id");
      const cfg = objParam(p[1], "config");
      const filters = filtersParam(cfg.filters);
      encodeData(Buffer.alloc(0), cfg.encoding); // validates the encoding
      // synchronous (LiteSvmConnection's is async), so a request never yields the queue mid-way
      const value = svm
        .getProgramAccounts(programId.toBytes())
        .filter((a) => matches(Buffer.from(a.account().data()), filters))
        .map((a) => ({ pubkey: new PublicKey(a.address).toBase58(), account: accountJson(new PublicKey(a.address), cfg.encoding, cfg.dataSlice)! }));
      return cfg.withContext ? { context: context(), value } : value;
    },
    getBalance: (p) => ({ context: context(), value: Number(svm.getBalance(pubkeyParam(p[0], "account").toBytes()) ?? 0n) }),
    getLatestBlockhash: () => ({ context: context(), value: { blockhash: latest(), lastValidBlockHeight: lastValid(blockhashes.get(latest()) ?? slot) } }),
    isBlockhashValid: (p) => {
      if (typeof p[0] !== "string") throw badParams("the first parameter must be a blockhash string");
      return { context: context(), value: blockhashValid(p[0]) };
    },
    getSlot: () => slot,
    getBlockHeight: () => slot,
    getEpochInfo: () => {
      const es = svm.getEpochSchedule();
      const per = Number(es.slotsPerEpoch);
      return { absoluteSlot: slot, blockHeight: slot, epoch: Math.floor(slot / per), slotIndex: slot % per, slotsInEpoch: per, transactionCount };
    },
    getEpochSchedule: () => {
      const es = svm.getEpochSchedule();
      return { slotsPerEpoch: Number(es.slotsPerEpoch), leaderScheduleSlotOffset: Number(es.leaderScheduleSlotOffset), warmup: es.warmup, firstNormalEpoch: Number(es.firstNormalEpoch), firstNormalSlot: Number(es.firstNormalSlot) };
    },
    getMinimumBalanceForRentExemption: (p) => Number(svm.minimumBalanceForRentExemption(BigInt(intParam(p[0], "data length")))),
    getTokenAccountBalance: (p) => {
      const address = pubkeyParam(p[0], "token account");
      const a = svm.getAccount(address.toBytes());
      const owner = a ? new PublicKey(a.owner()).toBase58() : "";
      // agave's texts, to the letter (solana-rpc 4.2.2 get_token_account_balance; web3.js shows them as is)
      if (!a) throw new RpcError(-32602, "Invalid param: could not find account");
      if (!TOKEN_PROGRAMS.has(owner) || a.data().length < 165) throw new RpcError(-32602, "Invalid param: not a Token account");
      const data = Buffer.from(a.data());
      const mint = svm.getAccount(data.subarray(0, 32));
      const decimals = mint ? Buffer.from(mint.data())[44]! : 0;
      const amount = data.readBigUInt64LE(64);
      const ui = Number(amount) / 10 ** decimals;
      return { context: context(), value: { amount: amount.toString(), decimals, uiAmount: ui, uiAmountString: ui.toString() } };
    },
    sendTransaction: (p) => {
      const { raw, tx } = decodeTx(p);
      const cfg = objParam(p[1], "config");
      return submit(raw, tx, cfg.skipPreflight !== true);
    },
    simulateTransaction: (p) => {
      const { raw, tx, cfg } = decodeTx(p);
      const sigVerify = cfg.sigVerify === true;
      const replace = cfg.replaceRecentBlockhash === true;
      if (sigVerify && replace) throw badParams("sigVerify may not be used with replaceRecentBlockhash");
      const res = run(raw, tx, { simulate: true, sigVerify, checkBlockhash: !replace });
      let accounts: unknown[] | null = null;
      if (cfg.accounts !== undefined) {
        const ac = objParam(cfg.accounts, "accounts");
        if (!Array.isArray(ac.addresses)) throw badParams("accounts.addresses must be an array");
        accounts = ac.addresses.map((a, i) => {
          const k = pubkeyParam(a, `accounts.addresses[${i}]`).toBase58();
          return res.postAccounts?.get(k) ?? accountJson(new PublicKey(k), "base64");
        });
      }
      return {
        context: context(),
        value: simulationJson(res, tx, { preflight: false, accounts, replacementBlockhash: replace ? { blockhash: latest(), lastValidBlockHeight: lastValid(blockhashes.get(latest()) ?? slot) } : null }),
      };
    },
    getSignatureStatuses: (p) => {
      if (!Array.isArray(p[0])) throw badParams("the first parameter must be an array of signatures");
      if (p[0].length > 256) throw badParams("too many signatures; max 256");
      return {
        context: context(),
        value: p[0].map((s) => {
          const r = typeof s === "string" ? txs.get(s) : undefined;
          return r ? { slot: r.slot, confirmations: null, err: r.err, status: r.err === null ? { Ok: null } : { Err: r.err }, confirmationStatus: "finalized" } : null;
        }),
      };
    },
    getTransaction: (p) => {
      if (typeof p[0] !== "string") throw badParams("the first parameter must be a signature string");
      const cfg = objParam(p[1], "config");
      const r = txs.get(p[0]);
      if (!r) return null;
      const maxVersion = cfg.maxSupportedTransactionVersion;
      if (r.tx.version === 0 && maxVersion === undefined)
        throw new RpcError(-32015, 'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0');
      return transactionJson(r, cfg.encoding ?? "json", maxVersion !== undefined);
    },
    getSignaturesForAddress: (p) => {
      const address = pubkeyParam(p[0], "address").toBase58();
      const cfg = objParam(p[1], "config");
      const limit = cfg.limit === undefined ? 1000 : intParam(cfg.limit, "limit", 1);
      if (limit > 1000) throw badParams("limit must be at most 1000");
      const newestFirst = [...(byAddress.get(address) ?? [])].reverse();
      let start = 0;
      if (cfg.before !== undefined) {
        const i = newestFirst.indexOf(String(cfg.before));
        start = i < 0 ? newestFirst.length : i + 1;
      }
      let end = newestFirst.length;
      if (cfg.until !== undefined) {
        const i = newestFirst.indexOf(String(cfg.until));
        if (i >= 0) end = i;
      }
      return newestFirst
        .slice(start, Math.max(start, end))
        .slice(0, limit)
        .map((s) => {
          const r = txs.get(s)!;
          return { signature: s, slot: r.slot, err: r.err, memo: null, blockTime: r.blockTime, confirmationStatus: "finalized", transactionIndex: r.index };
        });
    },
    requestAirdrop: (p) => {
      const to = pubkeyParam(p[0], "recipient");
      const lamports = intParam(p[1], "lamports", 1);
      const msg = new TransactionMessage({ payerKey: faucet.publicKey, recentBlockhash: latest(), instructions: [SystemProgram.transfer({ fromPubkey: faucet.publicKey, toPubkey: to, lamports })] }).compileToLegacyMessage();
      const tx = new VersionedTransaction(msg);
      tx.sign([faucet]);
      return submit(tx.serialize(), tx, false);
    },
    getGenesisHash: () => genesisHash,
    getVersion: () => ({ "solana-core": "2.2.0", "feature-set": 0, lumora: "litesvm json-rpc facade" }),
    getHealth: () => "ok",
    getIdentity: () => ({ identity: faucet.publicKey.toBase58() }),
    getFeeForMessage: (p) => {
      const raw = decodeWire(p[0], "base64", "message");
      let msg: VersionedMessage;
      try {
        msg = VersionedMessage.deserialize(raw);
      } catch (e) {
        throw badParams(`failed to deserialize the message: ${(e as Error).message}`);
      }
      return { context: context(), value: blockhashValid(msg.recentBlockhash) ? feeOf(msg) : null };
    },
    getRecentPrioritizationFees: () => [],
    getBlockTime: (p) => {
      const s = intParam(p[0], "slot");
      if (s > slot) throw new RpcError(-32004, `Block not available for slot ${s}`);
      return blockTimes.get(s) ?? startUnix;
    },
    lumora_warp: (p) => {
      const arg = p[0];
      const seconds = typeof arg === "number" ? arg : objParam(arg, "lumora_warp params").seconds;
      warpSeconds += intParam(seconds, "seconds");
      advanceTo(slot + 1);
      return { slot, unixTimestamp: Number(svm.getClock().unixTimestamp) };
    },
    lumora_setSlot: (p) => {
      const arg = p[0];
      const to = intParam(typeof arg === "number" ? arg : objParam(arg, "lumora_setSlot params").slot, "slot");
      if (to <= slot) throw badParams(`slot ${to} is not ahead of the current slot ${slot}`);
      advanceTo(to);
      return { slot, unixTimestamp: Number(svm.getClock().unixTimestamp) };
    },
  };

  function transactionJson(r: TxRecord, encoding: unknown, withVersion: boolean) {
    const msg = r.tx.message;
    let transaction: unknown;
    if (encoding === "base64" || encoding === "base58") {
      const b = Buffer.from(r.tx.serialize());
      transaction = [encoding === "base64" ? b.toString("base64") : bs58.encode(b), encoding];
    } else if (encoding === "json") {
      transaction = {
        signatures: r.tx.signatures.map((s) => bs58.encode(s)),
        message: {
          header: msg.header,
          accountKeys: msg.staticAccountKeys.map((k) => k.toBase58()),
          recentBlockhash: msg.recentBlockhash,
          instructions: msg.compiledInstructions.map((ix) => ({ programIdIndex: ix.programIdIndex, accounts: ix.accountKeyIndexes, data: bs58.encode(ix.data), stackHeight: TRANSACTION_LEVEL_STACK_HEIGHT })),
          ...(r.tx.version === 0
            ? { addressTableLookups: msg.addressTableLookups.map((l) => ({ accountKey: l.accountKey.toBase58(), writableIndexes: l.writableIndexes, readonlyIndexes: l.readonlyIndexes })) }
            : {}),
        },
      };
    } else throw badParams(`unsupported encoding ${JSON.stringify(encoding)} (json, base64 or base58)`);
    return {
      slot: r.slot,
      blockTime: r.blockTime,
      ...(withVersion ? { version: r.tx.version } : {}),
      transaction,
      meta: {
        err: r.err,
        status: r.err === null ? { Ok: null } : { Err: r.err },
        fee: r.fee,
        preBalances: r.preBalances,
        postBalances: r.postBalances,
        innerInstructions: r.innerInstructions,
        logMessages: r.logs,
        preTokenBalances: [],
        postTokenBalances: [],
        rewards: [],
        loadedAddresses: { writable: r.loaded.writable.map((k) => k.toBase58()), readonly: r.loaded.readonly.map((k) => k.toBase58()) },
        computeUnitsConsumed: r.unitsConsumed,
        ...(r.returnData ? { returnData: r.returnData } : {}),
      },
      transactionIndex: r.index,
    };
  }

  // --- JSON-RPC plumbing --------------------------------------------------------------------------
  type Req = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
  const errorResponse = (id: unknown, e: RpcError) => ({ jsonrpc: "2.0", id: id ?? null, error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) } });

  /** One request → its response (null for a notification). Runs on the queue. */
  function handleOne(req: unknown, ws: WebSocket | null, afterSend: (() => void)[]): object | null {
    if (!req || typeof req !== "object" || Array.isArray(req)) return errorResponse(null, new RpcError(-32600, "Invalid request"));
    const { id, method, params } = req as Req;
    const isNotification = !("id" in (req as object));
    try {
      if (typeof method !== "string") throw new RpcError(-32600, "Invalid request: method must be a string");
      if (params !== undefined && typeof params !== "object") throw badParams("params must be an array or an object");
      const p: unknown[] = params === undefined || params === null ? [] : Array.isArray(params) ? params : [params];
      let result: unknown;
      const sub = /^(signature|slot|account|program|logs)(Subscribe|Unsubscribe)$/.exec(method);
      if (sub && ws) {
        if (sub[2] === "Subscribe") {
          const { id: subId, after } = subscribe(ws, sub[1] as (typeof SUBSCRIPTIONS)[number], p);
          if (after) afterSend.push(after);
          result = subId;
        } else {
          const subId = p[0];
          const s = typeof subId === "number" ? subs.get(subId) : undefined;
          if (!s || s.ws !== ws) throw badParams("Invalid subscription id.");
          subs.delete(subId as number);
          result = true;
        }
      } else if (method === "ping" && ws) {
        return null;
      } else if (Object.hasOwn(handlers, method)) {
        result = handlers[method as (typeof METHODS)[number]](p);
      } else {
        throw new RpcError(-32601, `Method not found: ${method}`);
      }
      return isNotification ? null : { jsonrpc: "2.0", id, result };
    } catch (e) {
      const err = e instanceof RpcError ? e : new RpcError(-32603, `Internal error: ${(e as Error).message}`);
      return isNotification ? null : errorResponse(id, err);
    }
  }

  /** A request body (single or batch) → the response body (undefined when nothing is to be sent). */
  function handleBody(body: string, ws: WebSocket | null): Promise<{ out: string | undefined; after: (() => void)[] }> {
    return serial(() => {
      const after: (() => void)[] = [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return { out: JSON.stringify(errorResponse(null, new RpcError(-32700, "Parse error"))), after };
      }
      if (Array.isArray(parsed)) {
        if (parsed.length === 0) return { out: JSON.stringify(errorResponse(null, new RpcError(-32600, "Invalid request: empty batch"))), after };
        const out = parsed.map((r) => handleOne(r, ws, after)).filter((r) => r !== null);
        return { out: out.length ? JSON.stringify(out) : undefined, after };
      }
      const r = handleOne(parsed, ws, after);
      return { out: r ? JSON.stringify(r) : undefined, after };
    });
  }

  // --- HTTP + WebSocket ---------------------------------------------------------------------------
  const server = http.createServer((req, res) => {
    // CORS: a browser dApp calls the RPC from another origin. Any origin may call, and the answer names the
    // caller's origin as agave's does (jsonrpc-http-server with `AccessControlAllowOrigin::Any` echoes `Origin`,
    // measured against agave 4.2.2; `*` without one); a preflight gets 204 and the same headers.
    const origin = req.headers.origin;
    res.setHeader("access-control-allow-origin", typeof origin === "string" && origin !== "" ? origin : "*");
    res.setHeader("vary", "origin");
    if (req.method === "OPTIONS") {
      res
        .writeHead(204, {
          "access-control-allow-methods": "POST, GET, OPTIONS",
          "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "content-type, solana-client",
          "access-control-max-age": "86400",
          vary: "origin, access-control-request-headers",
        })
        .end();
      return;
    }
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST, GET, OPTIONS" }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void handleBody(Buffer.concat(chunks).toString("utf8"), null).then(({ out }) => {
        res.writeHead(200, { "content-type": "application/json" }).end(out ?? "");
      });
    });
  });
  server.keepAliveTimeout = 60_000;

  const wss = new WebSocket.Server({ noServer: true });
  const onSocket = (ws: WebSocket) => {
    ws.on("message", (data) => {
      void handleBody(data.toString(), ws).then(({ out, after }) => {
        if (out !== undefined && ws.readyState === WebSocket.OPEN) ws.send(out);
        for (const f of after) f();
      });
    });
    ws.on("close", () => {
      for (const [id, s] of subs) if (s.ws === ws) subs.delete(id);
    });
    ws.on("error", () => ws.terminate());
  };
  wss.on("connection", onSocket);
  const upgrade = (req: http.IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) =>
    wss.handleUpgrade(req, socket as import("node:net").Socket, head, (ws) => wss.emit("connection", ws, req));
  server.on("upgrade", upgrade);
  // web3.js looks for the WebSocket endpoint on the HTTP port + 1 (the validator's convention)
  const wsServer = http.createServer((_req, res) => res.writeHead(426).end("WebSocket only"));
  wsServer.on("upgrade", upgrade);

  const listen = (s: http.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      s.once("error", onError);
      s.listen(port, host, () => {
        s.off("error", onError);
        resolve((s.address() as AddressInfo).port);
      });
    });
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await listen(server, opts.port ?? 0);
    try {
      await listen(wsServer, port + 1);
      break;
    } catch (e) {
      await new Promise<void>((r) => server.close(() => r()));
      if (opts.port || attempt >= 20) throw e;
    }
  }
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port + 1}`,
    svm,
    faucet,
    serial,
    slot: () => slot,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(ticker);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      wsServer.closeAllConnections();
      await Promise.all([new Promise<void>((r) => server.close(() => r())), new Promise<void>((r) => wsServer.close(() => r()))]);
      await queue;
    },
  };
}
