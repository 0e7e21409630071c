/**
 * "No disruption to regular internet usage" (docs/relay.md §No disruption): the relay gets only the
 * headroom its owner's own traffic leaves under the operator's limit.
 *
 * {@link HeadroomMonitor} samples the host's interface byte counters (Linux `/proc/net/dev`, receive +
 * transmit of the watched interfaces) every `intervalMs` (≤ 1 s, default 500 ms) and the bytes the
 * relay itself carried. Over the last window (default 1 s):
 *
 *     owner    = max(0, interface bytes − footprint × relay bytes) / window
 *     headroom = max(floor, (limit − owner) / footprint)            → the relay bucket's rate
 *
 * `footprint` is how many interface bytes one relayed byte costs: it crosses the provider's link twice
 * (in from the site, out to the executor) plus framing, noise and TCP/IP headers — 2.1 by default; on
 * the loopback interface every byte counts as both received and sent, so 4.2. The limit is therefore in
 * interface bytes per second, the same figure the owner's link has. The rate follows the owner within
 * one window plus one interval (< 2 s): up when it goes quiet, down when it gets busy.
 *
 * The counter source is injectable (tests feed synthetic counters); {@link procNetDevSource} reads Linux.
 * @module
 */
import { readFileSync } from "node:fs";
import type { TokenBucket } from "../bucket.js";

/** Cumulative interface bytes (receive + transmit of the watched interfaces) at the time of the call. */
export type TrafficSource = () => number;

/** Parses `/proc/net/dev` text: per interface, cumulative receive and transmit bytes. */
export function parseProcNetDev(text: string): Map<string, { rx: number; tx: number }> {
  const out = new Map<string, { rx: number; tx: number }>();
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 9 || !Number.isFinite(f[0]) || !Number.isFinite(f[8])) continue;
    out.set(name, { rx: f[0]!, tx: f[8]! });
  }
  return out;
}

/**
 * A source reading `/proc/net/dev` (Linux). `interfaces`: the names to sum; default every interface
 * except `lo` (the owner's traffic leaves through the real ones). Throws at creation when the file is
 * unreadable (not Linux) so the daemon can say so and fall back to the static limit.
 */
export function procNetDevSource(opts: { interfaces?: readonly string[]; path?: string } = {}): TrafficSource {
  const file = opts.path ?? "/proc/net/dev";
  const pick = opts.interfaces ? new Set(opts.interfaces) : null;
  const read = () => {
    let sum = 0;
    for (const [name, c] of parseProcNetDev(readFileSync(file, "utf8"))) if (pick ? pick.has(name) : name !== "lo") sum += c.rx + c.tx;
    return sum;
  };
  read();
  return read;
}

/** Options of {@link HeadroomMonitor}. */
export interface HeadroomOptions {
  /** The operator's limit, interface bytes per second. */
  limitBps: number;
  /** Interface byte counter. */
  source: TrafficSource;
  /** Cumulative bytes the relay carried (its sessions' DATA payloads, both directions). */
  relayBytes: () => number;
  /** The relay's token bucket: its rate is set to the headroom after every sample. */
  bucket?: TokenBucket;
  /** Interface bytes one relayed byte costs (default 2.1; 4.2 on loopback). */
  footprint?: number;
  /** Sampling interval, ms (default 500; at most 1000 so the owner is seen at ≥ 1 Hz). */
  intervalMs?: number;
  /** Window the rates are measured over, ms (default 1000). */
  windowMs?: number;
  /** Smallest relay rate, bytes/s, so sessions in flight end instead of stalling (default limit / 100, ≥ 8 KiB/s). */
  floorBps?: number;
  /** Called after every sample. */
  onSample?: (s: HeadroomSample) => void;
}

/** One sample of the monitor. */
export interface HeadroomSample {
  /** When, ms since epoch. */
  at: number;
  /** Owner's traffic, interface bytes/s over the window. */
  ownerBps: number;
  /** The relay's carried bytes/s over the window. */
  relayBps: number;
  /** The rate handed to the relay, carried bytes/s. */
  headroomBps: number;
}

/** Samples the owner's traffic and sets the relay's rate; see the module doc. */
export class HeadroomMonitor {
  private readonly samples: { t: number; iface: number; relay: number }[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The latest sample (before the first: the full limit, no owner traffic seen). */
  last: HeadroomSample;
  readonly footprint: number;
  readonly intervalMs: number;
  readonly windowMs: number;
  private limit: number;

  constructor(private readonly o: HeadroomOptions) {
    if (!(o.limitBps > 0)) throw new RangeError("limitBps must be > 0");
    this.footprint = o.footprint ?? 2.1;
    this.intervalMs = Math.min(1000, Math.max(50, o.intervalMs ?? 500));
    this.windowMs = Math.max(this.intervalMs, o.windowMs ?? 1000);
    this.limit = o.limitBps;
    this.last = { at: Date.now(), ownerBps: 0, relayBps: 0, headroomBps: this.headroomFor(0) };
  }

  /** The operator's limit changed (dashboard, set-limit). */
  setLimit(limitBps: number): void {
    if (!(limitBps > 0)) throw new RangeError("limitBps must be > 0");
    this.limit = limitBps;
  }

  get limitBps(): number {
    return this.limit;
  }

  private headroomFor(ownerBps: number): number {
    const floor = this.o.floorBps ?? Math.max(8 * 1024, this.limit / 100);
    return Math.max(floor, (this.limit - ownerBps) / this.footprint);
  }

  /** Takes one sample now (the timer calls it; tests may too). */
  sample(now = performance.now()): HeadroomSample {
    this.samples.push({ t: now, iface: this.o.source(), relay: this.o.relayBytes() });
    while (this.samples.length > 2 && now - this.samples[1]!.t >= this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (now - first.t) / 1000;
    if (this.samples.length < 2 || dt <= 0) return this.last;
    const last = this.samples[this.samples.length - 1]!;
    const relayBps = Math.max(0, last.relay - first.relay) / dt;
    const ownerBps = Math.max(0, last.iface - first.iface - this.footprint * (last.relay - first.relay)) / dt;
    const headroomBps = this.headroomFor(ownerBps);
    this.o.bucket?.setRate(headroomBps, Math.max(16 * 1024, Math.floor(headroomBps / 20)));
    this.last = { at: Date.now(), ownerBps, relayBps, headroomBps };
    this.o.onSample?.(this.last);
    return this.last;
  }

  /** Starts sampling every `intervalMs`. */
  start(): this {
    if (this.timer) return this;
    this.sample();
    this.timer = setInterval(() => {
      try {
        this.sample();
      } catch {
        /* a failed read keeps the last rate */
      }
    }, this.intervalMs);
    this.timer.unref?.();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
