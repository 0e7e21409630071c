use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::cpi::{pay_from_vault, Registry};
use crate::errors::TasksError;
use crate::events::AssigneeExpired;
use crate::lumora_registry::accounts::{Config, Node};
use crate::lumora_registry::program::LumoraRegistry;
use crate::seeds;
use crate::state::{status, Task};

#[derive(Accounts)]
#[instruction(rank: u8)]
pub struct ExpireAndReassign<'info> {
    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::TASK, task.load()?.consumer.as_ref(), &task.load()?.task_id.to_le_bytes()], bump = task.load()?.bump)]
    pub task: AccountLoader<'info, Task>,

    /// The silent assignee.
    #[account(mut, constraint = Some(&expired.key()) == task.load()?.slots.get(usize::from(rank)).map(|s| &s.node) @ TasksError::WrongAssignees)]
    pub expired: AccountLoader<'info, Node>,

    /// CHECK: the silent assignee's result address; it must not exist (the assignee never committed).
    #[account(seeds = [seeds::RESULT, task.key().as_ref(), expired.key().as_ref()], bump)]
    pub expired_result: UncheckedAccount<'info>,

    /// CHECK: the first backup's registry node, promoted (gains an open assignment by CPI); any
    /// account when there is no backup left.
    #[account(mut)]
    pub backup: UncheckedAccount<'info>,

    #[account(mut, seeds = [seeds::TASK_VAULT, task.key().as_ref()], bump = task.load()?.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        constraint = consumer_tokens.owner == task.load()?.consumer @ TasksError::WrongTokenOwner,
        constraint = consumer_tokens.mint == config.lmr_mint @ TasksError::WrongMint,
    )]
    pub consumer_tokens: Box<Account<'info, TokenAccount>>,

    /// CHECK: this program's CPI authority PDA (seeds checked).
    #[account(seeds = [seeds::CPI_AUTHORITY], bump)]
    pub authority: UncheckedAccount<'info>,

    pub registry_program: Program<'info, LumoraRegistry>,
    pub token_program: Program<'info, Token>,
}

/// Permissionless after the commit deadline: an assignee that never committed loses reputation and its
/// assignment; the first backup takes its place with fresh commit and reveal windows. With no backup
/// left the task fails, the escrow returns, and the remaining assignees are released without penalty.
pub fn handler(ctx: Context<ExpireAndReassign>, rank: u8) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    let t = *ctx.accounts.task.load()?;
    require!(
        t.status == status::ASSIGNED && now >= t.commit_deadline && rank < t.assigned_count,
        TasksError::NotExpirable
    );
    require!(ctx.accounts.expired_result.data_is_empty(), TasksError::NotExpirable);

    let a = &ctx.accounts;
    let registry = Registry {
        program: a.registry_program.key(),
        authority: a.authority.to_account_info(),
        config: a.config.to_account_info(),
        bump: ctx.bumps.authority,
    };
    registry.record_outcome(a.expired.to_account_info(), false)?;
    registry.adjust_assignments(a.expired.to_account_info(), -1)?;

    let r = usize::from(rank);
    let assigned = usize::from(t.assigned_count);
    let count = usize::from(t.slot_count);
    let (promoted, refunded, commit_deadline, reveal_deadline);
    if count > assigned {
        let backup = t.slots[assigned].node;
        require_keys_eq!(a.backup.key(), backup, TasksError::WrongBackup);
        registry.adjust_assignments(a.backup.to_account_info(), 1)?;
        commit_deadline = now.saturating_add(t.commit_window_secs);
        reveal_deadline = commit_deadline.saturating_add(t.reveal_window_secs);
        let mut tm = ctx.accounts.task.load_mut()?;
        tm.slots[r] = tm.slots[assigned];
        for j in assigned..count.saturating_sub(1) {
            tm.slots[j] = tm.slots[j.saturating_add(1)];
        }
        tm.slots[count.saturating_sub(1)] = Default::default();
        tm.slot_count = tm.slot_count.saturating_sub(1);
        tm.commit_deadline = commit_deadline;
        tm.reveal_deadline = reveal_deadline;
        tm.invariant()?;
        promoted = Some(backup);
        refunded = 0;
    } else {
        refunded = a.vault.amount;
        pay_from_vault(
            a.token_program.key(),
            a.vault.to_account_info(),
            a.consumer_tokens.to_account_info(),
            a.task.to_account_info(),
            &t,
            refunded,
        )?;
        let mut tm = ctx.accounts.task.load_mut()?;
        tm.status = status::FAILED;
        let bit = 1u8 << r;
        // the expired assignee is done; the others are released by settle_assignee, as neutral
        tm.settled_mask |= bit;
        tm.revealed_mask = ((1u16 << assigned) as u8).wrapping_sub(1) & !bit;
        tm.invariant()?;
        commit_deadline = tm.commit_deadline;
        reveal_deadline = tm.reveal_deadline;
        promoted = None;
    }
    emit!(AssigneeExpired {
        task: task_key,
        expired: ctx.accounts.expired.key(),
        promoted,
        commit_deadline,
        reveal_deadline,
        refunded,
    });
    Ok(())
}
