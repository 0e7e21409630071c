/**
 * Which IP addresses may be connected to on someone else's behalf — the SSRF rule shared by the
 * executor's scraper (clients/node, docs/scraping.md) and the relay provider (`/lumora/relay/1`,
 * docs/relay.md). Only globally
 * routable unicast addresses are allowed: every IPv4 special-purpose block of the IANA registry
 * (RFC 6890 and successors) is refused, and for IPv6 only 2000::/3 is allowed, minus its documentation,
 * 6to4, Teredo and ORCHIDv2 blocks. IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses are judged
 * as the IPv4 address they embed; NAT64 (64:ff9b::/96) is refused outright because the translator may
 * reach anything. Loopback (127/8, ::1) is allowed only with the explicit test flag.
 *
 * Host names are judged by {@link parseHost}: the legacy IPv4 notations that `inet_aton` and the WHATWG
 * URL parser accept (`0x7f.1`, `2130706433`, `017700000001`, `127.1`) are IPv4 literals here too, so a
 * relay request naming `0x7f.1` is judged as 127.0.0.1 and never handed to a resolver.
 * @module
 */
import { isIP } from "node:net";

export interface ParsedIp {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/** Parses an IPv4 or IPv6 literal (brackets and an IPv6 zone id are accepted and dropped); null if not an IP. */
export function parseIp(input: string): ParsedIp | null {
  let s = input.startsWith("[") && input.endsWith("]") ? input.slice(1, -1) : input;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const fam = isIP(s);
  if (fam === 4) return { family: 4, bytes: new Uint8Array(s.split(".").map(Number)) };
  if (fam !== 6) return null;
  const bytes = new Uint8Array(16);
  let tail = s;
  let v4: number[] | null = null;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    v4 = s.slice(lastColon + 1).split(".").map(Number);
    tail = s.slice(0, lastColon + 1) + "0:0";
  }
  const [head, rest] = tail.includes("::") ? tail.split("::") as [string, string] : [tail, null];
  const hs = head === "" ? [] : head.split(":");
  const rs = rest === null || rest === "" ? [] : rest.split(":");
  const groups = rest === null ? hs : [...hs, ...Array(8 - hs.length - rs.length).fill("0"), ...rs];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  if (v4) bytes.set(v4, 12);
  return { family: 6, bytes };
}

