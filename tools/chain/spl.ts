/** SPL Token fixtures for the embedded chain: an LMR mint, token accounts, mint-to. */
import type { Provider } from "@coral-xyz/anchor";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { type Keypair, type PublicKey, SystemProgram, Transaction } from "@solana/web3.js";

/** Creates an SPL mint at `mint` (a fresh keypair) with `authority` as mint authority. */
export async function createMint(provider: Provider, args: { mint: Keypair; authority: PublicKey; decimals: number }): Promise<PublicKey> {
  const lamports = await provider.connection.getMinimumBalanceForRentExemption(MINT_SIZE);
  const payer = provider.publicKey!;
  const tx = new Transaction().add(
    SystemProgram.createAccount({ fromPubkey: payer, newAccountPubkey: args.mint.publicKey, space: MINT_SIZE, lamports, programId: TOKEN_PROGRAM_ID }),
    createInitializeMint2Instruction(args.mint.publicKey, args.decimals, args.authority, null),
  );
  await provider.sendAndConfirm!(tx, [args.mint]);
  return args.mint.publicKey;
}

/** Creates (idempotently) `owner`'s associated token account of `mint` and mints `amount` into it. */
export async function fundTokens(provider: Provider, args: { mint: PublicKey; mintAuthority: Keypair; owner: PublicKey; amount: bigint }): Promise<PublicKey> {
  const payer = provider.publicKey!;
  const ata = getAssociatedTokenAddressSync(args.mint, args.owner, true);
  const tx = new Transaction().add(
    createAssociatedTokenAccountIdempotentInstruction(payer, ata, args.owner, args.mint),
    createMintToInstruction(args.mint, ata, args.mintAuthority.publicKey, args.amount),
  );
  await provider.sendAndConfirm!(tx, [args.mintAuthority]);
  return ata;
}
