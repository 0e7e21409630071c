/**
 * Deployment through the upgradeable BPF loader (loader v3), as `solana program deploy` does it on a cluster: the
 * ELF is written into a buffer account (InitializeBuffer, then Write in ≈ 1 KB chunks), then either deployed as a
 * new program (DeployWithMaxDataLen: program + program-data) or swapped into an existing one (Upgrade). Works on
 * any cluster and on the embedded chain (LiteSVM carries the same loader).
 *
 * Agave with SIMD-0500 (`disable_sbpf_v0_v1_v2_deployment`) active refuses the SBPF v0 ELFs tools/sbf builds at
 * Deploy/Upgrade; devnet and mainnet do not have it yet (tools/validator/agave.ts, FEATURES).
 */
import fs from "node:fs";
import { utils } from "@coral-xyz/anchor";
import {
  type Connection,
  Keypair,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_RENT_PUBKEY,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  type TransactionSignature,
  sendAndConfirmTransaction,
} from "@solana/web3.js";

export const BPF_LOADER_UPGRADEABLE = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");
/** UpgradeableLoaderState sizes: Buffer { authority: Option<Pubkey> }, Program { programdata }, ProgramData { slot, authority }. */
const BUFFER_HEADER = 4 + 1 + 32;
const PROGRAM_SIZE = 4 + 32;
const PROGRAMDATA_HEADER = 4 + 8 + 1 + 32;
/** ELF bytes per Write transaction: a legacy transaction with one signer and three accounts stays under 1,232 bytes. */
export const WRITE_CHUNK = 1_000;
const bs58 = utils.bytes.bs58;

