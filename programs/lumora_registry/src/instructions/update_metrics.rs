use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::MetricsUpdated;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct UpdateMetrics<'info> {
    /// The rewards program's `["authority"]` PDA (address derived at init from the config's
    /// rewards program id; see `record_outcome`).
    #[account(address = config.rewards_authority @ RegistryError::WrongCpiAuthority)]
    pub authority: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::NODE, node.load()?.node_key.as_ref()], bump = node.load()?.bump)]
    pub node: AccountLoader<'info, Node>,
}

/// CPI-only (rewards program): verified bandwidth and latency measured by Proof-of-Bandwidth receipts.
pub fn handler(
    ctx: Context<UpdateMetrics>,
    verified_bandwidth_kbps: u64,
    verified_latency_ms: u32,
) -> Result<()> {
    ctx.accounts.config.require_not_paused()?;
    let node_key = ctx.accounts.node.key();
    let mut node = ctx.accounts.node.load_mut()?;
    node.verified_bandwidth_kbps = verified_bandwidth_kbps;
    node.verified_latency_ms = verified_latency_ms;
    emit!(MetricsUpdated { node: node_key, verified_bandwidth_kbps, verified_latency_ms });
    Ok(())
}
