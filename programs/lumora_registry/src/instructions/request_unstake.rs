use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::UnstakeRequested;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct RequestUnstake<'info> {
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

impl RequestUnstake<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        self.config.require_not_paused()?;
        require!(amount > 0, RegistryError::ZeroAmount);
        let node = self.node.load()?;
        require!(node.is_active(), RegistryError::NodeNotActive);
        require!(node.unstake_requested == 0, RegistryError::UnstakePending);
        let remaining = node.stake.checked_sub(amount).ok_or(RegistryError::StakeWouldFallBelowMinimum)?;
        require!(remaining >= self.config.params.min_stake, RegistryError::StakeWouldFallBelowMinimum);
        Ok(())
    }
}

/// Moves `amount` out of the active stake; it can be withdrawn after the configured cooldown.
pub fn handler(ctx: Context<RequestUnstake>, amount: u64) -> Result<()> {
    ctx.accounts.validate(amount)?;
    let now = Clock::get()?.unix_timestamp;
    let cooldown = i64::from(ctx.accounts.config.params.unstake_cooldown_secs);
    let mut node = ctx.accounts.node.load_mut()?;
    node.stake = node.stake.checked_sub(amount).ok_or(RegistryError::MathOverflow)?;
    node.unstake_requested = amount;
    node.unstake_available_at = now.checked_add(cooldown).ok_or(RegistryError::MathOverflow)?;
    emit!(UnstakeRequested {
        node: ctx.accounts.node.key(),
        amount,
        available_at: node.unstake_available_at,
        stake: node.stake,
    });
    Ok(())
}
