/**
 * Injected into the browser build (tsup.config.ts `inject`): every use of the global `Buffer` becomes
 * this import of the `buffer` package (the one web3.js itself uses), so the SDK needs no Node global.
 * @internal
 * @module
 */
export { Buffer } from "buffer/index.js"; // a file path: the npm package, never Node's built-in
