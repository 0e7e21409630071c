use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::cpi::pay_from_vault;
use crate::errors::TasksError;
use crate::events::TaskSettled;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{result_status, status, Task, TaskResult};

#[derive(Accounts)]
pub struct Settle<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    #[account(mut, seeds = [seeds::TASK_VAULT, task.key().as_ref()], bump = task.load()?.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    /// The consumer's LMR account: receives the escrow when the task fails.
    #[account(
        mut,
        constraint = consumer_tokens.owner == task.load()?.consumer @ TasksError::WrongTokenOwner,
        constraint = consumer_tokens.mint == config.lmr_mint @ TasksError::WrongMint,
    )]
    pub consumer_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
    // remaining accounts: each assignee's result PDA ["result", task, node], in rank order
}

/// What an assignee delivered, as settlement sees it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delivered {
    Revealed([u8; 32]),
    Fraud,
    Nothing,
}

/// Permissionless once every assignee revealed or the reveal deadline passed, for every r (r = 1
/// included: the consumer has no verdict, it has seen no key yet): the content hash revealed by a
/// majority of the assignees wins. A silent assignee must first be replaced while backups remain
/// (`BackupsPending`). Records who agreed and who committed fraud and opens the key window:
/// agreeing assignees `release_key` before `key_deadline`, and `settle_assignee` pays each once its
/// key is out. Without an agreement the task fails and the escrow returns now.
pub fn handler<'info>(ctx: Context<'info, Settle<'info>>) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    let t = *ctx.accounts.task.load()?;
    require!(t.status == status::ASSIGNED, TasksError::TaskNotAssigned);
    require!(t.reveal_count >= t.assigned_count || now >= t.reveal_deadline, TasksError::RevealsPending);
    let n = usize::from(t.assigned_count);
    require!(ctx.remaining_accounts.len() == n, TasksError::WrongResults);

    let mut delivered = [Delivered::Nothing; crate::constants::MAX_SLOTS];
    for (i, info) in ctx.remaining_accounts.iter().enumerate() {
        let node = t.slots[i].node;
        if info.owner == &crate::ID && !info.data_is_empty() {
            let r: Account<TaskResult> = Account::try_from(info)?;
            require!(r.task == task_key && r.node == node, TasksError::WrongResults);
            delivered[i] = match r.status {
                result_status::REVEALED => Delivered::Revealed(r.content_hash),
                result_status::FRAUD => Delivered::Fraud,
                _ => Delivered::Nothing,
            };
        } else {
            // no result: it must be the assignee's own (empty) result address, not a stand-in
            let (expected, _) =
                Pubkey::find_program_address(&[seeds::RESULT, task_key.as_ref(), node.as_ref()], &crate::ID);
            require_keys_eq!(info.key(), expected, TasksError::WrongResults);
        }
    }

    let (mut fraud_mask, mut revealed_mask) = (0u8, 0u8);
    for (i, d) in delivered[..n].iter().enumerate() {
        match d {
            Delivered::Fraud => fraud_mask |= 1 << i,
            Delivered::Revealed(_) => revealed_mask |= 1 << i,
            Delivered::Nothing => {}
        }
    }
    // a silent assignee is replaced from the backups before anything settles
    let silent = delivered[..n].contains(&Delivered::Nothing);
    require!(!silent || t.slot_count <= t.assigned_count, TasksError::BackupsPending);
    // the hash revealed by the most assignees (ties: the smaller hash), if a majority of the r
    let mut best: Option<([u8; 32], usize)> = None;
    for d in &delivered[..n] {
        if let Delivered::Revealed(h) = d {
            let votes = delivered[..n].iter().filter(|x| **x == Delivered::Revealed(*h)).count();
            let better = match best {
                None => true,
                Some((bh, bv)) => votes > bv || (votes == bv && *h < bh),
            };
            if better {
                best = Some((*h, votes));
            }
        }
    }
    let winner = best.filter(|(_, v)| *v > n / 2).map(|(h, _)| h);

    let mut agree_mask = 0u8;
    if let Some(h) = winner {
        for (i, d) in delivered[..n].iter().enumerate() {
            if *d == Delivered::Revealed(h) {
                agree_mask |= 1 << i;
            }
        }
    }
    let agreeing = u64::from(agree_mask.count_ones());
    let payout_each = t.payment.checked_div(agreeing).unwrap_or(0);
    let refunded = if winner.is_none() { ctx.accounts.vault.amount } else { 0 };
    let key_deadline = if winner.is_some() { now.saturating_add(t.reveal_window_secs) } else { 0 };
    if refunded > 0 {
        pay_from_vault(
            ctx.accounts.token_program.key(),
            ctx.accounts.vault.to_account_info(),
            ctx.accounts.consumer_tokens.to_account_info(),
            ctx.accounts.task.to_account_info(),
            &t,
            refunded,
        )?;
    }
    {
        let mut tm = ctx.accounts.task.load_mut()?;
        tm.status = if winner.is_some() { status::SETTLED } else { status::FAILED };
        tm.winning_hash = winner.unwrap_or_default();
        tm.agree_mask = agree_mask;
        tm.fraud_mask = fraud_mask;
        tm.revealed_mask = revealed_mask;
        tm.payout_each = payout_each;
        tm.key_deadline = key_deadline;
        tm.invariant()?;
    }
    emit!(TaskSettled {
        task: task_key,
        success: winner.is_some(),
        winning_hash: winner.unwrap_or_default(),
        agree_mask,
        fraud_mask,
        payout_each,
        refunded,
        key_deadline,
    });
    Ok(())
}
