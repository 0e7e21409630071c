// What the operator reads next to a refusal or a warning: one table of the troubles the node knows
// (decoded program errors, probe and relay refusals, unreachable providers), each with a one-line
// meaning and fix, and the configuration checks that catch a provider set up to earn nothing before
// it costs an epoch. Pure functions; the daemon's dashboard source feeds them from NodeState.
import { DEFAULT_STREAM_LIMITS, POB_FRAME_BYTES } from "@lumora/network";
import type { DashboardTrouble } from "./types.js";

/** One known trouble: how it shows in the log, what it means, what to do. */
export interface Advice {
  /** Stable id (the program error's name where there is one). */
  readonly id: string;
  /** Matches the log line's message and error text. */
  readonly match: RegExp;
  readonly meaning: string;
  readonly fix: string;
}

/** The table: the first entry whose `match` finds the text wins. Add an entry and its test together. */
export const ADVICE: readonly Advice[] = [
  {
    id: "RateAboveCap",
    match: /\bRateAboveCap\b/,
    meaning: "a verifier measured this provider serving faster than its declared bandwidth cap, so the receipts were refused",
    fix: "keep the bandwidth limit below the declared cap (lumora-node set-limit), or register a higher bandwidthCapKbps",
  },
  {
    id: "InvalidBandwidthCap",
    match: /\bInvalidBandwidthCap\b/,
    meaning: "the registry refused the bandwidth cap: it may not exceed the declared bandwidth, and a provider's must be above 0",
    fix: "set bandwidthCapKbps in node.json to a value in 1 … declaredBandwidthKbps and run init again",
  },
  {
    id: "ProtocolPaused",
    match: /\bProtocolPaused\b/,
    meaning: "the protocol is paused by its admin: heartbeats, credits and claims are refused meanwhile",
    fix: "nothing to change on the node: it retries by itself once the protocol is unpaused",
  },
  {
    id: "NotInCreditWindow",
    match: /\bNotInCreditWindow\b/,
    meaning: "a root or credit arrived outside its epoch's credit window (from the epoch's end to its credit deadline)",
    fix: "keep the node running through the credit window after each epoch; check the machine's clock and the RPC's lag",
  },
  {
    id: "ZeroCredit",
    match: /\bZeroCredit\b/,
    meaning: "the verifiers' totals prove no capacity-time: the epoch's credit is zero and earns nothing",
    fix: "keep the provider online through the epoch with a bandwidth limit above what a probe needs and a cap above 0",
  },
  {
    id: "no-valid-addresses",
    match: /no valid addresses/,
    meaning: "a drawn provider has no address this node can dial, so it cannot be probed (and earns no live time from this verifier)",
    fix: "the provider must announce a public multiaddr (announce in node.json; allowLoopback only on a local network)",
  },
  {
    id: "no-provider-reachable",
    match: /no provider reachable/,
    meaning: "none of the providers of a result answered: the dataset cannot be fetched now",
    fix: "the executors serving it are offline or unreachable: check that they run and that their registered address is open",
  },
  {
    id: "relay-Busy",
    match: /relay.*\bBusy\b/,
    meaning: "the relay provider carries its maximum of concurrent sessions and refused one more",
    fix: "provider: raise relay.maxSessions if the link has room; executor: another provider is tried",
  },
  {
    id: "relay-ExecutorLimit",
    match: /relay.*\bExecutorLimit\b/,
    meaning: "one executor holds its maximum of concurrent sessions at this relay provider",
    fix: "provider: raise relay.maxSessionsPerExecutor; executor: run fewer fetches at once",
  },
  {
    id: "relay-PortNotAllowed",
    match: /relay.*\bPortNotAllowed\b/,
    meaning: "the relay was asked for a destination port the provider does not carry",
    fix: "provider: add the port to relay.ports if it should be carried (80 and 443 by default)",
  },
  {
    id: "relay-HostDenied",
    match: /relay.*\bHostDenied\b/,
    meaning: "the destination host is on the provider's deny list, or not on its allow list",
    fix: "provider: adjust relay.allowHosts / relay.denyHosts if the host should be carried",
  },
  {
    id: "relay-ForbiddenAddress",
    match: /relay.*\bForbiddenAddress\b/,
    meaning: "the destination is, or resolves to, a private, loopback or metadata address, which a relay never carries",
    fix: "nothing to change: a task may only scrape public hosts",
  },
  {
    id: "relay-DnsFailed",
    match: /relay.*\bDnsFailed\b/,
    meaning: "the destination host name does not resolve at the relay provider",
    fix: "check the task's URLs; provider: check the machine's DNS resolver",
  },
  {
    id: "relay-ConnectFailed",
    match: /relay.*\bConnectFailed\b/,
    meaning: "the relay provider could not open a TCP connection to the destination",
    fix: "the site is down or blocks the provider; provider: check outbound connectivity",
  },
  {
    id: "relay-BadRequest",
    match: /relay.*\bBadRequest\b/,
    meaning: "the relay provider could not read the executor's request (malformed OPEN or host)",
    fix: "update lumora-node on both sides to the same release",
  },
];

