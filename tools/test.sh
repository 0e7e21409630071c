#!/usr/bin/env bash
# tools/test.sh — every test suite of the repository, in order, each counted; ends with the summary
# line `N passed, N failed, N skipped` (the README's test command and .ci/run run this).
#   1 programs    tools/sbf/build.sh (toolchain + all .so, cached); a missing .so fails the run
#   2 rust        cargo test --workspace (program units, shared vectors, adapter probe vectors)
#   3 sdk         tsup build of @lumora/sdk, then its unit suites (no chain): package shape, config/seeds
#                 vectors, data layer, receipts
#   4 network     the @lumora/network suites (real libp2p peers on loopback), when the package exists
#   4a chain-rpc  the embedded chain served over JSON-RPC (tools/chain/rpc) through a real web3.js Connection
#   4b clients    each clients/* package's suites (lumora-node, lumora-consumer, the demo; cli-kit: every command's
#                 --help and a bad flag, and docs/quickstart.md run as written), when it has tests
#   4c app        the dApp (app/): its unit suite, then the path in headless chromium against `./lumora app`'s server
#   5 chain       the chain suites (tests/**/*.spec.ts: adapter probe, registry, ...) on bankrun, then LiteSVM
#   6 budgets     bench/check-budgets.ts: the CU medians both chain runs just wrote (target/cu) against
#                 bench/cu-budget.json (> 5 % regression fails) and every transaction against 1,232 bytes
#   7 bench       the bench gates' own suites (bench/test: the scale model and its gate on synthetic CU files)
#   8 scale       bench/check-scale.ts, the scale budgets of issue 22 on the CU LiteSVM just wrote — a REPORT,
#                 not counted: it fails today on a measured figure (the registry Node account, 408 bytes =
#                 0.00373 SOL of rent, exceeds the 0.003 SOL per-node budget on its own) and its compute and
#                 fee budgets rest on estimates of v2 instructions not built yet. Make it `run scale gate …`
#                 once it passes (see docs/benchmarks.md, "Scale model").
#   9 validator   last: agave's solana-test-validator next to the facade (tests/validator): the conformance suite
#                 (same calls to both, answers compared), deployments through the loader, the demo's daemons on agave
#                 in real time — when the validator is built (./lumora setup --validator). .ci/run builds it in the
#                 background and sets LUMORA_VALIDATOR_BUILD_LOG (the build writes <log>.rc with its exit code when
#                 done) and LUMORA_VALIDATOR_WAIT_UNTIL (unix seconds): the suite waits for the build until then. Not
#                 built: one skipped saying why (a build still running: how far it got), or one failed when the build
#                 failed or with LUMORA_REQUIRE_VALIDATOR=1.
# Options: --gates also runs rustfmt, clippy -D warnings, the TypeScript type-check and the IDL
# freshness check, each counted as one test (CI runs with --gates).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Node 22 from the node@22 devDependency first (the system Node is 20), as npm scripts have it
export PATH="$ROOT/node_modules/.bin:$PATH"
gates=0; [ "${1:-}" = --gates ] && gates=1
LOG_DIR="$ROOT/target/test-logs"; mkdir -p "$LOG_DIR"
passed=0; failed=0; skipped=0
rows=()

# run <suite> <kind: cargo|mocha|gate> <cmd...>: shows the output, counts the results
run() {
  local suite="$1" kind="$2"; shift 2
  local log="$LOG_DIR/$suite.log" t0=$SECONDS rc p=0 f=0 s=0
  echo "=== $suite: $*"
  "$@" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
  case "$kind" in
    cargo)
      p=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
      f=$(grep -Eo '[0-9]+ failed;' "$log" | awk '{s+=$1} END {print s+0}')
      s=$(grep -Eo '[0-9]+ ignored;' "$log" | awk '{s+=$1} END {print s+0}') ;;
    mocha)
      p=$(grep -Eo '^ *[0-9]+ passing' "$log" | awk '{s+=$1} END {print s+0}')
      f=$(grep -Eo '^ *[0-9]+ failing' "$log" | awk '{s+=$1} END {print s+0}')
      s=$(grep -Eo '^ *[0-9]+ pending' "$log" | awk '{s+=$1} END {print s+0}') ;;
    gate)
      if [ "$rc" = 0 ]; then p=1; else f=1; fi ;;
  esac
  # a suite that exits non-zero without reporting a failure (crash, build error, no tests) counts as failed
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  if [ "$kind" != gate ] && [ "$rc" = 0 ] && [ "$p" = 0 ]; then echo "!!! $suite ran no test"; f=$((f + 1)); fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  rows+=("$(printf '%-22s %5d passed %4d failed %4d skipped %5ds' "$suite" "$p" "$f" "$s" $((SECONDS - t0)))")
}

