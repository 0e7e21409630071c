/**
 * `lumora-consumer` — the data consumer's command line (docs/consumer.md). Every command and flag is
 * declared once in PROGRAM below (`lumora-consumer <command> --help` prints it with defaults and ranges);
 * parsing follows `@lumora/cli-kit` (strict: unknown flags are usage errors).
 * With --json, stdout carries exactly one JSON document; progress lines always go to stderr.
 * Exit codes: 0 done, 2 usage or input error (bad flags, malformed spec, unknown dataset, insufficient
 * funds), 1 anything else (unreachable RPC, peers, chain errors); the stack trace only with --debug.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type FlagSpec, formatLmr, type Parsed, type PositionalSpec, type ProgramSpec, UsageError, base58Key, bigint, httpUrl, int, multiaddr, oneOf, parse, runCommand } from "@lumora/cli-kit";
import { PublicKey } from "@solana/web3.js";
import { LumoraError, TASK_BOUNDS, TaskSpecError, parseTaskSpec } from "@lumora/sdk";
import { Consumer, ConsumerError, type CreateTaskArgs, InputError, type TaskProgress } from "./consumer.js";

export { UsageError };

type Args = Parsed;
const one = (a: Args, k: string) => a.str(k);
const intFlag = (a: Args, k: string) => a.int(k);
const bigFlag = (a: Args, k: string) => a.big(k);

/** Defaults of the spec file's `task` section. */
export const TASK_DEFAULTS = Object.freeze({ latE6: 0, lonE6: 0, redundancy: 2, maxBackups: 0, bidWindowSecs: 10, commitWindowSecs: 300, revealWindowSecs: 300 });

const TASK_ARG: PositionalSpec = { name: "TASK", help: "the task's address", accepts: base58Key };
const DATASET_ARG: PositionalSpec = { name: "DATASET", help: "the dataset's address", accepts: base58Key };
const FORMAT: FlagSpec = { type: "string", value: "FMT", help: "output format", accepts: oneOf("jsonl", "csv"), defaultText: "the format the executors produced" };
const UNITS = bigint(0n, 2n ** 64n - 1n, "LMR base units");
const secs = (help: string, dflt: number, max = 86_400): FlagSpec => ({ type: "string", value: "SECS", help, accepts: int(0, max), default: String(dflt) });
const fromSpec = (k: string, dflt: number | string) => `task.${k} in the spec file, else ${dflt}`;

