/**
 * Mocha root hook (loaded by .mocharc.cjs): starts the embedded chain once per run with the built
 * `.so` files — a missing `.so` fails the run, a suite never silently skips the chain — and prints the
 * compute units of every instruction at the end.
 */
import path from "node:path";
import { REPO_ROOT } from "../../tools/chain/index.js";
import { ctx, startTestChain } from "./context.js";
import { reportComputeUnits } from "./cu.js";

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startTestChain();
    console.log(`  chain: ${ctx.vm} (LUMORA_VM), programs from target/deploy`);
  },
  afterAll() {
    if (!ctx.vm) return;
    console.log("\n" + reportComputeUnits(ctx.vm, path.join(REPO_ROOT, "target", "cu")));
  },
};
