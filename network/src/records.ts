/**
 * DHT record formats and keys (Kademlia under the Lumora prefix, `/lumora/kad/1.0.0`).
 *
 * - Task specs: key `/lumora-spec/<hex sha256(spec)>`, value = the spec bytes (≤ {@link MAX_SPEC_BYTES}).
 *   Content-addressed: the validator re-hashes every value on arrival and drops mismatches.
 * - Node records: key `/lumora-node/<base58 node key>`, value = a {@link NodeRecord} signed by that
 *   node key (multiaddrs, roles, shard, issued-at); the newest valid record wins.
 * @module
 */
import nacl from "tweetnacl";
import bs58 from "bs58";
import { createHash } from "node:crypto";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { FrameError, Reader, Writer } from "./frames.js";
import type { NodeKey } from "./identity.js";

/** Kademlia protocol id: Lumora nodes form their own DHT, apart from the public IPFS one. */
export const DHT_PROTOCOL = "/lumora/kad/1.0.0";
/** Key namespace of task specs. */
export const SPEC_NAMESPACE = "lumora-spec";
/** Key namespace of node records. */
export const NODE_NAMESPACE = "lumora-node";
/** Largest task spec stored in the DHT. */
export const MAX_SPEC_BYTES = 64 * 1024;
/** Largest encoded node record. */
export const MAX_NODE_RECORD_BYTES = 2048;
/** Most multiaddrs in a node record. */
export const MAX_NODE_ADDRS = 16;
/** Accepted clock skew for a node record's issued-at in the future. */
export const NODE_RECORD_MAX_FUTURE_MS = 5 * 60_000;
/** Domain tag of the node-record signature. */
const NODE_RECORD_MAGIC = new TextEncoder().encode("LNR1");
const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** SHA-256 of a spec: its id. */
export function specHash(spec: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(spec).digest());
}

/** DHT key of a spec hash. */
export function specKey(hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error("spec hash must be 32 bytes");
  return enc.encode(`/${SPEC_NAMESPACE}/${hex(hash)}`);
}

/** DHT key of a node key. */
export function nodeRecordKey(nodeKey: Uint8Array): Uint8Array {
  if (nodeKey.length !== 32) throw new Error("node key must be 32 bytes");
  return enc.encode(`/${NODE_NAMESPACE}/${bs58.encode(nodeKey)}`);
}

function keyTail(key: Uint8Array, namespace: string): string {
  const s = new TextDecoder().decode(key);
  const prefix = `/${namespace}/`;
  if (!s.startsWith(prefix)) throw new FrameError("malformed", "wrong key namespace");
  return s.slice(prefix.length);
}

/** DHT validator for specs: size bound and hash(value) = key. Throws on mismatch. */
export function validateSpecRecord(key: Uint8Array, value: Uint8Array): void {
  const tail = keyTail(key, SPEC_NAMESPACE);
  if (!/^[0-9a-f]{64}$/.test(tail)) throw new FrameError("malformed", "spec key is not a hex sha256");
  if (value.length === 0 || value.length > MAX_SPEC_BYTES) throw new FrameError("oversized", "spec size out of bounds");
  if (hex(specHash(value)) !== tail) throw new FrameError("mismatch", "spec content does not hash to its key");
}

/** A node's self-description in the DHT, signed by its node key. */
export interface NodeRecord {
  /** The node key (the signer). */
  nodeKey: Uint8Array;
  /** Role bit flags the node claims (cross-check with the registry before trusting them). */
  roles: number;
  /** Epoch shard. */
  shard: number;
  /** When the record was issued (epoch ms); newer records replace older ones. */
  issuedAt: number;
  /** Dialable multiaddrs. */
  multiaddrs: Multiaddr[];
}

function nodeRecordBody(r: Omit<NodeRecord, "nodeKey"> & { nodeKey: Uint8Array }): Uint8Array {
  if (r.multiaddrs.length > MAX_NODE_ADDRS) throw new Error(`at most ${MAX_NODE_ADDRS} multiaddrs`);
  const w = new Writer().bytes(NODE_RECORD_MAGIC).bytes(r.nodeKey).u8(r.roles).u16(r.shard).u64(BigInt(r.issuedAt)).u8(r.multiaddrs.length);
  for (const a of r.multiaddrs) {
    const b = a.bytes;
    w.u16(b.length).bytes(b);
  }
  return w.finish();
}

/** Encodes and signs a node record with the node key. */
export function encodeNodeRecord(args: { key: NodeKey; roles: number; shard: number; multiaddrs: Multiaddr[]; issuedAt?: number }): Uint8Array {
  const body = nodeRecordBody({ nodeKey: args.key.publicKey, roles: args.roles, shard: args.shard, issuedAt: args.issuedAt ?? Date.now(), multiaddrs: args.multiaddrs });
  const sig = nacl.sign.detached(body, args.key.secretKey);
  const out = new Writer().bytes(body).bytes(sig).finish();
  if (out.length > MAX_NODE_RECORD_BYTES) throw new Error("node record too large");
  return out;
}

/** Decodes and verifies a node record (layout, signature). Throws {@link FrameError} when invalid. */
export function decodeNodeRecord(value: Uint8Array): NodeRecord {
  if (value.length > MAX_NODE_RECORD_BYTES || value.length < 64) throw new FrameError("oversized", "node record size out of bounds");
  const body = value.subarray(0, value.length - 64);
  const sig = value.subarray(value.length - 64);
  const r = new Reader(body);
  const magic = r.bytes(4);
  if (Buffer.compare(Buffer.from(magic), Buffer.from(NODE_RECORD_MAGIC)) !== 0) throw new FrameError("malformed", "bad node record magic");
  const nodeKey = r.bytes(32).slice();
  const roles = r.u8();
  const shard = r.u16();
  const issuedAt = Number(r.u64());
  const n = r.u8();
  if (n > MAX_NODE_ADDRS) throw new FrameError("malformed", "too many multiaddrs");
  const multiaddrs: Multiaddr[] = [];
  for (let i = 0; i < n; i++) {
    const len = r.u16();
    try {
      multiaddrs.push(multiaddr(r.bytes(len)));
    } catch {
      throw new FrameError("malformed", "bad multiaddr");
    }
  }
  r.end();
  if (!nacl.sign.detached.verify(body, sig, nodeKey)) throw new FrameError("signature", "node record signature invalid");
  return { nodeKey, roles, shard, issuedAt, multiaddrs };
}

/** DHT validator for node records: valid signature by the key named in the DHT key, sane issued-at. */
export function validateNodeRecord(key: Uint8Array, value: Uint8Array): void {
  const tail = keyTail(key, NODE_NAMESPACE);
  const rec = decodeNodeRecord(value);
  if (bs58.encode(rec.nodeKey) !== tail) throw new FrameError("mismatch", "node record signed by another key");
  if (rec.issuedAt > Date.now() + NODE_RECORD_MAX_FUTURE_MS) throw new FrameError("malformed", "node record issued in the future");
}

/** DHT selector for node records: the newest valid one. */
export function selectNodeRecord(_key: Uint8Array, values: Uint8Array[]): number {
  let best = 0;
  let bestAt = -1;
  values.forEach((v, i) => {
    try {
      const at = decodeNodeRecord(v).issuedAt;
      if (at > bestAt) ((bestAt = at), (best = i));
    } catch {
      /* invalid candidates never win */
    }
  });
  return best;
}
