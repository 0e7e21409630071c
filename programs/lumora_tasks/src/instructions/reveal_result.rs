use anchor_lang::prelude::*;

use crate::constants::LOCATOR_MAX_LEN;
use crate::errors::TasksError;
use crate::events::ResultRevealed;
use crate::lumora_registry::accounts::{Config, Node};
use crate::math::commitment;
use crate::seeds;
use crate::state::{result_status, status, Task, TaskResult};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RevealArgs {
    /// The result's content hash: SHA-256 of the plaintext records (the manifest's `contentHash`).
    pub content_hash: [u8; 32],
    /// Merkle root of the encrypted chunks.
    pub merkle_root: [u8; 32],
    /// Bytes of result data (`1 ..= task.max_bytes`).
    pub byte_count: u64,
    /// SHA-256 of the data key sealed to the consumer; the sealed key itself is posted by
    /// `release_key` once the payment is final.
    pub key_hash: [u8; 32],
    /// Where the chunks are served (≤ 128 bytes).
    pub locator: String,
}

#[derive(Accounts)]
pub struct RevealResult<'info> {
    /// The assignee's hot key.
    pub node_key: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    /// The assignee's registry node: the result's, and bound to the signer (so nobody can reveal —
    /// and falsely mark as fraud — someone else's result).
    #[account(
        constraint = node.key() == result.node @ TasksError::NotAssignee,
        constraint = node.load()?.node_key == node_key.key() @ TasksError::NotNodeKey,
    )]
    pub node: AccountLoader<'info, Node>,

    /// The assignee's committed result.
    #[account(mut, seeds = [seeds::RESULT, task.key().as_ref(), node.key().as_ref()], bump = result.bump)]
    pub result: Box<Account<'info, TaskResult>>,
}

/// Reveals the result after every assignee committed or the commit deadline passed. Every revealed
/// field is checked against the commitment; a reveal that does not match is recorded as provable fraud
/// (settlement slashes it), not refused. A `byte_count` outside `1 ..= max_bytes` is refused
/// (`ByteCountOutOfRange`): the assignee stays unrevealed. No key is revealed here: for every r the
/// consumer sees the sealed key only after `settle` made the payment final (`release_key`).
pub fn handler(ctx: Context<RevealResult>, args: RevealArgs) -> Result<()> {
    require!(!ctx.accounts.config.paused, TasksError::ProtocolPaused);
    require!(args.locator.len() <= LOCATOR_MAX_LEN, TasksError::RevealTooLarge);
    let now = Clock::get()?.unix_timestamp;
    let task_key = ctx.accounts.task.key();
    {
        let mut t = ctx.accounts.task.load_mut()?;
        require!(t.status == status::ASSIGNED, TasksError::TaskNotAssigned);
        require!(t.assignee_rank(&ctx.accounts.node.key()).is_some(), TasksError::NotAssignee);
        require!(t.commit_count >= t.assigned_count || now >= t.commit_deadline, TasksError::RevealNotOpen);
        require!(now < t.reveal_deadline, TasksError::RevealDeadlinePassed);
        require!((1..=t.max_bytes).contains(&args.byte_count), TasksError::ByteCountOutOfRange);
        t.reveal_count = t.reveal_count.saturating_add(1);
        t.invariant()?;
    }
    let r = &mut ctx.accounts.result;
    require!(r.status == result_status::COMMITTED, TasksError::AlreadyRevealed);
    // the signer is the node's key (constraint above), and the commitment binds that key
    let expected = commitment(
        &args.content_hash,
        &args.merkle_root,
        args.byte_count,
        &args.key_hash,
        &ctx.accounts.node_key.key().to_bytes(),
    );
    let matches = expected == r.commitment;
    r.content_hash = args.content_hash;
    r.merkle_root = args.merkle_root;
    r.byte_count = args.byte_count;
    r.key_hash = args.key_hash;
    r.locator = args.locator.clone();
    r.revealed_at = now;
    r.status = if matches { result_status::REVEALED } else { result_status::FRAUD };
    emit!(ResultRevealed {
        task: task_key,
        node: r.node,
        content_hash: args.content_hash,
        merkle_root: args.merkle_root,
        byte_count: args.byte_count,
        key_hash: args.key_hash,
        locator: args.locator,
        matches_commitment: matches,
    });
    Ok(())
}
