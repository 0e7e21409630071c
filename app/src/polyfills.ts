/**
 * Imported first by main.tsx. Parts of the Solana libraries (web3.js and anchor's dependencies) read the
 * global `Buffer` that Node provides; browsers have none, so the npm `buffer` package stands in (the one
 * web3.js imports itself). The SDK's browser build needs nothing: it imports `buffer` explicitly.
 */
import { Buffer } from "buffer/index.js";

const g = globalThis as unknown as { Buffer?: typeof Buffer };
g.Buffer ??= Buffer;
