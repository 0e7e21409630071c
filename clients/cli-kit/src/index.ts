/**
 * `@lumora/cli-kit` — the one command-line convention of Lumora's commands (`lumora-node`,
 * `lumora-consumer`, the demo, the chain CLI; `./lumora` follows it in bash):
 *
 * - `node:util` `parseArgs` in strict mode: an unknown flag, a missing value or a stray argument is a
 *   usage error naming it;
 * - every flag is declared once with its help, default and what it accepts; `--help` is generated from
 *   that declaration, so it lists every flag with its default and range;
 * - values are checked at parse time (`--nodes must be an integer in [3, 7], got "8"`);
 * - exit codes 0 ok, 1 failure, 2 usage; a message on stderr (or `{ error, message }` on stdout with
 *   `--json`), the stack trace only with `--debug`.
 *
 * A client package of its own (not the SDK: the SDK is the protocol, this is how our commands talk), with
 * no dependency beyond Node. `./node-version` is the plain-JavaScript check the bins run first.
 */
import { parseArgs } from "node:util";

/** A bad flag, value or argument: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a string flag accepts: shown in --help and in the error, checked at parse time. */
export interface Accepts {
  /** e.g. "an integer in [3, 7]" */
  accepts: string;
  check(v: string): boolean;
}

export interface FlagSpec {
  type: "string" | "boolean";
  help: string;
  /** Placeholder shown in help: `--rpc URL`. */
  value?: string;
  /** Shown in help and used when the flag is absent. */
  default?: string;
  /** Shown in help as the default when it is not a plain value ("the spec file's task.redundancy, else 2"). */
  defaultText?: string;
  /** Repeatable (the values are a list). */
  multiple?: boolean;
  short?: string;
  /** Checked for every value given (not for the default). */
  accepts?: Accepts;
  /** Must be given. */
  required?: boolean;
}

export interface PositionalSpec {
  name: string;
  help: string;
  optional?: boolean;
  accepts?: Accepts;
}

export interface CommandSpec {
  /** One or two words: "init", "task create". */
  name: string;
  summary: string;
  positionals?: PositionalSpec[];
  flags?: Record<string, FlagSpec>;
  /** Lines added after the flags (examples, notes). */
  notes?: string[];
}

export interface ProgramSpec {
  /** The command's name as the user types it (`lumora-node`). */
  name: string;
  summary: string;
  commands: CommandSpec[];
  /** Flags every command takes (besides --help, --json, --debug). */
  global?: Record<string, FlagSpec>;
  /** Takes no command word: the program is its one command (the demo, the chain CLI). */
  single?: boolean;
  /** Lines added after the command list. */
  notes?: string[];
}

/** The flags every command has. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { type: "boolean", short: "h", help: "print this help and exit" },
  json: { type: "boolean", help: "one JSON document on stdout (errors too: { error, message })" },
  debug: { type: "boolean", help: "print the stack trace of an error" },
};

export const int = (min: number, max: number): Accepts => ({
  accepts: `an integer in [${min}, ${max}]`,
  check: (v) => /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max,
});

export const bigint = (min: bigint, max: bigint, unit = ""): Accepts => ({
  accepts: `an integer in [${min}, ${max}]${unit ? ` ${unit}` : ""}`,
  check: (v) => /^-?\d+$/.test(v) && BigInt(v) >= min && BigInt(v) <= max,
});

export const oneOf = (...values: string[]): Accepts => ({ accepts: `one of ${values.join(", ")}`, check: (v) => values.includes(v) });

export const listOf = (...values: string[]): Accepts => ({
  accepts: `a comma-separated list of ${values.join(", ")}`,
  check: (v) => v.split(",").every((x) => values.includes(x.trim())),
});

export const httpUrl: Accepts = {
  accepts: "an http(s) URL",
  check: (v) => {
    try {
      return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
};

export const multiaddr: Accepts = { accepts: "a multiaddr (/ip4/…/tcp/…)", check: (v) => v.startsWith("/") };

/** A base-58 string of 32–44 characters (a public key; the caller decodes it). */
export const base58Key: Accepts = { accepts: "a base-58 address", check: (v) => /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(v) };

/** LMR's decimals (the mint's; base units per LMR = 10^6). */
export const LMR_DECIMALS = 6;

/**
 * How every command shows an amount of LMR: tokens with all 6 decimals, `1000000000n` → `"1,000.000000 LMR"`
 * (JSON output keeps base units as decimal strings; flags take base units and say so).
 */
