/**
 * The executor's work on one task spec: validate the spec bytes against the task's hash, scrape with
 * the rules of scrape/ (robots, SSRF, per-host rate limits, size caps, content types), and return the
 * normalised records in the spec's format. Bytes fetched go through the operator's bandwidth bucket.
 */
import { decodeTaskSpec } from "@lumora/sdk";
import { type BandwidthLimiter, type Connector, Scraper } from "./scrape/index.js";

export interface ExecuteOptions {
  /** TEST ONLY: allow loopback targets (the fixture site). */
  allowLoopback: boolean;
  /** The shared token bucket of the operator's limit. */
  bandwidth?: BandwidthLimiter;
  /** Connections through relay providers (duties/relay.ts); default direct. */
  connector?: Connector;
}

export interface ExecuteResult {
  /** The records, formatted as the spec asks (JSONL or CSV), UTF-8. */
  output: Uint8Array;
  records: number;
  bytesFetched: number;
  /** Pages that failed, with the refusal code (they contribute no records). */
  failures: { url: string; code: string }[];
}

export type Executor = (spec: Uint8Array, specHash: Uint8Array, opts: ExecuteOptions) => Promise<ExecuteResult>;

/** The reference executor: a fresh {@link Scraper} per task, closed afterwards. */
export const defaultExecutor: Executor = async (specBytes, specHash, opts) => {
  const spec = decodeTaskSpec(specBytes, specHash);
  const scraper = new Scraper({ allowLoopback: opts.allowLoopback, bandwidth: opts.bandwidth, perHostMinIntervalMs: 200, connector: opts.connector });
  try {
    const res = await scraper.scrape(spec);
    const failures = res.pages.flatMap((p) => (p.ok ? [] : [{ url: p.url, code: p.error.code }]));
    const bytesFetched = res.pages.reduce((s, p) => s + (p.ok ? p.bytes : 0), 0);
    return { output: new TextEncoder().encode(res.output), records: res.records.length, bytesFetched, failures };
  } finally {
    await scraper.close();
  }
};
