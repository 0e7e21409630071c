#!/usr/bin/env bash
# tools/sbf/build.sh — Lumora's SBF build: Anchor programs -> target/deploy/<name>.so with Debian's
# rustc-web 1.96 / LLVM 22 and crates.io only (no platform-tools download). See docs/build.md.
#
#   tools/sbf/build.sh                 toolchain (if missing) + every SBF crate of the workspace
#   tools/sbf/build.sh toolchain       only prepare the toolchain; prints its folder
#   tools/sbf/build.sh <crate>...      toolchain + the named crates (e.g. lumora_registry)
#
# Steps, each cached under .cache/sbf (ignored) and skipped when its inputs are unchanged:
#   1 Debian packages   rustc-web cargo-web rust-web-src llvm-22 llvm-22-dev g++ patch ca-certificates
#   2 linker            sbpf-linker 0.2.6 + bpf-linker 0.13.0 from crates.io, patches/linker-patches.diff
#   3 IR pass           pass/SbfPrep.cpp -> SbfPrep.so (g++ against llvm-22-dev)
#   4 std               a copy of Debian's std source + patches/std-solana.patch (os = "solana")
#   5 programs          cargo build --release with the SBF config; copies to target/deploy, prints sizes
#
# Environment: SBF_CACHE (default <repo>/.cache/sbf), SBF_NO_APT=1 (never run apt-get; fail naming the
# packages), SBF_JOBS (cargo -j).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SBF_CACHE="${SBF_CACHE:-$ROOT/.cache/sbf}"
TC="$SBF_CACHE/toolchain"
LOGS="$SBF_CACHE/logs"
SBPF_LINKER_VER=0.2.6
BPF_LINKER_VER=0.13.0
LLVM_DIR=/usr/lib/llvm-22
STD_SRC=/usr/lib/rustlib/src/rust/library
PKGS=(rustc-web cargo-web rust-web-src llvm-22 llvm-22-dev g++ patch ca-certificates)
TRIPLE=bpfel-solana-solana
SBF_TARGET_DIR="$ROOT/target/sbf"
DEPLOY="$ROOT/target/deploy"

T0=$(date +%s)
say() { printf '[sbf %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { printf '[sbf] ERROR: %s\n' "$*" >&2; exit 1; }
run_logged() { # run_logged <step> <log> <cmd...>: on failure show the log tail and name the step
  local name="$1" log="$2"; shift 2
  if ! "$@" >"$log" 2>&1; then tail -n 40 "$log" >&2; die "step '$name' failed (full log: $log)"; fi
}
# Debian's cargo/rustc, clean of rustup's proxies and of a caller's flags
debcargo() {
  env -u RUSTUP_TOOLCHAIN -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u RUSTC_WRAPPER -u CARGO_BUILD_TARGET \
      -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET_DIR \
      PATH="$LLVM_DIR/bin:/usr/bin:/bin" RUSTC=/usr/bin/rustc LLVM_PREFIX="$LLVM_DIR" /usr/bin/cargo "$@"
}
in_dir() { local d="$1"; shift; ( cd "$d" && "$@" ); }
put() { cmp -s "$1" "$2" 2>/dev/null || install -m "${3:-644}" "$1" "$2"; }   # copy only on change
key_of() { { printf '%s|' "${@:2}"; cat "$1"; } | sha256sum | cut -c1-16; }

mkdir -p "$SBF_CACHE" "$LOGS" "$TC/bin" "$TC/pass" "$TC/target"
exec 9>"$SBF_CACHE/.lock"
flock 9 || die "cannot lock $SBF_CACHE/.lock"

# ---- 1. Debian packages ----------------------------------------------------------------------------
s=$(date +%s)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  hint="as root: apt-get update && apt-get install -y --no-install-recommends ${PKGS[*]}"
  [ "${SBF_NO_APT:-0}" = 1 ] && die "missing Debian packages: ${missing[*]} ($hint)"
  if [ "$(id -u)" = 0 ]; then apt=(apt-get)
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo -n apt-get)
  else die "missing Debian packages: ${missing[*]}; not root and no passwordless sudo — $hint"; fi
  say "1/5 installing Debian packages: ${missing[*]}"
  run_logged "apt-get update" "$LOGS/apt-update.log" "${apt[@]}" update
  run_logged "apt-get install" "$LOGS/apt-install.log" \
    env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${PKGS[@]}"
