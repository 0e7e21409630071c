use anchor_lang::prelude::*;

use crate::errors::RewardsError;
use crate::events::{EpochClosed, ShardsSummed};
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{Epoch, EpochShard};

#[derive(Accounts)]
pub struct CloseEpoch<'info> {
    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,
    // remaining accounts: the EpochShard PDAs of shards `shards_summed, shards_summed + 1, …` in order
    // (a shard nobody contributed to is passed as its empty PDA address)
}

impl CloseEpoch<'_> {
    pub fn validate(&self, now: i64, shards: usize) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(now >= self.epoch.credit_deadline, RewardsError::CreditWindowOpen);
        require!(!self.epoch.closed, RewardsError::EpochClosed);
        let left = usize::from(self.epoch.shard_count.saturating_sub(self.epoch.shards_summed));
        require!(shards >= 1 && shards <= left, RewardsError::InvalidBatch);
        Ok(())
    }
}

/// The total of shard `shard` of `epoch` from its account: an EpochShard of this program (owner and
/// discriminator checked, then its recorded epoch and shard), or — for a shard nobody contributed
/// to — the empty account at its canonical PDA address (totals are frozen once the credit window is
/// over: `credit_epoch` requires it open, so no shard account can appear later).
/// `None` for the empty shard.
fn shard_total<'info>(info: &'info AccountInfo<'info>, epoch: &Pubkey, shard: u16) -> Result<Option<u128>> {
    if info.owner == &crate::ID {
        let s = Account::<EpochShard>::try_from(info)?;
        require!(s.epoch == *epoch && s.shard == shard, RewardsError::WrongShard);
        return Ok(Some(s.total_contribution));
    }
    let (expected, _) =
        Pubkey::find_program_address(&[seeds::EPOCH_SHARD, epoch.as_ref(), &shard.to_le_bytes()], &crate::ID);
    require!(info.key() == expected && info.data_is_empty(), RewardsError::WrongShard);
    Ok(None)
}

/// After the epoch's credit window: sums the next shards' totals into `Σc` and counts the shards that have an
/// account (the ones `distribute_shard` will fund), moving the cursor. Several transactions when the
/// shards do not fit one; the last one closes the epoch and opens its claim window. Permissionless.
pub fn handler<'info>(ctx: Context<'info, CloseEpoch<'info>>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now, ctx.remaining_accounts.len())?;
    let claim_window = i64::from(ctx.accounts.config.params.claim_window_secs);
    let epoch_key = ctx.accounts.epoch.key();
    let epoch = &mut ctx.accounts.epoch;
    let from = epoch.shards_summed;
    for info in ctx.remaining_accounts {
        let Some(total) = shard_total(info, &epoch_key, epoch.shards_summed)? else {
            epoch.shards_summed = epoch.shards_summed.checked_add(1).ok_or(RewardsError::MathOverflow)?;
            continue;
        };
        epoch.contributing_shards =
            epoch.contributing_shards.checked_add(1).ok_or(RewardsError::MathOverflow)?;
        epoch.total_contribution =
            epoch.total_contribution.checked_add(total).ok_or(RewardsError::MathOverflow)?;
        epoch.shards_summed = epoch.shards_summed.checked_add(1).ok_or(RewardsError::MathOverflow)?;
    }
    emit!(ShardsSummed {
        epoch: epoch.index,
        from_shard: from,
        to_shard: epoch.shards_summed,
        total_contribution: epoch.total_contribution,
    });
    if epoch.shards_summed == epoch.shard_count {
        epoch.closed = true;
        epoch.claim_deadline = now.checked_add(claim_window).ok_or(RewardsError::MathOverflow)?;
        emit!(EpochClosed {
            epoch: epoch.index,
            r_total: epoch.r_total,
            total_contribution: epoch.total_contribution,
            claim_deadline: epoch.claim_deadline,
        });
    }
    epoch.invariant()
}
