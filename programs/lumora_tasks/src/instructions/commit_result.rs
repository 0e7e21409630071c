use anchor_lang::prelude::*;

use crate::errors::TasksError;
use crate::events::ResultCommitted;
use crate::lumora_registry::accounts::{Config, Node};
use crate::seeds;
use crate::state::{result_status, status, Task, TaskResult};

#[derive(Accounts)]
pub struct CommitResult<'info> {
    /// The assignee's hot key: signs and pays the result record.
    #[account(mut)]
    pub node_key: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(constraint = node.load()?.node_key == node_key.key() @ TasksError::NotNodeKey)]
    pub node: AccountLoader<'info, Node>,

    #[account(mut, seeds = [seeds::TASK, task.load()?.consumer.as_ref(), &task.load()?.task_id.to_le_bytes()], bump = task.load()?.bump)]
    pub task: AccountLoader<'info, Task>,

    /// One result per assignee: a second commit fails on `init`.
    #[account(
        init,
        payer = node_key,
        space = 8 + TaskResult::INIT_SPACE,
        seeds = [seeds::RESULT, task.key().as_ref(), node.key().as_ref()],
        bump,
    )]
    pub result: Box<Account<'info, TaskResult>>,

    pub system_program: Program<'info, System>,
}

/// An assignee commits `SHA-256(content_hash ‖ node_key)` before the commit deadline.
pub fn handler(ctx: Context<CommitResult>, commitment: [u8; 32]) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let node = ctx.accounts.node.key();
    let task_key = ctx.accounts.task.key();
    {
        let mut t = ctx.accounts.task.load_mut()?;
        require!(t.status == status::ASSIGNED, TasksError::TaskNotAssigned);
        require!(t.assignee_rank(&node).is_some(), TasksError::NotAssignee);
        require!(now < t.commit_deadline, TasksError::CommitDeadlinePassed);
        t.commit_count = t.commit_count.saturating_add(1);
        t.invariant()?;
    }
    let r = &mut ctx.accounts.result;
    r.task = task_key;
    r.node = node;
    r.committer = ctx.accounts.node_key.key();
    r.commitment = commitment;
    r.committed_at = now;
    r.status = result_status::COMMITTED;
    r.bump = ctx.bumps.result;
    emit!(ResultCommitted { task: task_key, node, commitment });
    Ok(())
}