fi
/usr/bin/rustc -vV 2>/dev/null | grep -q '^LLVM version: 22\.' \
  || die "/usr/bin/rustc is not Debian's rustc-web on LLVM 22: $(/usr/bin/rustc -vV 2>&1 | tr '\n' ' ')"
for x in "$LLVM_DIR/bin/opt" "$LLVM_DIR/bin/llvm-config" /usr/bin/cargo /usr/bin/g++ /usr/bin/patch; do
  [ -e "$x" ] || die "missing $x after the package step"
done
[ -f "$STD_SRC/std/src/lib.rs" ] || die "missing std source $STD_SRC (package rust-web-src)"
v_rustc=$(dpkg-query -W -f='${Version}' rustc-web); v_src=$(dpkg-query -W -f='${Version}' rust-web-src)
[ "$v_rustc" = "$v_src" ] || die "rustc-web $v_rustc and rust-web-src $v_src differ (build-std needs the matching std source)"
RUSTC_ID=$(/usr/bin/rustc -vV | tr '\n' ' '); LLVM_ID=$("$LLVM_DIR/bin/llvm-config" --version)
say "1/5 packages: rustc-web $v_rustc, LLVM $LLVM_ID ($(( $(date +%s) - s ))s)"

# ---- 2. linker ------------------------------------------------------------------------------------
s=$(date +%s)
key=$(key_of "$HERE/patches/linker-patches.diff" "$SBPF_LINKER_VER" "$BPF_LINKER_VER" "$RUSTC_ID" "$LLVM_ID")
if [ -x "$TC/bin/sbpf-linker" ] && [ "$(cat "$TC/bin/.sbpf-linker.key" 2>/dev/null)" = "$key" ] \
   && "$TC/bin/sbpf-linker" --version >/dev/null 2>&1; then
  say "2/5 sbpf-linker cached"
else
  src="$SBF_CACHE/linker-src"
  if [ "$(cat "$src/.key" 2>/dev/null)" != "$key" ]; then
    say "2/5 fetching sbpf-linker $SBPF_LINKER_VER + bpf-linker $BPF_LINKER_VER sources from crates.io"
    rm -rf "$src"; mkdir -p "$src/fetch/src"
    cat >"$src/fetch/Cargo.toml" <<EOF
[package]
name = "fetch-linkers"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
sbpf-linker = { version = "=$SBPF_LINKER_VER", default-features = false }
bpf-linker = { version = "=$BPF_LINKER_VER", default-features = false }

[workspace]
EOF
    : >"$src/fetch/src/lib.rs"
    run_logged "cargo vendor (linker sources from crates.io)" "$LOGS/linker-vendor.log" \
      in_dir "$src/fetch" debcargo vendor --versioned-dirs vendor
    for c in "sbpf-linker-$SBPF_LINKER_VER" "bpf-linker-$BPF_LINKER_VER"; do
      [ -d "$src/fetch/vendor/$c" ] || die "crate source $c not obtained from crates.io (see $LOGS/linker-vendor.log)"
      cp -a "$src/fetch/vendor/$c" "$src/$c"; rm -f "$src/$c/.cargo-checksum.json"
    done
    rm -rf "$src/fetch"
    run_logged "apply linker-patches.diff" "$LOGS/linker-patch.log" \
      patch -d "$src" -p0 --forward --no-backup-if-mismatch -i "$HERE/patches/linker-patches.diff"
    echo "$key" >"$src/.key"
  fi
  say "2/5 building sbpf-linker against $LLVM_DIR (cold ≈ 4 min on 2 cores; log $LOGS/linker-build.log)"
  run_logged "cargo build sbpf-linker" "$LOGS/linker-build.log" \
    in_dir "$src/sbpf-linker-$SBPF_LINKER_VER" debcargo build --release --bin sbpf-linker \
      --target-dir "$SBF_CACHE/linker-target" ${SBF_JOBS:+-j "$SBF_JOBS"}
  install -m 755 "$SBF_CACHE/linker-target/release/sbpf-linker" "$TC/bin/sbpf-linker"
  "$TC/bin/sbpf-linker" --version >/dev/null 2>&1 || die "the built sbpf-linker does not run (libLLVM.so.22.1 missing?)"
  echo "$key" >"$TC/bin/.sbpf-linker.key"
  say "2/5 sbpf-linker built in $(( $(date +%s) - s ))s"
