use anchor_lang::prelude::*;

use crate::errors::TasksError;
use crate::events::BidPlaced;
use crate::lumora_registry::accounts::{Config, Node};
use crate::math::{distance_km, score, ScoreInput};
use crate::seeds;
use crate::state::{status, Bid, Task};

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

    #[account(mut, seeds = [seeds::TASK, task.load()?.consumer.as_ref(), &task.load()?.task_id.to_le_bytes()], bump = task.load()?.bump)]
    pub task: AccountLoader<'info, Task>,

    /// One bid per node per task: a second `init` of this PDA fails.
    #[account(
        init,
        payer = node_key,
        space = 8 + Bid::INIT_SPACE,
        seeds = [seeds::BID, task.key().as_ref(), node.key().as_ref()],
        bump,
    )]
    pub bid: Box<Account<'info, Bid>>,

    pub system_program: Program<'info, System>,
}

/// A bid by an active, non-jailed EXECUTOR. The program computes the score itself from the node's
/// registry state and the task, and keeps the best r + backups.
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
    let rank = {
        let mut t = ctx.accounts.task.load_mut()?;
        require!(t.status == status::OPEN, TasksError::TaskNotOpen);
        require!(now < t.bid_window_end, TasksError::BidWindowClosed);
        t.bid_count = t.bid_count.saturating_add(1);
        let rank = t.offer(node_addr, s);
        t.invariant()?;
        rank
    };
    let bidder = ctx.accounts.node_key.key();
    ctx.accounts.bid.set_inner(Bid {
        task: task_key,
        node: node_addr,
        bidder,
        score: s,
        placed_at: now,
        bump: ctx.bumps.bid,
    });
    emit!(BidPlaced { task: task_key, node: node_addr, score: s, rank, distance_km: dist });
    Ok(())
}
