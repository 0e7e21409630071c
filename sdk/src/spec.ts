/**
 * Task specs (PROTOCOL.md §4): what an executor fetches and extracts. The spec travels off chain (DHT,
 * keyed by its hash); the task account holds only `specHash` = SHA-256 of the spec's canonical JSON
 * bytes. Consumers build specs with {@link parseTaskSpec} (clear errors on bad input), executors
 * re-validate what they fetched and check its hash with {@link taskSpecHash} before working on it.
 *
 * Canonical JSON is `canonicalJson` of tasks.ts (sorted keys, no whitespace, safe integers only): the
 * same spec always hashes to the same 32 bytes.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { type CanonicalJson, canonicalJson, specHash } from "./tasks.js";

export const TASK_SPEC_VERSION = 1;
export const MAX_SPEC_URLS = 64;
export const MAX_URL_LENGTH = 2048;
export const MAX_SPEC_FIELDS = 32;
export const MAX_SELECTOR_LENGTH = 256;
export const MAX_SPEC_BYTES = 16 * 1024;
export const SPEC_CONTENT_TYPES = ["text/html", "application/json", "text/plain"] as const;
export const SPEC_FORMATS = ["jsonl", "csv"] as const;

export type SpecContentType = (typeof SPEC_CONTENT_TYPES)[number];
export type SpecFormat = (typeof SPEC_FORMATS)[number];

/** One extracted field: a CSS selector, and the attribute to read (the element's text when absent). */
export interface SpecField {
  selector: string;
  attr?: string;
}

export interface TaskSpec {
  version: 1;
  /** Pages to fetch, http(s) only. */
  urls: string[];
  /** Expected content type of every page; others are refused by the executor. */
  contentType: SpecContentType;
  /** Output format of the records. */
  format: SpecFormat;
  /** For HTML: each element matching `item` is one record (the whole page when absent). */
  item?: string;
  /**
   * Record fields: name → selector (relative to the item), in sorted name order after {@link parseTaskSpec}
   * (the canonical order: CSV columns and JSONL keys follow it). For JSON/text pages: one record per page.
   */
  fields: Record<string, SpecField>;
}

/** A spec that fails validation; `path` names the offending field (e.g. `urls[2]`). */
export class TaskSpecError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`task spec ${path}: ${message}`);
    this.name = "TaskSpecError";
  }
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const ATTR_NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]{0,63}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function selector(v: unknown, path: string): string {
  if (typeof v !== "string" || v.trim() === "") throw new TaskSpecError(path, "must be a non-empty CSS selector");
  if (v.length > MAX_SELECTOR_LENGTH) throw new TaskSpecError(path, `longer than ${MAX_SELECTOR_LENGTH} characters`);
  return v;
}

/**
 * Validates an untrusted value (parsed JSON) as a {@link TaskSpec}; unknown keys are refused so that
 * two specs that hash differently never mean the same work.
 */
