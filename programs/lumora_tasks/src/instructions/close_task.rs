use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Token, TokenAccount};

use crate::cpi::pay_from_vault;
use crate::errors::TasksError;
use crate::events::TaskClosed;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{status, Task};

#[derive(Accounts)]
pub struct CloseTask<'info> {
    /// Receives the escrow remainder and both rents.
    #[account(mut)]
    pub consumer: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        close = consumer,
        constraint = task.load()?.consumer == consumer.key() @ TasksError::NotConsumer,
    )]
    pub task: AccountLoader<'info, Task>,

    #[account(mut, seeds = [seeds::TASK_VAULT, task.key().as_ref()], bump = task.load()?.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        constraint = consumer_tokens.owner == consumer.key() @ TasksError::WrongTokenOwner,
        constraint = consumer_tokens.mint == config.lmr_mint @ TasksError::WrongMint,
    )]
    pub consumer_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

/// The consumer closes a settled (every assignee processed), failed or cancelled task: the escrow's
/// remainder (rounding of the payout split) and the rent of the task and its vault come back. The
/// task's history stays in its events.
pub fn handler(ctx: Context<CloseTask>) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let t = *ctx.accounts.task.load()?;
    let all = ((1u16 << t.assigned_count) as u8).wrapping_sub(1);
    let done = match t.status {
        status::CANCELLED => true,
        status::SETTLED | status::FAILED => t.settled_mask & all == all,
        _ => false,
    };
    require!(done, TasksError::NotClosable);
    let id = t.task_id.to_le_bytes();
    let consumer = ctx.accounts.consumer.key();
    let signer: &[&[&[u8]]] = &[&[seeds::TASK, consumer.as_ref(), &id, &[t.bump]]];
    let refunded = ctx.accounts.vault.amount;
    let tp = ctx.accounts.token_program.key();
    if refunded > 0 {
        pay_from_vault(
            tp,
            ctx.accounts.vault.to_account_info(),
            ctx.accounts.consumer_tokens.to_account_info(),
            ctx.accounts.task.to_account_info(),
            &t,
            refunded,
        )?;
    }
    token::close_account(
        CpiContext::new(
            tp,
            CloseAccount {
                account: ctx.accounts.vault.to_account_info(),
                destination: ctx.accounts.consumer.to_account_info(),
                authority: ctx.accounts.task.to_account_info(),
            },
        )
        .with_signer(signer),
    )?;
    emit!(TaskClosed { task: ctx.accounts.task.key(), refunded });
    Ok(())
}
