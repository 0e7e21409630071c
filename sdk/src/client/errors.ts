/**
 * Typed errors of the client layer. A failed transaction becomes a {@link LumoraProgramError} when a
 * program returned an error code (named from the program's IDL, or Anchor's framework codes), else a
 * {@link LumoraTransactionError}; both carry the transaction logs.
 * @module
 */
import { AnchorError, LangErrorCode } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import {
  type LumoraMarket,
  lumoraMarketIdl,
  type LumoraRegistry,
  lumoraRegistryIdl,
  type LumoraRewards,
  lumoraRewardsIdl,
  type LumoraTasks,
  lumoraTasksIdl,
} from "../idl/index.js";
import type { LumoraProgramIds } from "../programs.js";

/** The four Lumora programs by name. */
export type LumoraProgramName = keyof LumoraProgramIds;

/**
 * Error names of each program as the program reports them (`NotAdmin`, the Rust variant), from its
 * IDL type (whose camelCase form is capitalised back).
 */
export interface LumoraErrorNames {
  registry: Capitalize<LumoraRegistry["errors"][number]["name"]>;
  tasks: Capitalize<LumoraTasks["errors"][number]["name"]>;
  rewards: Capitalize<LumoraRewards["errors"][number]["name"]>;
  market: Capitalize<LumoraMarket["errors"][number]["name"]>;
}

/**
 * Anchor framework error names (codes below 6000: constraints, account checks, ...): the TypeScript
 * client's table, plus those anchor-lang 1.2.2 added after it (the programs log the name either way).
 */
export type AnchorFrameworkErrorName = keyof typeof LangErrorCode | "ConstraintDuplicateMutableAccount";

const IDL_ERRORS: Record<LumoraProgramName, readonly { code: number; name: string; msg?: string }[]> = {
  registry: lumoraRegistryIdl.errors,
  tasks: lumoraTasksIdl.errors,
  rewards: lumoraRewardsIdl.errors,
  market: lumoraMarketIdl.errors,
};
const LANG_NAMES = new Map<number, string>(
  Object.entries(LangErrorCode).map(([name, code]) => [code as number, name]),
);

/** Base class of every error the client throws. */
export class LumoraError extends Error {
  /** Logs of the failed transaction (empty when it never reached a program). */
  readonly logs: string[];
  constructor(message: string, logs: string[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LumoraError";
    this.logs = logs;
  }
}

/** A program returned an error code. */
export class LumoraProgramError extends LumoraError {
  /** Which Lumora program failed, or `null` for another program (e.g. SPL Token). */
  readonly program: LumoraProgramName | null;
  /** Id of the program that returned the error. */
  readonly programId: PublicKey;
  /** The numeric error code (6000+ for program errors, below for Anchor framework errors). */
  readonly code: number;
  /** The error's name (`NotAdmin`, `ConstraintSeeds`, ...), or `Custom(<code>)` when unknown. */
  readonly errorName: string;
  constructor(args: { program: LumoraProgramName | null; programId: PublicKey; code: number; errorName: string; message: string; logs: string[]; cause?: unknown }) {
    super(`${args.program ?? args.programId.toBase58()}: ${args.errorName} (${args.code}): ${args.message}`, args.logs, {
      cause: args.cause,
    });
    this.name = "LumoraProgramError";
    this.program = args.program;
    this.programId = args.programId;
    this.code = args.code;
    this.errorName = args.errorName;
  }

  /** True when this is error `name` of Lumora program `program` (names are type-checked). */
  is<P extends LumoraProgramName>(program: P, name: LumoraErrorNames[P]): boolean {
    return this.program === program && this.errorName === name;
  }

  /** True when this is the Anchor framework error `name` (e.g. `ConstraintHasOne`, `AccountNotSigner`). */
  isFramework(name: AnchorFrameworkErrorName): boolean {
    return this.code < 6000 && this.errorName === name;
  }
}

/** The transaction failed without a program error code (signature, funds, panic, budget, ...). */
export class LumoraTransactionError extends LumoraError {
  constructor(message: string, logs: string[], cause?: unknown) {
    super(message, logs, { cause });
    this.name = "LumoraTransactionError";
  }
}

function logsOf(err: unknown): string[] {
  const e = err as { logs?: unknown; transactionLogs?: unknown };
  const logs = e?.logs ?? e?.transactionLogs;
  return Array.isArray(logs) ? logs.map(String) : [];
}

function programNameOf(programId: PublicKey, ids: LumoraProgramIds): LumoraProgramName | null {
  for (const name of Object.keys(ids) as LumoraProgramName[]) if (ids[name].equals(programId)) return name;
  return null;
}

function describe(program: LumoraProgramName | null, code: number): { name: string; msg: string } {
  if (code >= 6000 && program) {
    const e = IDL_ERRORS[program].find((x) => x.code === code);
    if (e) return { name: e.name, msg: e.msg ?? e.name };
  }
  const lang = LANG_NAMES.get(code);
  return lang ? { name: lang, msg: lang } : { name: `Custom(${code})`, msg: `custom program error ${code}` };
}

const CUSTOM_ERROR = /^Program (\w+) failed: custom program error: 0x([0-9a-f]+)$/;

/** Turns whatever a provider threw into a typed {@link LumoraError}. */
export function toLumoraError(err: unknown, ids: LumoraProgramIds): LumoraError {
  if (err instanceof LumoraError) return err;
  const logs = logsOf(err);
  const anchor = logs.length ? AnchorError.parse(logs) : null;
  if (anchor) {
    const program = programNameOf(anchor.program, ids);
    const code = anchor.error.errorCode.number;
    return new LumoraProgramError({
      program,
      programId: anchor.program,
      code,
      // the name the program logged ("Error Code: X") is authoritative
      errorName: anchor.error.errorCode.code || describe(program, code).name,
      message: anchor.error.errorMessage,
      logs,
      cause: err,
    });
  }
  for (const line of logs) {
    const m = CUSTOM_ERROR.exec(line);
    if (!m) continue;
    const programId = new PublicKey(m[1]!);
    const program = programNameOf(programId, ids);
    const code = Number.parseInt(m[2]!, 16);
    const d = describe(program, code);
    return new LumoraProgramError({ program, programId, code, errorName: d.name, message: d.msg, logs, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LumoraTransactionError(message, logs, err);
}
