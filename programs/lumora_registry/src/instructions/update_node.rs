use anchor_lang::prelude::*;

use crate::constants::NO_VERIFIER_SLOT;
use crate::errors::RegistryError;
use crate::events::NodeUpdated;
use crate::seeds;
use crate::state::{roles, Config, Node, NodeProfile};

#[derive(Accounts)]
pub struct UpdateNode<'info> {
    pub operator: Signer<'info>,

    /// Written when the node takes the VERIFIER role (its verifier slot).
    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump)]
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

/// Replaces roles, location, bandwidth and multiaddr; the shard and the keys never change. Taking the
/// VERIFIER role hands the node a new verifier slot; leaving it leaves the slot empty (a hole: slots
/// are never reused, so no draw of a running epoch changes holder).
pub fn handler(ctx: Context<UpdateNode>, profile: NodeProfile) -> Result<()> {
    ctx.accounts.validate(&profile)?;
    let verifier_slot = {
        let mut node = ctx.accounts.node.load_mut()?;
        let was_verifier = node.has_role(roles::VERIFIER);
        profile.apply(&mut node);
        match (was_verifier, node.has_role(roles::VERIFIER)) {
            (false, true) => ctx.accounts.config.assign_verifier_slot(&mut node)?,
            (true, false) => node.verifier_slot = NO_VERIFIER_SLOT,
            _ => {}
        }
        node.verifier_slot
    };
    emit!(NodeUpdated {
        node: ctx.accounts.node.key(),
        roles: profile.roles,
        lat_e6: profile.lat_e6,
        lon_e6: profile.lon_e6,
        declared_bandwidth_kbps: profile.declared_bandwidth_kbps,
        bandwidth_cap_kbps: profile.bandwidth_cap_kbps,
        multiaddr: profile.multiaddr,
        verifier_slot,
    });
    Ok(())
}
