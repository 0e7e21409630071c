// The scale gate (bench/check-scale.ts) on the real tree and on synthetic CU files: it fails on a
// measured excess, reports "not yet measured" (never "pass") while a budget rests on an estimate, and
// fails when the measured parts alone exceed a budget whatever the estimates.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type BudgetResult, checkScale, report, selfTest, syntheticInputs } from "../check-scale.js";
import { creditEpochTxSize } from "../../sdk/src/rewards.js";
import { PARAMS, type Inputs, V1_CONTRIBUTION_BYTES, V1_RECORDED, V2_ESTIMATES, accountSizeFromSource, creditFigure, figure, flows, loadCu, loadInputs, recordedFigure, rentItems, rentOf, runModel, txCost, txFee } from "../scale-model.js";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const verdicts = (rs: BudgetResult[]) => Object.fromEntries(rs.map((r) => [r.name, r.verdict]));
/** v1's measurements (bench/results.json before step 3, pinned in bench/test/fixtures), whatever target/cu this tree has. */
const V1_RESULTS = path.join(ROOT, "bench", "test", "fixtures", "results-2026-11-23.json");
function committedCu(): Inputs["cu"] {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), "scale-tree-"));
  fs.mkdirSync(path.join(tree, "bench"));
  fs.copyFileSync(V1_RESULTS, path.join(tree, "bench", "results.json"));
  return loadCu({ vm: "litesvm", root: tree }).cu;
}
/** The v1 programs, pinned (the lead changes them on main): v1's CU (no v2 row), a 408-byte Node with its own stake vault, no RewardState. */
function today(): Inputs {
  const real = loadInputs({ vm: "litesvm" });
  return { ...real, cu: committedCu(), node: { ...real.node, bytes: 408, fields: [...new Set([...real.node.fields, "vault_bump"])] }, rewardState: null };
}
/** Every v2 row measured at its estimate; a small Node with a pooled stake and a measured RewardState. */
const withinBudget = (inp: Inputs) => syntheticInputs(inp, { v2Cu: { PostVerifierRoot: 22_000, CreditEpoch: 25_000, Claim: 12_000 }, nodeBytes: 100, rewardBytes: 60, vault: false });

