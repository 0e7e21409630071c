/**
 * `@lumora/sdk` in a browser (the `browser` condition of the exports map): the Node entry (`index.ts`) with
 * the data layer on WebCrypto (`data/index.browser.ts`). No Node built-in reaches this build
 * (`sdk/scripts/check-browser.mjs` fails the build if one does). The build aliases every import of
 * `data/index.js` to `data/index.browser.js` (tsup.config.ts), so the clients see the browser data layer
 * too; this file gives the build its types and a test keeps its exports equal to `index.ts`'s.
 *
 * Layers (each a namespace): `idl` (generated program types) → `pda` → `instructions` (builders) →
 * `transactions` (unsigned) → the client (sends, maps program errors to typed errors). Pure logic
 * shared with the programs (config bounds, score, rewards, totals, seeds) lives in one module per
 * concern, pinned by the shared vector files in `tests/vectors/`.
 * @packageDocumentation
 */
export * as idl from "./idl/index.js";
export * as pda from "./pda.js";
export * as instructions from "./instructions/index.js";
export * as transactions from "./transactions/index.js";
export * as constants from "./constants.js";
export * as data from "./data/index.browser.js";
export * as totals from "./totals.js";
export * from "./programs.js";
export * from "./config.js";
export * from "./registry.js";
export * from "./registry-math.js";
export * from "./task-math.js";
export * from "./tasks.js";
export * from "./events.js";
export * from "./client/index.js";
export * as rewards from "./rewards.js";
export * from "./rewards-math.js";
export * from "./market.js";
export * from "./market-math.js";
export * from "./spec.js";
export * from "./vocabulary.js";
export * from "./readers.js";
export * from "./wallet.js";