run programs gate bash tools/sbf/build.sh
for so in lumora_registry lumora_tasks lumora_rewards lumora_market sbf_probe lumora_cpi_caller; do
  [ -f "target/deploy/$so.so" ] || { echo "!!! missing target/deploy/$so.so"; failed=$((failed + 1)); }
done
# the SDK first: its browser spec (sdk/test/browser) and the workspaces type-check against its built declarations
run sdk-build gate npm run --silent build -w @lumora/sdk
if [ $gates = 1 ]; then
  run rustfmt gate cargo fmt --all --check
  run clippy gate cargo clippy --workspace --all-targets --locked -- -D warnings
  run typecheck gate npm run --silent typecheck
  run idl-fresh gate bash tools/idl/generate.sh --check
fi
run rust cargo cargo test --workspace --locked
run sdk mocha npm test --silent -w @lumora/sdk
if [ -f network/package.json ]; then run network mocha npm test --silent -w @lumora/network; fi
# the embedded chain over Solana JSON-RPC (tools/chain/rpc): web3.js Connection + the SDK against the facade
run chain-rpc mocha node_modules/.bin/mocha --config tools/chain/rpc/.mocharc.cjs
# each client package with tests (clients/node: scraper, store, daemon, dashboard; clients/consumer)
for dir in clients/*/; do
  name="$(basename "$dir")"
  if [ -f "$dir/package.json" ] && compgen -G "$dir/test/*.test.ts" > /dev/null; then
    run "client-$name" mocha npm test --silent -w "$dir"
  fi
done
# the dApp (app/): unit checks, then the whole path in headless chromium against `./lumora app`'s server
if [ -f app/package.json ]; then run app mocha npm test --silent -w @lumora/app; fi
run chain-bankrun mocha env LUMORA_VM=bankrun node_modules/.bin/mocha
run chain-litesvm mocha env LUMORA_VM=litesvm node_modules/.bin/mocha
run budgets gate node_modules/.bin/tsx bench/check-budgets.ts
run bench mocha node_modules/.bin/mocha --config bench/.mocharc.cjs
echo "=== scale (report, not counted): node_modules/.bin/tsx bench/check-scale.ts"
node_modules/.bin/tsx bench/check-scale.ts 2>&1 | tee "$LOG_DIR/scale.log" || true

# agave's test validator against the facade, loader deployments, the demo's daemons on it (tests/validator), last:
# in CI its build runs in the background meanwhile (.ci/run)
vbin() { bash tools/validator/build.sh --path >/dev/null 2>&1; }
vwait=$SECONDS
vrow() { rows+=("$(printf '%-22s %5d passed %4d failed %4d skipped %5ds' validator 0 "$1" "$2" $((SECONDS - vwait)))"); }
vlog="${LUMORA_VALIDATOR_BUILD_LOG:-}"
if [ -n "$vlog" ] && ! vbin && [ ! -f "$vlog.rc" ]; then
  echo "=== validator: waiting for its build until $(date -u -d "@${LUMORA_VALIDATOR_WAIT_UNTIL:-0}" +%H:%M:%S) UTC ($(tail -n 1 "$vlog" 2>/dev/null))"
  while [ ! -f "$vlog.rc" ] && [ "$(date +%s)" -lt "${LUMORA_VALIDATOR_WAIT_UNTIL:-0}" ]; do sleep 10; done
fi
[ $((SECONDS - vwait)) -gt 0 ] && echo "=== validator: waited $((SECONDS - vwait)) s for its build"
if vbin; then
  run validator mocha node_modules/.bin/mocha --config tests/validator/.mocharc.cjs
elif [ -n "$vlog" ] && [ -f "$vlog.rc" ] && [ "$(cat "$vlog.rc")" != 0 ]; then
  echo "!!! validator: the build of solana-test-validator failed (log $vlog):"; tail -n 15 "$vlog"
  failed=$((failed + 1)); vrow 1 0
elif [ -n "$vlog" ] && [ ! -f "$vlog.rc" ]; then
  echo "=== validator: skipped (its cold build is still running at the CI deadline: $(grep '^\[validator ' "$vlog" | tail -n 1))"
  skipped=$((skipped + 1)); vrow 0 1
elif [ "${LUMORA_REQUIRE_VALIDATOR:-0}" = 1 ]; then
  echo "!!! validator: solana-test-validator is not built (./lumora setup --validator)"; failed=$((failed + 1)); vrow 1 0
else
  echo "=== validator: skipped (solana-test-validator is not built: ./lumora setup --validator builds it, ≈ 32 min cold)"
  skipped=$((skipped + 1)); vrow 0 1
fi

echo
echo "suite                  results"
printf '%s\n' "${rows[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
