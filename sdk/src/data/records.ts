/**
 * The records codec every party shares: the executors write a task's output with it, consumers convert
 * and parse it, the dApp downloads it. Two formats (a task spec's `format`):
 *
 *   jsonl  one JSON object per line, `\n`-terminated; nested objects with sorted keys
 *   csv    RFC 4180: a header row, then one row per record, CRLF line ends (the last row too); cells
 *          with `"`, `,`, CR or LF quoted with `"` doubled; null is an empty cell; non-string JSON
 *          values are written as their JSON text (sorted keys)
 *
 * Column order is the caller's (`columns`), else the union of the records' keys in first-seen order.
 * @module
 */

/** A task's output format. */
export type RecordFormat = "jsonl" | "csv";

/** The media type of each output format. */
export const RECORD_MEDIA_TYPES: Readonly<Record<RecordFormat, string>> = Object.freeze({ jsonl: "application/x-ndjson", csv: "text/csv" });

/**
 * The media type executors put in every result manifest (`format`), whatever the spec's output format:
 * readers tell the format from the bytes ({@link detectRecordFormat}).
 */
export const RESULT_MEDIA_TYPE = RECORD_MEDIA_TYPES.jsonl;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** JSON text with object keys sorted at every depth (one encoding per value). */
export function stableJson(v: unknown): string {
  return JSON.stringify(sortKeys(v === undefined ? null : v));
}

/** One CSV cell (RFC 4180 quoting; null/undefined empty; non-strings as stable JSON). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : stableJson(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function columnsOf(records: readonly Record<string, unknown>[]): string[] {
  const cols: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** Records as JSONL: one object per line in `columns` order (missing values null). */
export function encodeJsonl(records: readonly Record<string, unknown>[], opts: { columns?: readonly string[] } = {}): string {
  return records
    .map((r) => {
      const cols = opts.columns ?? Object.keys(r);
      return `{${cols.map((c) => `${JSON.stringify(c)}:${stableJson(r[c] ?? null)}`).join(",")}}\n`;
    })
    .join("");
}

/** Records as RFC 4180 CSV with a header row (columns: `columns`, else the union of keys in first-seen order). */
export function encodeCsv(records: readonly Record<string, unknown>[], opts: { columns?: readonly string[] } = {}): string {
  const cols = opts.columns ?? columnsOf(records);
  const rows = [cols.map(csvCell).join(","), ...records.map((r) => cols.map((c) => csvCell(r[c] ?? null)).join(","))];
  return rows.map((row) => `${row}\r\n`).join("");
}

/** Records in `format`. */
export function encodeRecords(records: readonly Record<string, unknown>[], format: RecordFormat, opts: { columns?: readonly string[] } = {}): string {
  return format === "csv" ? encodeCsv(records, opts) : encodeJsonl(records, opts);
}

/**
 * Records of a JSONL or CSV text. JSONL: one object per non-empty line. CSV: RFC 4180 (quoted cells may
 * hold commas, quotes and line breaks; rows end with CRLF or LF); the header row names the cells; an
 * empty cell is null (what {@link encodeCsv} writes for null), every other cell a string.
 */
export function parseRecords(text: string, format: RecordFormat): Record<string, Json>[] {
  if (format === "jsonl") return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, Json>);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      row.push(cell), rows.push(row), (row = []), (cell = "");
      if (c === "\r") i++;
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) row.push(cell), rows.push(row);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] === "" || r[i] === undefined ? null : r[i]!])));
}

/** Converts records between the two formats (the same text when `from` is `to`). */
export function convertRecords(text: string, from: RecordFormat, to: RecordFormat): string {
  if (from === to) return text;
  const recs = parseRecords(text, from);
  return to === "jsonl" ? encodeJsonl(recs) : encodeCsv(recs, { columns: recs.length === 0 ? ["url"] : undefined });
}

/**
 * The format of a results text or its bytes: a JSONL record is an object (`{`), a CSV file starts with
 * its header row. (Result manifests carry {@link RESULT_MEDIA_TYPE} whatever the format: the bytes decide.)
 */
export function detectRecordFormat(data: string | Uint8Array): RecordFormat {
  if (typeof data !== "string") return data.length === 0 || data[0] === 0x7b ? "jsonl" : "csv";
  const first = data.trimStart();
  return first === "" || first.startsWith("{") ? "jsonl" : "csv";
}
