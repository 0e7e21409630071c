use anchor_lang::prelude::*;

use crate::errors::RewardsError;
use crate::state::{Contribution, Epoch};

#[derive(Accounts)]
pub struct CloseContribution<'info> {
    /// The contribution's epoch (owner + discriminator checked; compared with the key the contribution
    /// records).
    pub epoch: Box<Account<'info, Epoch>>,

    /// The credit, closed here (owner + discriminator checked by `Account`; only `credit_epoch` creates
    /// one, at `["contribution", epoch, node]`).
    #[account(
        mut,
        close = rent_receiver,
        constraint = contribution.epoch == epoch.key() @ RewardsError::WrongContribution,
    )]
    pub contribution: Box<Account<'info, Contribution>>,

    /// CHECK: must be the contribution's recorded payer (address constraint); it only receives lamports.
    #[account(mut, address = contribution.payer @ RewardsError::WrongRentReceiver)]
    pub rent_receiver: UncheckedAccount<'info>,
}

/// After an epoch's claim window nothing reads its contributions any more (a claim is refused, unclaimed
/// shares are swept forward): anyone closes one, its rent going back to whoever paid it.
pub fn handler(ctx: Context<CloseContribution>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let epoch = &ctx.accounts.epoch;
    require!(epoch.closed, RewardsError::EpochNotClosed);
    require!(now > epoch.claim_deadline, RewardsError::ClaimWindowOpen);
    Ok(())
}
