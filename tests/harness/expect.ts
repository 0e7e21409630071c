/** Assertions on typed SDK errors and on events, shared by the spec files. */
import type { Idl } from "@coral-xyz/anchor";
import { decodeEvents } from "../../sdk/src/events.js";
import type { PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import {
  type AnchorFrameworkErrorName,
  type LumoraErrorNames,
  LumoraProgramError,
  type LumoraProgramName,
  toLumoraError,
} from "../../sdk/src/client/errors.js";
import { PROGRAM_IDS } from "../../sdk/src/programs.js";
import type { TxMeta } from "../../tools/chain/index.js";

/** Runs `fn` and asserts it throws error `name` of Lumora program `program` (through the client's mapping). */
export async function expectProgramError<P extends LumoraProgramName>(fn: () => Promise<unknown>, program: P, name: LumoraErrorNames[P]): Promise<LumoraProgramError> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${program}.${String(name)}, but it succeeded`).to.not.equal(undefined);
  expect(err).to.be.instanceOf(LumoraProgramError);
  const pe = err as LumoraProgramError;
  expect(`${pe.program}.${pe.errorName}`, pe.logs.join("\n")).to.equal(`${program}.${String(name)}`);
  return pe;
}

/** Asserts a raw transaction failed with error `name` of Lumora program `program`. */
export function expectTxProgramError<P extends LumoraProgramName>(meta: TxMeta, program: P, name: LumoraErrorNames[P]): void {
  expect(meta.error, `expected ${program}.${String(name)}, but it succeeded`).to.not.equal(null);
  const pe = toLumoraError({ logs: meta.logs }, PROGRAM_IDS);
  expect(pe).to.be.instanceOf(LumoraProgramError);
  expect(`${(pe as LumoraProgramError).program}.${(pe as LumoraProgramError).errorName}`, meta.logs.join("\n")).to.equal(`${program}.${String(name)}`);
}

/** Asserts a raw transaction failed with Anchor framework error `name` raised by `programId`. */
export function expectTxFrameworkError(meta: TxMeta, programId: PublicKey, name: AnchorFrameworkErrorName): void {
  expect(meta.error, `expected ${name}, but it succeeded`).to.not.equal(null);
  const pe = toLumoraError({ logs: meta.logs }, PROGRAM_IDS) as LumoraProgramError;
  expect(pe, meta.logs.join("\n")).to.be.instanceOf(LumoraProgramError);
  expect(pe.programId.toBase58()).to.equal(programId.toBase58());
  expect(pe.isFramework(name), `${pe.errorName} (${pe.code})\n${meta.logs.join("\n")}`).to.equal(true);
}

/** Decodes the events `programId` emitted in a transaction's logs, at any CPI depth (the SDK's decoder). */
export function eventsOf(meta: TxMeta, _idl: Idl, programId: PublicKey): { name: string; data: Record<string, unknown> }[] {
  const program = (Object.keys(PROGRAM_IDS) as (keyof typeof PROGRAM_IDS)[]).find((p) => PROGRAM_IDS[p].equals(programId));
  return decodeEvents({ logs: meta.logs }).filter((e) => e.program === program);
}
