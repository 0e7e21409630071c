/** JSONL ↔ CSV of decrypted results (the SDK's records codec), and a download in the browser (no server involved). */
import { data } from "@lumora/sdk";

/** Records of a JSONL or CSV text (CSV: RFC 4180 quoting, header row; empty cells null). */
export const parseRecords = data.parseRecords;

/** Records as JSONL or CSV (CSV columns: the union of keys, in first-seen order). */
export function formatRecords(records: Record<string, unknown>[], format: "jsonl" | "csv"): string {
  return data.encodeRecords(records, format);
}

/** JSONL when the text starts with a JSON object, CSV otherwise. */
export const detectFormat = (text: string): "jsonl" | "csv" => data.detectRecordFormat(text);

/** The media type of a format (the download's type). */
export const mediaTypeOf = (format: "jsonl" | "csv"): string => data.RECORD_MEDIA_TYPES[format];

/** Offers `text` as a file download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
