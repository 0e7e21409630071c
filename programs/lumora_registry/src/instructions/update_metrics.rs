use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::MetricsUpdated;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct UpdateMetrics<'info> {
    /// The rewards program's `["authority"]` PDA: must equal the config's `rewards_authority` (checked
    /// in the handler, read by offset).
    pub authority: Signer<'info>,

    /// CHECK: the registry config — owner and discriminator checked and `paused` / `rewards_authority`
    /// read at fixed offsets by [`Config::read_pause_and_rewards_authority`] (one per provider per
    /// epoch: a borsh decode of the whole config cost ≈ 4k CU here). Only `init_config` creates a
    /// Config, at its PDA, so owner + discriminator identify it.
    pub config: UncheckedAccount<'info>,

    /// A node of this program (owner and discriminator checked by the loader; only `register_node`
    /// creates one, at `["node", node_key]`, so no PDA derivation is needed to trust it).
    #[account(mut)]
    pub node: AccountLoader<'info, Node>,
}

/// CPI-only (rewards program, `credit_epoch`): the verified bandwidth and latency a provider's
/// assigned verifiers measured in an epoch.
pub fn handler(
    ctx: Context<UpdateMetrics>,
    verified_bandwidth_kbps: u64,
    verified_latency_ms: u32,
) -> Result<()> {
    let (paused, authority) = Config::read_pause_and_rewards_authority(&ctx.accounts.config)?;
    require_keys_eq!(ctx.accounts.authority.key(), authority, RegistryError::WrongCpiAuthority);
    require!(!paused, RegistryError::ProtocolPaused);
    let node_key = ctx.accounts.node.key();
    let mut node = ctx.accounts.node.load_mut()?;
    node.verified_bandwidth_kbps = verified_bandwidth_kbps;
    node.verified_latency_ms = verified_latency_ms;
    emit!(MetricsUpdated { node: node_key, verified_bandwidth_kbps, verified_latency_ms });
    Ok(())
}
