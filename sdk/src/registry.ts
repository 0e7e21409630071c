/**
 * Registry types and account layout: the node profile and account as the IDL defines them, and the
 * byte offsets of the zero-copy `Node` account that `getProgramAccounts` filters use.
 * @module
 */
import type { IdlTypes } from "@coral-xyz/anchor";
import { type LumoraRegistry, lumoraRegistryIdl } from "./idl/index.js";

/** What an operator declares about a node (`register_node`, `update_node`). */
export type NodeProfile = IdlTypes<LumoraRegistry>["nodeProfile"];
/** A node account as decoded by the client (`u64` fields are `BN`). */
export type NodeAccount = IdlTypes<LumoraRegistry>["node"];

const PRIMITIVE_SIZE: Record<string, number> = { pubkey: 32, u64: 8, i64: 8, u32: 4, i32: 4, u16: 2, i16: 2, u8: 1, i8: 1, bool: 1 };

/** Byte offsets of every field of a zero-copy (`repr(C)`, padding-free) account type of the IDL. */
function zeroCopyLayout(typeName: string): { size: number; offsets: Record<string, number> } {
  // the runtime IDL is the raw JSON (Rust names); its TypeScript type is the camelCase form
  const types = lumoraRegistryIdl.types as unknown as readonly { name: string; type: { kind: string; fields?: readonly { name: string; type: unknown }[] } }[];
  const t = types.find((x) => x.name === typeName);
  if (!t || t.type.kind !== "struct" || !t.type.fields) throw new Error(`IDL has no struct ${typeName}`);
  let offset = 8; // discriminator
  const offsets: Record<string, number> = {};
  for (const f of t.type.fields) {
    offsets[f.name] = offset;
    const ty = f.type as string | { array: [string, number] };
    const size = typeof ty === "string" ? PRIMITIVE_SIZE[ty] : PRIMITIVE_SIZE[ty.array[0]]! * ty.array[1];
    if (size === undefined) throw new Error(`unsupported zero-copy field type in ${typeName}.${f.name}`);
    offset += size;
  }
  return { size: offset, offsets };
}

const node = zeroCopyLayout("Node");

/**
 * Layout of the zero-copy `Node` account (8-byte discriminator, then `repr(C)` fields without padding —
 * `programs/lumora_registry/src/state/node.rs`), computed from the IDL: the offsets that
 * `getProgramAccounts` `memcmp` filters use.
 */
export const NODE_LAYOUT = Object.freeze({
  /** Total account size in bytes. */
  size: node.size,
  /** Offset of `operator` (32 bytes). */
  operator: node.offsets.operator!,
  /** Offset of `node_key` (32 bytes). */
  nodeKey: node.offsets.node_key!,
  /** Offset of `shard` (u16 LE). */
  shard: node.offsets.shard!,
  /** Offset of `roles` (u8). */
  roles: node.offsets.roles!,
  /** Offset of `status` (u8). */
  status: node.offsets.status!,
  /** Offset of `jailed` (u8). */
  jailed: node.offsets.jailed!,
});