describe("scale gate (bench/check-scale.ts)", () => {
  const inp = today();

  it("today: rent fails on the measured Node account alone; compute and fees rest on estimates and are not counted as passed", () => {
    const rs = checkScale(inp);
    const rent = rs.find((r) => r.name === "rent")!;
    expect(rent.verdict).to.equal("FAIL");
    expect(rent.measuredLowerBound).to.be.greaterThan(PARAMS.budgetRentSolPerNode);
    expect(rent.line).to.match(/registry Node 408 B/);
    expect(verdicts(rs)).to.include({ compute: "not yet measured", fees: "not yet measured" });
    expect(report(rs).failed).to.equal(true);
  });

  it("every figure measured and within budget: all three pass, and the report says they were enforced", () => {
    const rs = checkScale(withinBudget(inp));
    expect(verdicts(rs)).to.deep.equal({ compute: "pass", fees: "pass", rent: "pass" });
    expect(rs.every((r) => r.estimates.length === 0)).to.equal(true);
    const { text, failed } = report(rs);
    expect(failed).to.equal(false);
    expect(text).to.match(/enforced on measured numbers: compute pass, fees pass, rent pass/);
  });

  it("a synthetic CU file measuring CreditEpoch at 250,000 CU fails the compute budget (and 25,000 passes it)", () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "scale-empty-")), dir = fs.mkdtempSync(path.join(os.tmpdir(), "scale-file-"));
    const run = (creditEpoch: number) => {
      const row = (median: number) => ({ n: 5, median, min: median, max: median, maxTxBytes: 1_000 });
      fs.writeFileSync(path.join(dir, "litesvm.json"), JSON.stringify({ ...committedCu(), PostVerifierRoot: row(22_000), CreditEpoch: row(creditEpoch), Claim: row(12_000) }));
      const { cu, source } = loadCu({ vm: "litesvm", root: tree, cuDir: dir });
      expect(source).to.equal(path.join(dir, "litesvm.json"));
      return checkScale({ ...withinBudget(inp), cu });
    };
    const heavy = run(250_000);
    expect(verdicts(heavy).compute).to.equal("FAIL");
    expect(heavy.find((r) => r.name === "compute")!.value).to.be.greaterThan(0.05);
    expect(verdicts(run(25_000)).compute).to.equal("pass");
  });

  it("a priority fee of 200,000 µlamports/CU on the measured limits fails the fee budget", () => {
    const rs = checkScale(withinBudget(inp), { ...PARAMS, priorityMicroLamportsPerCu: 200_000 });
    expect(verdicts(rs).fees).to.equal("FAIL");
  });

  it("a Node of 400 bytes with a measured RewardState fails rent; one byte of budget is enough to flip it", () => {
    expect(verdicts(checkScale(syntheticInputs(withinBudget(inp), { nodeBytes: 400 }))).rent).to.equal("FAIL");
    // (128 + 100) + (128 + 60) bytes × 6,960 = 2,895,360 lamports
    expect(verdicts(checkScale(withinBudget(inp), { ...PARAMS, budgetRentSolPerNode: 0.00289535 })).rent).to.equal("FAIL");
    expect(verdicts(checkScale(withinBudget(inp), { ...PARAMS, budgetRentSolPerNode: 0.00289536 })).rent).to.equal("pass");
  });

  it("an excess that rests on an estimate is 'not yet measured', not a failure and not a pass", () => {
    const rs = checkScale(inp, { ...PARAMS, budgetComputeFraction: 0.02 });
    const c = rs.find((r) => r.name === "compute")!;
    expect(c.value).to.be.greaterThan(0.02);
    expect(c.measuredLowerBound).to.be.lessThan(0.02);
    expect(c.verdict).to.equal("not yet measured");
    expect(c.line).to.match(/on estimates it would FAIL/);
    // RewardState not in the source: a 300-byte Node with a pooled stake is under the budget alone, over with the estimate
    const r = checkScale(syntheticInputs(inp, { nodeBytes: 250, rewardBytes: null, vault: false })).find((b) => b.name === "rent")!;
    expect(r.estimates).to.have.length(1);
    expect(r.verdict).to.equal("not yet measured");
  });

  it("the v2 cumulative claim counts as measured only once CreditEpoch is measured (Claim is today's per-epoch claim)", () => {
    const only = syntheticInputs(inp, { v2Cu: { PostVerifierRoot: 22_000 } });
    expect(checkScale(only)[0]!.estimates.join()).to.match(/CreditEpoch.*Claim/);
    const both = syntheticInputs(inp, { v2Cu: { PostVerifierRoot: 22_000, CreditEpoch: 25_000 } });
    expect(checkScale(both)[0]!.estimates).to.deep.equal([]);
  });

  it("self-test passes on the real inputs", () => {
    expect(selfTest(inp, PARAMS)).to.equal(null);
  });

  it("a synthetic CU file in --cu-dir is read when the tree has no target/cu/<vm>.json, and target/cu wins when it has", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "scale-cu-"));
    const tree = path.join(tmp, "tree"), dir = path.join(tmp, "cu");
    fs.mkdirSync(path.join(tree, "bench"), { recursive: true });
    fs.mkdirSync(dir);
    fs.copyFileSync(V1_RESULTS, path.join(tree, "bench", "results.json"));
    fs.writeFileSync(path.join(dir, "litesvm.json"), JSON.stringify({ CreditEpoch: { n: 1, median: 1, min: 1, max: 1, maxTxBytes: 1 } }));
    expect(loadCu({ vm: "litesvm", root: tree }).source).to.match(/^bench\/results\.json/);
    expect(loadCu({ vm: "litesvm", root: tree, cuDir: dir }).cu.CreditEpoch!.median).to.equal(1);
    fs.mkdirSync(path.join(tree, "target", "cu"), { recursive: true });
    fs.writeFileSync(path.join(tree, "target", "cu", "litesvm.json"), JSON.stringify({ CreditEpoch: { n: 1, median: 2, min: 2, max: 2, maxTxBytes: 1 } }));
    expect(loadCu({ vm: "litesvm", root: tree, cuDir: dir }).cu.CreditEpoch!.median).to.equal(2);
  });

  it("the CLI exits 1 on a failed budget, 0 when nothing measured fails, 2 on an unknown flag", () => {
    const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
    const cli = (...args: string[]) => spawnSync(tsx, ["bench/check-scale.ts", ...args], { cwd: ROOT, encoding: "utf8" });
    const tight = cli("--set", "budgetRentSolPerNode=0.0001");
    expect(tight.stdout).to.match(/FAIL +rent/);
    expect(tight.status).to.equal(1);
    const loose = cli("--set", "budgetRentSolPerNode=1", "--set", "budgetComputeFraction=1", "--set", "budgetFeesLamportsPerNodeDay=1000000000");
    expect(loose.stdout, loose.stderr).to.match(/— ok$/m);
    expect(loose.status).to.equal(0);
    expect(cli("--bogus").status).to.equal(2);
  });
});

