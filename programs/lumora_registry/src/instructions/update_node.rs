use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::NodeUpdated;
use crate::seeds;
use crate::state::{Config, Node, NodeProfile};

#[derive(Accounts)]
pub struct UpdateNode<'info> {
    pub operator: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        seeds = [seeds::NODE, node.load()?.node_key.as_ref()],
        bump = node.load()?.bump,
        has_one = operator @ RegistryError::NotOperator,
    )]
    pub node: AccountLoader<'info, Node>,
}

impl UpdateNode<'_> {
    pub fn validate(&self, profile: &NodeProfile) -> Result<()> {
        self.config.require_not_paused()?;
        require!(self.node.load()?.is_active(), RegistryError::NodeNotActive);
        profile.validate()
    }
}

/// Replaces roles, location, bandwidth and multiaddr; the shard and the keys never change.
pub fn handler(ctx: Context<UpdateNode>, profile: NodeProfile) -> Result<()> {
    ctx.accounts.validate(&profile)?;
    profile.apply(&mut *ctx.accounts.node.load_mut()?);
    emit!(NodeUpdated {
        node: ctx.accounts.node.key(),
        roles: profile.roles,
        lat_e6: profile.lat_e6,
        lon_e6: profile.lon_e6,
        declared_bandwidth_kbps: profile.declared_bandwidth_kbps,
        bandwidth_cap_kbps: profile.bandwidth_cap_kbps,
        multiaddr: profile.multiaddr,
    });
    Ok(())
}