/** The program-data account of an upgradeable program. */
export function programDataAddress(programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([programId.toBuffer()], BPF_LOADER_UPGRADEABLE)[0];
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** The loader's instructions (bincode: a u32 tag, then the fields). */
export const loaderIx = {
  initializeBuffer: (buffer: PublicKey, authority: PublicKey) =>
    new TransactionInstruction({ programId: BPF_LOADER_UPGRADEABLE, keys: [{ pubkey: buffer, isSigner: false, isWritable: true }, { pubkey: authority, isSigner: false, isWritable: false }], data: u32(0) }),
  write: (buffer: PublicKey, authority: PublicKey, offset: number, bytes: Uint8Array) =>
    new TransactionInstruction({
      programId: BPF_LOADER_UPGRADEABLE,
      keys: [{ pubkey: buffer, isSigner: false, isWritable: true }, { pubkey: authority, isSigner: true, isWritable: false }],
      data: Buffer.concat([u32(1), u32(offset), u64(bytes.length), Buffer.from(bytes)]),
    }),
  deployWithMaxDataLen: (a: { payer: PublicKey; program: PublicKey; buffer: PublicKey; authority: PublicKey; maxDataLen: number }) =>
    new TransactionInstruction({
      programId: BPF_LOADER_UPGRADEABLE,
      keys: [
        { pubkey: a.payer, isSigner: true, isWritable: true },
        { pubkey: programDataAddress(a.program), isSigner: false, isWritable: true },
        { pubkey: a.program, isSigner: false, isWritable: true },
        { pubkey: a.buffer, isSigner: false, isWritable: true },
        { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
        { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
        { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
        { pubkey: a.authority, isSigner: true, isWritable: false },
      ],
      data: Buffer.concat([u32(2), u64(a.maxDataLen)]),
    }),
  upgrade: (a: { program: PublicKey; buffer: PublicKey; spill: PublicKey; authority: PublicKey }) =>
    new TransactionInstruction({
      programId: BPF_LOADER_UPGRADEABLE,
      keys: [
        { pubkey: programDataAddress(a.program), isSigner: false, isWritable: true },
        { pubkey: a.program, isSigner: false, isWritable: true },
        { pubkey: a.buffer, isSigner: false, isWritable: true },
        { pubkey: a.spill, isSigner: false, isWritable: true },
        { pubkey: SYSVAR_RENT_PUBKEY, isSigner: false, isWritable: false },
        { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
        { pubkey: a.authority, isSigner: true, isWritable: false },
      ],
      data: u32(3),
    }),
};

/** Writes `elf` into a fresh buffer whose authority is `authority` (the payer); returns the buffer's address. */
export async function writeBuffer(args: {
  connection: Connection;
  authority: Keypair;
  elf: Uint8Array;
  /** Writes in flight at once (default 200). */
  concurrency?: number;
}): Promise<PublicKey> {
  const { connection: c, authority, elf } = args;
  const buffer = Keypair.generate();
  const space = BUFFER_HEADER + elf.length;
  const lamports = await c.getMinimumBalanceForRentExemption(space);
  await sendAndConfirmTransaction(
    c,
    new Transaction().add(SystemProgram.createAccount({ fromPubkey: authority.publicKey, newAccountPubkey: buffer.publicKey, lamports, space, programId: BPF_LOADER_UPGRADEABLE }), loaderIx.initializeBuffer(buffer.publicKey, authority.publicKey)),
    [authority, buffer],
    { commitment: "confirmed" },
  );
  const offsets: number[] = [];
  for (let o = 0; o < elf.length; o += WRITE_CHUNK) offsets.push(o);
  // Writes are independent: each window is sent without preflight (as `solana program deploy` sends them), then
  // confirmed together through getSignatureStatuses; a write that has not landed is sent again.
  const window = args.concurrency ?? 200;
  for (let i = 0; i < offsets.length; i += window) {
    const { blockhash } = await c.getLatestBlockhash("confirmed");
    const txs = offsets.slice(i, i + window).map((o) => {
      const t = new Transaction({ feePayer: authority.publicKey, recentBlockhash: blockhash }).add(loaderIx.write(buffer.publicKey, authority.publicKey, o, elf.subarray(o, o + WRITE_CHUNK)));
      t.sign(authority);
      return { raw: t.serialize(), sig: bs58.encode(t.signature!) };
    });
    let pending = txs;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= 5) throw new Error(`${pending.length} buffer writes did not land after ${round} rounds`);
      await Promise.all(pending.map((t) => c.sendRawTransaction(t.raw, { skipPreflight: true })));
      const t0 = Date.now();
      while (pending.length > 0 && Date.now() - t0 < 20_000) {
        await new Promise((r) => setTimeout(r, 400));
        const still: typeof pending = [];
        for (let j = 0; j < pending.length; j += 256) {
          const part = pending.slice(j, j + 256);
          const st = await c.getSignatureStatuses(part.map((t) => t.sig));
          st.value.forEach((v, k) => {
            if (v?.err) throw new Error(`buffer write ${part[k]!.sig} failed: ${JSON.stringify(v.err)}`);
            if (!v || (v.confirmationStatus !== "confirmed" && v.confirmationStatus !== "finalized")) still.push(part[k]!);
          });
        }
        pending = still;
      }
    }
  }
  const written = await c.getAccountInfo(buffer.publicKey, "confirmed");
  if (!written || !Buffer.from(written.data.subarray(BUFFER_HEADER)).equals(Buffer.from(elf))) throw new Error(`buffer ${buffer.publicKey.toBase58()} does not hold the ELF after ${offsets.length} writes`);
  return buffer.publicKey;
}

/** Deploys `soPath` as a new upgradeable program at `program`'s address (room for `maxDataLen`, default twice the ELF). */
export async function deployProgram(args: { connection: Connection; authority: Keypair; program: Keypair; soPath: string; maxDataLen?: number }): Promise<{ signature: TransactionSignature; writes: number }> {
  const elf = fs.readFileSync(args.soPath);
  const buffer = await writeBuffer({ connection: args.connection, authority: args.authority, elf });
  const lamports = await args.connection.getMinimumBalanceForRentExemption(PROGRAM_SIZE);
  const signature = await sendAndConfirmTransaction(
    args.connection,
    new Transaction().add(
      SystemProgram.createAccount({ fromPubkey: args.authority.publicKey, newAccountPubkey: args.program.publicKey, lamports, space: PROGRAM_SIZE, programId: BPF_LOADER_UPGRADEABLE }),
      loaderIx.deployWithMaxDataLen({ payer: args.authority.publicKey, program: args.program.publicKey, buffer, authority: args.authority.publicKey, maxDataLen: args.maxDataLen ?? 2 * elf.length }),
    ),
    [args.authority, args.program],
    { commitment: "confirmed" },
  );
  return { signature, writes: Math.ceil(elf.length / WRITE_CHUNK) };
}

/** Upgrades the program at `programId` (whose upgrade authority is `authority`) to `soPath` through a buffer. */
export async function upgradeProgram(args: { connection: Connection; authority: Keypair; programId: PublicKey; soPath: string }): Promise<{ signature: TransactionSignature; writes: number }> {
  const elf = fs.readFileSync(args.soPath);
  const pd = await args.connection.getAccountInfo(programDataAddress(args.programId), "confirmed");
  if (!pd) throw new Error(`${args.programId.toBase58()} has no program-data account: not an upgradeable program`);
  if (pd.data.length - PROGRAMDATA_HEADER < elf.length) throw new Error(`${args.soPath} (${elf.length} bytes) does not fit the program's ${pd.data.length - PROGRAMDATA_HEADER} bytes (extend it first)`);
  const buffer = await writeBuffer({ connection: args.connection, authority: args.authority, elf });
  const signature = await sendAndConfirmTransaction(args.connection, new Transaction().add(loaderIx.upgrade({ program: args.programId, buffer, spill: args.authority.publicKey, authority: args.authority.publicKey })), [args.authority], { commitment: "confirmed" });
  return { signature, writes: Math.ceil(elf.length / WRITE_CHUNK) };
}
