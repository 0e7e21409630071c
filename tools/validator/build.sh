#!/usr/bin/env bash
# tools/validator/build.sh — agave's `solana-test-validator` (the real Solana validator as a one-node test
# cluster), built from crates.io with this folder's pinned Cargo.lock and cached OUTSIDE the clone, keyed by
# the lockfile: one machine builds it once, every clone and CI run on it reuses the binary.
#
#   tools/validator/build.sh           build if missing (cold ≈ 32 min on 2 cores), print the binary's path
#   tools/validator/build.sh --path    print the binary's path if it is built; exit 1 saying how to build it
#   tools/validator/build.sh --check   only check the build's needs (Debian packages, cargo, disk); name what is missing
#   tools/validator/build.sh --deps    only install the Debian packages it needs (what a build does first; .ci/run calls it
#                                      before starting the build in the background, so two apt-get never race)
#
# Cache: $LUMORA_VALIDATOR_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/lumora/validator)
#   <key>/bin/solana-test-validator    the binary (key = sha256 of Cargo.toml + Cargo.lock, 16 hex digits)
#   target/                            cargo's target dir, shared by every key (a lock bump rebuilds only what moved)
#   logs/build-<key>.log               the full cargo log
# Environment: VALIDATOR_NO_APT=1 (never run apt-get; fail naming the packages), VALIDATOR_JOBS (cargo -j, default 2).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${LUMORA_VALIDATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lumora/validator}"
VERSION=4.2.2   # agave-validator in Cargo.toml; 4.3 needs Rust >= 1.97.1, 4.4 >= 1.98.1
# C parts built from source: RocksDB (librocksdb-sys: bindgen needs libclang), protobuf-src (cmake), jemalloc,
# zstd, lz4, bzip2, libz (cc/g++/make); OpenSSL from the system (libssl-dev via pkg-config)
PKGS=(libclang-dev libssl-dev pkg-config g++ make cmake perl)
MIN_FREE_GB=4   # target ≈ 2.5 GB + the binary

die() { printf '[validator] ERROR: %s\n' "$*" >&2; exit 1; }
say() { printf '[validator] %s\n' "$*" >&2; }

KEY=$(cat "$HERE/Cargo.toml" "$HERE/Cargo.lock" | sha256sum | cut -c1-16)
BIN="$CACHE/$KEY/bin/solana-test-validator"
mode="${1:-build}"
case "$mode" in
  build|--path|--check|--deps) ;;
  -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "tools/validator/build.sh: unknown argument '$mode' (--path, --check, --deps or nothing)" >&2; exit 2 ;;
esac

built() { [ -x "$BIN" ] && [ -f "$CACHE/$KEY/ok" ]; }
if [ "$mode" = --path ]; then
  built && { echo "$BIN"; exit 0; }
  die "solana-test-validator $VERSION is not built for this lockfile (key $KEY, looked for $BIN); build it with \`./lumora setup --validator\` (cold ≈ 32 min on 2 cores)"
fi
if [ "$mode" != --check ] && built; then
  say "solana-test-validator $VERSION cached ($BIN)"
  echo "$BIN"; exit 0
fi

# ---- needs -----------------------------------------------------------------------------------------
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  hint="as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$mode" = --check ] || [ "${VALIDATOR_NO_APT:-0}" = 1 ]; then die "missing Debian packages: ${missing[*]} ($hint)"; fi
  if [ "$(id -u)" = 0 ]; then apt=(apt-get)
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo -n apt-get)
  else die "missing Debian packages: ${missing[*]}; not root and no passwordless sudo — $hint"; fi
  say "installing Debian packages: ${missing[*]}"
  mkdir -p "$CACHE/logs"
  if ! { "${apt[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"; } >"$CACHE/logs/apt.log" 2>&1; then
    tail -n 20 "$CACHE/logs/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $CACHE/logs/apt.log)"
  fi
fi
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs); the validator needs rustc >= 1.95"
rustc_v=$(rustc --version 2>/dev/null | awk '{print $2}')
case "$rustc_v" in
  1.9[5-9]*|1.1[0-9][0-9]*) ;;
  *) die "rustc $rustc_v is too old: agave $VERSION needs rustc >= 1.95 (rustup update stable)" ;;
esac
mkdir -p "$CACHE"
free_gb=$(df -Pk "$CACHE" | awk 'NR==2 {print int($4 / 1048576)}')
if [ ! -d "$CACHE/target/release" ] && [ "$free_gb" -lt "$MIN_FREE_GB" ]; then
  die "only ${free_gb} GB free under $CACHE: the cold build needs ≈ ${MIN_FREE_GB} GB (set LUMORA_VALIDATOR_CACHE elsewhere)"
fi
if [ "$mode" = --deps ]; then say "build needs installed: ${PKGS[*]}, rustc $rustc_v"; exit 0; fi
if [ "$mode" = --check ]; then say "ready to build: packages ${PKGS[*]}, rustc $rustc_v, ${free_gb} GB free under $CACHE"; exit 0; fi

# ---- build -----------------------------------------------------------------------------------------
mkdir -p "$CACHE/logs" "$CACHE/$KEY/bin"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then say "another build holds $CACHE/.lock; waiting"; flock 9; fi
if built; then say "built meanwhile by another process"; echo "$BIN"; exit 0; fi

log="$CACHE/logs/build-$KEY.log"
total=$(grep -c '^\[\[package\]\]' "$HERE/Cargo.lock")
say "building solana-test-validator $VERSION ($total crates; cold ≈ 32 min on 2 cores, warm seconds); log $log"
t0=$(date +%s)
(
  cd "$HERE"
  exec env CARGO_TARGET_DIR="$CACHE/target" cargo build --release --locked -j"${VALIDATOR_JOBS:-2}" \
    -p agave-validator --bin solana-test-validator
) >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' INT TERM
# progress: a line every 30 s (crates compiled so far / crates in the lockfile, the latest one)
while kill -0 "$pid" 2>/dev/null; do
  sleep 30 & wait $! || true
  kill -0 "$pid" 2>/dev/null || break
  n=$(grep -c '^ *Compiling ' "$log" || true)
  last=$(grep '^ *Compiling ' "$log" | tail -n 1 | awk '{print $2, $3}')
  printf '[validator %3dm%02ds] %d/%d crates compiled%s\n' $(( ($(date +%s) - t0) / 60 )) $(( ($(date +%s) - t0) % 60 )) "$n" "$total" "${last:+ (last: $last)}" >&2
done
if ! wait "$pid"; then
  tail -n 40 "$log" >&2
  if grep -q 'Unable to find libclang' "$log"; then die "bindgen found no libclang: install Debian's libclang-dev (log $log)"; fi
  die "cargo build of solana-test-validator failed (full log: $log)"
fi
trap - INT TERM
install -m 755 "$CACHE/target/release/solana-test-validator" "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
v=$("$BIN" --version) || die "the built $BIN does not run"
echo "$v" >"$CACHE/$KEY/ok"
say "built $v in $(( ($(date +%s) - t0) / 60 ))m$(( ($(date +%s) - t0) % 60 ))s: $BIN ($(du -m "$BIN" | cut -f1) MB)"
echo "$BIN"
