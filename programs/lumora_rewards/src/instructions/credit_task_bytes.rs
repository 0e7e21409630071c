use anchor_lang::prelude::*;

use crate::errors::RewardsError;
use crate::events::TaskBytesCredited;
use crate::lumora_registry::accounts::{Config, Node};
use crate::math::{epoch_index, task_credit};
use crate::seeds;
use crate::state::{Contribution, Epoch, EpochShard};

/// Account order is an interface: the tasks program (issue 5) builds this CPI.
#[derive(Accounts)]
pub struct CreditTaskBytes<'info> {
    /// The tasks program's `["authority"]` PDA, signing through `invoke_signed`; checked against the
    /// address the registry derived at init — never a passed-in program id.
    #[account(address = config.tasks_authority @ RewardsError::WrongCpiAuthority)]
    pub authority: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    /// The current epoch (read only).
    pub epoch: Box<Account<'info, Epoch>>,

    /// The node shard's total in this epoch (created on first use).
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + EpochShard::INIT_SPACE,
        seeds = [seeds::EPOCH_SHARD, epoch.key().as_ref(), &node.load()?.shard.to_le_bytes()],
        bump,
    )]
    pub epoch_shard: Box<Account<'info, EpochShard>>,

    /// The node's contribution in this epoch (created on first use).
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + Contribution::INIT_SPACE,
        seeds = [seeds::CONTRIBUTION, epoch.key().as_ref(), node.key().as_ref()],
        bump,
    )]
    pub contribution: Box<Account<'info, Contribution>>,

    /// The contributing registry node (read: owner + discriminator checked).
    pub node: AccountLoader<'info, Node>,

    #[account(mut)]
    pub payer: Signer<'info>,

    pub system_program: Program<'info, System>,
}

impl CreditTaskBytes<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(
            self.epoch.is_current(now)
                && self.epoch.index == epoch_index(now, self.config.params.epoch_length_secs),
            RewardsError::NotCurrentEpoch
        );
        Ok(())
    }
}

/// CPI-only (tasks program): credits accepted task-result bytes, weighted by `task_weight_bps`, to the
/// node's contribution and its shard (the node, read only, gives its shard and operator).
pub fn handler(ctx: Context<CreditTaskBytes>, bytes: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let credit =
        task_credit(bytes, ctx.accounts.config.params.task_weight_bps).ok_or(RewardsError::MathOverflow)?;
    let node_key = ctx.accounts.node.key();
    let (shard_no, operator) = {
        let node = ctx.accounts.node.load()?;
        (node.shard, node.operator)
    };
    let epoch_key = ctx.accounts.epoch.key();
    let index = ctx.accounts.epoch.index;

    let c = &mut ctx.accounts.contribution;
    c.init_if_new(ctx.bumps.contribution, shard_no, index, epoch_key, node_key, operator);
    let was_zero = c.contribution == 0;
    c.task_bytes = c.task_bytes.checked_add(bytes).ok_or(RewardsError::MathOverflow)?;
    c.contribution = c.contribution.checked_add(credit).ok_or(RewardsError::MathOverflow)?;
    let contribution = c.contribution;

    let shard = &mut ctx.accounts.epoch_shard;
    shard.init_if_new(ctx.bumps.epoch_shard, shard_no, epoch_key);
    shard.total_contribution =
        shard.total_contribution.checked_add(u128::from(credit)).ok_or(RewardsError::MathOverflow)?;
    if was_zero && contribution > 0 {
        shard.contributors = shard.contributors.saturating_add(1);
    }
    emit!(TaskBytesCredited { epoch: index, node: node_key, bytes, credit, contribution });
    Ok(())
}