function inV4(b: Uint8Array, net: [number, number, number, number], bits: number): boolean {
  for (let i = 0; i < 4; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if ((b[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

function inV6(b: Uint8Array, prefix: number[], bits: number): boolean {
  for (let i = 0; i < 16; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if ((b[i]! & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

const V4_BLOCKS: [[number, number, number, number], number, string][] = [
  [[0, 0, 0, 0], 8, "this network (0.0.0.0/8)"],
  [[10, 0, 0, 0], 8, "private (10/8)"],
  [[100, 64, 0, 0], 10, "shared address space / CGNAT (100.64/10)"],
  [[127, 0, 0, 0], 8, "loopback (127/8)"],
  [[169, 254, 0, 0], 16, "link-local (169.254/16, cloud metadata)"],
  [[172, 16, 0, 0], 12, "private (172.16/12)"],
  [[192, 0, 0, 0], 24, "IETF protocol assignments (192.0.0/24)"],
  [[192, 0, 2, 0], 24, "documentation (192.0.2/24)"],
  [[192, 31, 196, 0], 24, "AS112 (192.31.196/24)"],
  [[192, 52, 193, 0], 24, "AMT (192.52.193/24)"],
  [[192, 88, 99, 0], 24, "6to4 relay anycast (192.88.99/24)"],
  [[192, 168, 0, 0], 16, "private (192.168/16)"],
  [[192, 175, 48, 0], 24, "direct delegation AS112 (192.175.48/24)"],
  [[198, 18, 0, 0], 15, "benchmarking (198.18/15)"],
  [[198, 51, 100, 0], 24, "documentation (198.51.100/24)"],
  [[203, 0, 113, 0], 24, "documentation (203.0.113/24)"],
  [[224, 0, 0, 0], 4, "multicast (224/4)"],
  [[240, 0, 0, 0], 4, "reserved and broadcast (240/4)"],
];

/** Options of {@link forbiddenReason}. */
export interface AddressPolicy {
  /** Allow loopback (127/8, ::1 and their mapped forms). A test-only flag: every other non-public block stays refused. */
  allowLoopback?: boolean;
}

function v4Reason(b: Uint8Array, policy: AddressPolicy): string | null {
  if (policy.allowLoopback && b[0] === 127) return null;
  for (const [net, bits, why] of V4_BLOCKS) if (inV4(b, net, bits)) return why;
  return null;
}

/**
 * Why `address` must not be connected to, or null if it may. Anything that is not an IP literal is
 * refused (the caller resolves names first).
 */
export function forbiddenReason(address: string, policy: AddressPolicy = {}): string | null {
  const ip = parseIp(address);
  if (!ip) return "not an IP address";
  const b = ip.bytes;
  if (ip.family === 4) return v4Reason(b, policy);
  const zeros = (n: number) => b.subarray(0, n).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): judge the embedded IPv4 address
  if (zeros(10) && b[10] === 0xff && b[11] === 0xff) {
    const why = v4Reason(b.subarray(12), policy);
    return why && `IPv4-mapped ${why}`;
  }
  if (zeros(15) && b[15] === 1) return policy.allowLoopback ? null : "loopback (::1)";
  if (zeros(16)) return "unspecified (::)";
  if (zeros(12)) return "IPv4-compatible (::/96, deprecated)";
  if (inV6(b, [0x00, 0x64, 0xff, 0x9b], 32)) return "NAT64 (64:ff9b::/32 incl. local-use /48)";
  if (inV6(b, [0xfc], 7)) return "unique local (fc00::/7, incl. fd00:ec2::254 metadata)";
  if (inV6(b, [0xfe, 0x80], 10)) return "link-local (fe80::/10)";
  if (inV6(b, [0xfe, 0xc0], 10)) return "site-local (fec0::/10, deprecated)";
  if (inV6(b, [0xff], 8)) return "multicast (ff00::/8)";
  if (!inV6(b, [0x20], 3)) return "not global unicast (outside 2000::/3)";
  if (inV6(b, [0x20, 0x01, 0x0d, 0xb8], 32)) return "documentation (2001:db8::/32)";
  if (inV6(b, [0x20, 0x01, 0x00, 0x00], 23)) return "IETF protocol assignments (2001::/23, incl. Teredo)";
  if (inV6(b, [0x20, 0x02], 16)) return "6to4 (2002::/16)";
  if (inV6(b, [0x3f, 0xff], 20)) return "documentation (3fff::/20)";
  return null;
}

/** What a host string is: an IP literal (normalised) or a DNS name to resolve; `null` if neither. */
export type ParsedHost = { kind: "ip"; address: string; family: 4 | 6 } | { kind: "name"; name: string };

/** One IPv4 part in inet_aton notation: decimal, octal (leading 0) or hex (0x); null if not numeric. */
function v4Part(s: string): number | null {
  if (/^0x[0-9a-f]*$/i.test(s)) return s.length === 2 ? 0 : parseInt(s.slice(2), 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  if (/^[1-9][0-9]*$/.test(s)) return Number(s);
  return null;
}

/**
 * Parses an IPv4 address in any notation `inet_aton` and the WHATWG URL standard accept: 1 to 4 parts,
 * each decimal, octal or hex, the last part filling the remaining bytes (`127.1`, `0x7f000001`,
 * `2130706433`); a trailing dot is ignored. Returns the dotted quad, `"invalid"` when the string is
 * numeric but out of range (never to be resolved), or null when it is not an IPv4 literal.
 */
export function parseLooseIpv4(input: string): string | null | "invalid" {
  const s = input.endsWith(".") ? input.slice(0, -1) : input;
  const parts = s.split(".");
  // WHATWG "ends in a number": a last label of digits or 0x-hex makes the whole host an IPv4 literal
  const lastLabel = parts[parts.length - 1] ?? "";
  if (!/^[0-9]+$/.test(lastLabel) && !/^0x[0-9a-f]*$/i.test(lastLabel)) return null;
  if (parts.length > 4 || parts.some((p) => p === "")) return "invalid";
  const nums = parts.map(v4Part);
  if (nums.some((n) => n === null || !Number.isFinite(n))) return "invalid";
  const ns = nums as number[];
  const last = ns[ns.length - 1]!;
  const head = ns.slice(0, -1);
  if (head.some((n) => n > 255) || last >= 256 ** (5 - ns.length)) return "invalid";
  let v = last;
  head.forEach((n, i) => (v += n * 256 ** (3 - i)));
  return [Math.floor(v / 2 ** 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join(".");
}

/** A DNS host name: LDH labels of 1–63 characters, 253 at most in all (a trailing dot allowed). */
const HOST_NAME = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/**
 * Classifies a host as given in a request (a relay OPEN, a URL's host): an IPv6 literal (brackets and
 * zone id dropped), an IPv4 literal in any notation (normalised to a dotted quad), or a DNS name.
 * `null` for anything else (empty, bad characters, a numeric last label that is not a valid IPv4).
 */
export function parseHost(input: string): ParsedHost | null {
  const ip = parseIp(input);
  if (ip) {
    const s = input.startsWith("[") ? input.slice(1, -1) : input;
    const zone = s.indexOf("%");
    return { kind: "ip", address: zone >= 0 ? s.slice(0, zone) : s, family: ip.family };
  }
  const v4 = parseLooseIpv4(input);
  if (v4 === "invalid") return null;
  if (v4 !== null) return { kind: "ip", address: v4, family: 4 };
  if (!HOST_NAME.test(input)) return null;
  return { kind: "name", name: input.toLowerCase().replace(/\.$/, "") };
}