describe("scale model inputs (bench/scale-model.ts)", () => {
  it("sizes an account from its Rust source as Anchor allocates it (discriminator + fields, constants resolved)", () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), "scale-src-"));
    fs.mkdirSync(path.join(tree, "programs", "p", "src", "state"), { recursive: true });
    fs.writeFileSync(path.join(tree, "programs", "p", "src", "constants.rs"), "pub const MAX_V: usize = 4;\n");
    fs.writeFileSync(
      path.join(tree, "programs", "p", "src", "state", "a.rs"),
      "#[account]\npub struct A {\n    /// doc\n    pub a: u8,\n    pub b: Pubkey,\n    pub c: [u64; MAX_V],\n    pub d: [u8; 3],\n    pub e: Option<u32>,\n    pub f: bool,\n}\n",
    );
    expect(accountSizeFromSource("programs/p/src/state/a.rs", "A", tree)!.bytes).to.equal(8 + 1 + 32 + 32 + 3 + 5 + 1);
    expect(accountSizeFromSource("programs/p/src/state/missing.rs", "A", tree)).to.equal(null);
  });

  it("today's Node, Contribution and VerifierRoot sizes as the programs allocate them (408 B: Node's size_of assert; 314 B: rewards layout.rs's Contribution LEN since step 3; 170 B VerifierRoot)", () => {
    const node = accountSizeFromSource("programs/lumora_registry/src/state/node.rs", "Node", ROOT)!;
    const contribution = accountSizeFromSource("programs/lumora_rewards/src/state/contribution.rs", "Contribution", ROOT)!;
    expect(node.bytes).to.equal(408);
    const layout = fs.readFileSync(path.join(ROOT, "programs/lumora_rewards/src/layout.rs"), "utf8");
    const len = Number(/pub mod contribution \{[\s\S]*?pub const LEN: usize = (\d+);/.exec(layout)![1]);
    expect(contribution.bytes).to.equal(len);
    expect(len).to.equal(314);
    // 8 disc + version, bump + epoch_index + verifier + operator + slot + root + leaf_count + posted_at + payer + credit_deadline
    expect(accountSizeFromSource("programs/lumora_rewards/src/state/verifier_root.rs", "VerifierRoot", ROOT)!.bytes).to.equal(8 + 2 + 8 + 32 + 32 + 4 + 32 + 4 + 8 + 32 + 8);
  });

  it("v1's rent keeps its never-closed 846-byte Contribution as recorded; v2's VerifierRoot is read from the source", () => {
    const inp = loadInputs({ vm: "litesvm" });
    const c = rentItems("v1-today", inp).find((r) => r.kind === "per-epoch")!;
    expect(c.bytes).to.equal(V1_CONTRIBUTION_BYTES).and.equal(846);
    const vr = rentItems("v2", inp).find((r) => r.account.startsWith("VerifierRoot"))!;
    expect(vr).to.include({ bytes: 170, measured: true, kind: "temporary" });
  });

  it("reproduces issue 22's v1 figures from the committed CU: 5 % of mainnet at 1.5k–1.9k nodes today, 28k–36k with the best client", () => {
    const m = runModel(today());
    expect(m.scenarios["v1-today"].fivePercentAt).to.be.within(1_500, 1_900);
    expect(m.scenarios["v1-today"].fullAt).to.be.within(7_000, 8_600);
    expect(m.scenarios["v1-best"].fivePercentAt).to.be.within(28_000, 36_000);
    expect(m.scenarios["v1-best"].fullAt).to.be.within(550_000, 720_000);
  });

  it("v2 reads the measured PostVerifierRoot and the q = 3 credit row, sized by creditEpochTxSize at depth 7; CreditEpoch when there is no q row", () => {
    const row = (median: number, maxTxBytes = 900) => ({ n: 3, median, min: median, max: median, maxTxBytes });
    const cu = { ...committedCu(), PostVerifierRoot: row(18_000), CreditEpoch: row(21_000), "credit_epoch (q = 3 proofs)": row(23_000), "credit_epoch (q = 1 proof)": row(15_000) };
    const v2 = flows("v2", 1e7, PARAMS, cu);
    const credit = v2.find((f) => f.name.startsWith("credit_epoch"))!;
    expect(credit.ix).to.include({ row: "credit_epoch (q = 3 proofs)", cu: 23_000, source: "measured" });
    expect(credit.ix.txBytes).to.equal(creditEpochTxSize({ depths: [7, 7, 7], signers: 1 }));
    // as built (step 3: 10 fixed accounts, a u32 length per path) three proofs of depth 7 do not fit a legacy transaction; depth 6 does
    expect(credit.ix.txBytes).to.be.greaterThan(1_232);
    expect(creditFigure(cu, { proofsPerCredit: 3, creditProofDepth: 6 }).txBytes).to.be.at.most(1_232);
    expect(credit.writable).to.equal(4);
    expect(v2.find((f) => f.name === "post_verifier_root")!.ix).to.include({ cu: 18_000, source: "measured" });
    expect(v2.find((f) => f.name.startsWith("claim"))!.ix.source).to.equal("measured");
    const noQ: Inputs["cu"] = Object.fromEntries(Object.entries(cu).filter(([k]) => k !== "credit_epoch (q = 3 proofs)"));
    expect(creditFigure(noQ, PARAMS)).to.include({ row: "CreditEpoch", cu: 21_000, source: "measured" });
    expect(creditFigure(noQ, { proofsPerCredit: 4, creditProofDepth: 8 }).txBytes).to.be.greaterThan(1_232);
  });

  it("v1's submit_receipts: the input's row when it has one, else the median recorded at ec69648 (labelled recorded)", () => {
    const row = "submit_receipts (1 receipt)";
    expect(recordedFigure(committedCu(), row, "litesvm").source).to.equal("measured");
    const gone = { ...committedCu() };
    for (const k of Object.keys(gone)) if (k.startsWith("submit_receipts") || k === "SubmitReceipts") delete gone[k];
    expect(recordedFigure(gone, row, "litesvm")).to.include({ cu: 46_537, source: "recorded" });
    expect(recordedFigure(gone, row, "bankrun")).to.include({ cu: 46_591, source: "recorded" });
    expect(V1_RECORDED[row]!.commit).to.equal("ec69648");
    const m = runModel({ ...today(), cu: gone });
    expect(m.instructions.filter((i) => i.source === "recorded").map((i) => i.row)).to.have.members(Object.keys(V1_RECORDED));
    expect(m.scenarios["v1-best"].fivePercentAt).to.be.within(28_000, 36_000);
  });

  it("an instruction switches from its estimate to the measured row of the same name", () => {
    const inp = today();
    expect(figure(inp.cu, "CreditEpoch", V2_ESTIMATES.CreditEpoch)).to.include({ cu: 25_000, source: "estimate" });
    const cu = { ...inp.cu, CreditEpoch: { n: 3, median: 23_456, min: 1, max: 1, maxTxBytes: 1_100 } };
    expect(figure(cu, "CreditEpoch", V2_ESTIMATES.CreditEpoch)).to.include({ cu: 23_456, source: "measured" });
    expect(() => figure(inp.cu, "NoSuchInstruction")).to.throw(/no row/);
  });
});

