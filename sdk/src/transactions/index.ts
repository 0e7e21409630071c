/**
 * Unsigned transaction builders, one module per program.
 * @module
 */
export * from "./build.js";
export * from "./registry.js";
export * from "./tasks.js";
export * from "./market.js";
export * from "./rewards.js";
