/**
 * Program events: decode them from transaction logs (at any CPI depth), and rebuild a task's history —
 * the immutable task log consumers read as provenance — from its transactions.
 * @module
 */
import { BorshCoder, type Idl } from "@coral-xyz/anchor";
import type { Connection, PublicKey } from "@solana/web3.js";
import { lumoraMarketIdl, lumoraRegistryIdl, lumoraRewardsIdl, lumoraTasksIdl } from "./idl/index.js";
import { type LumoraProgramIds, resolveProgramIds } from "./programs.js";

/** One decoded event. */
export interface LumoraEvent {
  /** Which Lumora program emitted it. */
  program: keyof LumoraProgramIds;
  /** The event name (`TaskCreated`, `BidPlaced`, ...). */
  name: string;
  /** Its fields, as the IDL names them (snake_case). */
  data: Record<string, unknown>;
}

const IDLS: Record<keyof LumoraProgramIds, Idl> = {
  registry: lumoraRegistryIdl as unknown as Idl,
  tasks: lumoraTasksIdl as unknown as Idl,
  rewards: lumoraRewardsIdl as unknown as Idl,
  market: lumoraMarketIdl as unknown as Idl,
};
const coders = new Map<keyof LumoraProgramIds, BorshCoder>();
const coderOf = (p: keyof LumoraProgramIds) => {
  let c = coders.get(p);
  if (!c) coders.set(p, (c = new BorshCoder(IDLS[p])));
  return c;
};

/**
 * Every Lumora event in a transaction's logs, in order, attributed to the program that emitted it —
 * including events emitted inside CPIs (which anchor's `EventParser` skips).
 */
export function decodeEvents(args: { /** The transaction's log messages. */ logs: readonly string[]; /** Program id overrides. */ programIds?: Partial<LumoraProgramIds> }): LumoraEvent[] {
  const ids = resolveProgramIds(args.programIds);
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id.toBase58(), name as keyof LumoraProgramIds]));
  const stack: string[] = [];
  const out: LumoraEvent[] = [];
  for (const line of args.logs) {
    const invoke = /^Program (\w+) invoke \[\d+\]$/.exec(line);
    if (invoke) {
      stack.push(invoke[1]!);
      continue;
    }
    if (/^Program \w+ (success|failed)/.test(line)) {
      stack.pop();
      continue;
    }
    const program = byId.get(stack[stack.length - 1] ?? "");
    if (!program || !line.startsWith("Program data: ")) continue;
    const e = coderOf(program).events.decode(line.slice("Program data: ".length));
    if (e) out.push({ program, name: e.name, data: e.data as Record<string, unknown> });
  }
  return out;
}

/** One step of a task's history. */
export interface TaskLogEntry {
  /** The transaction that recorded it. */
  signature: string;
  /** Its slot, when known. */
  slot?: number;
  /** The event. */
  event: LumoraEvent;
}

/**
 * A task's history from transactions (oldest first): every tasks-program event whose `task` field is
 * this task, plus the registry and rewards events of the same transactions (reputation, slashes,
 * credits of its settlement).
 */
export function taskLog(args: { task: PublicKey; transactions: readonly { signature: string; slot?: number; logs: readonly string[] }[]; programIds?: Partial<LumoraProgramIds> }): TaskLogEntry[] {
  const key = args.task.toBase58();
  const out: TaskLogEntry[] = [];
  for (const tx of args.transactions) {
    const events = decodeEvents({ logs: tx.logs, programIds: args.programIds });
    const mine = events.some((e) => e.program === "tasks" && (e.data.task as PublicKey | undefined)?.toBase58?.() === key);
    if (!mine) continue;
    for (const event of events) {
      const t = event.data.task as PublicKey | undefined;
      if (event.program === "tasks" && t && t.toBase58() !== key) continue;
      out.push({ signature: tx.signature, slot: tx.slot, event });
    }
  }
  return out;
}

/**
 * Fetches a task's history from an RPC node: every transaction that touched the task account
 * (`getSignaturesForAddress`, oldest first), decoded with {@link taskLog}. Needs an RPC connection
 * that keeps transaction history.
 */
export async function fetchTaskLog(args: { connection: Connection; task: PublicKey; programIds?: Partial<LumoraProgramIds>; limit?: number }): Promise<TaskLogEntry[]> {
  const sigs = await args.connection.getSignaturesForAddress(args.task, { limit: args.limit ?? 1_000 });
  const txs: { signature: string; slot: number; logs: string[] }[] = [];
  for (const s of [...sigs].reverse()) {
    if (s.err) continue;
    const tx = await args.connection.getTransaction(s.signature, { maxSupportedTransactionVersion: 0 });
    if (tx?.meta?.logMessages) txs.push({ signature: s.signature, slot: s.slot, logs: tx.meta.logMessages });
  }
  return taskLog({ task: args.task, transactions: txs, programIds: args.programIds });
}
