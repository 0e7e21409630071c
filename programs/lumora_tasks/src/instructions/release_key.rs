use anchor_lang::prelude::*;

use crate::constants::SEALED_KEY_MAX_LEN;
use crate::errors::TasksError;
use crate::events::KeyReleased;
use crate::lumora_registry::accounts::{Config, Node};
use crate::math::key_hash;
use crate::seeds;
use crate::state::{status, Task, TaskResult};

#[derive(Accounts)]
pub struct ReleaseKey<'info> {
    /// The agreeing assignee's hot key.
    pub node_key: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    /// The assignee's registry node, bound to the signer.
    #[account(
        constraint = node.key() == result.node @ TasksError::NotAssignee,
        constraint = node.load()?.node_key == node_key.key() @ TasksError::NotNodeKey,
    )]
    pub node: AccountLoader<'info, Node>,

    /// The assignee's revealed result: receives the sealed key.
    #[account(mut, seeds = [seeds::RESULT, task.key().as_ref(), node.key().as_ref()], bump = result.bump)]
    pub result: Box<Account<'info, TaskResult>>,
}

/// Fair exchange: an agreeing assignee of a settled task posts its data key sealed to the consumer,
/// before the key deadline. The payment is already final (`settle` ran on commitments alone), so the
/// consumer cannot read the data and take its money back; the key must hash to the `key_hash` bound
/// by the commitment before any result was public (`WrongKey`), so the executor cannot swap it.
/// `settle_assignee` pays the assignee only after this.
pub fn handler(ctx: Context<ReleaseKey>, sealed_key: Vec<u8>) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    require!(sealed_key.len() <= SEALED_KEY_MAX_LEN, TasksError::RevealTooLarge);
    let now = Clock::get()?.unix_timestamp;
    let node = ctx.accounts.node.key();
    {
        let mut t = ctx.accounts.task.load_mut()?;
        let rank = t.assignee_rank(&node).ok_or(TasksError::NotAssignee)?;
        let bit = 1u8 << rank; // rank < assigned_count ≤ 5
        require!(
            t.status == status::SETTLED
                && t.agree_mask & bit != 0
                && t.key_mask & bit == 0
                && now < t.key_deadline,
            TasksError::KeyNotReleasable
        );
        require!(key_hash(&sealed_key) == ctx.accounts.result.key_hash, TasksError::WrongKey);
        t.key_mask |= bit;
        t.invariant()?;
    }
    ctx.accounts.result.sealed_key = sealed_key.clone();
    emit!(KeyReleased { task: ctx.accounts.task.key(), node, sealed_key });
    Ok(())
}
