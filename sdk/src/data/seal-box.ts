/**
 * Sealing a data key to a buyer's x25519 public key, libsodium `crypto_box_seal` style: an ephemeral
 * sender key pair, nonce = BLAKE2b-192(ephemeral pk ‖ recipient pk), NaCl box (x25519, XSalsa20-Poly1305).
 * The bytes after the version byte are exactly a libsodium sealed box, so `crypto_box_seal_open`
 * (libsodium, PyNaCl `SealedBox`) opens them too. tweetnacl + `@noble/hashes`: browser-safe, shared by
 * the Node (`seal.ts`) and browser (`seal.browser.ts`) paths, which add the manifest check.
 * @internal
 * @module
 */
import { blake2b } from "@noble/hashes/blake2.js";
import nacl from "tweetnacl";
import { requireBytes } from "./bytes.js";
import { KEY_BYTES, SEALED_KEY_BYTES, SEALED_KEY_VERSION, X25519_KEY_BYTES } from "./constants.js";
import { SealedKeyError } from "./errors.js";
import { type RandomSource, draw } from "./random-source.js";

function sealNonce(ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const input = new Uint8Array(2 * X25519_KEY_BYTES);
  input.set(ephemeralPublicKey, 0);
  input.set(recipientPublicKey, X25519_KEY_BYTES);
  return blake2b(input, { dkLen: nacl.box.nonceLength });
}

/**
 * Seals a data key to a recipient's x25519 public key. Returns {@link SEALED_KEY_BYTES} (81) bytes:
 * version 0x01 ‖ ephemeral public key (32) ‖ box(key) (48). Only the recipient's secret key opens it;
 * the sender keeps nothing that could.
 */
export function sealKey(args: {
  /** The 32-byte data key (`EncryptResult.key`). */
  key: Uint8Array;
  /** The recipient's 32-byte x25519 public key (e.g. the buyer's key in the escrow). */
  recipientPublicKey: Uint8Array;
  /** Random source for the ephemeral key; leave unset (OS CSPRNG). Only test vectors inject one. */
  random?: RandomSource;
}): Uint8Array {
  const key = requireBytes("key", args.key, KEY_BYTES);
  const recipientPublicKey = requireBytes("recipientPublicKey", args.recipientPublicKey, X25519_KEY_BYTES);
  const ephemeralSecret = args.random ? draw(args.random, X25519_KEY_BYTES, "ephemeral key") : nacl.randomBytes(X25519_KEY_BYTES);
  const ephemeral = nacl.box.keyPair.fromSecretKey(ephemeralSecret);
  const box = nacl.box(key, sealNonce(ephemeral.publicKey, recipientPublicKey), recipientPublicKey, ephemeral.secretKey);
  ephemeralSecret.fill(0);
  ephemeral.secretKey.fill(0);
  const out = new Uint8Array(SEALED_KEY_BYTES);
  out[0] = SEALED_KEY_VERSION;
  out.set(ephemeral.publicKey, 1);
  out.set(box, 1 + X25519_KEY_BYTES);
  return out;
}

/**
 * Opens a sealed data key with the recipient's x25519 secret key (no manifest check). Throws
 * {@link SealedKeyError} `format` or `open`.
 */
export function openSealedBox(args: { sealed: Uint8Array; recipientSecretKey: Uint8Array }): Uint8Array {
  const sealed = requireBytes("sealed", args.sealed);
  const secretKey = requireBytes("recipientSecretKey", args.recipientSecretKey, X25519_KEY_BYTES);
  if (sealed.length !== SEALED_KEY_BYTES || sealed[0] !== SEALED_KEY_VERSION) {
    throw new SealedKeyError({ reason: "format", message: `expected ${SEALED_KEY_BYTES} bytes starting with version ${SEALED_KEY_VERSION}` });
  }
  const ephemeralPublicKey = sealed.subarray(1, 1 + X25519_KEY_BYTES);
  const recipientPublicKey = nacl.box.keyPair.fromSecretKey(secretKey).publicKey;
  const key = nacl.box.open(sealed.subarray(1 + X25519_KEY_BYTES), sealNonce(ephemeralPublicKey, recipientPublicKey), ephemeralPublicKey, secretKey);
  if (key === null) throw new SealedKeyError({ reason: "open", message: "not sealed to this secret key, or altered" });
  return key;
}
