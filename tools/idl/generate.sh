#!/usr/bin/env bash
# tools/idl/generate.sh [--check] — Anchor IDLs without anchor-cli.
#   For every program (programs/*) and the adapter probe: lumora-idl runs the program's `idl-build`
#   test on the host (anchor-lang-idl's IdlBuilder, as `anchor idl build` does) and writes the IDL
#   JSON; tools/idl/idl-to-ts.mjs writes the TypeScript type beside it (camelCase, as anchor-cli's
#   target/types does). Outputs: sdk/src/idl/<program>.{json,ts}, tools/sbf/probe/idl/sbf_probe.{json,ts},
#   tests/programs/cpi_caller/idl/lumora_cpi_caller.{json,ts} (test-only program).
#   --check: generate into a temporary folder and fail, naming the files, when the checked-in ones differ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
check=0; [ "${1:-}" = --check ] && check=1
PROGRAMS=(lumora_registry lumora_tasks lumora_rewards lumora_market)
NODE="$ROOT/node_modules/.bin/node"; [ -x "$NODE" ] || NODE=node
out_sdk="$ROOT/sdk/src/idl"; out_probe="$ROOT/tools/sbf/probe/idl"; out_caller="$ROOT/tests/programs/cpi_caller/idl"
if [ $check = 1 ]; then tmp=$(mktemp -d); out_sdk="$tmp/sdk"; out_probe="$tmp/probe"; out_caller="$tmp/caller"; fi
mkdir -p "$out_sdk" "$out_probe" "$out_caller"

t0=$(date +%s)
cargo build --locked -q -p lumora-idl --target-dir target/idl
tool="$ROOT/target/idl/debug/lumora-idl"
gen() { # gen <program dir> <out dir> <name>
  # IdlBuilder runs `cargo test` in the program dir; keep the host build apart from SBF builds
  ( cd /tmp && env -u RUSTUP_TOOLCHAIN CARGO_TARGET_DIR="$ROOT/target/idl" "$tool" "$ROOT/$1" "$2/$3.json.tmp" ) \
    || { echo "IDL build of $1 failed" >&2; exit 1; }
  mv "$2/$3.json.tmp" "$2/$3.json"
  "$NODE" tools/idl/idl-to-ts.mjs "$2/$3.json" "$2/$3.ts"
}
for p in "${PROGRAMS[@]}"; do gen "programs/$p" "$out_sdk" "$p"; done
gen tools/sbf/probe "$out_probe" sbf_probe
gen tests/programs/cpi_caller "$out_caller" lumora_cpi_caller
echo "IDLs generated in $(( $(date +%s) - t0 ))s" >&2

if [ $check = 1 ]; then
  bad=0
  for f in "$out_sdk"/* "$out_probe"/* "$out_caller"/*; do
    case "$f" in
      "$out_sdk"/*) rel="$ROOT/sdk/src/idl/${f##*/}";;
      "$out_probe"/*) rel="$ROOT/tools/sbf/probe/idl/${f##*/}";;
      *) rel="$ROOT/tests/programs/cpi_caller/idl/${f##*/}";;
    esac
    if ! cmp -s "$f" "$rel"; then echo "IDL out of date: $rel (run: npm run idl)" >&2; diff -u "$rel" "$f" | head -20 >&2 || true; bad=1; fi
  done
  rm -rf "$tmp"
  [ $bad = 0 ] || exit 1
  echo "IDLs match a fresh generation" >&2
fi
