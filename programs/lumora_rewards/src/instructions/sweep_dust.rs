use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::errors::RewardsError;
use crate::events::DustSwept;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::Epoch;
use crate::vault::pay_from_epoch_vault;

#[derive(Accounts)]
pub struct SweepDust<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The closed epoch whose shards have all been distributed.
    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,

    #[account(mut, seeds = [seeds::VAULT, epoch.key().as_ref()], bump = epoch.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    /// A later epoch still open for funding (normally the current one): the remainder joins its R_total.
    #[account(mut, seeds = [seeds::EPOCH, &target_epoch.index.to_le_bytes()], bump = target_epoch.bump)]
    pub target_epoch: Box<Account<'info, Epoch>>,

    #[account(mut, seeds = [seeds::VAULT, target_epoch.key().as_ref()], bump = target_epoch.vault_bump)]
    pub target_vault: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl SweepDust<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(self.epoch.closed, RewardsError::EpochNotClosed);
        require!(!self.epoch.dust_swept, RewardsError::DustAlreadySwept);
        // once every shard holds its share, no claim draws on the epoch vault any more: what is left
        // is the rounding between shards (with Σc = 0, the whole R_total, which moves on at once)
        require!(self.epoch.fully_distributed(), RewardsError::ShardsNotDistributed);
        require!(
            now > self.epoch.claim_deadline || self.epoch.total_contribution == 0,
            RewardsError::ClaimWindowOpen
        );
        require!(
            self.target_epoch.index > self.epoch.index && !self.target_epoch.closed,
            RewardsError::WrongSweepTarget
        );
        Ok(())
    }
}

/// After the claim window, once every shard is distributed: the epoch vault's remainder
/// (`R_total − Σ shard shares`, the rounding between shards) moves to a later epoch's vault and
/// R_total, exactly once. Each shard's own remainder moves with `sweep_shard_dust`. Permissionless.
pub fn handler(ctx: Context<SweepDust>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let amount = ctx.accounts.vault.amount;
    pay_from_epoch_vault(
        ctx.accounts.token_program.key(),
        &ctx.accounts.epoch,
        ctx.accounts.vault.to_account_info(),
        ctx.accounts.target_vault.to_account_info(),
        amount,
    )?;
    let to_epoch = ctx.accounts.target_epoch.index;
    ctx.accounts.target_epoch.add_reward(amount)?;
    let epoch = &mut ctx.accounts.epoch;
    epoch.dust_swept = true;
    epoch.dust = amount;
    epoch.dust_to_epoch = to_epoch;
    epoch.invariant()?;
    emit!(DustSwept { epoch: epoch.index, to_epoch, amount });
    Ok(())
}