fi

# ---- 3. IR pass ---------------------------------------------------------------------------------------
s=$(date +%s)
key=$(key_of "$HERE/pass/SbfPrep.cpp" "$LLVM_ID")
if [ -f "$TC/pass/SbfPrep.so" ] && [ "$(cat "$TC/pass/.key" 2>/dev/null)" = "$key" ]; then
  say "3/5 SbfPrep.so cached"
else
  # shellcheck disable=SC2046  # llvm-config prints several flags
  run_logged "g++ SbfPrep.so" "$LOGS/sbfprep.log" \
    g++ -shared -fPIC -O2 $("$LLVM_DIR/bin/llvm-config" --cxxflags) "$HERE/pass/SbfPrep.cpp" -o "$TC/pass/SbfPrep.so.tmp"
  mv "$TC/pass/SbfPrep.so.tmp" "$TC/pass/SbfPrep.so"; echo "$key" >"$TC/pass/.key"
  say "3/5 SbfPrep.so built in $(( $(date +%s) - s ))s"
fi
echo 'define void @f() { ret void }' | "$LLVM_DIR/bin/opt" -load-pass-plugin="$TC/pass/SbfPrep.so" \
  -passes='sbf-nosret,sbf-argpack' -disable-output 2>"$LOGS/sbfprep-check.log" \
  || { cat "$LOGS/sbfprep-check.log" >&2; die "opt cannot load or run $TC/pass/SbfPrep.so"; }

# ---- 4. patched std --------------------------------------------------------------------------------------
s=$(date +%s)
STDKEY=$(key_of "$HERE/patches/std-solana.patch" "$RUSTC_ID" "$v_src")
if [ -f "$TC/stdsrc/library/std/src/sys/alloc/solana.rs" ] && [ "$(cat "$TC/stdsrc/.key" 2>/dev/null)" = "$STDKEY" ]; then
  say "4/5 patched std cached"
else
  rm -rf "$TC/stdsrc.tmp" "$TC/stdsrc"; mkdir -p "$TC/stdsrc.tmp"
  cp -a "$STD_SRC" "$TC/stdsrc.tmp/library"
  run_logged "apply std-solana.patch" "$LOGS/std-patch.log" \
    patch -d "$TC/stdsrc.tmp" -p1 --no-backup-if-mismatch -i "$HERE/patches/std-solana.patch"
  echo "$STDKEY" >"$TC/stdsrc.tmp/.key"; mv "$TC/stdsrc.tmp" "$TC/stdsrc"
  say "4/5 patched std prepared in $(( $(date +%s) - s ))s"
fi

# ---- toolchain folder: wrapper, target, concrete cargo config ----------------------------------------------
put "$HERE/bin/sbpf-ld2" "$TC/bin/sbpf-ld2" 755
put "$HERE/target/$TRIPLE.json" "$TC/target/$TRIPLE.json"
CH="${CARGO_HOME:-$HOME/.cargo}"
# The linker, the pass and the wrapper are inputs of every link that cargo cannot see: their key goes
# into the rustflags (the wrapper drops it), so a change of any of them rebuilds and relinks.
TCKEY=$(cat "$TC/bin/.sbpf-linker.key" "$TC/pass/.key" "$TC/bin/sbpf-ld2" "$TC/target/$TRIPLE.json" | sha256sum | cut -c1-16)
sed -e "s|@KEY@|$TCKEY|g" -e "s|@TC@|$TC|g" -e "s|@CARGO_HOME@|$CH|g" -e "s|@ROOT@|$ROOT|g" "$HERE/sbf.toml.in" >"$TC/sbf.toml.new"
grep -q '@[A-Z_]*@' "$TC/sbf.toml.new" && die "unexpanded @PLACEHOLDER@ left in $TC/sbf.toml.new"
put "$TC/sbf.toml.new" "$TC/sbf.toml"; rm -f "$TC/sbf.toml.new"
flock -u 9