/** The command line: every command and flag, with its help, default and range (`lumora-consumer <cmd> --help`). */
export const PROGRAM: ProgramSpec = {
  name: "lumora-consumer",
  summary: "The Lumora data consumer: commission scraping tasks, watch them, fetch and decrypt results, buy and sell datasets (docs/consumer.md).",
  global: {
    rpc: { type: "string", value: "URL", help: "JSON-RPC URL", accepts: httpUrl, defaultText: "$LUMORA_RPC, else http://127.0.0.1:8899" },
    keypair: { type: "string", value: "FILE", help: "the wallet (Solana CLI keypair; `./lumora keygen FILE` writes one)", defaultText: "~/.config/solana/id.json" },
    "x25519-key": { type: "string", value: "FILE", help: "the key results and purchases are sealed to (created 0600 if missing)", defaultText: "x25519.json next to the keypair" },
    bootstrap: { type: "string", value: "MA", help: "extra libp2p bootstrap peer (with /p2p/)", accepts: multiaddr, multiple: true },
    "allow-loopback": { type: "boolean", help: "TEST ONLY: dial loopback peers (a local network)" },
  },
  commands: [
    {
      name: "task create",
      summary: "Commission a scraping task from a spec file (flags override its task section).",
      flags: {
        spec: { type: "string", value: "FILE", help: "the spec file: { \"spec\": TaskSpec, \"task\": {...} } (docs/consumer.md)", required: true },
        "lat-e6": { type: "string", value: "N", help: "where the task wants its executors, micro-degrees", accepts: int(-90_000_000, 90_000_000), defaultText: fromSpec("latE6", TASK_DEFAULTS.latE6) },
        "lon-e6": { type: "string", value: "N", help: "longitude, micro-degrees", accepts: int(-180_000_000, 180_000_000), defaultText: fromSpec("lonE6", TASK_DEFAULTS.lonE6) },
        redundancy: { type: "string", value: "N", help: "executors that each run the task", accepts: int(1, TASK_BOUNDS.maxRedundancy), defaultText: fromSpec("redundancy", TASK_DEFAULTS.redundancy) },
        backups: { type: "string", value: "N", help: "backup executors", accepts: int(0, TASK_BOUNDS.maxBackups), defaultText: fromSpec("maxBackups", TASK_DEFAULTS.maxBackups) },
        budget: { type: "string", value: "UNITS", help: "payment escrowed for the executors", accepts: bigint(1n, 2n ** 64n - 1n, "LMR base units"), defaultText: "task.budget in the spec file (required there or here)" },
        "bid-window-secs": { type: "string", value: "SECS", help: "how long nodes may bid", accepts: int(1, TASK_BOUNDS.maxBidWindowSecs), defaultText: fromSpec("bidWindowSecs", TASK_DEFAULTS.bidWindowSecs) },
        "commit-window-secs": { type: "string", value: "SECS", help: "how long assignees have to commit", accepts: int(1, TASK_BOUNDS.maxExecutionSecs), defaultText: fromSpec("commitWindowSecs", TASK_DEFAULTS.commitWindowSecs) },
        "reveal-window-secs": { type: "string", value: "SECS", help: "how long assignees have to reveal", accepts: int(1, TASK_BOUNDS.maxExecutionSecs), defaultText: fromSpec("revealWindowSecs", TASK_DEFAULTS.revealWindowSecs) },
        "max-bytes": { type: "string", value: "BYTES", help: "the result's maximum size (reveals above it are refused)", accepts: bigint(1n, TASK_BOUNDS.maxResultBytes, "bytes"), defaultText: fromSpec("maxBytes", TASK_BOUNDS.defaultMaxBytes.toString()) },
        "task-id": { type: "string", value: "N", help: "the task's id", accepts: bigint(0n, 2n ** 64n - 1n), defaultText: "task.taskId in the spec file, else a fresh one" },
      },
    },
    {
      name: "task watch",
      summary: "Follow a task until it settles and its executors are paid (keys are released after settlement).",
      positionals: [TASK_ARG],
      flags: { "timeout-secs": secs("give up after", 600) },
    },
    {
      name: "data fetch",
      summary: "Fetch a settled task's encrypted chunks from its executors, verify and decrypt them.",
      positionals: [TASK_ARG],
      flags: { out: { type: "string", value: "FILE", help: "where to write the records", required: true }, format: FORMAT },
    },
    {
      name: "dataset list",
      summary: "The datasets on sale.",
      flags: {
        seller: { type: "string", value: "ADDRESS", help: "only this seller's", accepts: base58Key },
        "max-price": { type: "string", value: "UNITS", help: "only at most this price", accepts: UNITS },
        task: { type: "string", value: "TASK", help: "only datasets built from this task", accepts: base58Key },
      },
    },
    {
      name: "dataset sell",
      summary: "List a task's data for sale (then run `dataset deliver` to hand keys to buyers).",
      positionals: [TASK_ARG],
      flags: { price: { type: "string", value: "UNITS", help: "the price", accepts: UNITS, required: true }, locator: { type: "string", value: "MA", help: "where buyers fetch the chunks", accepts: multiaddr, defaultText: "the executors' addresses" } },
    },
    { name: "dataset deliver", summary: "Seal the data key to every buyer waiting for one.", flags: { "watch-secs": secs("keep delivering for", 0) } },
    {
      name: "dataset buy",
      summary: "Buy a dataset (escrowed), wait for the sealed key, fetch and decrypt the data.",
      positionals: [DATASET_ARG],
      flags: {
        out: { type: "string", value: "FILE", help: "where to write the records", required: true },
        "max-price": { type: "string", value: "UNITS", help: "refuse a higher price", accepts: UNITS },
        format: FORMAT,
        "wait-secs": secs("wait for the seller's key at most", 300),
      },
    },
    { name: "dataset provenance", summary: "The tasks, results and ledger a dataset was built from.", positionals: [DATASET_ARG] },
    { name: "network", summary: "The registered nodes and the current epoch." },
  ],
};

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
  if (a.bool("json")) console.log(json(doc));
  else console.log(text);
}


/**
 * Reads a spec file: `{ "spec": TaskSpec, "task": { latE6, lonE6, redundancy, maxBackups, budget,
 * bidWindowSecs, commitWindowSecs, revealWindowSecs } }`, or a bare TaskSpec (then every task
 * parameter comes from flags or defaults). Flags override the file. Errors name the field.
 */
export function readSpecFile(file: string, argv: string[] = []): CreateTaskArgs {
  const r = parse(PROGRAM, ["task", "create", "--spec", file, ...argv]);
  if (r.kind !== "run") throw new UsageError("readSpecFile: --help is not a spec");
  return specFromFile(file, r.args);
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
  const maxBytesRaw = one(a, "max-bytes") ?? task.maxBytes;
  if (maxBytesRaw !== undefined && (!/^\d+$/.test(String(maxBytesRaw)) || BigInt(maxBytesRaw as string) < 1n || BigInt(maxBytesRaw as string) > TASK_BOUNDS.maxResultBytes))
    throw new UsageError(`--spec ${file}: task.maxBytes must be an integer within 1 ..= ${TASK_BOUNDS.maxResultBytes}`);
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
    ...(maxBytesRaw !== undefined ? { maxBytes: BigInt(maxBytesRaw as string) } : {}),
    ...(taskId !== undefined ? { taskId: BigInt(taskId as string) } : {}),
  };
}