export function parseTaskSpec(value: unknown): TaskSpec {
  if (!isObject(value)) throw new TaskSpecError("$", "must be a JSON object");
  const known = new Set(["version", "urls", "contentType", "format", "item", "fields"]);
  for (const k of Object.keys(value)) if (!known.has(k)) throw new TaskSpecError(k, "unknown key");
  if (value.version !== TASK_SPEC_VERSION) throw new TaskSpecError("version", `must be ${TASK_SPEC_VERSION}`);
  const urls = value.urls;
  if (!Array.isArray(urls) || urls.length === 0) throw new TaskSpecError("urls", "must be a non-empty array");
  if (urls.length > MAX_SPEC_URLS) throw new TaskSpecError("urls", `at most ${MAX_SPEC_URLS} URLs`);
  const seen = new Set<string>();
  urls.forEach((u, i) => {
    const path = `urls[${i}]`;
    if (typeof u !== "string" || u.length > MAX_URL_LENGTH) throw new TaskSpecError(path, `must be a URL of at most ${MAX_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new TaskSpecError(path, `not a URL: ${JSON.stringify(u)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TaskSpecError(path, "only http and https URLs");
    if (url.username || url.password) throw new TaskSpecError(path, "credentials in URLs are refused");
    if (seen.has(url.href)) throw new TaskSpecError(path, "duplicate URL");
    seen.add(url.href);
  });
  if (!SPEC_CONTENT_TYPES.includes(value.contentType as SpecContentType))
    throw new TaskSpecError("contentType", `must be one of ${SPEC_CONTENT_TYPES.join(", ")}`);
  if (!SPEC_FORMATS.includes(value.format as SpecFormat)) throw new TaskSpecError("format", `must be one of ${SPEC_FORMATS.join(", ")}`);
  const item = value.item === undefined ? undefined : selector(value.item, "item");
  if (!isObject(value.fields)) throw new TaskSpecError("fields", "must be an object of name → { selector, attr? }");
  // fields in canonical (sorted) order: the order of CSV columns and JSONL keys, the same for every party
  const names = Object.keys(value.fields).sort();
  if (names.length === 0 && value.contentType === "text/html") throw new TaskSpecError("fields", "an HTML spec needs at least one field");
  if (names.length > MAX_SPEC_FIELDS) throw new TaskSpecError("fields", `at most ${MAX_SPEC_FIELDS} fields`);
  const fields: Record<string, SpecField> = {};
  for (const name of names) {
    const path = `fields.${name}`;
    if (!FIELD_NAME.test(name)) throw new TaskSpecError(path, "field names are identifiers of at most 32 characters");
    const f = value.fields[name];
    if (!isObject(f)) throw new TaskSpecError(path, "must be { selector, attr? }");
    for (const k of Object.keys(f)) if (k !== "selector" && k !== "attr") throw new TaskSpecError(`${path}.${k}`, "unknown key");
    const field: SpecField = { selector: selector(f.selector, `${path}.selector`) };
    if (f.attr !== undefined) {
      if (typeof f.attr !== "string" || !ATTR_NAME.test(f.attr)) throw new TaskSpecError(`${path}.attr`, "must be an attribute name");
      field.attr = f.attr;
    }
    fields[name] = field;
  }
  const spec: TaskSpec = { version: 1, urls: urls.map((u) => new URL(u as string).href), contentType: value.contentType as SpecContentType, format: value.format as SpecFormat, fields };
  if (item !== undefined) spec.item = item;
  const bytes = taskSpecBytes(spec).length;
  if (bytes > MAX_SPEC_BYTES) throw new TaskSpecError("$", `canonical form is ${bytes} bytes, more than ${MAX_SPEC_BYTES}`);
  return spec;
}

/** The bytes that travel over the DHT and are hashed: UTF-8 of the canonical JSON. */
export function taskSpecBytes(spec: TaskSpec): Uint8Array {
  return new TextEncoder().encode(canonicalJson(spec as unknown as CanonicalJson));
}

/** `specHash` of a task: SHA-256 of {@link taskSpecBytes}. */
export function taskSpecHash(spec: TaskSpec): Uint8Array {
  return specHash(spec as unknown as CanonicalJson);
}

/** Parses and validates spec bytes fetched from the network, checking them against the expected hash. */
export function decodeTaskSpec(bytes: Uint8Array, expectedHash?: Uint8Array): TaskSpec {
  if (bytes.length > MAX_SPEC_BYTES) throw new TaskSpecError("$", `${bytes.length} bytes, more than ${MAX_SPEC_BYTES}`);
  if (expectedHash) {
    const got = sha256(bytes);
    if (got.length !== expectedHash.length || got.some((b, i) => b !== expectedHash[i])) throw new TaskSpecError("$", "bytes do not hash to the task's spec hash");
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new TaskSpecError("$", `not UTF-8 JSON: ${(e as Error).message}`);
  }
  const spec = parseTaskSpec(json);
  const canon = taskSpecBytes(spec);
  if (canon.length !== bytes.length || canon.some((b, i) => b !== bytes[i])) throw new TaskSpecError("$", "not in canonical form");
  return spec;
}
