use anchor_lang::prelude::*;

use crate::errors::TasksError;
use crate::events::ResultCommitted;
use crate::lumora_registry::accounts::{Config, Node};
use crate::seeds;
use crate::state::{result_status, status, Task, TaskResult};
use lumora_create::{create_pda, write_account};

#[derive(Accounts)]
pub struct CommitResult<'info> {
    /// The assignee's (or backup's) hot key: signs and pays the result record.
    #[account(mut)]
    pub node_key: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(constraint = node.load()?.node_key == node_key.key() @ TasksError::NotNodeKey)]
    pub node: AccountLoader<'info, Node>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    /// One result per node: created by the handler (prefund-safe); a second commit fails with
    /// `AlreadyExists`.
    /// CHECK: the `["result", task, node]` PDA (seeds checked); `create_pda` refuses an existing account.
    #[account(mut, seeds = [seeds::RESULT, task.key().as_ref(), node.key().as_ref()], bump)]
    pub result: UncheckedAccount<'info>,

    pub system_program: Program<'info, System>,
}

/// Commits `math::commitment(content_hash, merkle_root, byte_count, key_hash, node_key)` before the
/// commit deadline. Assignees commit; backups may commit too while no result is public (no reveal yet):
/// such a standby commitment is what lets a backup replace an assignee that goes silent after the
/// others revealed (`expire_and_reassign`), without being able to copy their results.
pub fn handler(ctx: Context<CommitResult>, commitment: [u8; 32]) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let node = ctx.accounts.node.key();
    let task_key = ctx.accounts.task.key();
    {
        let mut t = ctx.accounts.task.load_mut()?;
        require!(t.status == status::ASSIGNED, TasksError::TaskNotAssigned);
        require!(now < t.commit_deadline, TasksError::CommitDeadlinePassed);
        if t.assignee_rank(&node).is_some() {
            t.commit_count = t.commit_count.saturating_add(1);
        } else {
            require!(t.slot_rank(&node).is_some() && t.reveal_count == 0, TasksError::NotCommitEligible);
        }
        t.invariant()?;
    }
    let info = ctx.accounts.result.to_account_info();
    let bump = [ctx.bumps.result];
    create_pda(
        &ctx.accounts.node_key.to_account_info(),
        &info,
        ctx.accounts.system_program.key(),
        8usize.saturating_add(TaskResult::INIT_SPACE),
        &crate::ID,
        &[seeds::RESULT, task_key.as_ref(), node.as_ref(), &bump],
        TasksError::AlreadyExists,
    )?;
    write_account(
        &info,
        &TaskResult {
            task: task_key,
            node,
            committer: ctx.accounts.node_key.key(),
            commitment,
            content_hash: [0; 32],
            merkle_root: [0; 32],
            byte_count: 0,
            key_hash: [0; 32],
            committed_at: now,
            revealed_at: 0,
            locator: String::new(),
            sealed_key: Vec::new(),
            status: result_status::COMMITTED,
            bump: ctx.bumps.result,
        },
    )?;
    emit!(ResultCommitted { task: task_key, node, commitment });
    Ok(())
}
