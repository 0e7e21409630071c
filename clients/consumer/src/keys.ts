/**
 * The consumer's keys and wallet, all kept on disk 0600:
 *   - the Solana keypair (the consumer's wallet: pays tasks and purchases, signs listings);
 *   - `x25519KeyFile` (default `<keypair dir>/x25519.json`): `{ publicKey, secretKey }` base64 — executors
 *     seal each result's data key to it, sellers seal purchased keys to it;
 *   - `<x25519KeyFile without .json>.datasets.json`: the data keys of the datasets this consumer sells,
 *     by dataset address ({@link DatasetKeyStore}). The seller must keep them to deliver keys to later
 *     buyers; a small JSON file written atomically (temp file + rename) is enough for a handful of listings.
 * And the wallet's LMR balance, checked before any payment.
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { fetchTokenBalance } from "@lumora/sdk";
import nacl from "tweetnacl";
import { formatLmr } from "@lumora/cli-kit";
import type { Consumer } from "./consumer.js";
import { ConsumerError, InputError } from "./errors.js";

export const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Reads a Solana CLI keypair file (a JSON array of 64 numbers). */
export function readKeypair(file: string): Keypair {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`cannot read the keypair ${file}: ${(e as Error).message} (pass --keypair FILE, a Solana CLI keypair JSON)`);
  }
  if (!Array.isArray(raw) || raw.length !== 64) throw new InputError(`${file} is not a Solana keypair (a JSON array of 64 numbers)`);
  return Keypair.fromSecretKey(Uint8Array.from(raw as number[]));
}

/** Writes a private file (0600) atomically: temp file + rename. */
export function writePrivate(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Loads the x25519 key file, creating it (0600) when missing. */
export function loadX25519(file: string): nacl.BoxKeyPair {
  if (!fs.existsSync(file)) {
    const kp = nacl.box.keyPair();
    writePrivate(file, JSON.stringify({ publicKey: b64(kp.publicKey), secretKey: b64(kp.secretKey) }, null, 2) + "\n");
    return kp;
  }
  const j = JSON.parse(fs.readFileSync(file, "utf8")) as { secretKey?: string };
  const secret = Buffer.from(j.secretKey ?? "", "base64");
  if (secret.length !== 32) throw new InputError(`${file}: secretKey must be 32 bytes base64`);
  return nacl.box.keyPair.fromSecretKey(Uint8Array.from(secret));
}

/** A seller's data keys, by dataset address (`<x25519 key file>.datasets.json`, 0600; in memory without a file). */
export interface DatasetKeyEntry {
  key: string;
  task: string;
  merkleRoot: string;
}

export class DatasetKeyStore {
  private sellerKeys: Record<string, DatasetKeyEntry> | null = null;

  constructor(private readonly keyStoreFile: string | null) {}

  load(): Record<string, DatasetKeyEntry> {
    if (this.sellerKeys) return this.sellerKeys;
    this.sellerKeys = this.keyStoreFile && fs.existsSync(this.keyStoreFile) ? JSON.parse(fs.readFileSync(this.keyStoreFile, "utf8")) : {};
    return this.sellerKeys!;
  }

  save(dataset: PublicKey, entry: DatasetKeyEntry): void {
    const keys = this.load();
    keys[dataset.toBase58()] = entry;
    if (this.keyStoreFile) writePrivate(this.keyStoreFile, JSON.stringify(keys, null, 2) + "\n");
  }
}

async function lmrMint(c: Consumer): Promise<PublicKey> {
  const cfg = await c.client.registry.fetchConfig();
  if (!cfg) throw new ConsumerError(`Lumora is not initialised on ${c.rpc} (no protocol config): is this the right cluster?`);
  return cfg.lmrMint;
}

/** The consumer's LMR balance (base units) in its associated token account. */
export async function balance(c: Consumer): Promise<bigint> {
  return fetchTokenBalance({ connection: c.connection, mint: await lmrMint(c), owner: c.keypair.publicKey });
}

/** Refuses (InputError) unless the wallet holds `amount`. */
export async function requireFunds(c: Consumer, amount: bigint, what: string): Promise<void> {
  const bal = await balance(c);
  if (bal < amount)
    throw new InputError(`insufficient funds: ${what} ${formatLmr(amount)}, balance ${formatLmr(bal)} of ${c.keypair.publicKey.toBase58()}: fund this wallet with LMR or lower the amount`);
}
