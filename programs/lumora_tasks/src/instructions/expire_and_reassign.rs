use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::cpi::{pay_from_vault, Registry};
use crate::errors::TasksError;
use crate::events::AssigneeExpired;
use crate::lumora_registry::accounts::{Config, Node};
use crate::lumora_registry::program::LumoraRegistry;
use crate::seeds;
use crate::state::{result_status, status, Task, TaskResult};

#[derive(Accounts)]
#[instruction(rank: u8)]
pub struct ExpireAndReassign<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    /// The silent assignee (`InvalidRank` when `rank` names none).
    #[account(mut, constraint = expired.key() == task.load()?.assignee(rank)? @ TasksError::WrongAssignees)]
    pub expired: AccountLoader<'info, Node>,

    /// CHECK: the silent assignee's result address (seeds checked): empty (it never committed) or its
    /// result, read in the handler (committed but never revealed).
    #[account(seeds = [seeds::RESULT, task.key().as_ref(), expired.key().as_ref()], bump)]
    pub expired_result: UncheckedAccount<'info>,

    /// CHECK: the first backup's registry node, promoted (gains an open assignment by CPI) or dropped;
    /// any account when there is no backup left (the handler compares it with the task's first backup).
    #[account(mut)]
    pub backup: UncheckedAccount<'info>,

    /// CHECK: the first backup's result address (seeds checked): its standby commitment, if it made one.
    #[account(seeds = [seeds::RESULT, task.key().as_ref(), backup.key().as_ref()], bump)]
    pub backup_result: UncheckedAccount<'info>,

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

/// A result account's status, or `None` when the address holds no result.
fn result_state(info: &AccountInfo, task: &Pubkey, node: &Pubkey) -> Result<Option<u8>> {
    if info.owner != &crate::ID || info.data_is_empty() {
        return Ok(None);
    }
    let r = TaskResult::try_deserialize(&mut &info.try_borrow_data()?[..])?;
    require!(r.task == *task && r.node == *node, TasksError::WrongResults);
    Ok(Some(r.status))
}

/// Permissionless: replaces an assignee silent at either stage — it never committed (after the commit
/// deadline) or committed and never revealed (after the reveal deadline). The silent node loses
/// reputation and its assignment. The first backup takes its place:
/// - while no result is public (no reveal yet) it gets fresh commit and reveal windows;
/// - once results are public it must hold a standby commitment made before them (else it could copy
///   them): then it gets a fresh reveal window; a first backup without one is dropped from the list
///   (no penalty: it was on standby) and the silent assignee stays for the next crank.
///
/// With no backup left: a silent committer ends the task (it fails, the escrow returns, the others are
/// released neutral by `settle_assignee`); a silent revealer is left to `settle`, which counts it silent.
pub fn handler(ctx: Context<ExpireAndReassign>, rank: u8) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    let t = *ctx.accounts.task.load()?;
    require!(t.status == status::ASSIGNED, TasksError::NotExpirable);
    let a = &ctx.accounts;
    let expired_key = a.expired.key();
    let stage: u8 = match result_state(&a.expired_result, &task_key, &expired_key)? {
        None if now >= t.commit_deadline => 1,
        Some(result_status::COMMITTED) if now >= t.reveal_deadline => 2,
        _ => return err!(TasksError::NotExpirable),
    };
    let r = usize::from(rank);
    let assigned = usize::from(t.assigned_count);
    let count = usize::from(t.slot_count);
    require!(count > assigned || stage == 1, TasksError::NotExpirable);

    let registry = Registry {
        program: a.registry_program.key(),
        authority: a.authority.to_account_info(),
        config: a.config.to_account_info(),
        bump: ctx.bumps.authority,
    };
    let (mut promoted, mut dropped, mut refunded) = (None, None, 0);
    if count > assigned {
        let backup = t.slots[assigned].node;
        require_keys_eq!(a.backup.key(), backup, TasksError::WrongBackup);
        let standby = result_state(&a.backup_result, &task_key, &backup)? == Some(result_status::COMMITTED);
        if t.reveal_count > 0 && !standby {
            // results are public: a backup without a prior commitment could copy them
            let mut tm = ctx.accounts.task.load_mut()?;
            for j in assigned..count.saturating_sub(1) {
                tm.slots[j] = tm.slots[j.saturating_add(1)];
            }
            tm.slots[count.saturating_sub(1)] = Default::default();
            tm.slot_count = tm.slot_count.saturating_sub(1);
            tm.invariant()?;
            dropped = Some(backup);
        } else {
            registry.record_outcome(a.expired.to_account_info(), false)?;
            registry.adjust_assignments(a.expired.to_account_info(), -1)?;
            registry.adjust_assignments(a.backup.to_account_info(), 1)?;
            let mut tm = ctx.accounts.task.load_mut()?;
            tm.slots[r] = tm.slots[assigned];
            for j in assigned..count.saturating_sub(1) {
                tm.slots[j] = tm.slots[j.saturating_add(1)];
            }
            tm.slots[count.saturating_sub(1)] = Default::default();
            tm.slot_count = tm.slot_count.saturating_sub(1);
            if stage == 2 {
                tm.commit_count = tm.commit_count.saturating_sub(1);
            }
            if standby {
                tm.commit_count = tm.commit_count.saturating_add(1);
            }
            if t.reveal_count == 0 {
                tm.commit_deadline = now.saturating_add(t.commit_window_secs);
                tm.reveal_deadline = tm.commit_deadline.saturating_add(t.reveal_window_secs);
            } else {
                // commitments are closed (results are public); the promoted backup only reveals
                tm.reveal_deadline = now.saturating_add(t.reveal_window_secs);
            }
            tm.invariant()?;
            promoted = Some(backup);
        }
    } else {
        // stage 1 with no backup left: the task fails
        registry.record_outcome(a.expired.to_account_info(), false)?;
        registry.adjust_assignments(a.expired.to_account_info(), -1)?;
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
        let bit = 1u8 << r; // r < assigned ≤ 5
                            // the expired assignee is done; the others are released by settle_assignee, as neutral
        tm.settled_mask |= bit;
        tm.revealed_mask = ((1u16 << assigned) as u8).wrapping_sub(1) & !bit;
        tm.invariant()?;
    }
    let tm = ctx.accounts.task.load()?;
    emit!(AssigneeExpired {
        task: task_key,
        expired: expired_key,
        promoted,
        dropped,
        stage,
        commit_deadline: tm.commit_deadline,
        reveal_deadline: tm.reveal_deadline,
        refunded,
    });
    Ok(())
}
