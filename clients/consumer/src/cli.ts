/**
 * `lumora-consumer` — the data consumer's command line (docs/consumer.md).
 *
 *   task create --spec FILE [--lat-e6 N --lon-e6 N --redundancy N --backups N --budget LMR_BASE_UNITS
 *               --bid-window-secs N --commit-window-secs N --reveal-window-secs N --task-id N]
 *   task watch TASK [--accept] [--timeout-secs N]
 *   data fetch TASK --out FILE [--format jsonl|csv]
 *   dataset list [--seller PUBKEY] [--max-price N] [--task TASK]
 *   dataset sell TASK --price N [--locator MA]
 *   dataset deliver [--watch-secs N]
 *   dataset buy DATASET --out FILE [--max-price N] [--format jsonl|csv] [--wait-secs N]
 *   dataset provenance DATASET
 *   network
 *
 * Global: --rpc URL (default $LUMORA_RPC or http://127.0.0.1:8899), --keypair FILE (default
 * ~/.config/solana/id.json), --x25519-key FILE, --bootstrap MA (repeatable), --allow-loopback, --json.
 * With --json, stdout carries exactly one JSON document; progress lines always go to stderr.
 * Exit codes: 0 done, 2 usage or input error (bad flags, malformed spec, unknown dataset, insufficient
 * funds), 1 anything else (unreachable RPC, peers, chain errors).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PublicKey } from "@solana/web3.js";
import { LumoraError, TASK_BOUNDS, TaskSpecError, parseTaskSpec } from "@lumora/sdk";
import { Consumer, ConsumerError, type CreateTaskArgs, InputError, type TaskProgress } from "./consumer.js";

/** Bad flags or input files (exit code 2). */
export class UsageError extends Error {}

interface Args {
  words: string[];
  flags: Map<string, string[]>;
}

const BOOLEAN = ["json", "accept", "allow-loopback", "help"];

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string[]>();
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const k = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    const v = eq >= 0 ? a.slice(eq + 1) : BOOLEAN.includes(k) ? "true" : argv[++i];
    if (v === undefined) throw new UsageError(`--${k} needs a value`);
    flags.set(k, [...(flags.get(k) ?? []), v]);
  }
  return { words, flags };
}

const one = (a: Args, k: string) => a.flags.get(k)?.at(-1);

