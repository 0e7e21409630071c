/**
 * Consumer: commission a scraping task (URLs, selectors, format, content type, target location by map or
 * coordinates, redundancy, budget) with errors by field; follow it through the program events (the task
 * log); fetch each result through the gateway, verify it against the on-chain commitment and decrypt it in
 * the browser; download JSONL or CSV.
 */
import { useState } from "preact/hooks";
import { PublicKey } from "@solana/web3.js";
import {
  RESULT_STATUS,
  SPEC_CONTENT_TYPES,
  SPEC_FORMATS,
  TASK_BOUNDS,
  TASK_STATUS,
  data,
  fetchTaskLog,
  fetchTokenBalance,
  taskSpecBytes,
  taskSpecHash,
  type TaskLogEntry,
} from "@lumora/sdk";
import type { Ctx } from "../main.js";
import { chainNow, formatLmr, hex, short } from "../chain.js";
import { fetchChunks, publishSpec } from "../gateway.js";
import { useAction, useLoad } from "../hooks.js";
import { detectFormat, download, formatRecords, mediaTypeOf, parseRecords } from "../records.js";
import { type Errors, type Form, initialTaskForm as initial, validateTaskForm } from "../task-form.js";
import { x25519For } from "../x25519.js";
import { Field, Status, WorldMap, inputProps, project } from "../ui.js";

const STATUS_NAME: Record<number, string> = Object.fromEntries(Object.entries(TASK_STATUS).map(([k, v]) => [v, k.toLowerCase()]));