export function formatLmr(units: bigint | string | number): string {
  const u = BigInt(units);
  const abs = u < 0n ? -u : u;
  const scale = 10n ** BigInt(LMR_DECIMALS);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${u < 0n ? "-" : ""}${whole}.${(abs % scale).toString().padStart(LMR_DECIMALS, "0")} LMR`;
}

/** The parsed command line of one command, read through typed getters. */
export class Parsed {
  constructor(
    readonly command: CommandSpec,
    readonly values: Record<string, string | boolean | string[] | undefined>,
    readonly positionals: string[],
  ) {}
  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== false;
  }
  str(name: string): string | undefined {
    const v = this.values[name];
    return Array.isArray(v) ? v.at(-1) : typeof v === "string" ? v : undefined;
  }
  list(name: string): string[] {
    const v = this.values[name];
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  }
  int(name: string): number | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : Number(v);
  }
  big(name: string): bigint | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : BigInt(v);
  }
  bool(name: string): boolean {
    return this.values[name] === true;
  }
  /** Whether the user typed the flag (not only its default). */
  given(name: string): boolean {
    return this.explicit.has(name);
  }
  explicit = new Set<string>();
}

function flagsOf(program: ProgramSpec, cmd: CommandSpec): Record<string, FlagSpec> {
  return { ...cmd.flags, ...program.global, ...COMMON_FLAGS };
}

/** Finds the command named by the leading words of argv (longest match). */
function findCommand(program: ProgramSpec, argv: string[]): { cmd: CommandSpec; rest: string[] } | null {
  if (program.single) return { cmd: program.commands[0]!, rest: argv };
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const cmd = program.commands.find((c) => c.name === name);
    if (cmd && argv.slice(0, words).every((w) => !w.startsWith("-"))) return { cmd, rest: argv.slice(words) };
  }
  return null;
}

export type ParseResult = { kind: "help"; text: string } | { kind: "run"; args: Parsed };

/**
 * Parses `argv` (without the node and script paths) against the program: `{ kind: "help" }` when help
 * was asked for (no command, `help`, `--help`, `<cmd> --help`), else the parsed command. Throws
 * UsageError naming the flag or argument at fault.
 */
export function parse(program: ProgramSpec, argv: string[]): ParseResult {
  if (!program.single && (argv.length === 0 || argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h")) {
    const sub = argv[0] === "help" ? findCommand(program, argv.slice(1)) : null;
    return { kind: "help", text: sub ? commandHelp(program, sub.cmd) : programHelp(program) };
  }
  const found = findCommand(program, argv);
  if (!found) {
    const words = argv.filter((w) => !w.startsWith("-")).slice(0, 2).join(" ");
    throw new UsageError(`unknown command ${JSON.stringify(words || argv[0])} (one of: ${program.commands.map((c) => c.name).join(", ")}; see \`${program.name} --help\`)`);
  }
  const { cmd, rest } = found;
  const flags = flagsOf(program, cmd);
  if (rest.includes("--help") || rest.includes("-h")) return { kind: "help", text: commandHelp(program, cmd) };
  const options = Object.fromEntries(
    Object.entries(flags).map(([k, f]) => [k, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]),
  );
  const where = program.single ? program.name : `${program.name} ${cmd.name}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: withNegativeValues(rest, flags), options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(`${where}: ${explainParseError(e as Error & { code?: string })} (see \`${where} --help\`)`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const p = new Parsed(cmd, { ...values }, parsed.positionals);
  for (const [k, f] of Object.entries(flags)) {
    const v = values[k];
    if (v !== undefined) p.explicit.add(k);
    if (f.accepts && v !== undefined)
      for (const x of Array.isArray(v) ? v : [v as string])
        if (!f.accepts.check(x)) throw new UsageError(`${where}: --${k} must be ${f.accepts.accepts}, got ${JSON.stringify(x)}`);
    if (v === undefined && f.default !== undefined && f.type === "string") p.values[k] = f.multiple ? [f.default] : f.default;
    if (v === undefined && f.required) throw new UsageError(`${where}: --${k}${f.value ? ` ${f.value}` : ""} is required (see \`${where} --help\`)`);
  }
  const pos = cmd.positionals ?? [];
  const needed = pos.filter((x) => !x.optional).length;
  if (p.positionals.length < needed) throw new UsageError(`${where}: missing ${pos.slice(p.positionals.length, needed).map((x) => x.name).join(" ")} (usage: ${usageLine(program, cmd)})`);
  if (p.positionals.length > pos.length) throw new UsageError(`${where}: unexpected argument ${JSON.stringify(p.positionals[pos.length])} (usage: ${usageLine(program, cmd)})`);
  pos.forEach((x, i) => {
    const v = p.positionals[i];
    if (v !== undefined && x.accepts && !x.accepts.check(v)) throw new UsageError(`${where}: ${x.name} must be ${x.accepts.accepts}, got ${JSON.stringify(v)}`);
  });
  return { kind: "run", args: p };
}

