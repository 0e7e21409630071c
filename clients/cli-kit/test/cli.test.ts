/**
 * The one command-line convention: the parser itself, then every Lumora command as a user runs it —
 * `--help` on every command (exit 0, every flag listed with its default and range) and one bad flag
 * (exit 2, the flag named, no stack trace) — with the bins run through npm's bin links and through a
 * symlink of our own, and the Node version check of the bins.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type ProgramSpec, UsageError, commandHelp, formatLmr, int, parse, runCommand } from "../src/index.js";
import { nodeVersionOk } from "../src/node-version.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
const NODE = path.join(BIN, "node");
const TSX = path.join(BIN, "tsx");

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, encoding: "utf8", env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, ...opts.env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TOY: ProgramSpec = {
  name: "toy",
  summary: "a toy",
  commands: [
    { name: "go", summary: "go somewhere", positionals: [{ name: "WHERE", help: "where" }], flags: { n: { type: "string", value: "N", help: "how many", accepts: int(3, 7), default: "5" }, lat: { type: "string", value: "N", help: "lat", accepts: int(-90, 90) }, tag: { type: "string", value: "T", help: "a tag", multiple: true } } },
    { name: "task create", summary: "two words", flags: { spec: { type: "string", value: "FILE", help: "the spec", required: true } } },
  ],
};

describe("@lumora/cli-kit: the parser", () => {
  const args = (argv: string[]) => {
    const r = parse(TOY, argv);
    if (r.kind !== "run") throw new Error("help");
    return r.args;
  };
  const usage = (argv: string[]) => {
    try {
      parse(TOY, argv);
    } catch (e) {
      expect(e).to.be.instanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error(`no usage error for ${argv.join(" ")}`);
  };

  it("reads flags, defaults, repeated flags, negative numbers and two-word commands", () => {
    const a = args(["go", "home", "--tag", "x", "--tag=y", "--lat", "-45"]);
    expect(a.command.name).to.equal("go");
    expect(a.positionals).to.deep.equal(["home"]);
    expect(a.int("n")).to.equal(5);
    expect(a.given("n")).to.equal(false);
    expect(a.list("tag")).to.deep.equal(["x", "y"]);
    expect(a.int("lat")).to.equal(-45);
    expect(args(["task", "create", "--spec", "s.json"]).str("spec")).to.equal("s.json");
  });

  it("unknown flags, bad values, missing values and stray arguments are usage errors naming them", () => {
    expect(usage(["go", "home", "--colour", "red"])).to.match(/unknown flag --colour/);
    expect(usage(["go", "home", "--n", "8"])).to.match(/--n must be an integer in \[3, 7\], got "8"/);
    expect(usage(["go", "home", "--n", "abc"])).to.match(/--n must be an integer in \[3, 7\], got "abc"/);
    expect(usage(["go", "home", "--n"])).to.match(/--n needs a value/);
    expect(usage(["go"])).to.match(/missing WHERE/);
    expect(usage(["go", "a", "b"])).to.match(/unexpected argument "b"/);
    expect(usage(["task", "create"])).to.match(/--spec FILE is required/);
    expect(usage(["fly"])).to.match(/unknown command "fly"/);
  });

  it("--help anywhere answers the command's help, listing every flag with its default and range", () => {
    const r = parse(TOY, ["go", "--n", "99", "--help"]);
    expect(r.kind).to.equal("help");
    const text = commandHelp(TOY, TOY.commands[0]!);
    expect(text).to.include("--n N").and.include("an integer in [3, 7]; default 5").and.include("--tag T").and.include("repeatable").and.include("--debug");
    for (const argv of [[], ["help"], ["--help"], ["-h"]]) expect(parse(TOY, argv).kind).to.equal("help");
  });

  it("exit codes: 0 ok, 1 failure, 2 usage; the stack only with --debug", async () => {
    const errs: string[] = [];
    const orig = console.error;
    console.error = (m: string) => void errs.push(m);
    try {
      expect(await runCommand(TOY, ["go", "x"], async () => 0)).to.equal(0);
      expect(await runCommand(TOY, ["go", "x", "--bad"], async () => 0)).to.equal(2);
      expect(await runCommand(TOY, ["go", "x"], async () => Promise.reject(new Error("boom")))).to.equal(1);
      expect(errs.join("\n")).to.not.include("    at ");
      expect(await runCommand(TOY, ["go", "x", "--debug"], async () => Promise.reject(new Error("boom")))).to.equal(1);
      expect(errs.join("\n")).to.include("    at ");
    } finally {
      console.error = orig;
    }
  });

  it("amounts are shown in LMR with all 6 decimals", () => {
    expect(formatLmr(1_000_000_000n)).to.equal("1,000.000000 LMR");
    expect(formatLmr("5000")).to.equal("0.005000 LMR");
    expect(formatLmr(0)).to.equal("0.000000 LMR");
    expect(formatLmr(-1_234_500_000n)).to.equal("-1,234.500000 LMR");
  });

  it("the Node check accepts 22.19 and later only", () => {
    expect(nodeVersionOk("22.19.0")).to.equal(true);
    expect(nodeVersionOk("23.0.1")).to.equal(true);
    expect(nodeVersionOk("22.18.9")).to.equal(false);
    expect(nodeVersionOk("20.20.2")).to.equal(false);
  });
});

describe("every Lumora command: --help and one bad flag", function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-cli-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("lumora-node and lumora-consumer run through npm's bin links and through a symlink of our own", () => {
    for (const [bin, word] of [["lumora-node", "init"], ["lumora-consumer", "task create"]] as const) {
      // npm's link in node_modules/.bin
      const viaNpm = run(path.join(BIN, bin), ["--help"]);
      expect(viaNpm.code, viaNpm.err).to.equal(0);
      expect(viaNpm.out).to.include(`usage: ${bin} <command>`).and.include(word);
      // a symlink in another folder (a global install, ~/bin), run from there
      const link = path.join(tmp, bin);
      fs.symlinkSync(path.join(BIN, bin), link);
      const viaLink = run(link, ["--help"], { cwd: tmp });
      expect(viaLink.code, viaLink.err).to.equal(0);
      expect(viaLink.out).to.equal(viaNpm.out);
    }
  });

  const nodeCommands = ["init", "start", "status", "claim", "set-limit", "keygen"];
  const consumerCommands = ["task create", "task watch", "data fetch", "dataset list", "dataset sell", "dataset deliver", "dataset buy", "dataset provenance", "network"];

  it("lumora-node: every command's --help lists its flags with defaults and ranges; a bad flag exits 2 naming it", async () => {
    const { PROGRAM } = await import("../../node/src/cli.js");
    expect(PROGRAM.commands.map((c) => c.name)).to.deep.equal(nodeCommands);
    for (const c of nodeCommands) {
      const h = parse(PROGRAM, [...c.split(" "), "--help"]);
      expect(h.kind).to.equal("help");
      expect(h.kind === "help" && h.text).to.include(`usage: lumora-node ${c}`).and.include("--json");
      expect(() => parse(PROGRAM, [...c.split(" "), "--colour", "red"]), c).to.throw(UsageError, "unknown flag --colour");
    }
    // as a user runs it
    const init = run(path.join(BIN, "lumora-node"), ["init", "--help"]);
    expect(init.code).to.equal(0);
    for (const f of ["--config FILE", "--rpc URL", "--operator-keypair FILE", "--roles LIST", "--lat-e6 N", "--cap-kbps N", "--stake UNITS", "--listen MA", "--tick-ms N"]) expect(init.out).to.include(f);
    expect(init.out).to.include("an integer in [-90000000, 90000000]; default 0");
    const bad = run(path.join(BIN, "lumora-node"), ["init", "--config", "x.json", "--colour", "red"]);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include("unknown flag --colour").and.not.include("    at ");
    const range = run(path.join(BIN, "lumora-node"), ["init", "--config", "x.json", "--lat-e6", "100000000"]);
    expect(range.code).to.equal(2);
    expect(range.err).to.include('--lat-e6 must be an integer in [-90000000, 90000000], got "100000000"');
  });

  it("lumora-consumer: every command's --help; a bad flag exits 2 naming it", async () => {
    const { PROGRAM } = await import("../../consumer/src/cli.js");
    expect(PROGRAM.commands.map((c) => c.name)).to.deep.equal(consumerCommands);
    for (const c of consumerCommands) {
      const h = parse(PROGRAM, [...c.split(" "), "--help"]);
      expect(h.kind === "help" && h.text).to.include(`usage: lumora-consumer ${c}`).and.include("--rpc URL");
      expect(() => parse(PROGRAM, [...c.split(" "), "--colour", "red"]), c).to.throw(UsageError, "unknown flag --colour");
    }
    const bad = run(path.join(BIN, "lumora-consumer"), ["dataset", "list", "--colour", "red"]);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include("unknown flag --colour").and.not.include("    at ");
  });

  it("./lumora: its help, every command's --help without running it, unknown commands and flags exit 2", () => {
    const top = run(path.join(ROOT, "lumora"), ["--help"]);
    expect(top.code).to.equal(0);
    for (const c of ["demo", "test", "setup", "build", "localnet", "keygen", "idl", "docs"]) expect(top.out).to.include(`  ${c} `);
    for (const c of ["demo", "test", "setup", "build", "localnet", "keygen", "idl", "docs"]) {
      const h = run(path.join(ROOT, "lumora"), [c, "--help"]);
      expect(h.code, `${c}: ${h.err}`).to.equal(0);
      expect(h.out, c).to.include(c === "keygen" ? "usage: lumora-node keygen FILE" : `usage: ./lumora ${c}`);
    }
    const unknown = run(path.join(ROOT, "lumora"), ["deploy"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.include("unknown command 'deploy'");
    for (const [c, bad] of [["test", "--fast"], ["build", "--release"], ["setup", "x"], ["idl", "--x"]]) expect(run(path.join(ROOT, "lumora"), [c!, bad!]).code, c).to.equal(2);
  });

  it("the demo's flags are checked before any build: --nodes 8 and --nodes abc name the flag and its range", () => {
    const t0 = Date.now();
    for (const v of ["8", "abc"]) {
      const r = run(path.join(ROOT, "lumora"), ["demo", "--nodes", v]);
      expect(r.code).to.equal(2);
      expect(r.err).to.include(`--nodes must be an integer in [3, 7], got "${v}"`).and.not.include("    at ");
    }
    const r = run(path.join(ROOT, "lumora"), ["demo", "--nodes", "3", "--redundancy", "3"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.include("--redundancy must be an integer in [1, 2] with --nodes 3");
    expect(Date.now() - t0).to.be.lessThan(30_000); // no build, no chain
  });

  it("the chain CLI and the localnet: --help, a bad value exits 2", () => {
    for (const script of ["tools/chain/rpc/cli.ts", "migrations/localnet.ts"]) {
      const h = run(TSX, [script, "--help"]);
      expect(h.code, `${script}: ${h.err}`).to.equal(0);
      expect(h.out).to.include("--port N").and.include("an integer in [0, 65534]; default 8899");
      const bad = run(TSX, [script, "--port", "70000"]);
      expect(bad.code).to.equal(2);
      expect(bad.err).to.include('--port must be an integer in [0, 65534], got "70000"');
    }
  });

  it("the localnet's engines: --engine names its choices; agave-only flags and a missing validator are clear errors", () => {
    const h = run(TSX, ["migrations/localnet.ts", "--help"]);
    expect(h.out).to.include("--engine ENGINE").and.include("one of embedded, agave; default embedded");
    const bad = run(TSX, ["migrations/localnet.ts", "--engine", "geth"]);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include('--engine must be one of embedded, agave, got "geth"');
    const only = run(TSX, ["migrations/localnet.ts", "--deactivate-feature", "createAccountAllowPrefund"]);
    expect(only.code).to.equal(2);
    expect(only.err).to.include("apply to --engine agave only");
    const feature = run(TSX, ["migrations/localnet.ts", "--engine", "agave", "--deactivate-feature", "nope"]);
    expect(feature.code).to.equal(2);
    expect(feature.err).to.include("--deactivate-feature must be one of disableSbpfV0V1V2Deployment, createAccountAllowPrefund");
    // no validator built in an empty cache: the error names the command that builds it
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-novalidator-"));
    const missing = run(TSX, ["migrations/localnet.ts", "--engine", "agave", "--port", "0"], { env: { LUMORA_VALIDATOR_CACHE: empty, LUMORA_VALIDATOR_BIN: "" } });
    expect(missing.code).to.equal(1);
    expect(missing.err).to.include("is not built for this lockfile").and.include("./lumora setup --validator");
    // tools/validator/build.sh: --help, a bad argument exits 2, --path without a build exits 1 saying how
    const b = run("bash", ["tools/validator/build.sh", "--help"]);
    expect(b.code).to.equal(0);
    expect(b.out).to.include("--path").and.include("--check");
    expect(run("bash", ["tools/validator/build.sh", "--fast"]).code).to.equal(2);
    const path1 = run("bash", ["tools/validator/build.sh", "--path"], { env: { LUMORA_VALIDATOR_CACHE: empty } });
    expect(path1.code).to.equal(1);
    expect(path1.err).to.include(`looked for ${empty}/`).and.include("./lumora setup --validator");
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("the fixture site (quickstart's website): --help, a bad value exits 2", () => {
    const h = run(TSX, ["clients/fixture-site/src/cli.ts", "--help"]);
    expect(h.code, h.err).to.equal(0);
    expect(h.out).to.include("--crawl-delay SEC").and.include("default 0.1");
    const bad = run(TSX, ["clients/fixture-site/src/cli.ts", "--pages", "0"]);
    expect(bad.code).to.equal(2);
    expect(bad.err).to.include('--pages must be an integer in [1, 10000], got "0"');
  });

  it("keygen writes a Solana CLI keypair (64 bytes, 0600) and never overwrites it", () => {
    const file = path.join(tmp, "k.json");
    const r = run(path.join(ROOT, "lumora"), ["keygen", file]);
    expect(r.code, r.err).to.equal(0);
    const bytes = JSON.parse(fs.readFileSync(file, "utf8")) as number[];
    expect(bytes).to.have.length(64);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const again = run(path.join(ROOT, "lumora"), ["keygen", file]);
    expect(again.code).to.equal(2);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal(bytes);
    // relative to the caller's folder
    const rel = run(path.join(ROOT, "lumora"), ["keygen", "rel.json"], { cwd: tmp });
    expect(rel.code, rel.err).to.equal(0);
    expect(fs.existsSync(path.join(tmp, "rel.json"))).to.equal(true);
  });

  it("on a Node older than 22.19 the bins stop with how to run them on the bundled Node", function () {
    const old = ["/usr/bin/node", "/usr/local/bin/node"].find((n) => fs.existsSync(n) && !nodeVersionOk(run(n, ["-p", "process.versions.node"]).out.trim()));
    if (!old) this.skip();
    for (const bin of ["lumora-node", "lumora-consumer"]) {
      const r = run(old!, [path.join(ROOT, "clients", bin.replace("lumora-", ""), "bin", `${bin}.js`), "--help"]);
      expect(r.code).to.equal(1);
      expect(r.err).to.include("needs Node.js >= 22.19").and.include(NODE).and.not.include("    at ");
    }
  });
});
