/**
 * Sealing a data key to a buyer's x25519 public key, libsodium `crypto_box_seal` style (the box itself:
 * `seal-box.ts`), and opening it with the check that the key belongs to a dataset's manifest.
 * @module
 */
import { DataIntegrityError, SealedKeyError } from "./errors.js";
import { openManifest } from "./decrypt.js";
import { openSealedBox } from "./seal-box.js";

export { sealKey } from "./seal-box.js";

/**
 * Opens a sealed data key with the recipient's x25519 secret key. With `manifest`, also checks that the
 * key is the one that dataset was encrypted under (its key commitment and tag). Throws
 * {@link SealedKeyError}: `format`, `open` (not sealed to this key, or altered) or `commitment`.
 */
export function openKey(args: {
  /** The 81-byte sealed key from {@link sealKey}. */
  sealed: Uint8Array;
  /** The recipient's 32-byte x25519 secret key. */
  recipientSecretKey: Uint8Array;
  /** The encoded manifest of the dataset the key is meant for; recommended. */
  manifest?: Uint8Array;
}): Uint8Array {
  const key = openSealedBox(args);
  if (args.manifest !== undefined) {
    try {
      openManifest({ manifest: args.manifest, key });
    } catch (e) {
      if (e instanceof DataIntegrityError && e.kind === "wrong-key") {
        throw new SealedKeyError({ reason: "commitment", message: "the key does not belong to this manifest's dataset" });
      }
      throw e;
    }
  }
  return key;
}
