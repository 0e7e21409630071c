use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::constants::CPI_AUTHORITY_PDA;
use crate::errors::RewardsError;
use crate::events::RewardClaimed;
use crate::lumora_registry::accounts::{Config, Node};
use crate::lumora_registry::program::LumoraRegistry;
use crate::math::reward_share;
use crate::registry_cpi::RegistryCpi;
use crate::state::{Contribution, Epoch, EpochShard};
use crate::vault::pay_from_epoch_vault;

#[derive(Accounts)]
pub struct Claim<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The closed epoch (read only: claims never write it). Owner + discriminator prove a genuine
    /// Epoch — only `open_epoch` creates one, at `["epoch", index]` — so no PDA derivation here.
    pub epoch: Box<Account<'info, Epoch>>,

    /// The node's contribution in this epoch. A genuine Contribution (owner + discriminator) records
    /// the epoch and node it was created for at `["contribution", epoch, node]`; comparing those two
    /// keys proves the same as re-deriving the PDA, without the ~1,500-CU derivation.
    #[account(
        mut,
        constraint = contribution.epoch == epoch.key() @ RewardsError::WrongContribution,
        constraint = contribution.node == node.key() @ RewardsError::WrongContribution,
    )]
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

    /// The contributing registry node (written by the obligation CPI).
    #[account(mut)]
    pub node: AccountLoader<'info, Node>,

    /// The node operator's LMR account: the reward goes there, whoever sends the claim.
    #[account(
        mut,
        constraint = operator_tokens.mint == config.lmr_mint @ RewardsError::WrongMint,
        constraint = operator_tokens.owner == node.load()?.operator @ RewardsError::WrongTokenOwner,
    )]
    pub operator_tokens: Box<Account<'info, TokenAccount>>,

    /// CHECK: this program's `["authority"]` PDA (compile-time address); it only signs registry CPIs.
    #[account(address = Pubkey::new_from_array(CPI_AUTHORITY_PDA.0))]
    pub rewards_authority: UncheckedAccount<'info>,

    pub registry_program: Program<'info, LumoraRegistry>,
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

/// Pays `R_i = floor(c_i · R_total / Σc)` from the node's shard claim vault to the node operator's
/// token account, once per node per epoch. O(1): reads the epoch's final totals, writes only this
/// node's accounts and its shard's vault. Permissionless (the destination is fixed), so a crank may
/// claim for a node.
pub fn handler(ctx: Context<Claim>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let epoch = &ctx.accounts.epoch;
    let c = &mut ctx.accounts.contribution;
    let amount = reward_share(c.contribution, epoch.r_total, epoch.total_contribution)
        .ok_or(RewardsError::MathOverflow)?;
    c.claimed = true;
    c.claimed_amount = amount;
    let deregister_obligation = c.obligation_registered;
    let contribution = c.contribution;

    pay_from_epoch_vault(
        ctx.accounts.token_program.key(),
        epoch,
        ctx.accounts.shard_vault.to_account_info(),
        ctx.accounts.operator_tokens.to_account_info(),
        amount,
    )?;
    if deregister_obligation {
        RegistryCpi {
            registry_program: ctx.accounts.registry_program.to_account_info(),
            authority: ctx.accounts.rewards_authority.to_account_info(),
            config: ctx.accounts.config.to_account_info(),
            node: ctx.accounts.node.to_account_info(),
        }
        .adjust_unclaimed_epochs(-1)?;
    }
    emit!(RewardClaimed {
        epoch: ctx.accounts.epoch.index,
        node: ctx.accounts.node.key(),
        operator: ctx.accounts.operator_tokens.owner,
        contribution,
        amount,
    });
    Ok(())
}
