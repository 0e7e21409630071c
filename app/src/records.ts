/** JSONL ↔ CSV of decrypted results, and a download in the browser (no server involved). */

/** Records of a JSONL or CSV text (CSV: RFC 4180 quoting, header row). */
export function parseRecords(text: string, format: "jsonl" | "csv"): Record<string, unknown>[] {
  if (format === "jsonl") return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
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
    else if (c === "\n") row.push(cell), rows.push(row), (row = []), (cell = "");
    else if (c !== "\r") cell += c;
  }
  if (cell !== "" || row.length > 0) row.push(cell), rows.push(row);
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Records as JSONL or CSV (CSV columns: the union of keys, in first-seen order). */
export function formatRecords(records: Record<string, unknown>[], format: "jsonl" | "csv"): string {
  if (format === "jsonl") return records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : "");
  const cols: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return [cols.map(csvCell).join(","), ...records.map((r) => cols.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
}

/** JSONL when every non-empty line is a JSON object, CSV otherwise. */
export function detectFormat(text: string): "jsonl" | "csv" {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length > 0 && lines.every((l) => l.trimStart().startsWith("{")) ? "jsonl" : "csv";
}

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
