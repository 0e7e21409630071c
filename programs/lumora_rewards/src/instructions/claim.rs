use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::errors::RewardsError;
use crate::events::RewardClaimed;
use crate::lumora_registry::accounts::Config;
use crate::math::reward_share;
use crate::state::{Contribution, Epoch, EpochShard};
use crate::vault::pay_from_epoch_vault;

#[derive(Accounts)]
pub struct Claim<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The closed epoch (read only: claims never write it). Owner + discriminator prove a genuine
    /// Epoch — only `open_epoch` creates one, at `["epoch", index]` — so no PDA derivation here.
    pub epoch: Box<Account<'info, Epoch>>,

    /// The node's contribution in this epoch. A genuine Contribution (owner + discriminator) records
    /// the epoch and node it was created for at `["contribution", epoch, node]`, and the node's
    /// operator then: comparing the epoch key proves what re-deriving the PDA would, without the
    /// ~1,500-CU derivation, and the payout needs neither the registry node nor a CPI.
    #[account(mut, constraint = contribution.epoch == epoch.key() @ RewardsError::WrongContribution)]
    pub contribution: Box<Account<'info, Contribution>>,

    /// The node's shard in this epoch (read only: claims never write it); a genuine EpochShard
    /// records its epoch and shard number (as above, compared instead of derived).
    #[account(
        constraint = epoch_shard.epoch == epoch.key() @ RewardsError::WrongShard,
        constraint = epoch_shard.shard == contribution.shard @ RewardsError::WrongShard,
    )]
    pub epoch_shard: Box<Account<'info, EpochShard>>,

    /// The shard's claim vault: the only writable account a claim shares, and only with claims of
    /// the same shard.
    /// CHECK: `validate` requires the address `distribute_shard` recorded when it created the
    /// `["shard_vault", epoch, shard]` token account (a key comparison, no PDA derivation); the token
    /// program checks the balance and the epoch PDA as its authority.
    #[account(mut)]
    pub shard_vault: UncheckedAccount<'info>,

    /// The LMR account of the operator recorded in the contribution: the reward goes there, whoever
    /// sends the claim.
    #[account(
        mut,
        constraint = operator_tokens.mint == config.lmr_mint @ RewardsError::WrongMint,
        constraint = operator_tokens.owner == contribution.operator @ RewardsError::WrongTokenOwner,
    )]
    pub operator_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl Claim<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(self.epoch.closed, RewardsError::EpochNotClosed);
        require!(now <= self.epoch.claim_deadline, RewardsError::ClaimWindowOver);
        require!(!self.contribution.claimed, RewardsError::AlreadyClaimed);
        require!(self.contribution.contribution > 0, RewardsError::NothingToClaim);
        require!(self.epoch_shard.distributed, RewardsError::ShardNotDistributed);
        require_keys_eq!(self.shard_vault.key(), self.epoch_shard.vault, RewardsError::WrongShardVault);
        Ok(())
    }
}

/// Pays `R_i = floor(c_i · R_total / Σc)` from the node's shard claim vault to the token account of
/// the operator recorded in its contribution, once per node per epoch. O(1): reads the epoch's final
/// totals, writes only this node's contribution and its shard's vault. Permissionless (the
/// destination is fixed), so a crank may claim for a node — also after the node has closed.
pub fn handler(ctx: Context<Claim>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let epoch = &ctx.accounts.epoch;
    let c = &mut ctx.accounts.contribution;
    let amount = reward_share(c.contribution, epoch.r_total, epoch.total_contribution)
        .ok_or(RewardsError::MathOverflow)?;
    c.claimed = true;
    c.claimed_amount = amount;
    let (node, operator, contribution) = (c.node, c.operator, c.contribution);

    pay_from_epoch_vault(
        ctx.accounts.token_program.key(),
        epoch,
        ctx.accounts.shard_vault.to_account_info(),
        ctx.accounts.operator_tokens.to_account_info(),
        amount,
    )?;
    emit!(RewardClaimed { epoch: epoch.index, node, operator, contribution, amount });
    Ok(())
}
