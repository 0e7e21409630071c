/**
 * The embedded bankrun chain starts safely under GC pressure (see `startBankrunKeepingInputs` in
 * tools/chain/index.ts): solana-bankrun 0.4's `start` lets the native account objects be finalized while
 * its start-up thread still copies them, which crashed CI with SIGSEGV. The child process forces that GC
 * on every start; dropping the keep-alive makes it die (checked by running the child with "library").
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { REPO_ROOT } from "../../tools/chain/index.js";

describe("chain: bankrun start-up", () => {
  it("20 starts with a forced GC mid-start keep every account's bytes and do not crash", function () {
    this.timeout(180_000);
    const child = path.join(REPO_ROOT, "tests", "chain", "bankrun-start-gc.child.ts");
    const r = spawnSync(process.execPath, ["--expose-gc", "--import=tsx", child, "20"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, RUST_LOG: "error" },
    });
    expect(r.signal, `child died by ${r.signal}\n${r.stderr}`).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("20 starts ok");
  });
});
