use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::cpi::{pay_from_vault, Registry};
use crate::errors::TasksError;
use crate::events::{TaskAssigned, TaskFailed};
use crate::lumora_registry::accounts::Config;
use crate::lumora_registry::program::LumoraRegistry;
use crate::seeds;
use crate::state::{status, Task};

#[derive(Accounts)]
pub struct FinalizeAssignment<'info> {
    /// The registry's config (pause switch; the registry checks this program's CPI authority against it).
    pub config: Box<Account<'info, Config>>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    #[account(mut, seeds = [seeds::TASK_VAULT, task.key().as_ref()], bump = task.load()?.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    /// Where the escrow goes back when nobody bid: the consumer's LMR account.
    #[account(
        mut,
        constraint = consumer_tokens.owner == task.load()?.consumer @ TasksError::WrongTokenOwner,
        constraint = consumer_tokens.mint == config.lmr_mint @ TasksError::WrongMint,
    )]
    pub consumer_tokens: Box<Account<'info, TokenAccount>>,

    /// CHECK: this program's CPI authority PDA (seeds checked); it only signs registry CPIs.
    #[account(seeds = [seeds::CPI_AUTHORITY], bump)]
    pub authority: UncheckedAccount<'info>,

    pub registry_program: Program<'info, LumoraRegistry>,
    pub token_program: Program<'info, Token>,
    // remaining accounts: the assignees' registry Node accounts (writable), in rank order
}

/// Permissionless after the bid window: the top r bidders become assignees (each gains an open
/// assignment in the registry by CPI), the rest backups. With no bid at all the task fails and the
/// escrow returns to the consumer.
pub fn handler<'info>(ctx: Context<'info, FinalizeAssignment<'info>>) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    let (slots, slot_count, assigned) = {
        let t = ctx.accounts.task.load()?;
        require!(t.status == status::OPEN, TasksError::TaskNotOpen);
        require!(now >= t.bid_window_end, TasksError::BidWindowOpen);
        let n = usize::from(t.slot_count);
        (t.slots, n, n.min(usize::from(t.redundancy)))
    };

    if slot_count == 0 {
        let refunded = ctx.accounts.vault.amount;
        let t = *ctx.accounts.task.load()?;
        pay_from_vault(
            ctx.accounts.token_program.key(),
            ctx.accounts.vault.to_account_info(),
            ctx.accounts.consumer_tokens.to_account_info(),
            ctx.accounts.task.to_account_info(),
            &t,
            refunded,
        )?;
        ctx.accounts.task.load_mut()?.status = status::FAILED;
        emit!(TaskFailed { task: task_key, refunded, reason: 0 });
        return Ok(());
    }

    let nodes = ctx.remaining_accounts;
    require!(nodes.len() == assigned, TasksError::WrongAssignees);
    let registry = Registry {
        program: ctx.accounts.registry_program.key(),
        authority: ctx.accounts.authority.to_account_info(),
        config: ctx.accounts.config.to_account_info(),
        bump: ctx.bumps.authority,
    };
    for (slot, node) in slots[..assigned].iter().zip(nodes) {
        require_keys_eq!(node.key(), slot.node, TasksError::WrongAssignees);
        registry.adjust_assignments(node.clone(), 1)?;
    }
    {
        let mut t = ctx.accounts.task.load_mut()?;
        // assigned ≤ r ≤ 5
        t.assigned_count = assigned as u8;
        t.status = status::ASSIGNED;
        t.invariant()?;
    }
    emit!(TaskAssigned {
        task: task_key,
        assignees: slots[..assigned].iter().map(|s| s.node).collect(),
        backups: slots[assigned..slot_count].iter().map(|s| s.node).collect(),
        scores: slots[..slot_count].iter().map(|s| s.score).collect(),
    });
    Ok(())
}
