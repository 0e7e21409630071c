/**
 * Sealed data keys in a browser: {@link sealKey} as on Node; {@link openKey} returns a promise because
 * its manifest check runs on WebCrypto.
 * @module
 */
import { openManifest } from "./decrypt.browser.js";
import { DataIntegrityError, SealedKeyError } from "./errors.js";
import { openSealedBox } from "./seal-box.js";

export { sealKey } from "./seal-box.js";

/**
 * Opens a sealed data key with the recipient's x25519 secret key; with `manifest`, also checks the key
 * is that dataset's (key commitment and tag). Rejects with {@link SealedKeyError}: `format`, `open` or
 * `commitment`.
 */
export async function openKey(args: {
  /** The 81-byte sealed key from {@link sealKey}. */
  sealed: Uint8Array;
  /** The recipient's 32-byte x25519 secret key. */
  recipientSecretKey: Uint8Array;
  /** The encoded manifest of the dataset the key is meant for; recommended. */
  manifest?: Uint8Array;
}): Promise<Uint8Array> {
  const key = openSealedBox(args);
  if (args.manifest !== undefined) {
    try {
      await openManifest({ manifest: args.manifest, key });
    } catch (e) {
      if (e instanceof DataIntegrityError && e.kind === "wrong-key") {
        throw new SealedKeyError({ reason: "commitment", message: "the key does not belong to this manifest's dataset" });
      }
      throw e;
    }
  }
  return key;
}
