// The dashboard's one page: self-contained HTML with its CSS and script inline under a per-response
// CSP nonce. Nothing is fetched from elsewhere; the figures arrive over /api/events.
import { readFileSync } from "node:fs";

/** The browser script (plain JavaScript, read once). */
const CLIENT_JS = readFileSync(new URL("./client.js", import.meta.url), "utf8");

const CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --card: #f5f7fb; --line: #d0d5dd;
  --served: #3b82f6; --fetched: #93c5fd; --tasks: #16a34a; --signed: #a855f7; --submitted: #d8b4fe; --earned: #f59e0b; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #98a2b3; --card: #1c2230; --line: #344054; } body { background: #111722; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.25rem; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); }
h1 { font-size: 1.2rem; margin: 0 0 .25rem; } h2 { font-size: 1rem; margin: 0 0 .5rem; }
.muted { color: var(--muted); } code { font-size: .85em; word-break: break-all; }
header { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; align-items: baseline; margin-bottom: 1rem; }
.grid { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); margin-bottom: .75rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.figure { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
.badge { padding: .05rem .5rem; border-radius: 999px; border: 1px solid var(--line); }
.badge.good { color: #16a34a; } .badge.bad { color: #dc2626; } .badge.idle { color: var(--muted); }
meter { width: 100%; }
form { display: flex; gap: .5rem; margin-top: .5rem; } input { width: 9rem; }
.message { min-height: 1.2em; margin-top: .35rem; } .message.ok { color: #16a34a; } .message.error { color: #dc2626; }
.alert { color: #dc2626; margin-bottom: .75rem; }
svg { width: 100%; height: auto; display: block; }
svg .axis { stroke: var(--line); } svg .tick { fill: var(--muted); font-size: 9px; }
.s-served { fill: var(--served); } .s-fetched { fill: var(--fetched); } .s-tasks { fill: var(--tasks); }
.s-signed { fill: var(--signed); } .s-submitted { fill: var(--submitted); } .s-earned { fill: var(--earned); }
.legend { font-size: .8rem; } .swatch { display: inline-block; width: .7em; height: .7em; margin: 0 .25em 0 .6em; }
.swatch.served { background: var(--served); } .swatch.fetched { background: var(--fetched); }
.swatch.signed { background: var(--signed); } .swatch.submitted { background: var(--submitted); }
.table-wrap { overflow-x: auto; max-width: 100%; }
.trouble { list-style: none; margin: 0; padding: 0; } .trouble li { padding: .4rem 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.trouble .error { color: #dc2626; } .trouble .warn { color: #b45309; } .trouble .count { font-variant-numeric: tabular-nums; }
.trouble .meaning, .trouble .fix, .trouble .detail { display: block; font-size: .9em; } .trouble .fix::before { content: "fix: "; font-weight: 600; }
.trouble .detail { color: var(--muted); }
td.id { text-align: left; } td.id code { word-break: break-all; }
@media (max-width: 480px) { body { padding: .6rem; } th, td { padding: .25rem .3rem; } .grid { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: .3rem .5rem; border-bottom: 1px solid var(--line); } th:first-child, td:first-child { text-align: left; }
`;

/** Escapes text for an HTML attribute or element body. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page. `nonce` authorises the inline style and script (CSP); `token` is the per-run secret the
 * script sends with every POST.
 */
export function renderPage(opts: { nonce: string; token: string }): string {
  const nonce = escapeHtml(opts.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="lumora-dashboard-token" content="${escapeHtml(opts.token)}">
<title>lumora-node dashboard</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<header>
  <h1>lumora-node</h1>
  <span>node <code data-testid="node-key">—</code></span>
  <span class="muted">operator <code data-testid="operator">—</code></span>
  <span>roles <span data-testid="roles">—</span></span>
  <span class="badge idle" data-testid="state">—</span>
  <span class="muted">epoch <span data-testid="current-epoch">—</span> · peers <span data-testid="peers">—</span>
    · updated <span data-testid="updated-at">—</span> · <span data-testid="connection">connecting…</span></span>
</header>
<div class="alert" data-testid="source-error" hidden></div>
<section class="card" data-testid="trouble">
  <h2>Refusals and warnings <span class="muted" data-testid="trouble-summary"></span></h2>
  <ul class="trouble" data-testid="trouble-list"></ul>
  <p class="muted" data-testid="trouble-empty">no refusals or warnings</p>
</section>
<section class="grid">
  <div class="card"><h2>Pending earnings</h2>
    <div class="figure" data-testid="pending-count">—</div>
    <ul data-testid="pending-list"></ul>
    <div class="muted">claimed so far <span data-testid="claimed">—</span></div></div>
  <div class="card"><h2>Epoch clock</h2>
    <div>epoch <span data-testid="clock-epoch">—</span> ends <span data-testid="epoch-ends">—</span></div>
    <div>credit window of epoch <span data-testid="credit-epoch">—</span> <span data-testid="credit-closes">—</span></div></div>
</section>
<section class="grid">
  <div class="card"><h2>Reputation</h2><div class="figure" data-testid="reputation">—</div>
    <meter data-testid="reputation-meter" min="0" max="10000" low="3000" high="7000" optimum="10000" value="0"></meter></div>
  <div class="card"><h2>Stake</h2><div class="figure" data-testid="stake">—</div></div>
  <div class="card"><h2>Bandwidth limit</h2><div class="figure" data-testid="limit">—</div>
    <form data-testid="limit-form" autocomplete="off">
      <label for="limit-input" class="muted">kbps</label>
      <input id="limit-input" data-testid="limit-input" type="text" inputmode="numeric" aria-label="bandwidth limit in kbps">
      <button type="submit" data-testid="limit-submit">Set limit</button>
    </form>
    <div class="message" data-testid="limit-message" role="status"></div></div>
</section>
<section class="grid">
  <div class="card"><h2>Bytes per epoch</h2><div class="legend"><span class="swatch served"></span>served<span class="swatch fetched"></span>fetched</div>
    <svg data-testid="chart-bytes" role="img" aria-label="bytes served and fetched per epoch"></svg></div>
  <div class="card"><h2>Tasks per epoch</h2><svg data-testid="chart-tasks" role="img" aria-label="tasks done per epoch"></svg></div>
  <div class="card"><h2>Proof-of-Bandwidth per epoch</h2><div class="legend"><span class="swatch signed"></span>probes made (verifier)<span class="swatch submitted"></span>totals received (provider)</div>
    <svg data-testid="chart-pob" role="img" aria-label="probes made and signed totals received per epoch"></svg></div>
  <div class="card"><h2>Earnings per epoch (LMR)</h2><svg data-testid="chart-earned" role="img" aria-label="LMR earned per epoch"></svg></div>
</section>
<section class="card" data-testid="relay" hidden>
  <h2>Relay <span class="muted" data-testid="relay-mode"></span></h2>
  <div class="grid">
    <div><div class="muted">owner's traffic</div><div class="figure" data-testid="relay-owner">—</div></div>
    <div><div class="muted">relay carrying / may use</div><div class="figure" data-testid="relay-share">—</div></div>
    <div><div class="muted">limit</div><div class="figure" data-testid="relay-limit">—</div><div class="muted" data-testid="relay-source"></div></div>
    <div><div class="muted">sessions open</div><div class="figure" data-testid="relay-active">—</div></div>
  </div>
  <meter data-testid="relay-meter" min="0" max="1" value="0" title="owner's traffic against the limit"></meter>
  <div class="table-wrap"><table>
    <thead><tr><th>epoch</th><th>role</th><th>sessions</th><th>bytes up</th><th>bytes down</th><th>both signed</th></tr></thead>
    <tbody data-testid="relay-body"></tbody>
  </table></div>
  <p class="muted">refusals this epoch: <span data-testid="relay-refusals">none</span></p>
</section>
<section class="card">
  <h2>Recent tasks</h2>
  <div class="table-wrap"><table>
    <thead><tr><th>task</th><th>role</th><th>phase</th><th>reward (LMR)</th></tr></thead>
    <tbody data-testid="tasks-body"></tbody>
  </table></div>
  <p class="muted" data-testid="tasks-empty">no tasks yet</p>
</section>
<section class="card">
  <h2>Epochs</h2>
  <div class="table-wrap"><table>
    <thead><tr><th>epoch</th><th>bytes served</th><th>bytes fetched</th><th>tasks</th><th>probes made</th><th>totals received</th><th>earned (LMR)</th></tr></thead>
    <tbody data-testid="epochs-body"></tbody>
  </table></div>
  <p class="muted" data-testid="epochs-empty">no epochs yet</p>
</section>
<script nonce="${nonce}">${CLIENT_JS}</script>
</body>
</html>
`;
}
