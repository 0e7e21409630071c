/**
 * `@lumora/consumer` — the data consumer's library (`Consumer`) and the `lumora-consumer` CLI (issue 11).
 * Built only on `@lumora/sdk` and `@lumora/network`. See docs/consumer.md.
 * @packageDocumentation
 */
export * from "./consumer.js";
export { main, readSpecFile, TASK_DEFAULTS, UsageError } from "./cli.js";
