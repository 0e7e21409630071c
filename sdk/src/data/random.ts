/** The random source of the data module, and the check applied to injected ones. @internal @module */
import { randomBytes } from "node:crypto";
import type { RandomSource } from "./random-source.js";

export { type RandomSource, draw } from "./random-source.js";

/** The operating system's CSPRNG. */
export const secureRandom: RandomSource = (length) => randomBytes(length);