describe("scale model arithmetic (bench/scale-model.ts)", () => {
  it("prices one transaction by agave's weights and the fee schedule", () => {
    const credit = { cu: 25_000, txSigs: 1, precompileSigs: 0, writable: 3, cuLimit: 27_500 };
    expect(txCost(credit)).to.equal(25_000 + 720 + 900);
    expect(txFee(credit, { priorityMicroLamportsPerCu: 1_000 })).to.equal(5_000 + 28);
    const root = { cu: 22_000, txSigs: 1, precompileSigs: 1, writable: 2, cuLimit: 24_200 };
    expect(txCost(root)).to.equal(22_000 + 720 + 2_400 + 600);
    expect(txFee(root, { priorityMicroLamportsPerCu: 1_000 })).to.equal(10_000 + 25);
    expect(rentOf(408)).to.equal(3_730_560);
  });

  it("v2's baseline at 10^7 nodes is the sum of its flows, by hand", () => {
    const inp = { ...loadInputs({ vm: "litesvm" }), cu: committedCu() };
    const day = 86_400, N = 1e7, c = inp.cu;
    const at = (cu: number, sigs: number, pre: number, w: number) => cu + 720 * sigs + 2_400 * pre + 300 * w;
    const hand =
      (N / day) * at(25_000, 1, 0, 4) + // credit_epoch, every provider (payer, Node, EpochShard, Contribution)
      (N * 0.1 / day) * at(22_000, 1, 1, 2) + // post_verifier_root, every verifier
      (N / 30 / day) * at(12_000, 1, 0, 4) + // claim every 30 days
      (N / 365 / day) * (at(c.RegisterNode!.median, 2, 0, 4) + at(c.CloseNode!.median, 1, 0, 4)) +
      (1 / day) * (at(c.OpenEpoch!.median, 1, 0, 3) + at(c.FundEpoch!.median, 1, 0, 4) + 64 * at(c.CloseEpoch!.median, 1, 0, 2) +
        1_024 * (at(c.DistributeShard!.median, 1, 0, 5) + at(c.SweepShardDust!.median, 1, 0, 6)) + at(c.SweepDust!.median, 1, 0, 5));
    const pt = runModel(inp).scenarios.v2.points.find((p) => p.N === N)!;
    expect(pt.baseline.costPerSec).to.be.closeTo(hand, 1e-6 * hand);
    expect(pt.baseline.mainnetFraction).to.be.closeTo(hand / 120_000_000, 1e-9);
  });
});
