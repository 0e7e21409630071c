//! The arithmetic the probe runs on chain, as plain functions: the host tests compute the expected
//! answers with these same functions natively (x86-64), the SBF tests compare the program's output.
//! `#[inline(never)]` keeps each operation a real call so the IR pass sees the shapes it rewrites.

/// `u64 * u64` with overflow detection (LLVM: `umul.with.overflow.i64` -> sbf-wide).
#[inline(never)]
pub fn mul_checked(a: u64, b: u64) -> Option<u64> {
    a.checked_mul(b)
}

/// `i64 * i64` with overflow detection (LLVM: `smul.with.overflow.i64` -> sbf-wide).
#[inline(never)]
pub fn imul_checked(a: i64, b: i64) -> Option<i64> {
    a.checked_mul(b)
}

/// Results of the 128-bit operations on `(a, b, s)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Wide {
    pub mul: u128,
    pub div: u128,
    pub rem: u128,
    pub shl: u128,
    pub shr: u128,
    pub ashr: i128,
    pub mul_div: u128,
}

/// `u128` multiply (sbf-wide), divide and remainder (expand-ir-insts), variable shifts (sbf-wide).
/// `b == 0` yields zero quotient/remainder (the caller checks); `mul_div` is the reward formula shape
/// `a_lo * b_lo / max(1, b_hi)` computed in u128.
#[inline(never)]
pub fn wide(a: u128, b: u128, s: u8) -> Wide {
    let s = u32::from(s) & 127;
    let lo = |x: u128| x & u128::from(u64::MAX);
    Wide {
        mul: a.wrapping_mul(b),
        div: a.checked_div(b).unwrap_or(0),
        rem: a.checked_rem(b).unwrap_or(0),
        shl: a.wrapping_shl(s),
        shr: a.wrapping_shr(s),
        ashr: (a as i128).wrapping_shr(s),
        mul_div: (lo(a) * lo(b)) / (b >> 64).max(1),
    }
}

/// A 7-argument function (the BPF ABI passes 5 in registers; sbf-argpack packs the rest).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub fn seven(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64) -> u64 {
    a.wrapping_mul(1)
        ^ b.wrapping_mul(3).rotate_left(7)
        ^ c.wrapping_mul(5).rotate_left(13)
        ^ d.wrapping_mul(7).rotate_left(19)
        ^ e.wrapping_mul(11).rotate_left(29)
        ^ f.wrapping_mul(13).rotate_left(37)
        ^ g.wrapping_mul(17).rotate_left(43)
}

/// The exact line `fmt_numbers` logs (`core::fmt` integer formatting, 6-argument `pad_integral`).
pub fn fmt_line(a: u64, b: u128, c: i64, d: i128) -> String {
    format!("probe fmt: u64={a} u128={b} i64={c} i128={d} hex={a:#018x} pad=[{c:>24}]")
}

/// Signed division and remainder, 64- and 128-bit (cpu v2 has no signed division: sbf-sdiv for i64,
/// expand-ir-insts for i128). `None` when Rust would panic (division by zero, `MIN / −1`).
#[inline(never)]
pub fn signed_div(a: i64, b: i64, c: i128, d: i128) -> Option<(i64, i64, i128, i128)> {
    Some((a.checked_div(b)?, a.checked_rem(b)?, c.checked_div(d)?, c.checked_rem(d)?))
}

/// A non-inlined function returning a `u128` by value (sbf-wideret rewrites it to an out-pointer).
#[inline(never)]
pub fn mix128(a: u128, b: u128) -> u128 {
    a.rotate_left(17) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
}

/// Checked `u128` and `i128` multiply (LLVM: `{u,s}mul.with.overflow.i128` -> sbf-wide via i256).
#[inline(never)]
pub fn mul128_checked(a: u128, b: u128, c: i128, d: i128) -> Option<(u128, i128)> {
    Some((a.checked_mul(b)?, c.checked_mul(d)?))
}
