use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, Transfer};

use lumora_create::{create_pda, create_token_account};

use crate::constants::*;
use crate::errors::TasksError;
use crate::events::TaskCreated;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{status, Task};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateTaskArgs {
    /// Consumer-chosen id, unique per consumer (part of the task's address).
    pub task_id: u64,
    /// SHA-256 of the canonical spec JSON (`sdk/src/tasks.ts` `specHash`).
    pub spec_hash: [u8; 32],
    /// The consumer's x25519 public key for sealed data keys.
    pub consumer_x25519: [u8; 32],
    /// Target location, micro-degrees.
    pub lat_e6: i32,
    /// Target location, micro-degrees.
    pub lon_e6: i32,
    /// Required redundancy r (1 ..= 5).
    pub redundancy: u8,
    /// Backups kept beyond r (0 ..= 5).
    pub max_backups: u8,
    /// End of the bid window (Unix time).
    pub bid_window_end: i64,
    /// Commit deadline (Unix time).
    pub commit_deadline: i64,
    /// Reveal deadline (Unix time).
    pub reveal_deadline: i64,
    /// LMR escrowed for the executors.
    pub payment: u64,
    /// The spec's declared maximum result size in bytes (`1 ..= MAX_RESULT_BYTES`): reveals above it
    /// are refused.
    pub max_bytes: u64,
}

#[derive(Accounts)]
#[instruction(args: CreateTaskArgs)]
pub struct CreateTask<'info> {
    #[account(mut)]
    pub consumer: Signer<'info>,

    /// The registry's config (owner- and discriminator-checked by `Account`): pause switch, LMR mint.
    pub config: Box<Account<'info, Config>>,

    /// The task, created by the handler (prefund-safe, `lumora_create`).
    /// CHECK: the `["task", consumer, task_id]` PDA (seeds checked); `create_pda` refuses an address
    /// that already holds an account (`AlreadyExists`).
    #[account(mut, seeds = [seeds::TASK, consumer.key().as_ref(), &args.task_id.to_le_bytes()], bump)]
    pub task: UncheckedAccount<'info>,

    /// The task's escrow: LMR token account owned by the task PDA, created by the handler.
    /// CHECK: the `["task_vault", task]` PDA (seeds checked); created and initialised by
    /// `create_token_account` (mint = `lmr_mint`, authority = the task).
    #[account(mut, seeds = [seeds::TASK_VAULT, task.key().as_ref()], bump)]
    pub vault: UncheckedAccount<'info>,

    #[account(address = config.lmr_mint @ TasksError::WrongMint)]
    pub lmr_mint: Box<Account<'info, Mint>>,

    #[account(
        mut,
        constraint = consumer_tokens.mint == lmr_mint.key() @ TasksError::WrongMint,
        constraint = consumer_tokens.owner == consumer.key() @ TasksError::WrongTokenOwner,
    )]
    pub consumer_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl CreateTask<'_> {
    pub fn validate(&self, args: &CreateTaskArgs, now: i64) -> Result<()> {
        require!(!self.config.paused, TasksError::ProtocolPaused);
        require!(
            (1..=MAX_REDUNDANCY).contains(&args.redundancy) && args.max_backups <= MAX_BACKUPS,
            TasksError::InvalidRedundancy
        );
        require!(
            (-90_000_000..=90_000_000).contains(&args.lat_e6)
                && (-180_000_000..=180_000_000).contains(&args.lon_e6),
            TasksError::LocationOutOfRange
        );
        require!(args.payment > 0, TasksError::ZeroPayment);
        require!((1..=MAX_RESULT_BYTES).contains(&args.max_bytes), TasksError::InvalidMaxBytes);
        require!(
            now < args.bid_window_end
                && args.bid_window_end <= now.saturating_add(MAX_BID_WINDOW_SECS)
                && args.bid_window_end < args.commit_deadline
                && args.commit_deadline < args.reveal_deadline
                && args.reveal_deadline <= args.bid_window_end.saturating_add(MAX_EXECUTION_SECS),
            TasksError::InvalidDeadlines
        );
        Ok(())
    }
}

/// Creates a task and escrows its payment; only the spec hash goes on chain.
pub fn handler(ctx: Context<CreateTask>, args: CreateTaskArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(&args, now)?;
    let a = &ctx.accounts;
    let consumer = a.consumer.key();
    let id = args.task_id.to_le_bytes();
    let task_bump = [ctx.bumps.task];
    let task_seeds: &[&[u8]] = &[seeds::TASK, consumer.as_ref(), &id, &task_bump];
    let task_info = a.task.to_account_info();
    let system = a.system_program.key();
    let space = 8usize.saturating_add(Task::INIT_SPACE);
    create_pda(
        &a.consumer.to_account_info(),
        &task_info,
        system,
        space,
        &crate::ID,
        task_seeds,
        TasksError::AlreadyExists,
    )?;
    let task_key = a.task.key();
    let vault_bump = [ctx.bumps.vault];
    create_token_account(
        &a.consumer.to_account_info(),
        &a.vault.to_account_info(),
        &a.lmr_mint.to_account_info(),
        &task_info,
        a.token_program.key(),
        system,
        &[seeds::TASK_VAULT, task_key.as_ref(), &vault_bump],
        TasksError::AlreadyExists,
    )?;
    {
        let mut data = task_info.try_borrow_mut_data()?;
        data[..8].copy_from_slice(Task::DISCRIMINATOR);
        let t: &mut Task = bytemuck::from_bytes_mut(&mut data[8..space]);
        t.consumer = ctx.accounts.consumer.key();
        t.spec_hash = args.spec_hash;
        t.consumer_x25519 = args.consumer_x25519;
        t.task_id = args.task_id;
        t.payment = args.payment;
        t.created_at = now;
        t.bid_window_end = args.bid_window_end;
        t.commit_deadline = args.commit_deadline;
        t.reveal_deadline = args.reveal_deadline;
        t.commit_window_secs = args.commit_deadline.saturating_sub(args.bid_window_end);
        t.reveal_window_secs = args.reveal_deadline.saturating_sub(args.commit_deadline);
        t.max_bytes = args.max_bytes;
        t.lat_e6 = args.lat_e6;
        t.lon_e6 = args.lon_e6;
        t.redundancy = args.redundancy;
        t.max_backups = args.max_backups;
        t.status = status::OPEN;
        t.bump = ctx.bumps.task;
        t.vault_bump = ctx.bumps.vault;
        t.version = TASK_VERSION;
        t.invariant()?;
    }
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.consumer_tokens.to_account_info(),
                to: ctx.accounts.vault.to_account_info(),
                authority: ctx.accounts.consumer.to_account_info(),
            },
        ),
        args.payment,
    )?;
    emit!(TaskCreated {
        task: task_key,
        consumer,
        task_id: args.task_id,
        spec_hash: args.spec_hash,
        lat_e6: args.lat_e6,
        lon_e6: args.lon_e6,
        redundancy: args.redundancy,
        max_backups: args.max_backups,
        payment: args.payment,
        bid_window_end: args.bid_window_end,
        commit_deadline: args.commit_deadline,
        reveal_deadline: args.reveal_deadline,
        max_bytes: args.max_bytes,
    });
    Ok(())
}
