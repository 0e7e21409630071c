import type { ComponentChildren } from "preact";

/** A status line: polite live region so screen readers hear progress and results. */
export function Status(props: { error?: string | null; done?: string | null; busy?: boolean; busyText?: string; testid?: string }) {
  return (
    <p class={props.error ? "status error" : "status"} role={props.error ? "alert" : "status"} aria-live="polite" data-testid={props.testid}>
      {props.error ? props.error : props.busy ? (props.busyText ?? "Working…") : (props.done ?? "")}
    </p>
  );
}

/** A labelled form field with its own error message (aria-describedby, aria-invalid). */
export function Field(props: { id: string; label: string; error?: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class={props.error ? "field invalid" : "field"}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && !props.error ? (
        <small id={`${props.id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
      {props.error ? (
        <small id={`${props.id}-error`} class="field-error" data-testid={`error-${props.id}`}>
          {props.error}
        </small>
      ) : null}
    </div>
  );
}

/** Props for an input inside {@link Field}: its id, its error state and what describes it. */
export const inputProps = (id: string, error?: string, hint?: string) => ({
  id,
  name: id,
  "aria-invalid": error ? ("true" as const) : undefined,
  "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
});

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/** An equirectangular world frame; children are placed with {@link project}. */
export function WorldMap(props: { label: string; children?: ComponentChildren; onPick?: (lat: number, lon: number) => void; testid?: string }) {
  const pick = (e: MouseEvent) => {
    if (!props.onPick) return;
    const svg = e.currentTarget as SVGSVGElement;
    const r = svg.getBoundingClientRect();
    const lon = ((e.clientX - r.left) / r.width) * 360 - 180;
    const lat = 90 - ((e.clientY - r.top) / r.height) * 180;
    props.onPick(Math.max(-90, Math.min(90, lat)), Math.max(-180, Math.min(180, lon)));
  };
  return (
    <svg class={props.onPick ? "map pickable" : "map"} viewBox="0 0 360 180" role="img" aria-label={props.label} onClick={pick} data-testid={props.testid}>
      <rect x="0" y="0" width="360" height="180" class="sea" />
      {/* graticule every 30° */}
      {[30, 60, 90, 120, 150].map((y) => (
        <line x1="0" x2="360" y1={y} y2={y} class="grid" />
      ))}
      {[60, 120, 180, 240, 300].map((x) => (
        <line y1="0" y2="180" x1={x} x2={x} class="grid" />
      ))}
      {CONTINENTS.map((d) => (
        <path d={d} class="land" />
      ))}
      {props.children}
    </svg>
  );
}

/** Map coordinates of a latitude/longitude in degrees. */
export const project = (lat: number, lon: number) => ({ x: lon + 180, y: 90 - lat });

// Coarse continent outlines (equirectangular, degrees): enough to place a dot, not a cartography claim.
const CONTINENTS = [
  "M20,20 L110,15 L125,40 L100,60 L85,75 L70,62 L50,50 L30,40 Z", // North America
  "M95,78 L125,85 L140,105 L125,140 L110,150 L100,120 L92,95 Z", // South America
  "M170,25 L215,20 L225,40 L200,50 L180,52 L168,40 Z", // Europe
  "M165,55 L215,52 L235,80 L220,115 L200,125 L185,100 L165,80 Z", // Africa
  "M215,15 L345,20 L340,50 L300,70 L280,85 L255,75 L230,55 L220,40 Z", // Asia
  "M290,110 L335,105 L340,125 L315,135 L292,128 Z", // Oceania
];

/** The region a node is in, from its coordinates (coarse boxes, for grouping only). */
export function regionOf(lat: number, lon: number): string {
  if (lat < -60) return "Antarctica";
  if (lon >= -170 && lon < -30) return lat >= 12 ? "North America" : "South America";
  if (lon >= -30 && lon < 60) return lat >= 36 ? "Europe" : lat >= 12 && lon >= 35 ? "Middle East" : "Africa";
  if (lon >= 110 && lat < -10) return "Oceania";
  return "Asia";
}
