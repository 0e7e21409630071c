/**
 * Extraction and record normalisation (docs/scraping.md). Pure functions of (page, spec): two honest
 * executors that fetched the same bytes produce byte-identical JSONL or CSV.
 *
 * - text/html: each element matching `spec.item` (the whole document when absent) is one record, in
 *   document order. A field takes the first match of its selector inside the item: its text with runs
 *   of whitespace collapsed to one space and trimmed, or the raw value of `attr`; URL attributes
 *   (href, src, action, poster, cite) are resolved to absolute URLs against the page's final URL (or its
 *   `<base href>`). No match or no such attribute gives null.
 * - application/json: a top-level array gives one record per element, anything else one record;
 *   `data` holds the value with object keys sorted.
 * - text/plain: one record `{ url, text }`, the text exactly as decoded.
 *
 * Every record starts with `url`, the URL the spec asked for (not the final URL after redirects), then
 * the columns of {@link recordColumns} in order.
 * @module
 */
import * as cheerio from "cheerio";
import { type TaskSpec, data as sdkData } from "@lumora/sdk";
import { ScrapeError } from "./errors.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One normalised record: the spec URL, then one value per column. */
export type ScrapeRecord = { url: string } & { [column: string]: JsonValue };

/** A fetched page as extraction needs it. */
export interface PageContent {
  /** The URL of the spec this page answers. */
  url: string;
  /** The URL actually read after redirects (relative links resolve against it). */
  finalUrl: string;
  /** Decoded body text. */
  text: string;
}

const URL_ATTRS = new Set(["href", "src", "action", "poster", "cite"]);

/** The record columns of a spec after `url`: the field names in spec order for HTML, `data` for JSON, `text` for plain text. */
export function recordColumns(spec: Pick<TaskSpec, "contentType" | "fields">): string[] {
  if (spec.contentType === "application/json") return ["data"];
  if (spec.contentType === "text/plain") return ["text"];
  return Object.keys(spec.fields);
}

/** Collapses every run of whitespace (JavaScript `\s`, which includes NBSP and the Unicode spaces) and trims. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Returns `v` with every object's keys in sorted order (code-unit order), recursively. */
export function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    const out: { [k: string]: JsonValue } = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
    return out;
  }
  return v;
}

/** Extracts the records of one page under `spec`; throws `ScrapeError` (`ParseFailed`, `SpecRefused`). */
export function extractRecords(page: PageContent, spec: Pick<TaskSpec, "contentType" | "item" | "fields">): ScrapeRecord[] {
  if (spec.contentType === "text/plain") return [{ url: page.url, text: page.text }];
  if (spec.contentType === "application/json") {
    let value: JsonValue;
    try {
      value = JSON.parse(page.text) as JsonValue;
    } catch (e) {
      throw new ScrapeError("ParseFailed", page.finalUrl, `invalid JSON: ${(e as Error).message}`, undefined, { cause: e });
    }
    const values = Array.isArray(value) ? value : [value];
    return values.map((v) => ({ url: page.url, data: sortKeys(v) }));
  }
  const names = Object.keys(spec.fields);
  if (names.includes("url")) throw new ScrapeError("SpecRefused", page.url, "a field may not be named `url`: every record reserves it for the page URL");
  const $ = cheerio.load(page.text);
  let base = page.finalUrl;
  const baseHref = $("base[href]").first().attr("href");
  if (baseHref !== undefined) {
    try {
      base = new URL(baseHref, page.finalUrl).href;
    } catch {
      // an unusable <base href> is ignored, as browsers do
    }
  }
  const items = spec.item === undefined ? [$.root()] : $(spec.item).toArray().map((el) => $(el));
  return items.map((item) => {
    const record: ScrapeRecord = { url: page.url };
    for (const name of names) {
      const field = spec.fields[name]!;
      const el = item.find(field.selector).first();
      let value: string | null = null;
      if (el.length > 0) {
        if (field.attr === undefined) value = collapseWhitespace(el.text());
        else {
          const raw = el.attr(field.attr);
          if (raw !== undefined) {
            value = raw;
            if (URL_ATTRS.has(field.attr.toLowerCase())) {
              try {
                value = new URL(raw.trim(), base).href;
              } catch {
                value = raw; // not a URL: kept as written
              }
            }
          }
        }
      }
      record[name] = value;
    }
    return record;
  });
}

/** One JSON object per line (`\n`-terminated): `url` first, then the columns in order; nested objects with sorted keys (the SDK's codec). */
export function recordsToJsonl(spec: Pick<TaskSpec, "contentType" | "fields">, records: ScrapeRecord[]): string {
  return sdkData.encodeJsonl(records, { columns: ["url", ...recordColumns(spec)] });
}

/** RFC 4180 CSV with the header row `url,<columns>` (the SDK's codec: CRLF rows, null empty, JSON values as JSON text). */
export function recordsToCsv(spec: Pick<TaskSpec, "contentType" | "fields">, records: ScrapeRecord[]): string {
  return sdkData.encodeCsv(records, { columns: ["url", ...recordColumns(spec)] });
}

/** The records in the spec's output format (`jsonl` or `csv`). */
export function formatRecords(spec: Pick<TaskSpec, "contentType" | "fields" | "format">, records: ScrapeRecord[]): string {
  return spec.format === "csv" ? recordsToCsv(spec, records) : recordsToJsonl(spec, records);
}
