use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::errors::RewardsError;
use crate::events::ShardDistributed;
use crate::lumora_registry::accounts::Config;
use crate::math::shard_share;
use crate::seeds;
use crate::state::{Epoch, EpochShard};
use crate::vault::pay_from_epoch_vault;
use lumora_create::create_token_account;

#[derive(Accounts)]
pub struct DistributeShard<'info> {
    /// Anyone: pays the claim vault's rent (returned by `sweep_shard_dust` when it closes the vault).
    #[account(mut)]
    pub payer: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    /// The closed epoch (its distribution cursor moves).
    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,

    /// The epoch vault: the shard's share leaves it.
    #[account(mut, seeds = [seeds::VAULT, epoch.key().as_ref()], bump = epoch.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    /// The shard of this epoch whose share moves (only shards with an account have contributions).
    #[account(
        mut,
        seeds = [seeds::EPOCH_SHARD, epoch.key().as_ref(), &epoch_shard.shard.to_le_bytes()],
        bump = epoch_shard.bump,
        constraint = !epoch_shard.distributed @ RewardsError::ShardAlreadyDistributed,
    )]
    pub epoch_shard: Box<Account<'info, EpochShard>>,

    /// The shard's claim vault, created by the handler (see [`create_shard_vault`]).
    /// CHECK: the `["shard_vault", epoch, shard]` PDA (seeds checked here); a second distribution
    /// stops at `ShardAlreadyDistributed` above before anything touches it.
    #[account(
        mut,
        seeds = [seeds::SHARD_VAULT, epoch.key().as_ref(), &epoch_shard.shard.to_le_bytes()],
        bump,
    )]
    pub shard_vault: UncheckedAccount<'info>,

    #[account(address = config.lmr_mint @ RewardsError::WrongMint)]
    pub lmr_mint: Box<Account<'info, Mint>>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl DistributeShard<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(self.epoch.closed, RewardsError::EpochNotClosed);
        Ok(())
    }
}

/// Creates the claim vault at its PDA (prefund-safe, `lumora_create`): an SPL token account of LMR
/// owned by the epoch PDA.
fn create_shard_vault(accounts: &DistributeShard, bump: u8) -> Result<()> {
    let vault = accounts.shard_vault.to_account_info();
    let epoch_key = accounts.epoch.key();
    let shard = accounts.epoch_shard.shard.to_le_bytes();
    let bump = [bump];
    let signer: &[&[u8]] = &[seeds::SHARD_VAULT, epoch_key.as_ref(), &shard, &bump];
    create_token_account(
        &accounts.payer.to_account_info(),
        &vault,
        &accounts.lmr_mint.to_account_info(),
        &accounts.epoch.to_account_info(),
        accounts.token_program.key(),
        accounts.system_program.key(),
        signer,
        RewardsError::ShardAlreadyDistributed,
    )
}

/// After the close: moves shard `S_k`'s share `floor(S_k · R_total / Σc)` from the epoch vault into
/// the shard's claim vault, exactly once per shard, in any order. The shard's claims then pay from
/// that vault, so claims of different shards share no writable account. Permissionless (a crank).
pub fn handler(ctx: Context<DistributeShard>) -> Result<()> {
    ctx.accounts.validate()?;
    create_shard_vault(ctx.accounts, ctx.bumps.shard_vault)?;
    let epoch = &ctx.accounts.epoch;
    let reward =
        shard_share(ctx.accounts.epoch_shard.total_contribution, epoch.r_total, epoch.total_contribution)
            .ok_or(RewardsError::MathOverflow)?;
    pay_from_epoch_vault(
        ctx.accounts.token_program.key(),
        epoch,
        ctx.accounts.vault.to_account_info(),
        ctx.accounts.shard_vault.to_account_info(),
        reward,
    )?;
    let shard = &mut ctx.accounts.epoch_shard;
    shard.distributed = true;
    shard.vault = ctx.accounts.shard_vault.key();
    shard.reward = reward;
    shard.vault_rent_payer = ctx.accounts.payer.key();
    let epoch = &mut ctx.accounts.epoch;
    epoch.shards_distributed = epoch.shards_distributed.checked_add(1).ok_or(RewardsError::MathOverflow)?;
    epoch.distributed = epoch.distributed.checked_add(reward).ok_or(RewardsError::MathOverflow)?;
    epoch.invariant()?;
    emit!(ShardDistributed {
        epoch: epoch.index,
        shard: shard.shard,
        shard_total: shard.total_contribution,
        reward,
        shards_distributed: epoch.shards_distributed,
        contributing_shards: epoch.contributing_shards,
    });
    Ok(())
}
