use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::cpi::pay_from_vault;
use crate::errors::TasksError;
use crate::events::TaskCancelled;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{status, Task};

#[derive(Accounts)]
pub struct CancelTask<'info> {
    pub consumer: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
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

/// The consumer cancels before assignment; the escrow comes back.
pub fn handler(ctx: Context<CancelTask>) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let t = *ctx.accounts.task.load()?;
    require!(t.status == status::OPEN, TasksError::TaskNotOpen);
    let refunded = ctx.accounts.vault.amount;
    pay_from_vault(
        ctx.accounts.token_program.key(),
        ctx.accounts.vault.to_account_info(),
        ctx.accounts.consumer_tokens.to_account_info(),
        ctx.accounts.task.to_account_info(),
        &t,
        refunded,
    )?;
    ctx.accounts.task.load_mut()?.status = status::CANCELLED;
    emit!(TaskCancelled { task: ctx.accounts.task.key(), refunded });
    Ok(())
}
