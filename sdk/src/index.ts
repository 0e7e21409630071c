/**
 * `@lumora/sdk` — the typed TypeScript SDK of the Lumora protocol.
 *
 * Layers (each a namespace): `idl` (generated program types) → `pda` → `instructions` (builders) →
 * `transactions` (unsigned) → `client` (sends, maps program errors to typed errors). Pure logic shared
 * with the programs (config bounds, score, rewards, receipts, seeds) lives in one module per concern,
 * pinned by the shared vector files in `tests/vectors/`.
 * @packageDocumentation
 */
export * as data from "./data/index.js";
export * as receipts from "./receipts.js";