if [ "${1:-}" = toolchain ]; then say "toolchain ready (total $(( $(date +%s) - T0 ))s)"; echo "$TC"; exit 0; fi

# ---- 5. programs -------------------------------------------------------------------------------------------
# The SBF crates of the workspace: members whose lib is a cdylib (the four programs + the adapter probe).
mapfile -t all < <(cd "$ROOT" && debcargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
m = json.load(sys.stdin)
for p in m["packages"]:
    if any("cdylib" in t["crate_types"] for t in p["targets"]):
        print(p["name"])')
[ ${#all[@]} -gt 0 ] || die "no cdylib crate found in the workspace at $ROOT"
if [ $# -gt 0 ]; then crates=("$@"); else crates=("${all[@]}"); fi
pkgs=()
for c in "${crates[@]}"; do
  printf '%s\n' "${all[@]}" | grep -qx "$c" || die "'$c' is not an SBF crate of the workspace (have: ${all[*]})"
  pkgs+=(-p "$c")
done

# build-std does not notice edits of the std copy: drop std's fingerprints when the copy changed
if [ -d "$SBF_TARGET_DIR/$TRIPLE/release" ] && [ "$(cat "$SBF_TARGET_DIR/.std.key" 2>/dev/null)" != "$STDKEY" ]; then
  rm -rf "$SBF_TARGET_DIR/$TRIPLE/release/.fingerprint"/std-*
fi
s=$(date +%s)
say "5/5 cargo build --release (${crates[*]}) -> $DEPLOY"
# One cargo invocation per program, as `anchor build` does: in one invocation cargo unifies features,
# and a crate that depends on a program with `features = ["cpi"]` (no-entrypoint) would strip the
# entrypoint from that program's own .so. The shared target dir keeps std and common deps built once.
# --config after the subcommand (before it, a second --config silently replaces it).
for c in "${crates[@]}"; do
  ( cd "$ROOT" && env -u RUSTUP_TOOLCHAIN -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_TARGET \
      PATH="$TC/bin:$LLVM_DIR/bin:/usr/bin:/bin" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
      __CARGO_TESTS_ONLY_SRC_ROOT="$TC/stdsrc/library" CARGO_TARGET_DIR="$SBF_TARGET_DIR" \
      /usr/bin/cargo build --config "$TC/sbf.toml" --release --locked ${SBF_JOBS:+-j "$SBF_JOBS"} -p "$c" ) \
    || die "program build failed ($c); linker stage logs: $SBF_TARGET_DIR/$TRIPLE/release/deps/*.stage*.log"
  so="$SBF_TARGET_DIR/$TRIPLE/release/lib$c.so"
  [ -f "$so" ] || die "no $so after the build of $c (is its crate-type [\"cdylib\", \"lib\"]?)"
  mkdir -p "$DEPLOY"; put "$so" "$DEPLOY/$c.so"
done
echo "$STDKEY" >"$SBF_TARGET_DIR/.std.key"
for c in "${crates[@]}"; do
  so="$DEPLOY/$c.so"
  machine=$(od -An -tu2 -j18 -N2 "$so" | tr -d ' ')
  case "$machine" in 247|263) ;; *) die "$so is not an SBF ELF (e_machine $machine; a host build?)";; esac
  "$LLVM_DIR/bin/llvm-nm" -D "$so" 2>/dev/null | grep -q ' T entrypoint$' \
    || die "$so exports no entrypoint (built with a dependent's 'cpi'/'no-entrypoint' feature?)"
  printf '  %-24s %8d bytes  %s\n' "$c" "$(stat -c %s "$so")" "$so" >&2
done
say "5/5 programs built in $(( $(date +%s) - s ))s; total $(( $(date +%s) - T0 ))s"
