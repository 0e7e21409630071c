/**
 * The consumer's x25519 key (executors seal result keys to it; sellers seal purchased keys to it). Derived
 * from the wallet: SHA-256 of the wallet's signature over a fixed, wallet-specific message, so the same
 * wallet finds the same key in any browser and nothing secret is stored. A wallet without
 * `solana:signMessage` gets a random key kept in this browser's localStorage (said in the UI).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import nacl from "tweetnacl";
import type { ConnectedWallet } from "./wallet.js";

const cache = new Map<string, Promise<{ keyPair: nacl.BoxKeyPair; source: "wallet-signature" | "browser-storage" }>>();

export const X25519_MESSAGE = (owner: string) => new TextEncoder().encode(`Lumora x25519 data key v1\nwallet: ${owner}\nSigning this derives your data-decryption key. It does not send a transaction.`);

export function x25519For(wallet: ConnectedWallet) {
  const owner = wallet.publicKey.toBase58();
  let p = cache.get(owner);
  if (!p) {
    p = (async () => {
      if (wallet.signMessage) {
        const sig = await wallet.signMessage(X25519_MESSAGE(owner));
        return { keyPair: nacl.box.keyPair.fromSecretKey(sha256(sig)), source: "wallet-signature" as const };
      }
      const stored = localStorage.getItem(`lumora.x25519.${owner}`);
      const secret = stored ? Uint8Array.from(atob(stored), (c) => c.charCodeAt(0)) : nacl.randomBytes(32);
      if (!stored) localStorage.setItem(`lumora.x25519.${owner}`, btoa(String.fromCharCode(...secret)));
      return { keyPair: nacl.box.keyPair.fromSecretKey(secret), source: "browser-storage" as const };
    })();
    p.catch(() => cache.delete(owner));
    cache.set(owner, p);
  }
  return p;
}
