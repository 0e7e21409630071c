//! Test-only program (never deployed with the protocol): forwards calls to the registry's CPI-only
//! instructions, signing with its own `["authority"]` PDA — exactly what the tasks and rewards
//! programs do. The registry must accept it only when the config names this program as the tasks
//! (or rewards) program, and refuse it as an impostor otherwise.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(target_os = "solana")]
use solana_compiler_builtins as _;

// The registry's CPI client, generated from its IDL (`idls/lumora_registry.json`) — no crate
// dependency on the program, so no `cpi`/`no-entrypoint` feature leaks into the registry's own build.
declare_program!(lumora_registry);
use lumora_registry::cpi::accounts::{AdjustObligations, RecordOutcome, Slash, UpdateMetrics};
use lumora_registry::program::LumoraRegistry;

declare_id!("E2aFpx3VGAXMjc2Gw3zdVK84vN4VVYzYxe4NoZukzsvL");

const AUTHORITY: &[u8] = b"authority";

#[program]
pub mod lumora_cpi_caller {
    use super::*;

    /// CPI `record_outcome(success)` signed by this program's authority PDA.
    pub fn forward_record_outcome(ctx: Context<Forward>, success: bool) -> Result<()> {
        let bump = ctx.bumps.authority;
        let a = &ctx.accounts;
        lumora_registry::cpi::record_outcome(
            CpiContext::new(
                a.registry.key(),
                RecordOutcome {
                    authority: a.authority.to_account_info(),
                    config: a.config.to_account_info(),
                    node: a.node.to_account_info(),
                },
            )
            .with_signer(&[&[AUTHORITY, &[bump]]]),
            success,
        )
    }

    /// CPI `update_metrics` signed by this program's authority PDA.
    pub fn forward_update_metrics(ctx: Context<Forward>, bandwidth_kbps: u64, latency_ms: u32) -> Result<()> {
        let bump = ctx.bumps.authority;
        let a = &ctx.accounts;
        lumora_registry::cpi::update_metrics(
            CpiContext::new(
                a.registry.key(),
                UpdateMetrics {
                    authority: a.authority.to_account_info(),
                    config: a.config.to_account_info(),
                    node: a.node.to_account_info(),
                },
            )
            .with_signer(&[&[AUTHORITY, &[bump]]]),
            bandwidth_kbps,
            latency_ms,
        )
    }

    /// CPI `adjust_obligations` signed by this program's authority PDA.
    pub fn forward_adjust_obligations(
        ctx: Context<Forward>,
        assignments_delta: i32,
        epochs_delta: i32,
    ) -> Result<()> {
        let bump = ctx.bumps.authority;
        let a = &ctx.accounts;
        lumora_registry::cpi::adjust_obligations(
            CpiContext::new(
                a.registry.key(),
                AdjustObligations {
                    authority: a.authority.to_account_info(),
                    config: a.config.to_account_info(),
                    node: a.node.to_account_info(),
                },
            )
            .with_signer(&[&[AUTHORITY, &[bump]]]),
            assignments_delta,
            epochs_delta,
        )
    }

    /// CPI `slash(reason)` signed by this program's authority PDA.
    pub fn forward_slash(ctx: Context<ForwardSlash>, reason: u8) -> Result<()> {
        let bump = ctx.bumps.authority;
        let a = &ctx.accounts;
        lumora_registry::cpi::slash(
            CpiContext::new(
                a.registry.key(),
                Slash {
                    authority: a.authority.to_account_info(),
                    config: a.config.to_account_info(),
                    node: a.node.to_account_info(),
                    stake_vault: a.stake_vault.to_account_info(),
                    treasury: a.treasury.to_account_info(),
                    token_program: a.token_program.to_account_info(),
                },
            )
            .with_signer(&[&[AUTHORITY, &[bump]]]),
            reason,
        )
    }
}

#[derive(Accounts)]
pub struct Forward<'info> {
    /// CHECK: this program's authority PDA; it only signs the CPI.
    #[account(seeds = [AUTHORITY], bump)]
    pub authority: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    pub config: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    #[account(mut)]
    pub node: UncheckedAccount<'info>,
    pub registry: Program<'info, LumoraRegistry>,
}

#[derive(Accounts)]
pub struct ForwardSlash<'info> {
    /// CHECK: this program's authority PDA; it only signs the CPI.
    #[account(seeds = [AUTHORITY], bump)]
    pub authority: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    pub config: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    #[account(mut)]
    pub node: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    #[account(mut)]
    pub stake_vault: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    #[account(mut)]
    pub treasury: UncheckedAccount<'info>,
    /// CHECK: forwarded; the registry validates it.
    pub token_program: UncheckedAccount<'info>,
    pub registry: Program<'info, LumoraRegistry>,
}
