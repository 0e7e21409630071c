//! `sbf_probe`: the build adapter's own test program (not part of the protocol). Each instruction
//! exercises one transformation of `tools/sbf` — the IR pass (`sbf-wide`, `sbf-argpack`, `sbf-nosret`,
//! wide division, `lower-atomic`) and the std patch (panic handler, `RandomState`) — and returns or
//! logs a value that the tests compare with the host's answer (tests/vectors/sbf_probe.json).
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

pub mod ops;

declare_id!("EZfpLruV3ZqtAN7euGyGFu5yybhCB1JLS93UNWVTtBX1");

#[program]
pub mod sbf_probe {
    use super::*;

    /// Checked `u64` and `i64` multiply; fails with `ProbeError::Overflow` on overflow.
    pub fn mul_checked(_ctx: Context<Noop>, a: u64, b: u64, ia: i64, ib: i64) -> Result<MulOut> {
        let product = ops::mul_checked(a, b).ok_or(ProbeError::Overflow)?;
        let iproduct = ops::imul_checked(ia, ib).ok_or(ProbeError::Overflow)?;
        Ok(MulOut { product, iproduct })
    }

    /// Overflow-checked `*` (release builds keep `overflow-checks = true`): overflow panics.
    pub fn mul_unchecked_op(_ctx: Context<Noop>, a: u64, b: u64) -> Result<u64> {
        Ok(std::hint::black_box(a) * std::hint::black_box(b))
    }

    /// `u128` multiply, divide, remainder and shifts at the given inputs.
    pub fn wide(_ctx: Context<Noop>, a: u128, b: u128, s: u8) -> Result<WideOut> {
        let w = ops::wide(a, b, s);
        Ok(WideOut {
            mul: w.mul,
            div: w.div,
            rem: w.rem,
            shl: w.shl,
            shr: w.shr,
            ashr: w.ashr,
            mul_div: w.mul_div,
        })
    }

    /// Calls a 7-argument function.
    pub fn seven_args(_ctx: Context<Noop>, v: [u64; 7]) -> Result<u64> {
        Ok(ops::seven(v[0], v[1], v[2], v[3], v[4], v[5], v[6]))
    }

    /// Logs large numbers through `msg!` (core::fmt).
    pub fn fmt_numbers(_ctx: Context<Noop>, a: u64, b: u128, c: i64, d: i128) -> Result<()> {
        msg!("{}", ops::fmt_line(a, b, c, d));
        Ok(())
    }

    /// Panics (index out of bounds) when `idx >= 3`: std's panic handler -> `custom_panic` -> abort.
    pub fn panic_at(_ctx: Context<Noop>, idx: u64) -> Result<u64> {
        let v: Vec<u64> = std::hint::black_box(vec![10, 20, 30]);
        Ok(v[idx as usize])
    }

    /// `require!(a > b)` with a custom error.
    pub fn require_gt(_ctx: Context<Noop>, a: u64, b: u64) -> Result<()> {
        require!(a > b, ProbeError::NotGreater);
        Ok(())
    }

    /// Signed 64- and 128-bit division and remainder; fails with `ProbeError::Overflow` where Rust's
    /// checked division returns `None`.
    pub fn signed_div(_ctx: Context<Noop>, a: i64, b: i64, c: i128, d: i128) -> Result<SignedDivOut> {
        let (q, r, q128, r128) = ops::signed_div(a, b, c, d).ok_or(ProbeError::Overflow)?;
        Ok(SignedDivOut { q, r, q128, r128 })
    }

    /// Checked `u128` and `i128` multiply; `ProbeError::Overflow` on overflow.
    pub fn mul128_checked(_ctx: Context<Noop>, a: u128, b: u128, c: i128, d: i128) -> Result<Mul128Out> {
        let (product, iproduct) = ops::mul128_checked(a, b, c, d).ok_or(ProbeError::Overflow)?;
        Ok(Mul128Out { product, iproduct })
    }

    /// Calls a non-inlined function that returns a `u128` by value.
    pub fn wide_return(_ctx: Context<Noop>, a: u128, b: u128) -> Result<u128> {
        Ok(ops::mix128(std::hint::black_box(a), std::hint::black_box(b)))
    }

    /// Hashes the keys through a `HashSet` (std's `RandomState`, patched to fixed keys on solana) and
    /// returns how many distinct keys it saw.
    pub fn distinct(_ctx: Context<Noop>, keys: Vec<Pubkey>) -> Result<u32> {
        let set: std::collections::HashSet<Pubkey> = keys.into_iter().collect();
        Ok(set.len() as u32)
    }
}

#[derive(Accounts)]
pub struct Noop {}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct MulOut {
    pub product: u64,
    pub iproduct: i64,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct WideOut {
    pub mul: u128,
    pub div: u128,
    pub rem: u128,
    pub shl: u128,
    pub shr: u128,
    pub ashr: i128,
    pub mul_div: u128,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct Mul128Out {
    pub product: u128,
    pub iproduct: i128,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SignedDivOut {
    pub q: i64,
    pub r: i64,
    pub q128: i128,
    pub r128: i128,
}

#[error_code]
pub enum ProbeError {
    #[msg("multiplication overflowed")]
    Overflow,
    #[msg("a must be greater than b")]
    NotGreater,
}
