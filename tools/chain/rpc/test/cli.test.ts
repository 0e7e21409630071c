/**
 * The CLI as a parent process uses it: start it with `--ledger-info`, read the endpoint from the first
 * stdout line, talk to the chain over a web3.js Connection, stop it with SIGTERM (exit 0).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from "@solana/web3.js";
import { expect } from "chai";
import { PROGRAM_IDS } from "../../../../sdk/src/programs.js";
import { REPO_ROOT } from "../../index.js";
import { closeAll } from "./helpers.js";

describe("chain rpc: the CLI", () => {
  let child: ChildProcess | undefined;
  const opened: Connection[] = [];
  after(() => {
    closeAll(opened);
    child?.kill("SIGKILL");
  });

  it("--ledger-info prints the endpoint once listening; the Lumora programs are deployed; SIGTERM exits 0", async () => {
    const authority = Keypair.generate().publicKey;
    const funded = Keypair.generate().publicKey;
    child = spawn(
      path.join(REPO_ROOT, "node_modules", ".bin", "tsx"),
      [path.join(REPO_ROOT, "tools/chain/rpc/cli.ts"), "--port", "0", "--ledger-info", "--upgrade-authority", authority.toBase58(), "--fund", `${funded.toBase58()}:7`],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    const first = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child!.stdout! });
      rl.once("line", resolve);
      child!.once("exit", (code) => reject(new Error(`the CLI exited (${code}) before printing its endpoint`)));
    });
    const info = JSON.parse(first) as { url: string; wsUrl: string; upgradeAuthority: string; programs: Record<string, string> };
    expect(info.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.upgradeAuthority).to.equal(authority.toBase58());
    expect(info.programs.registry).to.equal(PROGRAM_IDS.registry.toBase58());

    const conn = new Connection(info.url, "confirmed");
    opened.push(conn);
    for (const id of Object.values(PROGRAM_IDS)) expect((await conn.getAccountInfo(id))?.executable).to.equal(true);
    // the program-data account names the upgrade authority given (bytes 13..45)
    const programData = new PublicKey((await conn.getAccountInfo(PROGRAM_IDS.registry))!.data.subarray(4, 36));
    expect(new PublicKey((await conn.getAccountInfo(programData))!.data.subarray(13, 45)).toBase58()).to.equal(authority.toBase58());
    expect(await conn.getBalance(funded)).to.equal(7 * LAMPORTS_PER_SOL);

    child.kill("SIGTERM");
    expect(await exited).to.equal(0);
    child = undefined;
  });
});
