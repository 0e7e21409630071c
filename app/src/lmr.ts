/** LMR amounts (6 decimals) as people read and type them. */

/** LMR has 6 decimals: base units as a decimal string (`1.5`, `0.000007`). */
export function formatLmr(units: bigint | number | string | { toString(): string }): string {
  const u = BigInt(units.toString());
  const neg = u < 0n;
  const a = neg ? -u : u;
  const frac = (a % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${a / 1_000_000n}${frac ? `.${frac}` : ""}`;
}

/** Parses an LMR amount typed by a user (`2`, `0.5`); throws with a message for a form field. */
export function parseLmr(text: string): bigint {
  const t = text.trim();
  if (!/^\d+(\.\d{1,6})?$/.test(t)) throw new Error("an amount in LMR with at most 6 decimals, e.g. 2 or 0.5");
  const [whole, frac = ""] = t.split(".");
  return BigInt(whole!) * 1_000_000n + BigInt(frac.padEnd(6, "0"));
}
