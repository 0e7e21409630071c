/**
 * Comparing two JSON-RPC answers: the embedded chain's facade (tools/chain/rpc) and agave's. Answers are compared
 * by shape (the keys present at every level and their JSON types) and, at the paths a case names, by value.
 * Every difference found is a line `path: facade … / agave …`; each case lists the differences it expects
 * (documented in docs/chain-rpc.md, "Against agave") and fails on any other, and on a listed one that is gone.
 */

/** The JSON type skeleton of a value: objects by key, arrays by their first element. */
export function shape(v: unknown): unknown {
  if (v === null) return "null";
  if (Array.isArray(v)) return v.length === 0 ? "[]" : [shape(v[0])];
  if (typeof v === "object") return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  return typeof v;
}

const show = (s: unknown) => (typeof s === "string" ? s : Array.isArray(s) ? "array" : "object");

/** The differences between two shapes, one line each. */
export function shapeDiff(a: unknown, b: unknown, path = "$"): string[] {
  if (Array.isArray(a) && Array.isArray(b)) return shapeDiff(a[0], b[0], `${path}[]`);
  // an empty array has no element shape to compare: [] matches any array
  if ((a === "[]" && Array.isArray(b)) || (b === "[]" && Array.isArray(a))) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const out: string[] = [];
    const ka = a as Record<string, unknown>;
    const kb = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ka), ...Object.keys(kb)])].sort()) {
      if (!(k in kb)) out.push(`${path}.${k}: only the facade has it`);
      else if (!(k in ka)) out.push(`${path}.${k}: only agave has it`);
      else out.push(...shapeDiff(ka[k], kb[k], `${path}.${k}`));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: facade ${show(a)} / agave ${show(b)}`];
}

/** The value at a dotted path (`value.err`, `meta.logMessages`). */
export function at(v: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), v);
}

/** JSON with every object's keys sorted: key order carries no meaning (agave's serde and the facade order them differently). */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/** Shape differences plus value differences at `paths`. */
export function differences(facade: unknown, agave: unknown, paths: string[] = []): string[] {
  const out = shapeDiff(shape(facade), shape(agave));
  for (const p of paths) {
    const a = canonical(at(facade, p));
    const b = canonical(at(agave, p));
    if (a !== b) out.push(`${p} = facade ${a} / agave ${b}`);
  }
  return out;
}
