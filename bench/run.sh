#!/usr/bin/env bash
# bench/run.sh — regenerates every benchmark of issue 12 and writes bench/results.json + docs/benchmarks.md.
#   1 the chain suites on bankrun and LiteSVM (they write target/cu/<vm>.json: CU + tx bytes per instruction)
#   2 the CU budget check against bench/cu-budget.json (reported here; CI's gate is in tools/test.sh)
#   2a the scale model (bench/scale-model.ts) and its budgets (bench/check-scale.ts) on the same CU,
#      and the economic simulation of rewards v2 (bench/econ-sim.ts, seeded)
#   3 bench/sdk.bench.ts (score 10^5 nodes, signed-total sign/verify), bench/data.bench.ts (encrypt + hash MB/s)
#   3a bench/credit-depth.bench.ts (credit_epoch, q = 3, at Merkle depths 2, 4, 6 on LiteSVM)
#   4 bench/throughput.ts (mixed workload tx/s on both VMs, account sizes and rent)
#   5 bench/report.ts (docs/benchmarks.md, with the scale model and simulation sections of bench/scale-docs.ts)
# Needs the built programs (bash tools/sbf/build.sh). --full runs the data benchmark without --quick.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
OUT="$ROOT/target/bench"; mkdir -p "$OUT"
quick=--quick; [ "${1:-}" = --full ] && quick=

for vm in bankrun litesvm; do
  echo "=== chain suites on $vm"
  LUMORA_VM=$vm mocha > "$OUT/chain-$vm.log" 2>&1 || { tail -40 "$OUT/chain-$vm.log"; echo "chain suites failed on $vm"; exit 1; }
  grep -E '^ *[0-9]+ (passing|failing|pending)' "$OUT/chain-$vm.log"
done
# keep this run's measurements: target/cu is rewritten by any later mocha run in the same tree
mkdir -p "$OUT/cu"; cp target/cu/bankrun.json target/cu/litesvm.json "$OUT/cu/"
echo "=== budgets"
tsx bench/check-budgets.ts --cu-dir "$OUT/cu" | tee "$OUT/budgets.log" || true
echo "=== scale model"
tsx bench/scale-model.ts --cu-dir "$OUT/cu" | tee "$OUT/scale.txt"
tsx bench/scale-model.ts --cu-dir "$OUT/cu" --json > "$OUT/scale.json"
tsx bench/check-scale.ts --cu-dir "$OUT/cu" | tee "$OUT/scale-budgets.log" || true
echo "=== economic simulation"
tsx bench/econ-sim.ts --json > "$OUT/econ.json"
tsx bench/econ-sim.ts | tee "$OUT/econ.txt"
echo "=== credit_epoch by Merkle depth (LiteSVM)"
LUMORA_VM=litesvm node --import=tsx --no-warnings=ExperimentalWarning -e 'require("./bench/credit-depth.bench.ts")' -- --json | tee "$OUT/credit-depth.json"
echo "=== SDK hot paths"
tsx bench/sdk.bench.ts --json | tee "$OUT/sdk.json"
echo "=== data pipeline"
tsx bench/data.bench.ts $quick --json | tee "$OUT/data.json"
echo "=== throughput"
tsx bench/throughput.ts --json | tee "$OUT/throughput.json"
tsx bench/report.ts --cu-dir "$OUT/cu"