function intFlag(a: Args, k: string): number | undefined {
  const v = one(a, k);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${k} must be an integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function bigFlag(a: Args, k: string): bigint | undefined {
  const v = one(a, k);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${k} must be a non-negative integer (LMR base units), got ${JSON.stringify(v)}`);
  return BigInt(v);
}

function pubkey(v: string | undefined, what: string): PublicKey {
  if (!v) throw new UsageError(`${what} is required`);
  try {
    return new PublicKey(v);
  } catch {
    throw new UsageError(`${what} must be a base58 address, got ${JSON.stringify(v)}`);
  }
}

function format(a: Args): "jsonl" | "csv" | undefined {
  const f = one(a, "format");
  if (f === undefined) return undefined;
  if (f !== "jsonl" && f !== "csv") throw new UsageError(`--format must be jsonl or csv, got ${JSON.stringify(f)}`);
  return f;
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x instanceof PublicKey ? x.toBase58() : x instanceof Uint8Array ? Buffer.from(x).toString("hex") : x), 2);

/** An event's fields for JSON: keys → base58, big numbers → decimal strings, byte arrays → hex. */
function plain(v: unknown): unknown {
  if (v instanceof PublicKey) return v.toBase58();
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (v && typeof v === "object" && "toArrayLike" in v && "toString" in v) return (v as { toString(base?: number): string }).toString(10); // BN
  if (Array.isArray(v)) return v.length > 0 && v.every((x) => typeof x === "number") ? Buffer.from(v as number[]).toString("hex") : v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function out(a: Args, doc: unknown, text: string): void {
  if (a.flags.has("json")) console.log(json(doc));
  else console.log(text);
}

/** Defaults of the spec file's `task` section. */
export const TASK_DEFAULTS = Object.freeze({ latE6: 0, lonE6: 0, redundancy: 2, maxBackups: 0, bidWindowSecs: 10, commitWindowSecs: 300, revealWindowSecs: 300 });

/**
 * Reads a spec file: `{ "spec": TaskSpec, "task": { latE6, lonE6, redundancy, maxBackups, budget,
 * bidWindowSecs, commitWindowSecs, revealWindowSecs } }`, or a bare TaskSpec (then every task
 * parameter comes from flags or defaults). Flags override the file. Errors name the field.
 */
export function readSpecFile(file: string, argv: string[] = []): CreateTaskArgs {
  return specFromFile(file, parseArgs(argv));
}

function specFromFile(file: string, a: Args): CreateTaskArgs {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--spec ${file}: ${(e as Error).message.split("\n")[0]} (a JSON file: { "spec": {...}, "task": {...} }, see docs/consumer.md)`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UsageError(`--spec ${file}: must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  const wrapped = "spec" in obj;
  if (wrapped) for (const k of Object.keys(obj)) if (k !== "spec" && k !== "task") throw new UsageError(`--spec ${file}: unknown key ${JSON.stringify(k)} (expected "spec" and "task")`);
  const specRaw = wrapped ? obj.spec : obj;
  try {
    parseTaskSpec(specRaw);
  } catch (e) {
    if (e instanceof TaskSpecError) throw new UsageError(`--spec ${file}: spec.${(e as TaskSpecError & { path: string }).path}: ${e.message.replace(/^.*?: /, "")}`);
    throw e;
  }
  const task = (wrapped ? (obj.task ?? {}) : {}) as Record<string, unknown>;
  if (typeof task !== "object" || task === null || Array.isArray(task)) throw new UsageError(`--spec ${file}: task must be an object`);
  const known = ["latE6", "lonE6", "redundancy", "maxBackups", "budget", "bidWindowSecs", "commitWindowSecs", "revealWindowSecs", "taskId"];
  for (const k of Object.keys(task)) if (!known.includes(k)) throw new UsageError(`--spec ${file}: task.${k}: unknown key (one of ${known.join(", ")})`);
  const int = (k: string, flag: string, min: number, max: number, dflt?: number): number => {
    const f = intFlag(a, flag);
    const v = f ?? task[k] ?? dflt;
    if (v === undefined) throw new UsageError(`--spec ${file}: task.${k} is required (or pass --${flag})`);
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new UsageError(`--spec ${file}: task.${k} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    return v;
  };
  const budgetRaw = one(a, "budget") ?? task.budget;
  if (budgetRaw === undefined) throw new UsageError(`--spec ${file}: task.budget is required (LMR base units; or pass --budget N)`);
  if ((typeof budgetRaw !== "string" && typeof budgetRaw !== "number") || !/^\d+$/.test(String(budgetRaw)) || BigInt(budgetRaw) <= 0n)
    throw new UsageError(`--spec ${file}: task.budget must be a positive integer of LMR base units (a string for big values), got ${JSON.stringify(budgetRaw)}`);
  const taskId = one(a, "task-id") ?? task.taskId;
  if (taskId !== undefined && !/^\d+$/.test(String(taskId))) throw new UsageError(`--spec ${file}: task.taskId must be a non-negative integer`);
  return {
    spec: specRaw,
    latE6: int("latE6", "lat-e6", -90_000_000, 90_000_000, TASK_DEFAULTS.latE6),
    lonE6: int("lonE6", "lon-e6", -180_000_000, 180_000_000, TASK_DEFAULTS.lonE6),
    redundancy: int("redundancy", "redundancy", 1, TASK_BOUNDS.maxRedundancy, TASK_DEFAULTS.redundancy),
    maxBackups: int("maxBackups", "backups", 0, TASK_BOUNDS.maxBackups, TASK_DEFAULTS.maxBackups),
    payment: BigInt(budgetRaw as string),
    bidWindowSecs: int("bidWindowSecs", "bid-window-secs", 1, TASK_BOUNDS.maxBidWindowSecs, TASK_DEFAULTS.bidWindowSecs),
    commitWindowSecs: int("commitWindowSecs", "commit-window-secs", 1, TASK_BOUNDS.maxExecutionSecs, TASK_DEFAULTS.commitWindowSecs),
    revealWindowSecs: int("revealWindowSecs", "reveal-window-secs", 1, TASK_BOUNDS.maxExecutionSecs, TASK_DEFAULTS.revealWindowSecs),
    ...(taskId !== undefined ? { taskId: BigInt(taskId as string) } : {}),
  };
}

const HELP = `lumora-consumer <command> [--rpc URL] [--keypair FILE] [--x25519-key FILE] [--bootstrap MA]... [--allow-loopback] [--json]
  task create --spec FILE [--redundancy N --backups N --budget N --lat-e6 N --lon-e6 N --bid-window-secs N ...]
  task watch TASK [--accept] [--timeout-secs N]
  data fetch TASK --out FILE [--format jsonl|csv]
  dataset list [--seller PUBKEY] [--max-price N] [--task TASK]
  dataset sell TASK --price N [--locator MA]
  dataset deliver [--watch-secs N]
  dataset buy DATASET --out FILE [--max-price N] [--format jsonl|csv] [--wait-secs N]
  dataset provenance DATASET
  network`;

async function openConsumer(a: Args): Promise<Consumer> {
  const keypair = one(a, "keypair") ?? path.join(os.homedir(), ".config", "solana", "id.json");
  if (!fs.existsSync(keypair)) throw new UsageError(`keypair ${keypair} does not exist: pass --keypair FILE (a Solana CLI keypair)`);
  return Consumer.open({
    rpc: one(a, "rpc") ?? process.env.LUMORA_RPC ?? "http://127.0.0.1:8899",
    keypair,
    x25519KeyFile: one(a, "x25519-key"),
    bootstrap: a.flags.get("bootstrap"),
    allowLoopback: a.flags.has("allow-loopback"),
    progress: (m) => process.stderr.write(`… ${m}\n`),
  });
}

function progressLine(p: TaskProgress): string {
  const bidders = p.bidders.map((b) => `${b.node.slice(0, 8)}…=${b.score}`).join(" ");
  return `${p.status.padEnd(9)} bids ${p.bids} [${bidders}]  assigned ${p.assignees.length}/${p.redundancy}  commits ${p.commits}  reveals ${p.reveals}  settled ${p.settledAssignees}  agree ${p.agree}`;
}

async function run(a: Args): Promise<void> {
  const [group, cmd, arg] = a.words;
  const key = `${group ?? ""} ${cmd ?? ""}`.trim();
  const known = ["task create", "task watch", "data fetch", "dataset list", "dataset sell", "dataset deliver", "dataset buy", "dataset provenance", "network"];
  if (!known.includes(group === "network" ? "network" : key)) throw new UsageError(`unknown command ${JSON.stringify(a.words.join(" "))}\n${HELP}`);
  // validate input before touching the network
  let create: CreateTaskArgs | undefined;
  if (key === "task create") {
    const spec = one(a, "spec");
    if (!spec) throw new UsageError("task create needs --spec FILE");
    create = specFromFile(spec, a);
  }
  const c = await openConsumer(a);
  try {
    switch (group === "network" ? "network" : key) {
      case "task create": {
        const r = await c.createTask(create!);
        out(a, { task: r.task.toBase58(), taskId: r.taskId.toString(), specHash: r.specHash, signature: r.signature, consumer: c.keypair.publicKey.toBase58() }, `task ${r.task.toBase58()} created (id ${r.taskId}, spec ${r.specHash})\nwatch it: lumora-consumer task watch ${r.task.toBase58()}`);
        return;
      }
      case "task watch": {
        const task = pubkey(arg, "TASK");
        const timeoutMs = (intFlag(a, "timeout-secs") ?? 600) * 1000;
        const history: TaskProgress[] = [];
        const onUpdate = (p: TaskProgress) => {
          history.push(p);
          if (a.flags.has("json")) process.stderr.write(`… ${progressLine(p)}\n`);
          else console.log(progressLine(p));
        };
        let p: TaskProgress;
        let accepted: string | null = null;
        const first = await c.taskProgress(task);
        if (first.redundancy === 1) {
          p = await c.watchTask(task, { onUpdate, until: "revealed", timeoutMs });
          if (p.status === "assigned" && a.flags.has("accept")) {
            accepted = await c.acceptResult(task);
            p = await c.watchTask(task, { onUpdate, until: "settled", timeoutMs });
          } else if (p.status === "assigned") process.stderr.write(`… the result is revealed: check it with \`data fetch\`, then settle with \`task watch ${task.toBase58()} --accept\`\n`);
        } else p = await c.watchTask(task, { onUpdate, until: "settled", timeoutMs });
        out(a, { ...p, accepted, history }, `task ${task.toBase58()}: ${p.status}${accepted ? ` (accepted in ${accepted})` : ""}`);
        if (p.status === "failed" || p.status === "cancelled") throw new ConsumerError(`task ${task.toBase58()} ${p.status}`);
        return;
      }
      case "data fetch": {
        const task = pubkey(arg, "TASK");
        const file = one(a, "out");
        if (!file) throw new UsageError("data fetch needs --out FILE");
        const r = await c.fetchData(task, { out: file, format: format(a) });
        const { key: _key, data: _data, ...doc } = r;
        out(a, doc, `${r.records} records, ${r.bytes} bytes (${r.format}) → ${file}\nverified ${r.chunks} chunks against Merkle root ${r.merkleRoot}`);
        return;
      }
      case "dataset list": {
        const rows = await c.datasets({
          ...(one(a, "seller") ? { seller: pubkey(one(a, "seller"), "--seller") } : {}),
          ...(bigFlag(a, "max-price") !== undefined ? { maxPrice: bigFlag(a, "max-price") } : {}),
          ...(one(a, "task") ? { provenanceTask: pubkey(one(a, "task"), "--task") } : {}),
        });
        out(a, { datasets: rows }, rows.map((d) => `${d.dataset}  ${d.price} LMR  ${d.records} records  ${d.sizeBytes} B  seller ${d.seller}  tasks ${d.provenance.join(",")}`).join("\n") || "no datasets listed");
        return;
      }
      case "dataset sell": {
        const task = pubkey(arg, "TASK");
        const price = bigFlag(a, "price");
        if (price === undefined) throw new UsageError("dataset sell needs --price N (LMR base units)");
        const r = await c.listDataset({ task, price, locator: one(a, "locator") });
        out(a, { dataset: r.dataset.toBase58(), datasetId: r.datasetId.toString(), signature: r.signature }, `dataset ${r.dataset.toBase58()} listed; run \`lumora-consumer dataset deliver\` to hand keys to buyers`);
        return;
      }
      case "dataset deliver": {
        const watchMs = (intFlag(a, "watch-secs") ?? 0) * 1000;
        const end = Date.now() + watchMs;
        const delivered = [];
        for (;;) {
          delivered.push(...(await c.deliverPendingKeys()));
          if (Date.now() >= end) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        out(a, { delivered }, delivered.map((d) => `delivered ${d.dataset} → ${d.buyer}`).join("\n") || "no purchase waiting for a key");
        return;
      }
      case "dataset buy": {
        const dataset = pubkey(arg, "DATASET");
        const file = one(a, "out");
        if (!file) throw new UsageError("dataset buy needs --out FILE");
        const r = await c.buyDataset(dataset, { out: file, format: format(a), maxPrice: bigFlag(a, "max-price"), waitMs: (intFlag(a, "wait-secs") ?? 300) * 1000 });
        const { data: _data, ...doc } = r;
        out(a, doc, `bought ${r.dataset} for ${r.price} LMR: ${r.records} records, ${r.bytes} bytes → ${file}`);
        return;
      }
      case "dataset provenance": {
        const dataset = pubkey(arg, "DATASET");
        const p = await c.provenance(dataset);
        const doc = {
          dataset: p.dataset.toBase58(),
          listing: p.listing ? plain(p.listing) : null,
          tasks: p.tasks.map((t) => ({
            task: t.task.toBase58(),
            consumer: t.consumer?.toBase58() ?? null,
            specHash: t.specHash ? Buffer.from(t.specHash).toString("hex") : null,
            assignees: t.assignees.map((x) => x.toBase58()),
            results: t.results.map((r) => ({ node: r.node.toBase58(), contentHash: Buffer.from(r.contentHash).toString("hex"), merkleRoot: Buffer.from(r.merkleRoot).toString("hex"), byteCount: r.byteCount.toString(), locator: r.locator, matchesCommitment: r.matchesCommitment })),
            settlement: t.settlement ? { success: t.settlement.success, winningHash: Buffer.from(t.settlement.winningHash).toString("hex") } : null,
            events: t.log.map((e) => e.event.name),
          })),
          ledger: p.ledger.map((l) => ({ signature: l.signature, event: l.event.name, data: plain(l.event.data) })),
        };
        out(
          a,
          doc,
          [`dataset ${doc.dataset}`, ...doc.tasks.flatMap((t) => [`  task ${t.task} by ${t.consumer}: ${t.settlement ? (t.settlement.success ? "settled" : "failed") : "unsettled"}`, ...t.assignees.map((x) => `    assignee ${x}`), ...t.results.map((r) => `    result ${r.node}: ${r.byteCount} B, root ${r.merkleRoot.slice(0, 16)}…`)]), ...doc.ledger.map((l) => `  ${l.event} ${l.signature}`)].join("\n"),
        );
        return;
      }
      case "network": {
        const n = await c.network();
        out(a, n, [`epoch ${n.epoch} (${n.epochLengthSecs} s)`, ...n.nodes.map((x) => `${x.nodeKey}  ${x.roles.join(",")}  shard ${x.shard}  rep ${x.reputation}  stake ${x.stake}  ${x.active ? "active" : "inactive"}${x.jailed ? " jailed" : ""}  ${x.multiaddr}`)].join("\n"));
        return;
      }
    }
  } finally {
    await c.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  let a: Args | undefined;
  try {
    a = parseArgs(argv);
    if (a.words.length === 0 || a.words[0] === "help" || a.flags.has("help")) {
      console.log(HELP);
      return 0;
    }
    await run(a);
    return 0;
  } catch (e) {
    const err = e as Error;
    const usage = e instanceof UsageError || e instanceof InputError;
    const kind = e instanceof UsageError ? "usage" : e instanceof InputError ? "input" : e instanceof LumoraError ? "program" : e instanceof ConsumerError ? "consumer" : "error";
    if (a?.flags.has("json")) console.log(JSON.stringify({ error: kind, message: err.message }));
    else console.error(`lumora-consumer: ${err.message}`);
    return usage ? 2 : 1;
  }
}

if (process.argv[1]?.endsWith("consumer/src/cli.ts")) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
