use anchor_lang::prelude::*;
use anchor_spl::token::{Token, TokenAccount};

use crate::errors::RewardsError;
use crate::events::ShardDustSwept;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{Epoch, EpochShard};
use crate::vault::{close_epoch_vault, pay_from_epoch_vault};

#[derive(Accounts)]
pub struct SweepShardDust<'info> {
    pub config: Box<Account<'info, Config>>,

    /// The epoch whose claim window is over (read only: it signs for its vaults).
    #[account(seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,

    #[account(
        mut,
        seeds = [seeds::EPOCH_SHARD, epoch.key().as_ref(), &epoch_shard.shard.to_le_bytes()],
        bump = epoch_shard.bump,
    )]
    pub epoch_shard: Box<Account<'info, EpochShard>>,

    /// The shard's claim vault (closed here).
    /// CHECK: the address `distribute_shard` recorded when it created this token account (so a genuine
    /// SPL account of the epoch PDA); read in the handler only after `validate` — unchecked so that a
    /// second sweep, whose vault is already closed, gets `DustAlreadySwept` rather than a load error.
    #[account(mut, address = epoch_shard.vault @ RewardsError::WrongShardVault)]
    pub shard_vault: UncheckedAccount<'info>,

    /// A later epoch still open for funding (normally the current one): the remainder joins its R_total.
    #[account(mut, seeds = [seeds::EPOCH, &target_epoch.index.to_le_bytes()], bump = target_epoch.bump)]
    pub target_epoch: Box<Account<'info, Epoch>>,

    #[account(mut, seeds = [seeds::VAULT, target_epoch.key().as_ref()], bump = target_epoch.vault_bump)]
    pub target_vault: Box<Account<'info, TokenAccount>>,

    /// CHECK: receives the claim vault's rent; must be who paid it (`epoch_shard.vault_rent_payer`).
    #[account(mut, address = epoch_shard.vault_rent_payer @ RewardsError::WrongRentReceiver)]
    pub rent_receiver: UncheckedAccount<'info>,

    pub token_program: Program<'info, Token>,
}

impl SweepShardDust<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(self.epoch.closed, RewardsError::EpochNotClosed);
        require!(self.epoch_shard.distributed, RewardsError::ShardNotDistributed);
        require!(!self.epoch_shard.dust_swept, RewardsError::DustAlreadySwept);
        require!(now > self.epoch.claim_deadline, RewardsError::ClaimWindowOpen);
        require!(
            self.target_epoch.index > self.epoch.index && !self.target_epoch.closed,
            RewardsError::WrongSweepTarget
        );
        Ok(())
    }
}

/// After the claim window: the shard claim vault's remainder (rounding dust and unclaimed shares)
/// moves to a later epoch's vault and R_total, exactly once per shard; the emptied vault is closed and
/// its rent returns to whoever paid it at distribution. Permissionless.
pub fn handler(ctx: Context<SweepShardDust>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let amount = {
        let data = ctx.accounts.shard_vault.try_borrow_data()?;
        TokenAccount::try_deserialize(&mut &data[..])?.amount
    };
    let epoch = &ctx.accounts.epoch;
    pay_from_epoch_vault(
        ctx.accounts.token_program.key(),
        epoch,
        ctx.accounts.shard_vault.to_account_info(),
        ctx.accounts.target_vault.to_account_info(),
        amount,
    )?;
    close_epoch_vault(
        ctx.accounts.token_program.key(),
        epoch,
        ctx.accounts.shard_vault.to_account_info(),
        ctx.accounts.rent_receiver.to_account_info(),
    )?;
    let to_epoch = ctx.accounts.target_epoch.index;
    ctx.accounts.target_epoch.add_reward(amount)?;
    let shard = &mut ctx.accounts.epoch_shard;
    shard.dust_swept = true;
    shard.dust = amount;
    emit!(ShardDustSwept { epoch: ctx.accounts.epoch.index, shard: shard.shard, to_epoch, amount });
    Ok(())
}
