use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::cpi::{pay_from_vault, Registry};
use crate::errors::TasksError;
use crate::events::AssigneeSettled;
use crate::lumora_registry::accounts::{Config, Node};
use crate::lumora_registry::program::LumoraRegistry;
use crate::seeds;
use crate::state::{status, Task};

#[derive(Accounts)]
#[instruction(rank: u8)]
pub struct SettleAssignee<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    #[account(mut, seeds = [seeds::TASK_VAULT, task.key().as_ref()], bump = task.load()?.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    /// The assignee of this rank (registry node, written by the registry CPIs); a rank that names no
    /// assignee fails with `InvalidRank`.
    #[account(mut, constraint = node.key() == task.load()?.assignee(rank)? @ TasksError::WrongAssignees)]
    pub node: AccountLoader<'info, Node>,

    /// The payee: the node operator's LMR account.
    #[account(
        mut,
        constraint = operator_tokens.owner == node.load()?.operator @ TasksError::WrongPayee,
        constraint = operator_tokens.mint == config.lmr_mint @ TasksError::WrongMint,
    )]
    pub operator_tokens: Box<Account<'info, TokenAccount>>,

    /// CHECK: this program's CPI authority PDA (seeds checked); it only signs CPIs.
    #[account(seeds = [seeds::CPI_AUTHORITY], bump)]
    pub authority: UncheckedAccount<'info>,

    /// CHECK: the node's stake vault; validated by the registry's `slash`.
    #[account(mut)]
    pub stake_vault: UncheckedAccount<'info>,
    /// CHECK: the protocol treasury; validated by the registry's `slash`.
    #[account(mut)]
    pub treasury: UncheckedAccount<'info>,

    pub registry_program: Program<'info, LumoraRegistry>,
    pub token_program: Program<'info, Token>,
}

/// Permissionless after `settle`, once per assignee: an agreeing assignee is paid its share of the
/// escrow and gains reputation once it released its key (`KeyNotReleased` before; after the key
/// deadline an unreleased key counts as silence: unpaid, reputation down, the share stays in the
/// escrow for the consumer); a dissenting or silent one loses reputation; a fraudulent one loses
/// reputation and is slashed. Every assignee's open assignment in the registry is released. Task work
/// earns no emission credit (rewards v2): the consumer's escrow is its whole pay, so an actor on both
/// sides of a task gets back at most what it paid in (docs/rewards.md, "Task work").
pub fn handler(ctx: Context<SettleAssignee>, rank: u8) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    let t = *ctx.accounts.task.load()?;
    t.assignee(rank)?;
    let bit = 1u8.checked_shl(u32::from(rank)).ok_or(TasksError::InvalidRank)?;
    require!(
        (t.status == status::SETTLED || t.status == status::FAILED)
            && rank < t.assigned_count
            && t.settled_mask & bit == 0,
        TasksError::NotSettleable
    );
    let key_out = t.key_mask & bit != 0;
    require!(t.agree_mask & bit == 0 || key_out || now >= t.key_deadline, TasksError::KeyNotReleased);
    // an agreeing assignee that withheld its key past the deadline is treated as silent
    let withheld = t.agree_mask & bit != 0 && !key_out;
    let agreed = t.agree_mask & bit != 0 && key_out;
    let fraud = t.fraud_mask & bit != 0;
    // without a quorum nobody can tell who was right: an honest reveal is neither rewarded nor
    // penalised; silence and fraud are penalised either way
    let neutral = t.status == status::FAILED && t.revealed_mask & bit != 0;
    let a = &ctx.accounts;
    let registry = Registry {
        program: a.registry_program.key(),
        authority: a.authority.to_account_info(),
        config: a.config.to_account_info(),
        bump: ctx.bumps.authority,
    };
    let node = a.node.to_account_info();

    let mut paid = 0u64;
    if agreed {
        paid = t.payout_each.min(a.vault.amount);
        pay_from_vault(
            a.token_program.key(),
            a.vault.to_account_info(),
            a.operator_tokens.to_account_info(),
            a.task.to_account_info(),
            &t,
            paid,
        )?;
    }
    if !neutral {
        registry.record_outcome(node.clone(), agreed)?;
    }
    if fraud {
        registry.slash_fraud(
            node.clone(),
            a.stake_vault.to_account_info(),
            a.treasury.to_account_info(),
            a.token_program.to_account_info(),
        )?;
    }
    registry.adjust_assignments(node, -1)?;
    {
        let mut tm = ctx.accounts.task.load_mut()?;
        tm.settled_mask |= bit;
        tm.invariant()?;
    }
    emit!(AssigneeSettled {
        task: task_key,
        node: ctx.accounts.node.key(),
        outcome: if agreed {
            0
        } else if withheld {
            4
        } else if fraud {
            2
        } else if neutral {
            3
        } else {
            1
        },
        paid,
    });
    Ok(())
}