function TaskForm(props: { ctx: Ctx; onCreated: (task: PublicKey) => void }) {
  const { ctx } = props;
  const [f, setF] = useState<Form>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const act = useAction();
  const set = (k: keyof Form) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    const v = validateTaskForm(f);
    setErrors(v.errors ?? {});
    if (v.errors) {
      const first = Object.keys(v.errors)[0];
      if (first) document.getElementById(`task-${first}`)?.focus();
      return;
    }
    void act.run(async () => {
      if (!ctx.wallet) throw new Error("connect a wallet first: it pays the task's escrow and signs");
      if (!ctx.config) throw new Error("no protocol config on this cluster");
      const bal = await fetchTokenBalance({ connection: ctx.connection, mint: ctx.config.lmrMint, owner: ctx.wallet.publicKey }).catch(() => 0n);
      if (bal < v.payment) {
        setErrors({ budget: `your balance is ${formatLmr(bal)} LMR: lower the budget or fund ${short(ctx.wallet.publicKey)}` });
        throw new Error("insufficient LMR for this budget");
      }
      const { keyPair } = await x25519For(ctx.wallet);
      const bytes = taskSpecBytes(v.spec);
      const hash = taskSpecHash(v.spec);
      const pub = await publishSpec(ctx.endpoints.gateway, bytes);
      if (pub.specHash !== hex(hash)) throw new Error("the gateway stored the spec under another hash");
      const now = await chainNow(ctx.connection);
      const bidWindowEnd = now + BigInt(v.bidWindowSecs);
      const commitDeadline = bidWindowEnd + 172n;
      const revealDeadline = commitDeadline + 180n;
      const taskId = now * 1000n + BigInt(Date.now() % 1000);
      const { task } = await ctx.client.tasks.createTask({
        taskId,
        specHash: hash,
        consumerX25519: keyPair.publicKey,
        latE6: v.latE6,
        lonE6: v.lonE6,
        redundancy: v.redundancy,
        maxBackups: 0,
        bidWindowEnd,
        commitDeadline,
        revealDeadline,
        payment: v.payment,
      });
      props.onCreated(task);
      return `Task ${short(task, 6)} created; spec stored by ${pub.stored} peer${pub.stored === 1 ? "" : "s"}`;
    });
  };
  const lat = Number(f.lat);
  const lon = Number(f.lon);
  const dot = Number.isFinite(lat) && Number.isFinite(lon) ? project(lat, lon) : null;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="task-form-h" data-testid="task-form">
      <h3 id="task-form-h">New task</h3>
      <Field id="task-urls" label="Pages to fetch (one URL per line)" error={errors.urls}>
        <textarea {...inputProps("task-urls", errors.urls)} rows={3} value={f.urls} onInput={set("urls")} placeholder="https://example.org/products/1" />
      </Field>
      <div class="row">
        <Field id="task-item" label="Item selector (optional)" error={errors.item} hint="each match is one record">
          <input {...inputProps("task-item", errors.item, "task-item-hint")} value={f.item} onInput={set("item")} placeholder=".product" />
        </Field>
        <Field id="task-fields" label="Fields (name=selector[@attribute], one per line)" error={errors.fields}>
          <textarea {...inputProps("task-fields", errors.fields)} rows={3} value={f.fields} onInput={set("fields")} placeholder={"title=h2\nprice=.price\nlink=a@href"} />
        </Field>
      </div>
      <div class="row">
        <Field id="task-format" label="Output format" error={errors.format}>
          <select {...inputProps("task-format", errors.format)} value={f.format} onChange={set("format")}>
            {SPEC_FORMATS.map((x) => (
              <option value={x}>{x.toUpperCase()}</option>
            ))}
          </select>
        </Field>
        <Field id="task-contentType" label="Content type" error={errors.contentType}>
          <select {...inputProps("task-contentType", errors.contentType)} value={f.contentType} onChange={set("contentType")}>
            {SPEC_CONTENT_TYPES.map((x) => (
              <option value={x}>{x}</option>
            ))}
          </select>
        </Field>
        <Field id="task-redundancy" label="Redundancy (executors)" error={errors.redundancy}>
          <input {...inputProps("task-redundancy", errors.redundancy)} type="number" min={1} max={TASK_BOUNDS.maxRedundancy} value={f.redundancy} onInput={set("redundancy")} />
        </Field>
        <Field id="task-budget" label="Budget (LMR)" error={errors.budget}>
          <input {...inputProps("task-budget", errors.budget)} inputMode="decimal" value={f.budget} onInput={set("budget")} />
        </Field>
        <Field id="task-bidWindow" label="Bid window (s)" error={errors.bidWindow}>
          <input {...inputProps("task-bidWindow", errors.bidWindow)} type="number" min={2} value={f.bidWindow} onInput={set("bidWindow")} />
        </Field>
      </div>
      <fieldset>
        <legend>Target location: click the map or type coordinates</legend>
        <WorldMap label="Pick the task's target location" onPick={(la, lo) => setF({ ...f, lat: la.toFixed(4), lon: lo.toFixed(4) })} testid="task-map">
          {dot ? <circle cx={dot.x} cy={dot.y} r="3" class="target" /> : null}
        </WorldMap>
        <div class="row">
          <Field id="task-lat" label="Latitude (°)" error={errors.lat}>
            <input {...inputProps("task-lat", errors.lat)} inputMode="decimal" value={f.lat} onInput={set("lat")} />
          </Field>
          <Field id="task-lon" label="Longitude (°)" error={errors.lon}>
            <input {...inputProps("task-lon", errors.lon)} inputMode="decimal" value={f.lon} onInput={set("lon")} />
          </Field>
        </div>
      </fieldset>
      <button type="submit" disabled={act.busy} data-testid="task-submit">
        Create task
      </button>
      <Status error={act.error} done={act.done} busy={act.busy} busyText="Publishing the spec and creating the task: approve in your wallet…" testid="task-status" />
    </form>
  );
}

interface Decrypted {
  text: string;
  format: "jsonl" | "csv";
  records: number;
  bytes: number;
  chunks: number;
  provider: string;
}