/** `--lat-e6 -23550520`: a negative number after a flag that takes a value is that value (parseArgs alone refuses it as ambiguous). */
function withNegativeValues(argv: string[], flags: Record<string, FlagSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith("--") && !a.includes("=") && flags[a.slice(2)]?.type === "string" && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function explainParseError(e: Error & { code?: string }): string {
  // node:util's messages, shortened to the flag and what to do
  const m = e.message;
  let x: RegExpMatchArray | null;
  if ((x = m.match(/Unknown option '([^']+)'/))) return `unknown flag ${x[1]}`;
  if ((x = m.match(/Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/))) return `${x[1]} needs a value`;
  if ((x = m.match(/Option '(?:-\w, )?(--[\w-]+)[^']*' does not take an argument/))) return `${x[1]} takes no value`;
  return m.split("\n")[0]!;
}

function usageLine(program: ProgramSpec, cmd: CommandSpec): string {
  const pos = (cmd.positionals ?? []).map((x) => (x.optional ? `[${x.name}]` : x.name)).join(" ");
  const req = Object.entries(cmd.flags ?? {})
    .filter(([, f]) => f.required)
    .map(([k, f]) => `--${k}${f.value ? ` ${f.value}` : ""}`)
    .join(" ");
  return [program.name, program.single ? "" : cmd.name, pos, req, "[flags]"].filter(Boolean).join(" ");
}

function flagLines(flags: Record<string, FlagSpec>): string[] {
  const rows = Object.entries(flags).map(([k, f]) => {
    const left = `${f.short ? `-${f.short}, ` : "    "}--${k}${f.type === "string" ? ` ${f.value ?? "VALUE"}` : ""}`;
    const extra = [f.required ? "required" : "", f.accepts ? f.accepts.accepts : "", f.default !== undefined ? `default ${f.default}` : f.defaultText !== undefined ? `default ${f.defaultText}` : f.type === "boolean" ? "" : f.required ? "" : "optional", f.multiple ? "repeatable" : ""].filter(Boolean);
    return [left, `${f.help}${extra.length ? ` (${extra.join("; ")})` : ""}`] as const;
  });
  const w = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  return rows.map(([l, r]) => `  ${l.padEnd(w)}${l.length >= w ? "\n  " + " ".repeat(w) : ""}${r}`);
}

/** The help of one command: usage, arguments, every flag with its default and range. */
export function commandHelp(program: ProgramSpec, cmd: CommandSpec): string {
  const out = [`usage: ${usageLine(program, cmd)}`, "", cmd.summary];
  if (cmd.positionals?.length) out.push("", "arguments:", ...cmd.positionals.map((x) => `  ${x.name.padEnd(12)}${x.help}${x.accepts ? ` (${x.accepts.accepts})` : ""}${x.optional ? " (optional)" : ""}`));
  if (cmd.flags && Object.keys(cmd.flags).length) out.push("", "flags:", ...flagLines(cmd.flags));
  if (program.global && Object.keys(program.global).length) out.push("", "global flags:", ...flagLines(program.global));
  out.push("", "common flags:", ...flagLines(COMMON_FLAGS));
  if (cmd.notes?.length) out.push("", ...cmd.notes);
  out.push("", "exit codes: 0 ok, 1 failure, 2 usage error");
  return out.join("\n");
}

/** The program's help: its commands; `<command> --help` lists each one's flags. */
export function programHelp(program: ProgramSpec): string {
  if (program.single) return commandHelp(program, program.commands[0]!);
  const w = Math.max(...program.commands.map((c) => c.name.length)) + 2;
  const out = [`usage: ${program.name} <command> [flags]`, "", program.summary, "", "commands:", ...program.commands.map((c) => `  ${c.name.padEnd(w)}${c.summary}`)];
  if (program.notes?.length) out.push("", ...program.notes);
  out.push("", `\`${program.name} <command> --help\` lists the command's flags with their defaults and ranges.`, "exit codes: 0 ok, 1 failure, 2 usage error");
  return out.join("\n");
}

export interface RunOptions {
  /** Extra errors that are the user's to fix (exit 2), with the `error` kind printed under --json. */
  usageErrors?: (e: unknown) => string | null;
  /** The `error` kind printed under --json for other errors (default "error"). */
  kind?: (e: unknown) => string;
}

/**
 * Parses argv and runs the command: prints help (exit 0), runs `handler` (its number is the exit code;
 * -1 means it keeps running, as a daemon does), maps errors to exit codes 2 (usage) and 1 (failure)
 * with a message, or `{ error, message }` under --json; the stack only with --debug.
 */
export async function runCommand(program: ProgramSpec, argv: string[], handler: (a: Parsed) => Promise<number | void>, opts: RunOptions = {}): Promise<number> {
  const json = argv.includes("--json");
  const debug = argv.includes("--debug");
  try {
    const r = parse(program, argv);
    if (r.kind === "help") {
      console.log(r.text);
      return 0;
    }
    return (await handler(r.args)) ?? 0;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const usageKind = e instanceof UsageError ? "usage" : (opts.usageErrors?.(e) ?? null);
    const kind = usageKind ?? opts.kind?.(e) ?? "error";
    if (json) console.log(JSON.stringify({ error: kind, message: err.message }));
    else console.error(err.message.startsWith(program.name) ? err.message : `${program.name}: ${err.message}`);
    if (debug && err.stack) console.error(err.stack);
    return usageKind ? 2 : 1;
  }
}
