/**
 * Wallets through the Wallet Standard (`@wallet-standard/app`): every installed wallet that can connect and
 * sign Solana transactions is offered; the chosen one signs each transaction the SDK builds. The bridge
 * below gives the SDK's client (an Anchor provider) the wallet as its signer and fee payer: the SDK builds
 * the transaction, the wallet signs it, the app sends it. Nothing here holds a key.
 */
import { getWallets } from "@wallet-standard/app";
import type { Wallet, WalletAccount } from "@wallet-standard/base";
import { StandardConnect, type StandardConnectFeature, StandardDisconnect, type StandardDisconnectFeature, StandardEvents, type StandardEventsFeature } from "@wallet-standard/features";
import { SolanaSignMessage, type SolanaSignMessageFeature, SolanaSignTransaction, type SolanaSignTransactionFeature } from "@solana/wallet-standard-features";
import { PublicKey, Transaction, VersionedTransaction } from "@solana/web3.js";

/** The chain id the app asks wallets to sign for (`solana:localnet` for the embedded chain). */
export const DEFAULT_CHAIN = "solana:localnet" as const;

/** A wallet that can connect and sign Solana transactions. */
export function isSolanaWallet(w: Wallet): boolean {
  return StandardConnect in w.features && SolanaSignTransaction in w.features;
}

/** The installed Wallet Standard wallets able to sign Solana transactions; `onChange` on (un)registration. */
export function watchWallets(onChange: (wallets: Wallet[]) => void): () => void {
  const api = getWallets();
  const emit = () => onChange(api.get().filter(isSolanaWallet));
  emit();
  const offs = [api.on("register", emit), api.on("unregister", emit)];
  return () => offs.forEach((off) => off());
}

/** The signer the SDK's Anchor provider uses: the connected wallet account. */
export interface ConnectedWallet {
  wallet: Wallet;
  account: WalletAccount;
  publicKey: PublicKey;
  chain: string;
  signTransaction<T extends Transaction | VersionedTransaction>(tx: T): Promise<T>;
  signAllTransactions<T extends Transaction | VersionedTransaction>(txs: T[]): Promise<T[]>;
  /** Signs bytes with the account's key (`solana:signMessage`), or null when the wallet cannot. */
  signMessage: ((message: Uint8Array) => Promise<Uint8Array>) | null;
  disconnect(): Promise<void>;
}

/** Connects to `wallet` (it may ask its user) and returns the account's signer. */
export async function connectWallet(wallet: Wallet, chain: `${string}:${string}` = DEFAULT_CHAIN): Promise<ConnectedWallet> {
  const { accounts } = await (wallet.features[StandardConnect] as StandardConnectFeature[typeof StandardConnect]).connect();
  const account = accounts.find((a) => a.features.includes(SolanaSignTransaction)) ?? accounts[0];
  if (!account) throw new Error(`${wallet.name} returned no account`);
  const signer = (wallet.features[SolanaSignTransaction] as SolanaSignTransactionFeature[typeof SolanaSignTransaction]).signTransaction;
  const signOne = async <T extends Transaction | VersionedTransaction>(tx: T): Promise<T> => {
    const bytes = tx instanceof VersionedTransaction ? tx.serialize() : tx.serialize({ requireAllSignatures: false, verifySignatures: false });
    const [out] = await signer({ account, transaction: bytes, chain });
    if (!out) throw new Error(`${wallet.name} returned no signed transaction`);
    return (tx instanceof VersionedTransaction ? VersionedTransaction.deserialize(out.signedTransaction) : Transaction.from(out.signedTransaction)) as T;
  };
  const messageFeature = wallet.features[SolanaSignMessage] as SolanaSignMessageFeature[typeof SolanaSignMessage] | undefined;
  return {
    wallet,
    account,
    publicKey: new PublicKey(account.publicKey),
    chain,
    signTransaction: signOne,
    signAllTransactions: async (txs) => {
      const out = [];
      for (const t of txs) out.push(await signOne(t));
      return out;
    },
    signMessage: messageFeature
      ? async (message) => {
          const [r] = await messageFeature.signMessage({ account, message });
          if (!r) throw new Error(`${wallet.name} returned no signature`);
          return r.signature;
        }
      : null,
    async disconnect() {
      const d = wallet.features[StandardDisconnect] as StandardDisconnectFeature[typeof StandardDisconnect] | undefined;
      await d?.disconnect();
    },
  };
}

/** Calls `onChange` when the wallet's accounts change (e.g. the user switched account in the wallet). */
export function onWalletChange(wallet: Wallet, onChange: () => void): () => void {
  const events = wallet.features[StandardEvents] as StandardEventsFeature[typeof StandardEvents] | undefined;
  return events ? events.on("change", onChange) : () => undefined;
}
