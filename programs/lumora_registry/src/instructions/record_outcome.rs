use anchor_lang::prelude::*;

use crate::constants::JAIL_COOLDOWN_SECS;
use crate::errors::RegistryError;
use crate::events::{NodeJailed, OutcomeRecorded};
use crate::math::reputation_after;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct RecordOutcome<'info> {
    /// The tasks program's `["authority"]` PDA, signing through `invoke_signed`. Checked against the
    /// address derived at init from the tasks program id in the config — a passed-in program account
    /// is never trusted, so another program's PDA (an impostor) or a direct call cannot pass.
    #[account(address = config.tasks_authority @ RegistryError::WrongCpiAuthority)]
    pub authority: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::NODE, node.load()?.node_key.as_ref()], bump = node.load()?.bump)]
    pub node: AccountLoader<'info, Node>,
}

/// CPI-only (tasks program): a task outcome moves the node's reputation by the contract's integer EMA;
/// a node falling below the jail threshold is jailed (it cannot bid or verify until `unjail`).
pub fn handler(ctx: Context<RecordOutcome>, success: bool) -> Result<()> {
    let config = &ctx.accounts.config;
    config.require_not_paused()?;
    let now = Clock::get()?.unix_timestamp;
    let p = &config.params;
    let node_key = ctx.accounts.node.key();
    let mut node = ctx.accounts.node.load_mut()?;
    let before = node.reputation;
    node.reputation = reputation_after(before, success, p.rep_k_up_bps, p.rep_k_down_bps);
    emit!(OutcomeRecorded {
        node: node_key,
        success,
        reputation_before: before,
        reputation_after: node.reputation
    });
    if node.reputation < p.jail_threshold && !node.is_jailed() {
        node.jailed = 1;
        node.jailed_until = now.checked_add(JAIL_COOLDOWN_SECS).ok_or(RegistryError::MathOverflow)?;
        emit!(NodeJailed { node: node_key, reputation: node.reputation, jailed_until: node.jailed_until });
    }
    Ok(())
}
