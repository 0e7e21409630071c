use anchor_lang::prelude::*;

use crate::errors::TasksError;
use crate::events::ResultRevealed;
use crate::lumora_registry::accounts::{Config, Node};
use crate::math::commitment;
use crate::seeds;
use crate::state::{result_status, status, Task, TaskResult, LOCATOR_MAX_LEN, SEALED_KEY_MAX_LEN};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RevealArgs {
    /// The result's content hash: SHA-256 of the plaintext records (the manifest's `contentHash`).
    pub content_hash: [u8; 32],
    /// Merkle root of the encrypted chunks.
    pub merkle_root: [u8; 32],
    /// Bytes of result data.
    pub byte_count: u64,
    /// Where the chunks are served (≤ 128 bytes).
    pub locator: String,
    /// The data key sealed to the consumer's x25519 key (≤ 96 bytes).
    pub sealed_key: Vec<u8>,
}

#[derive(Accounts)]
pub struct RevealResult<'info> {
    /// The assignee's hot key.
    pub node_key: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(seeds = [seeds::TASK, task.load()?.consumer.as_ref(), &task.load()?.task_id.to_le_bytes()], bump = task.load()?.bump, mut)]
    pub task: AccountLoader<'info, Task>,

    /// The assignee's registry node: the result's, and bound to the signer (so nobody can reveal —
    /// and falsely mark as fraud — someone else's result).
    #[account(
        constraint = node.key() == result.node @ TasksError::NotAssignee,
        constraint = node.load()?.node_key == node_key.key() @ TasksError::NotNodeKey,
    )]
    pub node: AccountLoader<'info, Node>,

    /// The assignee's committed result.
    #[account(mut, seeds = [seeds::RESULT, task.key().as_ref(), result.node.as_ref()], bump = result.bump)]
    pub result: Box<Account<'info, TaskResult>>,
}

/// Reveals the result after every assignee committed or the commit deadline passed. A reveal that does
/// not match its commitment is recorded as provable fraud (settlement slashes it), not refused.
pub fn handler(ctx: Context<RevealResult>, args: RevealArgs) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    require!(
        args.locator.len() <= LOCATOR_MAX_LEN && args.sealed_key.len() <= SEALED_KEY_MAX_LEN,
        TasksError::RevealTooLarge
    );
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    {
        let mut t = ctx.accounts.task.load_mut()?;
        require!(t.status == status::ASSIGNED, TasksError::TaskNotAssigned);
        require!(t.commit_count >= t.assigned_count || now >= t.commit_deadline, TasksError::RevealNotOpen);
        require!(now < t.reveal_deadline, TasksError::RevealDeadlinePassed);
        t.reveal_count = t.reveal_count.saturating_add(1);
        t.invariant()?;
    }
    let r = &mut ctx.accounts.result;
    require!(r.status == result_status::COMMITTED, TasksError::AlreadyRevealed);
    // the signer is the node's key (constraint above), and the commitment binds that key
    let matches = commitment(&args.content_hash, &ctx.accounts.node_key.key().to_bytes()) == r.commitment;
    r.content_hash = args.content_hash;
    r.merkle_root = args.merkle_root;
    r.byte_count = args.byte_count;
    r.locator = args.locator.clone();
    r.sealed_key = args.sealed_key;
    r.revealed_at = now;
    r.status = if matches { result_status::REVEALED } else { result_status::FRAUD };
    emit!(ResultRevealed {
        task: task_key,
        node: r.node,
        content_hash: args.content_hash,
        merkle_root: args.merkle_root,
        byte_count: args.byte_count,
        locator: args.locator,
        matches_commitment: matches,
    });
    Ok(())
}
