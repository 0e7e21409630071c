use anchor_lang::prelude::*;

use crate::constants::NO_VERIFIER_SLOT;
use crate::errors::RegistryError;
use crate::events::NodeDeregistered;
use crate::seeds;
use crate::state::{status, Config, Node};

#[derive(Accounts)]
pub struct Deregister<'info> {
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

impl Deregister<'_> {
    pub fn validate(&self) -> Result<()> {
        self.config.require_not_paused()?;
        require!(self.node.load()?.is_active(), RegistryError::AlreadyDeregistered);
        Ok(())
    }
}

/// Stops the node taking work; its whole stake enters the unstake cooldown. `close_node` follows
/// once the node owes nothing.
pub fn handler(ctx: Context<Deregister>) -> Result<()> {
    ctx.accounts.validate()?;
    let now = Clock::get()?.unix_timestamp;
    let cooldown = i64::from(ctx.accounts.config.params.unstake_cooldown_secs);
    let mut node = ctx.accounts.node.load_mut()?;
    node.status = status::DEREGISTERED;
    node.deregistered_at = now;
    // its verifier slot (if any) becomes a hole: draws landing on it count for nothing
    node.verifier_slot = NO_VERIFIER_SLOT;
    node.unstake_requested =
        node.unstake_requested.checked_add(node.stake).ok_or(RegistryError::MathOverflow)?;
    node.stake = 0;
    node.unstake_available_at = now.checked_add(cooldown).ok_or(RegistryError::MathOverflow)?;
    emit!(NodeDeregistered {
        node: ctx.accounts.node.key(),
        unstake_available_at: node.unstake_available_at
    });
    Ok(())
}
