/**
 * A programmatic Wallet Standard wallet for the browser tests: it registers itself through
 * `@wallet-standard/wallet` exactly as an extension does, and really signs — ed25519 with tweetnacl over
 * the transaction message bytes the page hands it — with the keypair the test injected as
 * `window.__LUMORA_TEST_WALLET__` (64 numbers, a Solana CLI keypair). No part of the SDK or the app is
 * replaced: the app discovers it with `getWallets()` and calls `standard:connect`, `solana:signTransaction`
 * and `solana:signMessage` like any wallet. Bundled by esbuild and injected with `page.addInitScript`.
 */
import { registerWallet } from "@wallet-standard/wallet";
import type { IdentifierArray, Wallet, WalletAccount } from "@wallet-standard/base";
import nacl from "tweetnacl";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** Base-58 (Bitcoin alphabet), as Solana writes addresses. */
export const bs58 = {
  encode(bytes: Uint8Array): string {
    const digits = [0];
    for (const byte of bytes) {
      let carry = byte;
      for (let i = 0; i < digits.length; i++) {
        carry += digits[i]! << 8;
        digits[i] = carry % 58;
        carry = (carry / 58) | 0;
      }
      while (carry > 0) digits.push(carry % 58), (carry = (carry / 58) | 0);
    }
    let out = "";
    for (const b of bytes) {
      if (b !== 0) break;
      out += "1";
    }
    for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]!];
    return bytes.every((b) => b === 0) ? out.slice(0, bytes.length) : out;
  },
};

const secret = (globalThis as unknown as { __LUMORA_TEST_WALLET__?: number[] }).__LUMORA_TEST_WALLET__;
const CHAINS = ["solana:localnet", "solana:devnet", "solana:mainnet"] as const;

/** Reads a compact-u16 (shortvec) at `off`: [value, bytes used]. */
function shortvec(b: Uint8Array, off: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 3; i++) {
    const x = b[off + i]!;
    v |= (x & 0x7f) << (7 * i);
    if ((x & 0x80) === 0) return [v, i + 1];
  }
  throw new Error("bad shortvec");
}

/**
 * Signs a wire transaction (legacy or v0) as `keyPair`: finds the key among the message's signer keys and
 * writes the ed25519 signature of the message bytes into its slot.
 */
export function signWireTransaction(wire: Uint8Array, keyPair: nacl.SignKeyPair): Uint8Array {
  const out = Uint8Array.from(wire);
  const [sigCount, sigLen] = shortvec(out, 0);
  const msgStart = sigLen + 64 * sigCount;
  const message = out.subarray(msgStart);
  let p = 0;
  if ((message[0]! & 0x80) !== 0) p = 1; // v0: version prefix
  const numSigners = message[p]!;
  p += 3; // header: required signatures, read-only signed, read-only unsigned
  const [keyCount, keyLen] = shortvec(message, p);
  p += keyLen;
  const me = keyPair.publicKey;
  for (let i = 0; i < Math.min(keyCount, numSigners); i++) {
    const k = message.subarray(p + 32 * i, p + 32 * (i + 1));
    if (k.every((x, j) => x === me[j])) {
      out.set(nacl.sign.detached(message, keyPair.secretKey), sigLen + 64 * i);
      return out;
    }
  }
  throw new Error("this transaction does not need the test wallet's signature");
}

class TestWallet implements Wallet {
  readonly version = "1.0.0" as const;
  readonly name = "Lumora Test Wallet";
  readonly icon = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxNiAxNiI+PHJlY3Qgd2lkdGg9IjE2IiBoZWlnaHQ9IjE2IiByeD0iNCIgZmlsbD0iIzEzN2EzYSIvPjwvc3ZnPg==" as const;
  readonly chains = CHAINS;
  readonly signed: { kind: "transaction" | "message"; at: number }[] = [];
  private readonly keyPair: nacl.SignKeyPair;
  private connected: WalletAccount[] = [];
  private readonly listeners = new Set<(p: { accounts?: readonly WalletAccount[] }) => void>();

  constructor(secretKey: Uint8Array) {
    this.keyPair = nacl.sign.keyPair.fromSecretKey(secretKey);
  }

  get accounts(): readonly WalletAccount[] {
    return this.connected;
  }

  private account(): WalletAccount {
    return {
      address: bs58.encode(this.keyPair.publicKey),
      publicKey: this.keyPair.publicKey,
      chains: CHAINS,
      features: ["solana:signTransaction", "solana:signMessage"] as IdentifierArray,
    };
  }

  get features() {
    return {
      "standard:connect": {
        version: "1.0.0",
        connect: async () => {
          this.connected = [this.account()];
          for (const l of this.listeners) l({ accounts: this.connected });
          return { accounts: this.connected };
        },
      },
      "standard:disconnect": {
        version: "1.0.0",
        disconnect: async () => {
          this.connected = [];
          for (const l of this.listeners) l({ accounts: [] });
        },
      },
      "standard:events": {
        version: "1.0.0",
        on: (_event: "change", listener: (p: { accounts?: readonly WalletAccount[] }) => void) => {
          this.listeners.add(listener);
          return () => this.listeners.delete(listener);
        },
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: async (...inputs: { account: WalletAccount; transaction: Uint8Array }[]) =>
          inputs.map(({ account, transaction }) => {
            if (account.address !== bs58.encode(this.keyPair.publicKey)) throw new Error("unknown account");
            this.signed.push({ kind: "transaction", at: Date.now() });
            return { signedTransaction: signWireTransaction(transaction, this.keyPair) };
          }),
      },
      "solana:signMessage": {
        version: "1.0.0",
        signMessage: async (...inputs: { account: WalletAccount; message: Uint8Array }[]) =>
          inputs.map(({ message }) => {
            this.signed.push({ kind: "message", at: Date.now() });
            return { signedMessage: message, signature: nacl.sign.detached(message, this.keyPair.secretKey) };
          }),
      },
    };
  }
}

if (secret) {
  const w = new TestWallet(Uint8Array.from(secret));
  (globalThis as unknown as { __lumoraTestWallet: TestWallet }).__lumoraTestWallet = w;
  registerWallet(w);
}
