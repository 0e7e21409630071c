/**
 * The task form's model: its fields as typed, and the check that turns them into a task spec and the
 * task's arguments or into one message per field (the SDK's spec parser names the part of the spec at
 * fault; this maps it to the field that holds it).
 */
import { TASK_BOUNDS, TaskSpecError, parseTaskSpec } from "@lumora/sdk";
import { parseLmr } from "./lmr.js";

export interface Form {
  urls: string;
  item: string;
  fields: string;
  format: string;
  contentType: string;
  lat: string;
  lon: string;
  redundancy: string;
  budget: string;
  bidWindow: string;
}

export type Errors = Partial<Record<keyof Form, string>>;

export const initialTaskForm = (): Form => ({
  urls: "",
  item: "",
  fields: "",
  format: "jsonl",
  contentType: "text/html",
  lat: "48.8566",
  lon: "2.3522",
  redundancy: "1",
  budget: "2",
  bidWindow: "8",
});

/** `name=selector` or `name=selector@attr`, one per line → the spec's fields. */
function parseFields(text: string): Record<string, { selector: string; attr?: string }> {
  const out: Record<string, { selector: string; attr?: string }> = {};
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new TaskSpecError(`fields[${i}]`, `line ${i + 1}: write name=selector or name=selector@attribute`);
    const name = line.slice(0, eq).trim();
    const rest = line.slice(eq + 1).trim();
    const at = rest.lastIndexOf("@");
    out[name] = at > 0 ? { selector: rest.slice(0, at).trim(), attr: rest.slice(at + 1).trim() } : { selector: rest };
  }
  return out;
}

/** Checks the whole form; returns the task's arguments or the errors by field. */
export function validateTaskForm(f: Form): { errors: Errors } | { errors: null; spec: ReturnType<typeof parseTaskSpec>; latE6: number; lonE6: number; redundancy: number; payment: bigint; bidWindowSecs: number } {
  const errors: Errors = {};
  let spec: ReturnType<typeof parseTaskSpec> | null = null;
  try {
    const raw: Record<string, unknown> = {
      version: 1,
      urls: f.urls.split("\n").map((u) => u.trim()).filter(Boolean),
      contentType: f.contentType,
      format: f.format,
      fields: parseFields(f.fields),
    };
    if (f.item.trim()) raw.item = f.item.trim();
    spec = parseTaskSpec(raw);
  } catch (e) {
    if (!(e instanceof TaskSpecError)) throw e;
    const key: keyof Form = e.path.startsWith("urls") ? "urls" : e.path.startsWith("fields") ? "fields" : e.path === "item" ? "item" : e.path === "format" ? "format" : e.path === "contentType" ? "contentType" : "urls";
    errors[key] = e.message.replace(/^task spec /, "");
  }
  const lat = Number(f.lat);
  const lon = Number(f.lon);
  if (f.lat.trim() === "" || !Number.isFinite(lat) || lat < -90 || lat > 90) errors.lat = "a latitude in degrees, −90 to 90";
  if (f.lon.trim() === "" || !Number.isFinite(lon) || lon < -180 || lon > 180) errors.lon = "a longitude in degrees, −180 to 180";
  const r = Number(f.redundancy);
  if (!Number.isInteger(r) || r < 1 || r > TASK_BOUNDS.maxRedundancy) errors.redundancy = `an integer from 1 to ${TASK_BOUNDS.maxRedundancy}`;
  let payment = 0n;
  try {
    payment = parseLmr(f.budget);
    if (payment <= 0n) errors.budget = "must be more than 0 LMR";
  } catch (e) {
    errors.budget = (e as Error).message;
  }
  const w = Number(f.bidWindow);
  if (!Number.isInteger(w) || w < 2 || w > 3600) errors.bidWindow = "whole seconds, 2 to 3600";
  if (Object.keys(errors).length > 0 || !spec) return { errors };
  return { errors: null, spec, latE6: Math.round(lat * 1e6), lonE6: Math.round(lon * 1e6), redundancy: r, payment, bidWindowSecs: w };
}

