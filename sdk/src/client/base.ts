import type { Provider } from "@coral-xyz/anchor";
import type { Keypair, PublicKey, Transaction, TransactionSignature, VersionedTransaction } from "@solana/web3.js";
import { type LumoraProgramIds, resolveProgramIds } from "../programs.js";
import { LumoraError, toLumoraError } from "./errors.js";

/**
 * A signer: either the provider's wallet (pass its public key, or omit the field) or a `Keypair`
 * that the client signs with in addition to the wallet.
 */
export type SignerLike = PublicKey | Keypair;

/** Arguments shared by every client constructor. */
export interface ClientArgs {
  /** Any Anchor provider: `AnchorProvider` over a `Connection`, anchor-bankrun's `BankrunProvider`, a LiteSVM provider. */
  provider: Provider;
  /** Program id overrides. */
  programIds?: Partial<LumoraProgramIds>;
}

/** What every program client shares: the provider, the program ids, signing and sending. */
export abstract class BaseClient {
  readonly provider: Provider;
  readonly programIds: LumoraProgramIds;

  constructor(args: ClientArgs) {
    this.provider = args.provider;
    this.programIds = resolveProgramIds(args.programIds);
  }

  /** The provider's wallet: fee payer of every transaction the client sends. */
  protected get wallet(): PublicKey {
    const key = this.provider.publicKey ?? this.provider.wallet?.publicKey;
    if (!key) throw new LumoraError("the provider has no wallet: pass the signer explicitly", []);
    return key;
  }

  /** A {@link SignerLike} as its key and the extra signers it brings (default: the wallet). */
  protected split(s: SignerLike | undefined): { key: PublicKey; signers: Keypair[] } {
    if (!s) return { key: this.wallet, signers: [] };
    if ("secretKey" in s) return { key: s.publicKey, signers: [s] };
    return { key: s, signers: [] };
  }

  /** Signs with the wallet (the fee payer) and `signers`, sends, confirms; maps failures to typed errors. */
  async send(transaction: Transaction | VersionedTransaction, signers: Keypair[] = []): Promise<TransactionSignature> {
    if (!this.provider.sendAndConfirm) throw new LumoraError("the provider cannot send transactions", []);
    try {
      return await this.provider.sendAndConfirm(transaction, signers);
    } catch (err) {
      throw toLumoraError(err, this.programIds);
    }
  }
}
