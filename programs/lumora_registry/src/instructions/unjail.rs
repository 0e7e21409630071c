use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::NodeUnjailed;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct Unjail<'info> {
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

impl Unjail<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        self.config.require_not_paused()?;
        let node = self.node.load()?;
        require!(node.is_active(), RegistryError::NodeNotActive);
        require!(node.is_jailed(), RegistryError::NodeNotJailed);
        require!(now >= node.jailed_until, RegistryError::JailCooldownNotElapsed);
        Ok(())
    }
}

/// Lets a jailed node back after the jail cooldown, on probation: its reputation is raised to the
/// jail threshold (no higher), so one more failure jails it again.
pub fn handler(ctx: Context<Unjail>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let threshold = ctx.accounts.config.params.jail_threshold;
    let node_key = ctx.accounts.node.key();
    let mut node = ctx.accounts.node.load_mut()?;
    node.jailed = 0;
    node.jailed_until = 0;
    node.reputation = node.reputation.max(threshold);
    emit!(NodeUnjailed { node: node_key, reputation: node.reputation });
    Ok(())
}
