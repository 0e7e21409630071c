/**
 * Instruction builders, one module per program, named after the program's instructions.
 * @module
 */
export * from "./registry.js";
export * from "./tasks.js";
export * from "./rewards.js";
export * from "./market.js";
