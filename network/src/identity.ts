/**
 * The node's libp2p identity is its ed25519 node key (PROTOCOL.md §1): the same key registered on
 * chain, so a PeerId names exactly one registry entry and anything signed under it (noise handshake,
 * gossip messages, receipts) is attributable to that entry.
 * @module
 */
import nacl from "tweetnacl";
import { privateKeyFromRaw, publicKeyFromRaw } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey, peerIdFromPublicKey, peerIdFromString } from "@libp2p/peer-id";
import type { PeerId, PrivateKey } from "@libp2p/interface";

/** A node key: the ed25519 key pair in tweetnacl / Solana `Keypair` layout. */
export interface NodeKey {
  /** 32-byte ed25519 public key (the on-chain node key). */
  publicKey: Uint8Array;
  /** 64-byte secret key: seed ‖ public key. */
  secretKey: Uint8Array;
}

/** Builds a {@link NodeKey} from a 64-byte secret key (Solana `Keypair.secretKey`) or a 32-byte seed. */
export function nodeKeyFrom(secretOrSeed: Uint8Array): NodeKey {
  if (secretOrSeed.length === 32) return nacl.sign.keyPair.fromSeed(secretOrSeed);
  if (secretOrSeed.length === 64) {
    const kp = nacl.sign.keyPair.fromSecretKey(secretOrSeed);
    // tweetnacl trusts the embedded public half; re-derive it from the seed so a forged pair is refused
    const derived = nacl.sign.keyPair.fromSeed(secretOrSeed.subarray(0, 32));
    if (Buffer.compare(Buffer.from(derived.publicKey), Buffer.from(kp.publicKey)) !== 0) {
      throw new Error("node secret key: public half does not match the seed");
    }
    return { publicKey: derived.publicKey, secretKey: derived.secretKey };
  }
  throw new Error(`node key must be a 32-byte seed or a 64-byte secret key, got ${secretOrSeed.length} bytes`);
}

/** A fresh random node key (tests, ephemeral consumers). */
export function generateNodeKey(): NodeKey {
  return nacl.sign.keyPair();
}

/** The libp2p private key for a node key (same ed25519 key, libp2p's type). */
export function libp2pPrivateKey(key: NodeKey): PrivateKey {
  // libp2p's raw ed25519 private key is the same 64-byte seed ‖ public layout
  return privateKeyFromRaw(key.secretKey);
}

/** The PeerId of a node key. */
export function peerIdOf(key: NodeKey): PeerId {
  return peerIdFromPrivateKey(libp2pPrivateKey(key));
}

/** The PeerId of a registered node from its 32-byte public node key alone (no secret needed). */
export function peerIdOfNodeKey(publicKey: Uint8Array): PeerId {
  if (publicKey.length !== 32) throw new Error(`node key must be 32 bytes, got ${publicKey.length}`);
  return peerIdFromPublicKey(publicKeyFromRaw(publicKey));
}

/**
 * The 32-byte ed25519 node key a PeerId embeds, or `null` for non-ed25519 peers (which can never be
 * registry entries). Ed25519 PeerIds inline the public key, so no lookup is needed.
 */
export function nodeKeyOfPeer(peer: PeerId | string): Uint8Array | null {
  const id = typeof peer === "string" ? peerIdFromString(peer) : peer;
  if (id.type !== "Ed25519" || id.publicKey == null) return null;
  return id.publicKey.raw;
}
