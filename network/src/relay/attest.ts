/**
 * Relay attestations (docs/relay.md §Paid for what it carried): at the end of every session each end
 * signs, with its node key, what it moved — the executor what it sent and received, the provider what
 * it carried — over a fixed message that names the session, the epoch and both peers. The provider's
 * daemon keeps both; the rewards design (issue 22) decides how they become usage credit.
 *
 * Message (121 bytes, integers little-endian):
 *
 * | field        | bytes | meaning                                               |
 * |--------------|------:|-------------------------------------------------------|
 * | tag          | 16    | `LUMORA_RELAY_V1` and a zero byte (domain separation) |
 * | role         | 1     | 1 = the executor's statement, 2 = the provider's      |
 * | session id   | 16    | random, drawn by the executor in OPEN                 |
 * | epoch        | 8     | the rewards epoch named in OPEN                       |
 * | executor     | 32    | executor node key                                     |
 * | provider     | 32    | provider node key                                     |
 * | bytes up     | 8     | executor → site bytes (DATA payloads)                 |
 * | bytes down   | 8     | site → executor bytes (DATA payloads)                 |
 *
 * No host name, address or content: only keys and counts (PROTOCOL.md §5).
 * @module
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { SESSION_ID_BYTES } from "./protocol.js";

/** Domain tag, 16 bytes. */
export const RELAY_ATTEST_TAG = Uint8Array.from([...new TextEncoder().encode("LUMORA_RELAY_V1"), 0]);
/** Attestation message length. */
export const RELAY_ATTEST_LEN = 16 + 1 + SESSION_ID_BYTES + 8 + 32 + 32 + 8 + 8;
export const ROLE_EXECUTOR = 1;
export const ROLE_PROVIDER = 2;

/** What one end states about a session. */
export interface RelayStatement {
  /** Whose statement: the executor's or the provider's. */
  role: typeof ROLE_EXECUTOR | typeof ROLE_PROVIDER;
  sessionId: Uint8Array;
  epoch: bigint;
  executor: Uint8Array;
  provider: Uint8Array;
  /** Executor → site bytes. */
  bytesUp: bigint;
  /** Site → executor bytes. */
  bytesDown: bigint;
}

/** A statement, its encoded message and the signer's ed25519 signature. */
export interface RelayAttestation extends RelayStatement {
  message: Uint8Array;
  signature: Uint8Array;
}

/** Encodes a statement into the signed message. */
export function encodeRelayStatement(s: RelayStatement): Uint8Array {
  if (s.sessionId.length !== SESSION_ID_BYTES || s.executor.length !== 32 || s.provider.length !== 32) throw new RangeError("relay statement: bad field length");
  const out = new Uint8Array(RELAY_ATTEST_LEN);
  const dv = new DataView(out.buffer);
  out.set(RELAY_ATTEST_TAG, 0);
  out[16] = s.role;
  out.set(s.sessionId, 17);
  dv.setBigUint64(33, s.epoch, true);
  out.set(s.executor, 41);
  out.set(s.provider, 73);
  dv.setBigUint64(105, s.bytesUp, true);
  dv.setBigUint64(113, s.bytesDown, true);
  return out;
}

/** Decodes a signed message; throws on a wrong length, tag or role. */
export function decodeRelayStatement(m: Uint8Array): RelayStatement {
  if (m.length !== RELAY_ATTEST_LEN) throw new RangeError("relay statement: wrong length");
  for (let i = 0; i < 16; i++) if (m[i] !== RELAY_ATTEST_TAG[i]) throw new RangeError("relay statement: wrong tag");
  const role = m[16];
  if (role !== ROLE_EXECUTOR && role !== ROLE_PROVIDER) throw new RangeError("relay statement: unknown role");
  const dv = new DataView(m.buffer, m.byteOffset, m.byteLength);
  return {
    role,
    sessionId: m.slice(17, 33),
    epoch: dv.getBigUint64(33, true),
    executor: m.slice(41, 73),
    provider: m.slice(73, 105),
    bytesUp: dv.getBigUint64(105, true),
    bytesDown: dv.getBigUint64(113, true),
  };
}

// ed25519 through node:crypto (OpenSSL): ~50 µs a signature where tweetnacl takes milliseconds, and a
// relay signs and checks two statements per session. Keys are wrapped in their DER envelopes once.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
function privateKeyOf(secretKey: Uint8Array): KeyObject {
  const seed = Buffer.from(secretKey.subarray(0, 32));
  const id = seed.toString("hex");
  let k = privateKeys.get(id);
  if (!k) {
    k = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    if (privateKeys.size > 64) privateKeys.clear();
    privateKeys.set(id, k);
  }
  return k;
}
function publicKeyOf(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString("hex");
  let k = publicKeys.get(id);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKey)]), format: "der", type: "spki" });
    if (publicKeys.size > 4096) publicKeys.clear();
    publicKeys.set(id, k);
  }
  return k;
}

/** Signs a statement with the 64-byte node secret key (seed ‖ public key) of the stating end. */
export function signRelayStatement(s: RelayStatement, secretKey: Uint8Array): RelayAttestation {
  const message = encodeRelayStatement(s);
  return { ...s, message, signature: new Uint8Array(sign(null, message, privateKeyOf(secretKey))) };
}

/** The stating end's key: the executor's for role 1, the provider's for role 2. */
export function relaySigner(s: RelayStatement): Uint8Array {
  return s.role === ROLE_EXECUTOR ? s.executor : s.provider;
}

/** Checks an attestation: its message decodes to its fields and the stating end's key signed it. */
export function verifyRelayAttestation(a: { message: Uint8Array; signature: Uint8Array }): RelayStatement | null {
  let s: RelayStatement;
  try {
    s = decodeRelayStatement(a.message);
  } catch {
    return null;
  }
  if (a.signature.length !== 64) return null;
  try {
    return verify(null, a.message, publicKeyOf(relaySigner(s)), a.signature) ? s : null;
  } catch {
    return null; // not a valid curve point
  }
}