/** Fetches, verifies and decrypts a task's revealed result in the browser. */
async function fetchResult(ctx: Ctx, task: PublicKey): Promise<Decrypted> {
  if (!ctx.wallet) throw new Error("connect the wallet that commissioned the task: its key opens the result");
  const t = await ctx.client.tasks.fetchTask(task);
  if (!t) throw new Error(`no task at ${task.toBase58()}`);
  const nodes = new Map((await ctx.client.registry.fetchNodes()).map(({ address, node }) => [address.toBase58(), node]));
  const slots = (t.slots as { node: PublicKey }[]).slice(0, t.assignedCount);
  const settled = t.status === TASK_STATUS.SETTLED && t.redundancy > 1;
  const errors: string[] = [];
  const { keyPair } = await x25519For(ctx.wallet);
  for (const [rank, s] of slots.entries()) {
    if (settled && (t.agreeMask & (1 << rank)) === 0) continue;
    const node = nodes.get(s.node.toBase58());
    if (!node) continue;
    // tasks v2 (fair exchange): an agreeing executor releases its sealed key only after settlement, on its
    // next tick; wait up to a minute for it
    let r = await ctx.client.tasks.fetchResult({ task, nodeKey: node.nodeKey });
    for (let i = 0; i < 120 && r && r.status === RESULT_STATUS.REVEALED && r.sealedKey.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 500));
      r = await ctx.client.tasks.fetchResult({ task, nodeKey: node.nodeKey });
    }
    if (!r || r.status !== RESULT_STATUS.REVEALED) continue;
    if (r.sealedKey.length === 0) {
      errors.push(`${short(node.nodeKey)}: its key is not released yet`);
      continue;
    }
    try {
      const got = await fetchChunks(ctx.endpoints.gateway, { root: hex(r.merkleRoot as number[]), locator: r.locator });
      const m = data.decodeManifest({ bytes: got.manifest });
      if (hex(m.merkleRoot) !== hex(r.merkleRoot as number[])) throw new Error("the manifest's Merkle root is not the one revealed on chain");
      if (hex(m.contentHash) !== hex(r.contentHash as number[])) throw new Error("the manifest's content hash is not the one revealed on chain");
      const key = await data.openKey({ sealed: Uint8Array.from(r.sealedKey), recipientSecretKey: keyPair.secretKey, manifest: got.manifest });
      const plain = await data.decrypt({ manifest: got.manifest, key, chunks: got.chunks, chunkHashes: got.chunkHashes });
      const text = new TextDecoder().decode(plain);
      const format = detectFormat(text);
      return { text, format, records: parseRecords(text, format).length, bytes: plain.length, chunks: got.chunks.length, provider: node.nodeKey.toBase58() };
    } catch (e) {
      errors.push(`${short(node.nodeKey)}: ${(e as Error).message}`);
    }
  }
  throw new Error(errors.length ? `no result could be fetched and decrypted: ${errors.join("; ")}` : "no revealed result yet");
}

