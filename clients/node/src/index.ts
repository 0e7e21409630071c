/**
 * `@lumora/node` — the reference node daemon `lumora-node` (issue 10). Built only on `@lumora/sdk` and
 * `@lumora/network`. Modules: `scrape/` (executor fetching and extraction), `store/` (SQLite state),
 * the daemon's duties, the dashboard. See docs/node.md.
 * @packageDocumentation
 */
export {};
