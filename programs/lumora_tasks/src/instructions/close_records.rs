use anchor_lang::prelude::*;

use crate::errors::TasksError;
use crate::seeds;
use crate::state::{status, Bid, Task, TaskResult};

/// The task's state as record closing sees it: closed (account gone) or its loaded fields.
fn task_state(task: &AccountInfo) -> Result<Option<Task>> {
    if task.data_is_empty() || task.owner != &crate::ID {
        return Ok(None);
    }
    let data = task.try_borrow_data()?;
    let size = core::mem::size_of::<Task>();
    require!(
        data.len() >= size.saturating_add(8) && data[..8] == *Task::DISCRIMINATOR,
        ErrorCode::AccountDiscriminatorMismatch
    );
    Ok(Some(bytemuck::pod_read_unaligned(&data[8..size.saturating_add(8)])))
}

#[derive(Accounts)]
pub struct CloseBid<'info> {
    /// The node key that placed the bid; receives the rent.
    #[account(mut)]
    pub bidder: Signer<'info>,

    /// CHECK: the bid's task — closed (no account) or loaded and checked in the handler.
    #[account(address = bid.task @ TasksError::WrongResults)]
    pub task: UncheckedAccount<'info>,

    #[account(
        mut,
        close = bidder,
        seeds = [seeds::BID, bid.task.as_ref(), bid.node.as_ref()],
        bump = bid.bump,
        constraint = bid.bidder == bidder.key() @ TasksError::NotRecordOwner,
    )]
    pub bid: Box<Account<'info, Bid>>,
}

/// The bidder takes its bid record's rent back once bidding is over (or the task is closed).
pub fn close_bid(ctx: Context<CloseBid>) -> Result<()> {
    if let Some(t) = task_state(&ctx.accounts.task)? {
        require!(t.status != status::OPEN, TasksError::RecordInUse);
    }
    Ok(())
}

#[derive(Accounts)]
pub struct CloseResult<'info> {
    /// The node key that committed; receives the rent.
    #[account(mut)]
    pub committer: Signer<'info>,

    /// CHECK: the result's task — closed (no account) or loaded and checked in the handler.
    #[account(address = result.task @ TasksError::WrongResults)]
    pub task: UncheckedAccount<'info>,

    #[account(
        mut,
        close = committer,
        seeds = [seeds::RESULT, result.task.as_ref(), result.node.as_ref()],
        bump = result.bump,
        constraint = result.committer == committer.key() @ TasksError::NotRecordOwner,
    )]
    pub result: Box<Account<'info, TaskResult>>,
}

/// The assignee takes its result record's rent back once its settlement is done (or the task is
/// closed). The result stays in the task's events.
pub fn close_result(ctx: Context<CloseResult>) -> Result<()> {
    if let Some(t) = task_state(&ctx.accounts.task)? {
        let settled = match t.assignee_rank(&ctx.accounts.result.node) {
            Some(rank) => t.settled_mask & (1u8 << rank) != 0,
            None => t.status != status::ASSIGNED, // a promoted-away assignee: once the task moved on
        };
        require!(settled && t.status != status::ASSIGNED, TasksError::RecordInUse);
    }
    Ok(())
}
