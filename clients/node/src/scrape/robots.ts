/**
 * robots.txt (RFC 9309) parsing and matching, pure. Conventions (docs/scraping.md):
 *
 * - Groups start with one or more `User-agent` lines. Our rules are the union of every group naming our
 *   product token (case-insensitive, `LumoraNode`); only when no group names us, the union of the `*`
 *   groups; with neither, everything is allowed. Rules outside a group are ignored.
 * - `Allow`/`Disallow` patterns match from the start of the path (with query); `*` matches any run of
 *   characters and a trailing `$` anchors the end. The longest matching pattern wins; on a tie `Allow`
 *   wins. An empty `Disallow` matches nothing. `/robots.txt` itself is always allowed.
 * - `Crawl-delay` (non-standard, seconds, fractions allowed) is taken from the groups that apply; the
 *   largest one wins.
 * - Status handling is the fetcher's (scraper.ts): 2xx is parsed, 4xx means allow all, 5xx or an
 *   unreachable robots.txt means disallow all (Google's convention).
 * @module
 */

export interface RobotsRule {
  allow: boolean;
  /** The pattern as written, normalised (percent-encoding of non-ASCII, upper-case hex). */
  pattern: string;
  /** Compiled pattern. */
  re: RegExp;
}

export interface Robots {
  /** Rules that apply to our agent. */
  rules: RobotsRule[];
  /** Crawl-delay for our agent in seconds, if declared. */
  crawlDelaySec?: number;
  /** When true every path is refused (robots.txt was 5xx or unreachable). */
  disallowAll?: boolean;
}

export const ALLOW_ALL: Robots = { rules: [] };
export const DISALLOW_ALL: Robots = { rules: [], disallowAll: true };

/** Percent-encodes what is not printable ASCII and upper-cases existing escapes, so that paths and patterns compare alike. */
export function normalisePath(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c > 0x20 && c < 0x7f) out += ch;
    else for (const b of new TextEncoder().encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out.replace(/%[0-9a-f]{2}/gi, (m) => {
    const v = parseInt(m.slice(1), 16);
    // decode escapes of unreserved characters (RFC 3986 §6.2.2.2) so /%7Efoo and /~foo compare equal
    return /[A-Za-z0-9\-._~]/.test(String.fromCharCode(v)) ? String.fromCharCode(v) : m.toUpperCase();
  });
}

function compile(pattern: string): RegExp {
  const anchored = pattern.endsWith("$");
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const re = body
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${re}${anchored ? "$" : ""}`, "s");
}

/** Parses robots.txt text into the rules that apply to `agent` (a product token such as `LumoraNode`). */
export function parseRobots(text: string, agent: string): Robots {
  const token = agent.toLowerCase();
  type Group = { agents: string[]; rules: RobotsRule[]; delay?: number };
  const groups: Group[] = [];
  let current: Group | null = null;
  let lastWasAgent = false;
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "user-agent") {
      if (!lastWasAgent || !current) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.split(/[\s/]/)[0]!.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if (key === "allow" || key === "disallow") {
      if (value === "") continue; // "Disallow:" with nothing allows everything: no rule
      const pattern = normalisePath(value.startsWith("/") || value.startsWith("*") ? value : `/${value}`);
      current.rules.push({ allow: key === "allow", pattern, re: compile(pattern) });
    } else if (key === "crawl-delay") {
      const d = Number(value);
      if (Number.isFinite(d) && d >= 0) current.delay = Math.max(current.delay ?? 0, d);
    }
  }
  let chosen = groups.filter((g) => g.agents.includes(token));
  if (chosen.length === 0) chosen = groups.filter((g) => g.agents.includes("*"));
  const robots: Robots = { rules: chosen.flatMap((g) => g.rules) };
  const delays = chosen.map((g) => g.delay).filter((d): d is number => d !== undefined);
  if (delays.length > 0) robots.crawlDelaySec = Math.max(...delays);
  return robots;
}

/** Whether `url` may be fetched under `robots`. */
export function robotsAllows(robots: Robots, url: URL): boolean {
  if (url.pathname === "/robots.txt") return true;
  if (robots.disallowAll) return false;
  const path = normalisePath(url.pathname + url.search);
  let best: RobotsRule | null = null;
  for (const rule of robots.rules) {
    if (!rule.re.test(path)) continue;
    if (!best || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow && !best.allow)) best = rule;
  }
  return best ? best.allow : true;
}
