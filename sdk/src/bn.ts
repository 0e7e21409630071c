/**
 * `BN` (bn.js) from `@coral-xyz/anchor`, resolved so that it works in every loader: anchor is
 * CommonJS, and Node's ESM loader cannot see its `BN` re-export as a named export (it is reachable
 * through the namespace's `default`); CommonJS and bundlers see it directly.
 * @internal
 */
import * as anchor from "@coral-xyz/anchor";

type BNCtor = typeof anchor.BN;
const ns = anchor as unknown as { BN?: BNCtor; default?: { BN: BNCtor } };

export const BN: BNCtor = ns.BN ?? ns.default!.BN;
export type BN = anchor.BN;