function TaskPanel(props: { ctx: Ctx; task: PublicKey }) {
  const { ctx, task } = props;
  const state = useLoad(async () => {
    const [t, log] = await Promise.all([ctx.client.tasks.fetchTask(task), fetchTaskLog({ connection: ctx.connection, task })]);
    return { t, log };
  }, [ctx.client, task.toBase58()], 1500);
  const [result, setResult] = useState<Decrypted | null>(null);
  const act = useAction();
  const accept = useAction();
  const t = state.value?.t;
  const status = t ? (STATUS_NAME[t.status] ?? String(t.status)) : "…";
  const revealedAll = t ? t.assignedCount > 0 && t.revealCount >= t.assignedCount : false;
  const canFetch = t ? t.status === TASK_STATUS.SETTLED || (t.redundancy === 1 && revealedAll) : false;
  const settledAll = t ? t.status === TASK_STATUS.SETTLED && t.settledMask === (1 << t.assignedCount) - 1 : false;
  return (
    <article class="card" aria-labelledby={`task-${task.toBase58()}`} data-testid="task-panel">
      <h3 id={`task-${task.toBase58()}`}>
        Task {short(task, 6)} <span class={`badge ${status === "settled" ? "good" : status === "failed" || status === "cancelled" ? "bad" : "muted"}`} data-testid="task-state">{status}</span>
      </h3>
      {t ? (
        <p>
          {t.bidCount} bid{t.bidCount === 1 ? "" : "s"}, {t.assignedCount}/{t.redundancy} assigned, {t.commitCount} commit{t.commitCount === 1 ? "" : "s"}, {t.revealCount} reveal
          {t.revealCount === 1 ? "" : "s"}; escrow {formatLmr(t.payment)} LMR{settledAll ? "; every assignee paid" : ""}.
        </p>
      ) : null}
      {state.error ? <Status error={state.error} /> : null}
      <h4>Task log (program events)</h4>
      <ol class="log" aria-live="polite" data-testid="task-log">
        {(state.value?.log ?? []).map((e: TaskLogEntry) => (
          <li>
            <code>{e.event.name}</code> <span class="muted">{e.event.program}</span>{" "}
            <span class="muted" title={e.signature}>
              {short(e.signature, 6)}
            </span>
          </li>
        ))}
      </ol>
      {t && t.redundancy === 1 && revealedAll && t.status === TASK_STATUS.ASSIGNED ? (
        <p>
          Redundancy 1: settling makes the payment final; the executor then releases its key (fair exchange, docs/tasks.md). Anyone may settle, the nodes' coordinator too.{" "}
          <button type="button" disabled={accept.busy} onClick={() => accept.run(async () => ((await ctx.client.tasks.settle({ task })), "Settled"))}>
            Settle now
          </button>
          <Status error={accept.error} done={accept.done} busy={accept.busy} />
        </p>
      ) : null}
      <button type="button" disabled={!canFetch || act.busy} data-testid="fetch-result" onClick={() => act.run(async () => {
        setResult(null); // nothing from an earlier fetch stays on screen if this one fails
        const r = await fetchResult(ctx, task);
        setResult(r);
        return `Verified and decrypted ${r.bytes.toLocaleString()} bytes (${r.records} records, ${r.chunks} chunk${r.chunks === 1 ? "" : "s"}) from node ${short(r.provider)}`;
      })}>
        Fetch and decrypt the result
      </button>
      <Status error={act.error} done={act.done} busy={act.busy} busyText="Fetching chunks, verifying each against the Merkle root, decrypting…" testid="fetch-status" />
      {result ? (
        <div class="result">
          <div class="row">
            {(["jsonl", "csv"] as const).map((fmt) => (
              <button type="button" data-testid={`download-${fmt}`} onClick={() => download(`task-${task.toBase58().slice(0, 8)}.${fmt}`, fmt === result.format ? result.text : formatRecords(parseRecords(result.text, result.format), fmt), mediaTypeOf(fmt))}>
                Download {fmt.toUpperCase()}
              </button>
            ))}
          </div>
          <pre class="preview" data-testid="result-preview" tabIndex={0} aria-label="Decrypted result (first lines)">
            {result.text.split("\n").slice(0, 12).join("\n")}
          </pre>
        </div>
      ) : null}
    </article>
  );
}

/** How many of the wallet's tasks the view lists (newest first). */
const TASKS_SHOWN = 10;

export function ConsumerView(props: { ctx: Ctx }) {
  const { ctx } = props;
  // the wallet's tasks from chain (nothing kept in the browser: another browser shows the same list)
  const [created, setCreated] = useState<PublicKey[]>([]);
  const owner = ctx.wallet?.publicKey ?? null;
  const mine = useLoad(
    async () => {
      if (!owner) return [];
      const rows = await ctx.client.tasks.fetchTasks({ consumer: owner });
      return rows.sort((x, y) => Number(BigInt(y.task.createdAt.toString()) - BigInt(x.task.createdAt.toString()))).map((r) => r.address);
    },
    [ctx.client, owner?.toBase58()],
    10_000,
  );
  const seen = new Set<string>();
  const tasks = [...created, ...(mine.value ?? [])].filter((t) => (seen.has(t.toBase58()) ? false : (seen.add(t.toBase58()), true))).slice(0, TASKS_SHOWN);
  return (
    <section aria-labelledby="consumer-h">
      <h2 id="consumer-h">Commission data</h2>
      {!ctx.wallet ? <p class="muted">Connect a wallet to create tasks: it funds the escrow and holds the key that opens the results.</p> : null}
      <TaskForm ctx={ctx} onCreated={(t) => setCreated([t, ...created])} />
      <h2>Your tasks</h2>
      {mine.error ? <Status error={mine.error} /> : null}
      {ctx.wallet && tasks.length === 0 && !mine.loading ? <p class="empty">No task commissioned by this wallet yet.</p> : null}
      {tasks.map((t) => (
        <TaskPanel key={t.toBase58()} ctx={ctx} task={t} />
      ))}
    </section>
  );
}