async function openConsumer(a: Args): Promise<Consumer> {
  const keypair = one(a, "keypair") ?? path.join(os.homedir(), ".config", "solana", "id.json");
  if (!fs.existsSync(keypair)) throw new UsageError(`keypair ${keypair} does not exist: pass --keypair FILE (a Solana CLI keypair; \`./lumora keygen FILE\` writes one)`);
  return Consumer.open({
    rpc: one(a, "rpc") ?? process.env.LUMORA_RPC ?? "http://127.0.0.1:8899",
    keypair,
    x25519KeyFile: one(a, "x25519-key"),
    bootstrap: a.list("bootstrap"),
    allowLoopback: a.bool("allow-loopback"),
    progress: (m) => process.stderr.write(`… ${m}\n`),
  });
}

function progressLine(p: TaskProgress): string {
  const bidders = p.bidders.map((b) => `${(b.nodeKey ?? b.node).slice(0, 8)}…=${b.score}`).join(" ");
  return `${p.status.padEnd(9)} bids ${p.bids} [${bidders}]  assigned ${p.assignees.length}/${p.redundancy}  commits ${p.commits}  reveals ${p.reveals}  settled ${p.settledAssignees}  agree ${p.agree}`;
}

async function run(a: Args): Promise<void> {
  const key = a.command.name;
  const arg = a.positionals[0];
  // validate input before touching the network
  let create: CreateTaskArgs | undefined;
  if (key === "task create") {
    const spec = one(a, "spec");
    if (!spec) throw new UsageError("task create needs --spec FILE");
    create = specFromFile(spec, a);
  }
  const c = await openConsumer(a);
  try {
    switch (key) {
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
          if (a.bool("json")) process.stderr.write(`… ${progressLine(p)}\n`);
          else console.log(progressLine(p));
        };
        // every r settles by the network's cranks (no consumer verdict): the data key is released only
        // after settlement, so there is nothing to accept or reject
        const p = await c.watchTask(task, { onUpdate, until: "settled", timeoutMs });
        out(a, { ...p, history }, `task ${task.toBase58()}: ${p.status}`);
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
        out(a, { datasets: rows }, rows.map((d) => `${d.dataset}  ${formatLmr(d.price)}  ${d.records} records  ${d.sizeBytes} B  seller ${d.seller}  tasks ${d.provenance.join(",")}`).join("\n") || "no datasets listed");
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
        out(a, doc, `bought ${r.dataset} for ${formatLmr(r.price)}: ${r.records} records, ${r.bytes} bytes → ${file}`);
        return;
      }
      case "dataset provenance": {
        const dataset = pubkey(arg, "DATASET");
        const p = await c.provenance(dataset);
        // nodes are named by their node key, as everywhere (the events carry their registry Node PDAs)
        const named = async (node: PublicKey) => ((await c.nodeKeyOf(node)) ?? node).toBase58();
        const keyOf = new Map<string, string>();
        for (const t of p.tasks) for (const n of [...t.assignees, ...t.results.map((r) => r.node)]) keyOf.set(n.toBase58(), await named(n));
        const doc = {
          dataset: p.dataset.toBase58(),
          listing: p.listing ? plain(p.listing) : null,
          tasks: p.tasks.map((t) => ({
            task: t.task.toBase58(),
            consumer: t.consumer?.toBase58() ?? null,
            specHash: t.specHash ? Buffer.from(t.specHash).toString("hex") : null,
            assignees: t.assignees.map((x) => keyOf.get(x.toBase58())!),
            results: t.results.map((r) => ({ node: keyOf.get(r.node.toBase58())!, contentHash: Buffer.from(r.contentHash).toString("hex"), merkleRoot: Buffer.from(r.merkleRoot).toString("hex"), byteCount: r.byteCount.toString(), locator: r.locator, matchesCommitment: r.matchesCommitment })),
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
        out(a, n, [`epoch ${n.epoch} (${n.epochLengthSecs} s)`, ...n.nodes.map((x) => `${x.nodeKey}  ${x.roles.join(",")}  shard ${x.shard}  rep ${x.reputation}  stake ${formatLmr(x.stake)}  ${x.active ? "active" : "inactive"}${x.jailed ? " jailed" : ""}  ${x.multiaddr}`)].join("\n"));
        return;
      }
    }
  } finally {
    await c.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  return runCommand(PROGRAM, argv, async (a) => void (await run(a)), {
    usageErrors: (e) => (e instanceof InputError ? "input" : null),
    kind: (e) => (e instanceof LumoraError ? "program" : e instanceof ConsumerError ? "consumer" : "error"),
  });
}

// `tsx src/cli.ts …`; the bin calls main() itself (real paths: npm's bin link is a symlink)
if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url))) process.exit(await main(process.argv.slice(2)));
