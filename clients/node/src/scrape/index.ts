/**
 * The executor's scraping (issue 10): {@link Scraper} fetches within the rules (robots.txt, per-host
 * rate limits, size caps, content-type allow-list, SSRF refusal with pinned addresses, re-checked
 * redirects), {@link extractRecords} turns pages into normalised records, {@link formatRecords} writes
 * them as JSONL or CSV. The rules are in docs/scraping.md.
 * @module
 */
export * from "./address.js";
export * from "./errors.js";
export * from "./extract.js";
export * from "./robots.js";
export * from "./scraper.js";
