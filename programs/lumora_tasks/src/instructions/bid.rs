use anchor_lang::prelude::*;

use crate::errors::TasksError;
use crate::events::BidPlaced;
use crate::lumora_registry::accounts::{Config, Node};
use crate::math::{distance_km, score, ScoreInput};
use crate::seeds;
use crate::state::{status, Bid, Task};
use lumora_create::{create_pda, write_account};

/// Registry role bit of executors (`lumora_registry::state::roles::EXECUTOR`).
const ROLE_EXECUTOR: u8 = 1 << 1;
/// Registry node status "active".
const NODE_ACTIVE: u8 = 1;

#[derive(Accounts)]
pub struct PlaceBid<'info> {
    /// The node's hot key: signs and pays the bid record's rent.
    #[account(mut)]
    pub node_key: Signer<'info>,

    /// The registry's config: pause switch and score weights, B_max.
    pub config: Box<Account<'info, Config>>,

    /// The bidding node (registry-owned, discriminator-checked by the loader), bound to the signer.
    #[account(constraint = node.load()?.node_key == node_key.key() @ TasksError::NotNodeKey)]
    pub node: AccountLoader<'info, Node>,

    /// The task: owner and discriminator checked by the loader. Only `create_task` writes a `Task`, and
    /// only at its canonical `["task", consumer, task_id]` PDA, so re-deriving the address here would add
    /// nothing but ~1.5k CU and seeds reading the account's own fields (which IDL clients cannot resolve).
    #[account(mut)]
    pub task: AccountLoader<'info, Task>,

    /// One bid per node per task: created by the handler (prefund-safe); a second bid finds it and
    /// fails with `AlreadyExists`.
    /// CHECK: the `["bid", task, node]` PDA (seeds checked); `create_pda` refuses an existing account.
    #[account(mut, seeds = [seeds::BID, task.key().as_ref(), node.key().as_ref()], bump)]
    pub bid: UncheckedAccount<'info>,

    pub system_program: Program<'info, System>,
}

/// A bid by an active, non-jailed EXECUTOR. The program computes the score itself from the node's
/// registry state and the task, and keeps the best r + backups; a bid that would not enter them is
/// refused (`BidCannotRank`) before its record is created (the SDK's `bidWouldRank` lets a node skip it).
pub fn handler(ctx: Context<PlaceBid>) -> Result<()> {
    let config = &ctx.accounts.config;
    require!(!config.paused, TasksError::ProtocolPaused);
    let now = Clock::get()?.unix_timestamp;
    let node_addr = ctx.accounts.node.key();
    let (input, dist) = {
        let n = ctx.accounts.node.load()?;
        require!(n.status == NODE_ACTIVE, TasksError::NodeNotActive);
        require!(n.roles & ROLE_EXECUTOR != 0, TasksError::NotExecutor);
        require!(n.jailed == 0, TasksError::NodeJailed);
        let t = ctx.accounts.task.load()?;
        let dist = distance_km(n.lat_e6, n.lon_e6, t.lat_e6, t.lon_e6);
        let w = &config.params.weights;
        let input = ScoreInput {
            alpha_bps: w.alpha_bps,
            beta_bps: w.beta_bps,
            gamma_bps: w.gamma_bps,
            b_max_kbps: config.params.b_max_kbps,
            declared_bandwidth_kbps: n.declared_bandwidth_kbps,
            verified_bandwidth_kbps: n.verified_bandwidth_kbps,
            distance_km: dist,
            verified_latency_ms: n.verified_latency_ms,
        };
        (input, dist)
    };
    let s = score(&input);
    let task_key = ctx.accounts.task.key();
    {
        // a bid that cannot enter the kept list is refused before it creates anything durable: bidding
        // leaves at most r + backups records per task however many nodes bid (no O(N²) growth)
        let t = ctx.accounts.task.load()?;
        require!(t.status == status::OPEN, TasksError::TaskNotOpen);
        require!(now < t.bid_window_end, TasksError::BidWindowClosed);
        require!(t.would_rank(node_addr, s), TasksError::BidCannotRank);
    }
    // the bid record next: a second bid by the node stops here (`AlreadyExists`), before the kept list
    let bidder = ctx.accounts.node_key.key();
    let bid_info = ctx.accounts.bid.to_account_info();
    let bump = [ctx.bumps.bid];
    create_pda(
        &ctx.accounts.node_key.to_account_info(),
        &bid_info,
        ctx.accounts.system_program.key(),
        8usize.saturating_add(Bid::INIT_SPACE),
        &crate::ID,
        &[seeds::BID, task_key.as_ref(), node_addr.as_ref(), &bump],
        TasksError::AlreadyExists,
    )?;
    let rank = {
        let mut t = ctx.accounts.task.load_mut()?;
        require!(t.status == status::OPEN, TasksError::TaskNotOpen);
        require!(now < t.bid_window_end, TasksError::BidWindowClosed);
        t.bid_count = t.bid_count.saturating_add(1);
        let rank = t.offer(node_addr, s);
        t.invariant()?;
        rank
    };
    write_account(
        &bid_info,
        &Bid { task: task_key, node: node_addr, bidder, score: s, placed_at: now, bump: ctx.bumps.bid },
    )?;
    emit!(BidPlaced { task: task_key, node: node_addr, score: s, rank, distance_km: dist });
    Ok(())
}
