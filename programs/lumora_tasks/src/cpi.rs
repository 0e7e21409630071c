//! The CPIs the tasks program makes, in one place: escrow payouts signed by the task PDA, and the
//! registry calls signed by this program's `["authority"]` PDA (which the registry checks against the
//! address it derived from the config's tasks program id).
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Transfer};

use crate::lumora_registry::cpi as reg;
use crate::seeds;
use crate::state::Task;

/// Pays `amount` from the task's escrow vault to `to`, signed by the task PDA.
pub fn pay_from_vault<'info>(
    token_program: Pubkey,
    vault: AccountInfo<'info>,
    to: AccountInfo<'info>,
    task: AccountInfo<'info>,
    t: &Task,
    amount: u64,
) -> Result<()> {
    let id = t.task_id.to_le_bytes();
    token::transfer(
        CpiContext::new(token_program, Transfer { from: vault, to, authority: task }).with_signer(&[&[
            seeds::TASK,
            t.consumer.as_ref(),
            &id,
            &[t.bump],
        ]]),
        amount,
    )
}

/// Registry CPIs signed by this program's CPI authority.
pub struct Registry<'info> {
    /// The registry program id.
    pub program: Pubkey,
    /// This program's `["authority"]` PDA.
    pub authority: AccountInfo<'info>,
    /// The registry config.
    pub config: AccountInfo<'info>,
    /// The authority PDA's bump.
    pub bump: u8,
}

impl<'info> Registry<'info> {
    /// `record_outcome(success)`: reputation up or down (and jail below the threshold).
    pub fn record_outcome(&self, node: AccountInfo<'info>, success: bool) -> Result<()> {
        let bump = [self.bump];
        let accounts = reg::accounts::RecordOutcome {
            authority: self.authority.clone(),
            config: self.config.clone(),
            node,
        };
        reg::record_outcome(
            CpiContext::new(self.program, accounts).with_signer(&[&[seeds::CPI_AUTHORITY, &bump]]),
            success,
        )
    }

    /// `adjust_obligations(delta, 0)`: open assignments the node holds.
    pub fn adjust_assignments(&self, node: AccountInfo<'info>, delta: i32) -> Result<()> {
        let bump = [self.bump];
        let accounts = reg::accounts::AdjustObligations {
            authority: self.authority.clone(),
            config: self.config.clone(),
            node,
        };
        reg::adjust_obligations(
            CpiContext::new(self.program, accounts).with_signer(&[&[seeds::CPI_AUTHORITY, &bump]]),
            delta,
            0,
        )
    }

    /// `slash(1)`: proven fraud moves `slash_bps` of the stake at risk to the treasury.
    pub fn slash_fraud(
        &self,
        node: AccountInfo<'info>,
        stake_vault: AccountInfo<'info>,
        treasury: AccountInfo<'info>,
        token_program: AccountInfo<'info>,
    ) -> Result<()> {
        let bump = [self.bump];
        let accounts = reg::accounts::Slash {
            authority: self.authority.clone(),
            config: self.config.clone(),
            node,
            stake_vault,
            treasury,
            token_program,
        };
        reg::slash(CpiContext::new(self.program, accounts).with_signer(&[&[seeds::CPI_AUTHORITY, &bump]]), 1)
    }
}
