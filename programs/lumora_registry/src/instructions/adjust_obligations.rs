use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::ObligationsUpdated;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct AdjustObligations<'info> {
    /// The tasks program's CPI authority (may change `open_assignments`) or the rewards program's
    /// (may change `unclaimed_epochs`), as recorded in the config.
    pub authority: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::NODE, node.load()?.node_key.as_ref()], bump = node.load()?.bump)]
    pub node: AccountLoader<'info, Node>,
}

impl AdjustObligations<'_> {
    pub fn validate(&self, assignments_delta: i32, epochs_delta: i32) -> Result<()> {
        self.config.require_not_paused()?;
        let a = self.authority.key();
        let tasks = a == self.config.tasks_authority && epochs_delta == 0;
        let rewards = a == self.config.rewards_authority && assignments_delta == 0;
        require!(tasks || rewards, RegistryError::WrongCpiAuthority);
        Ok(())
    }
}

fn apply(counter: u32, delta: i32) -> Result<u32> {
    let next = i64::from(counter).checked_add(i64::from(delta)).ok_or(RegistryError::MathOverflow)?;
    u32::try_from(next).map_err(|_| error!(RegistryError::ObligationUnderflow))
}

/// CPI-only: what the node owes — open task assignments (tasks) and unclaimed reward epochs
/// (rewards). `close_node` and the deregistered-stake withdrawal wait until both are zero.
pub fn handler(ctx: Context<AdjustObligations>, assignments_delta: i32, epochs_delta: i32) -> Result<()> {
    ctx.accounts.validate(assignments_delta, epochs_delta)?;
    let node_key = ctx.accounts.node.key();
    let mut node = ctx.accounts.node.load_mut()?;
    node.open_assignments = apply(node.open_assignments, assignments_delta)?;
    node.unclaimed_epochs = apply(node.unclaimed_epochs, epochs_delta)?;
    emit!(ObligationsUpdated {
        node: node_key,
        open_assignments: node.open_assignments,
        unclaimed_epochs: node.unclaimed_epochs,
    });
    Ok(())
}