/** The advice for a log line (its message and error text), or null for an unknown trouble. */
export function adviceFor(text: string): Advice | null {
  return ADVICE.find((a) => a.match.test(text)) ?? null;
}

/** A log event as the grouping needs it (NodeState.recentEvents' shape). */
export interface TroubleEvent {
  at: number;
  level: string;
  message: string;
  data: unknown;
}

/** The error text a log line carries (`data.error` or `data.reason`), if any. */
function detailOf(data: unknown): string {
  if (data === null || typeof data !== "object") return "";
  const d = data as Record<string, unknown>;
  const v = d.error ?? d.reason;
  return typeof v === "string" ? v : "";
}

/**
 * Groups warn/error events by message (and known trouble: one message may carry several program
 * errors), newest group first, with a count, the latest time and detail, and the advice when known.
 */
export function groupTrouble(events: readonly TroubleEvent[]): DashboardTrouble[] {
  const groups = new Map<string, DashboardTrouble>();
  for (const e of events) {
    if (e.level !== "warn" && e.level !== "error") continue;
    const detail = detailOf(e.data);
    const advice = adviceFor(`${e.message} ${detail}`);
    const key = `${e.message}\u0000${advice?.id ?? ""}`;
    const g = groups.get(key);
    if (g) {
      g.count += 1;
      if (e.at > (g.lastAt ?? 0)) Object.assign(g, { lastAt: e.at, detail });
      if (e.level === "error") g.level = "error";
      continue;
    }
    groups.set(key, {
      source: "log",
      level: e.level,
      message: e.message,
      count: 1,
      lastAt: e.at,
      detail,
      ...(advice ? { id: advice.id, meaning: advice.meaning, fix: advice.fix } : {}),
    });
  }
  return [...groups.values()].sort((a, b) => (b.lastAt ?? 0) - (a.lastAt ?? 0));
}

/** The relay's refusals of the current epoch as troubles (the provider's store counts them by reason). */
export function relayTrouble(refusals: readonly { reason: string; count: number }[]): DashboardTrouble[] {
  return refusals.map((r) => {
    const advice = adviceFor(`relay refused ${r.reason}`);
    return {
      source: "relay",
      level: "warn",
      message: `relay refused: ${r.reason}`,
      count: r.count,
      lastAt: null,
      detail: "",
      ...(advice ? { id: advice.id, meaning: advice.meaning, fix: advice.fix } : {}),
    };
  });
}

/**
 * The lowest limit at which a verifier's probe can succeed, kbps: every payload frame
 * ({@link POB_FRAME_BYTES}) must arrive within the frame timeout, or the probe fails and the provider
 * earns no live time from it.
 */
export const MIN_PROVIDER_LIMIT_KBPS = Math.ceil((POB_FRAME_BYTES * 8) / DEFAULT_STREAM_LIMITS.frameTimeoutMs);

/**
 * Configuration that makes a provider earn nothing, found before it costs an epoch: a declared cap of
 * 0 (credit is min(measured rate, cap) × live time) or a live limit at or below what a probe needs.
 * Nodes without the provider role have nothing to check.
 */
export function configTrouble(c: { roles: readonly string[]; limitKbps: number; capKbps: number | null }): DashboardTrouble[] {
  if (!c.roles.includes("provider")) return [];
  const out: DashboardTrouble[] = [];
  const flag = (id: string, message: string, meaning: string, fix: string) =>
    out.push({ source: "config", level: "error", id, message, count: 1, lastAt: null, detail: "", meaning, fix });
  if (c.capKbps !== null && c.capKbps <= 0)
    flag(
      "cap-zero",
      "declared bandwidth cap is 0",
      "credit is min(measured rate, cap) × live time: with a cap of 0 every epoch's credit is zero (ZeroCredit)",
      "register a bandwidthCapKbps above 0 (at most declaredBandwidthKbps)",
    );
  if (c.limitKbps <= MIN_PROVIDER_LIMIT_KBPS)
    flag(
      "limit-below-probe",
      `bandwidth limit ${c.limitKbps} kbps is at or below the ${MIN_PROVIDER_LIMIT_KBPS} kbps a probe needs`,
      "a verifier's probe times out when a 64 KiB frame takes longer than the frame timeout: no live time, no credit",
      `raise the limit above ${MIN_PROVIDER_LIMIT_KBPS} kbps (the dashboard's limit control or lumora-node set-limit)`,
    );
  return out;
}
