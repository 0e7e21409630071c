/**
 * Proximity (docs/relay.md §Proximity): which provider an executor asks first. Each candidate is ranked
 * by an estimated round trip to the data source through it:
 *
 *     cost = RTT executor ↔ provider (measured: libp2p ping, or the PoB duty's samples)
 *          + distance provider ↔ source / 100 km per ms (light in fibre, both ways, ≈ 1 ms per 100 km)
 *
 * when both the provider's location and the source's are known; a candidate never measured ranks after
 * every measured one (an unmeasured provider is not assumed near). Ties keep the input order.
 * @module
 */

/** A provider the executor may relay through. */
export interface RelayCandidate<P = string> {
  /** Whatever identifies it to the caller (peer id string, PeerId …). */
  peer: P;
  /** Smoothed RTT executor ↔ provider, ms; undefined if never measured. */
  rttMs?: number;
  /** The provider's location, micro-degrees (its registered or verified coordinates). */
  latE6?: number;
  lonE6?: number;
}

/** Great-circle distance in km between two points given in micro-degrees. */
export function distanceKm(a: { latE6: number; lonE6: number }, b: { latE6: number; lonE6: number }): number {
  const rad = (e6: number) => (e6 / 1e6) * (Math.PI / 180);
  const dLat = rad(b.latE6 - a.latE6);
  const dLon = rad(b.lonE6 - a.lonE6);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latE6)) * Math.cos(rad(b.latE6)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Milliseconds of round trip per km of distance (≈ 2 / 200 000 km/s in fibre). */
export const MS_PER_KM = 0.01;

/** The estimated cost of relaying through `c` to a source at `source` (ms); Infinity if never measured. */
export function relayCost(c: RelayCandidate<unknown>, source?: { latE6: number; lonE6: number }): number {
  if (c.rttMs === undefined || !Number.isFinite(c.rttMs)) return Infinity;
  const far = source && c.latE6 !== undefined && c.lonE6 !== undefined ? distanceKm({ latE6: c.latE6, lonE6: c.lonE6 }, source) * MS_PER_KM : 0;
  return c.rttMs + far;
}

/** Candidates from nearest to farthest (see the module doc). */
export function rankProviders<P>(candidates: readonly RelayCandidate<P>[], source?: { latE6: number; lonE6: number }): RelayCandidate<P>[] {
  return candidates
    .map((c, i) => ({ c, i, cost: relayCost(c, source) }))
    .sort((a, b) => (a.cost === b.cost ? a.i - b.i : a.cost - b.cost))
    .map((x) => x.c);
}
