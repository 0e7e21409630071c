// The dashboard page's script, inlined into the page by page.ts (CSP nonce; no external requests).
// Plain browser JavaScript: it reads the status stream from /api/events, renders the figures, the
// per-epoch table and the SVG charts, and posts limit changes with the per-run token.
"use strict";
(() => {
  const TOKEN = document.querySelector('meta[name="lumora-dashboard-token"]').getAttribute("content");
  const SVG = "http://www.w3.org/2000/svg";
  const CHART_EPOCHS = 30;
  const $ = (id) => document.querySelector('[data-testid="' + id + '"]');

  // --- formatting (mirrors clients/node/src/dashboard/format.ts) -----------------------------------
  const group = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  function lmr(units) {
    let v = BigInt(units);
    const neg = v < 0n;
    if (neg) v = -v;
    const scale = 1000000n;
    return (neg ? "-" : "") + group((v / scale).toString()) + "." + (v % scale).toString().padStart(6, "0");
  }
  const reputation = (bps) => (bps / 100).toFixed(2) + " %";
  const kbps = (n) => group(String(n)) + " kbps";

  function setText(id, value) {
    const el = $(id);
    if (el && el.textContent !== value) el.textContent = value;
  }

  // --- charts ----------------------------------------------------------------------------------------
  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const CHARTS = [
    {
      id: "chart-bytes",
      series: [
        { cls: "s-served", label: "served", value: (e) => Number(e.bytesServed), show: (e) => group(e.bytesServed) + " B" },
        { cls: "s-fetched", label: "fetched", value: (e) => Number(e.bytesFetched), show: (e) => group(e.bytesFetched) + " B" },
      ],
    },
    { id: "chart-tasks", series: [{ cls: "s-tasks", label: "tasks", value: (e) => e.tasksDone, show: (e) => String(e.tasksDone) }] },
    {
      id: "chart-pob",
      series: [
        { cls: "s-signed", label: "probes made", value: (e) => e.probesMade, show: (e) => String(e.probesMade) },
        { cls: "s-submitted", label: "totals received", value: (e) => e.totalsReceived, show: (e) => String(e.totalsReceived) },
      ],
    },
    {
      id: "chart-earned",
      series: [{ cls: "s-earned", label: "earned", value: (e) => Number(e.earnedLmr) / 1e6, show: (e) => lmr(e.earnedLmr) + " LMR" }],
    },
  ];

  function shortNumber(v) {
    if (v >= 1e9) return (v / 1e9).toFixed(1) + "G";
    if (v >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (v >= 1e3) return (v / 1e3).toFixed(1) + "k";
    return String(Math.round(v * 100) / 100);
  }

  function drawChart(spec, epochs) {
    const svg = $(spec.id);
    const W = 360, H = 150, L = 40, R = 6, T = 8, B = 20;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.replaceChildren();
    const plotW = W - L - R, plotH = H - T - B;
    let max = 0;
    for (const e of epochs) for (const s of spec.series) max = Math.max(max, s.value(e));
    if (max <= 0) max = 1;
    svg.append(el("line", { x1: L, y1: T + plotH, x2: W - R, y2: T + plotH, class: "axis" }));
    svg.append(el("text", { x: L - 4, y: T + 8, class: "tick", "text-anchor": "end" }, shortNumber(max)));
    svg.append(el("text", { x: L - 4, y: T + plotH, class: "tick", "text-anchor": "end" }, "0"));
    if (epochs.length === 0) {
      svg.append(el("text", { x: L + plotW / 2, y: T + plotH / 2, class: "tick", "text-anchor": "middle" }, "no epochs yet"));
      return;
    }
    const slot = plotW / epochs.length;
    const barW = (slot * 0.8) / spec.series.length;
    const every = Math.ceil(epochs.length / 10);
    epochs.forEach((e, i) => {
      spec.series.forEach((s, j) => {
        const h = (s.value(e) / max) * plotH;
        const rect = el("rect", {
          x: L + i * slot + slot * 0.1 + j * barW,
          y: T + plotH - h,
          width: Math.max(barW - 1, 1),
          height: h,
          class: "bar " + s.cls,
          "data-epoch": e.epoch,
        });
        rect.append(el("title", {}, "epoch " + e.epoch + " " + s.label + ": " + s.show(e)));
        svg.append(rect);
      });
      if (i % every === 0) {
        svg.append(el("text", { x: L + i * slot + slot / 2, y: H - 6, class: "tick", "text-anchor": "middle" }, String(e.epoch)));
      }
    });
  }

  // --- table -----------------------------------------------------------------------------------------
  function cell(row, testid, value) {
    const td = document.createElement("td");
    td.dataset.testid = testid;
    td.textContent = value;
    row.append(td);
  }

  function drawTable(epochs) {
    const body = $("epochs-body");
    const rows = [...epochs].sort((a, b) => b.epoch - a.epoch).map((e) => {
      const tr = document.createElement("tr");
      tr.dataset.testid = "epoch-row";
      tr.dataset.epoch = String(e.epoch);
      cell(tr, "epoch", String(e.epoch));
      cell(tr, "bytes-served", group(e.bytesServed));
      cell(tr, "bytes-fetched", group(e.bytesFetched));
      cell(tr, "tasks-done", String(e.tasksDone));
      cell(tr, "probes-made", String(e.probesMade));
      cell(tr, "totals-received", String(e.totalsReceived));
      cell(tr, "earned", lmr(e.earnedLmr));
      return tr;
    });
    body.replaceChildren(...rows);
    $("epochs-empty").hidden = rows.length > 0;
  }

  // --- relay -----------------------------------------------------------------------------------------
  const rate = (bps) => (bps === null ? "—" : (bps / 1048576).toFixed(2) + " MiB/s");
  function drawRelay(r) {
    $("relay").hidden = !r;
    if (!r) return;
    setText("relay-mode", [r.serving ? "serving" : "", r.using ? "using providers" : ""].filter(Boolean).join(" · "));
    setText("relay-owner", rate(r.ownerBps));
    setText("relay-share", rate(r.relayBps) + " / " + rate(r.headroomBps));
    setText("relay-limit", rate(r.limitBps));
    setText("relay-source", "owner's traffic from " + r.trafficSource);
    setText("relay-active", String(r.activeSessions));
    $("relay-meter").value = r.ownerBps === null ? 0 : Math.min(1, r.ownerBps / r.limitBps);
    const rows = r.epochs.map((e) => {
      const tr = document.createElement("tr");
      tr.dataset.testid = "relay-row";
      cell(tr, "relay-epoch", String(e.epoch));
      cell(tr, "relay-role", e.role);
      cell(tr, "relay-sessions", String(e.sessions));
      cell(tr, "relay-up", group(e.bytesUp));
      cell(tr, "relay-down", group(e.bytesDown));
      cell(tr, "relay-attested", String(e.attestedBoth));
      return tr;
    });
    $("relay-body").replaceChildren(...rows);
    setText("relay-refusals", r.refusals.length ? r.refusals.map((x) => x.reason + " × " + x.count).join(", ") : "none");
  }

  // --- trouble, tasks, earnings ----------------------------------------------------------------------
  const when = (ms) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  function span(cls, testid, text) {
    const e = document.createElement("span");
    e.className = cls;
    e.dataset.testid = testid;
    e.textContent = text;
    return e;
  }

  function drawTrouble(list) {
    const items = list.map((t) => {
      const li = document.createElement("li");
      li.dataset.testid = "trouble-item";
      li.dataset.source = t.source;
      if (t.id) li.dataset.id = t.id;
      li.append(span(t.level, "trouble-message", t.message), " ", span("count", "trouble-count", "× " + t.count));
      if (t.lastAt !== null) li.append(" ", span("muted", "trouble-when", "last " + when(t.lastAt)));
      if (t.meaning) li.append(span("meaning", "trouble-meaning", t.meaning), span("fix", "trouble-fix", t.fix));
      if (t.detail) li.append(span("detail", "trouble-detail", t.detail));
      return li;
    });
    $("trouble-list").replaceChildren(...items);
    $("trouble-empty").hidden = items.length > 0;
    const errors = list.filter((t) => t.level === "error").length;
    setText("trouble-summary", list.length ? list.length + " kinds" + (errors ? ", " + errors + " errors" : "") : "");
  }

  function drawTasks(tasks) {
    const rows = tasks.map((t) => {
      const tr = document.createElement("tr");
      tr.dataset.testid = "task-row";
      const td = document.createElement("td");
      td.className = "id";
      td.dataset.testid = "task-id";
      const code = document.createElement("code");
      code.textContent = t.id;
      td.append(code);
      tr.append(td);
      cell(tr, "task-role", t.role);
      cell(tr, "task-phase", t.phase + (t.reason ? " (" + t.reason + ")" : ""));
      cell(tr, "task-reward", t.rewardLmr === null ? "—" : (t.rewardFinal ? "" : "≈ ") + lmr(t.rewardLmr));
      return tr;
    });
    $("tasks-body").replaceChildren(...rows);
    $("tasks-empty").hidden = rows.length > 0;
  }

  function duration(secs) {
    if (secs <= 0) return "now";
    const d = Math.floor(secs / 86400), h = Math.floor((secs % 86400) / 3600), m = Math.floor((secs % 3600) / 60), s = secs % 60;
    return d ? d + "d " + h + "h" : h ? h + "h " + m + "m" : m ? m + "m " + s + "s" : s + "s";
  }
  const at = (unix, now) => when(unix * 1000) + (unix > now ? " (in " + duration(unix - now) + ")" : "");

  function drawEarnings(e, currentEpoch) {
    if (!e) {
      setText("pending-count", "—");
      return;
    }
    setText("pending-count", e.pending.length ? e.pending.length + (e.pending.length === 1 ? " epoch" : " epochs") + " credited, not claimed" : "nothing pending");
    const items = e.pending.map((p) => {
      const li = document.createElement("li");
      li.dataset.testid = "pending-epoch";
      li.textContent = "epoch " + p.epoch + ": " + group(p.bytesCredited) + " B of capacity-time credited";
      return li;
    });
    $("pending-list").replaceChildren(...items);
    setText("claimed", lmr(e.claimedLmr) + " LMR");
    setText("clock-epoch", currentEpoch === null ? "—" : String(currentEpoch));
    setText("epoch-ends", e.epochEndsAt === null ? "—" : at(e.epochEndsAt, e.now));
    if (e.creditWindow) {
      setText("credit-epoch", String(e.creditWindow.epoch));
      setText("credit-closes", (e.creditWindow.closesAt > e.now ? "closes " : "closed ") + at(e.creditWindow.closesAt, e.now));
    } else {
      setText("credit-epoch", "—");
      setText("credit-closes", "—");
    }
  }

  // --- status ----------------------------------------------------------------------------------------
  function render(s) {
    setText("node-key", s.nodeKey);
    setText("operator", s.operator);
    setText("roles", s.roles.length ? s.roles.join(", ") : "none");
    setText("state", s.jailed ? "jailed" : s.active ? "active" : "inactive");
    $("state").className = "badge " + (s.jailed ? "bad" : s.active ? "good" : "idle");
    setText("peers", String(s.peers));
    setText("current-epoch", s.currentEpoch === null ? "—" : String(s.currentEpoch));
    setText("updated-at", new Date(s.updatedAt).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"));
    setText("reputation", reputation(s.reputation));
    $("reputation-meter").value = s.reputation;
    setText("stake", lmr(s.stakeLmr) + " LMR");
    setText("limit", kbps(s.limitKbps));
    const input = $("limit-input");
    if (!input.dataset.touched) input.value = String(s.limitKbps);
    const epochs = [...s.epochs].sort((a, b) => a.epoch - b.epoch);
    drawTable(epochs);
    const recent = epochs.slice(-CHART_EPOCHS);
    for (const spec of CHARTS) drawChart(spec, recent);
    drawRelay(s.relay);
    drawTrouble(s.trouble || []);
    drawTasks(s.tasks || []);
    drawEarnings(s.earnings, s.currentEpoch);
    document.body.dataset.loaded = "true";
  }

  const events = new EventSource("/api/events");
  events.addEventListener("status", (ev) => {
    setText("connection", "live");
    $("source-error").hidden = true;
    render(JSON.parse(ev.data));
  });
  events.addEventListener("problem", (ev) => {
    const box = $("source-error");
    box.textContent = "node status unavailable: " + JSON.parse(ev.data).error;
    box.hidden = false;
  });
  events.addEventListener("open", () => setText("connection", "live"));
  events.addEventListener("error", () => setText("connection", "reconnecting…"));

  // --- limit control ---------------------------------------------------------------------------------
  const form = $("limit-form");
  const input = $("limit-input");
  const message = $("limit-message");
  input.addEventListener("input", () => (input.dataset.touched = "1"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const raw = input.value.trim();
    // The server is the one validator: digits go as a number, anything else as typed, and its 400
    // message is shown.
    const value = /^\d+$/.test(raw) ? Number(raw) : raw;
    const button = $("limit-submit");
    button.disabled = true;
    message.className = "message";
    message.textContent = "saving…";
    try {
      const res = await fetch("/api/limit", {
        method: "POST",
        headers: { "content-type": "application/json", "x-lumora-token": TOKEN },
        body: JSON.stringify({ kbps: value }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        message.className = "message ok";
        message.textContent = "limit set to " + kbps(body.limitKbps);
        delete input.dataset.touched;
      } else {
        message.className = "message error";
        message.textContent = body.error || "request failed (" + res.status + ")";
      }
    } catch (err) {
      message.className = "message error";
      message.textContent = "request failed: " + err;
    } finally {
      button.disabled = false;
    }
  });
})();
