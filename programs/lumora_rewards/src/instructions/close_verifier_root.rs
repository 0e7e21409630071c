use anchor_lang::prelude::*;

use crate::errors::RewardsError;
use crate::state::VerifierRoot;

#[derive(Accounts)]
pub struct CloseVerifierRoot<'info> {
    /// The root, closed here (owner + discriminator checked by `Account`; only `post_verifier_root`
    /// creates one, at `["verifier_root", epoch, verifier]`).
    #[account(mut, close = rent_receiver)]
    pub verifier_root: Box<Account<'info, VerifierRoot>>,

    /// CHECK: must be the root's recorded payer (address constraint); it only receives lamports.
    #[account(mut, address = verifier_root.payer @ RewardsError::WrongRentReceiver)]
    pub rent_receiver: UncheckedAccount<'info>,
}

/// Once an epoch's credit window is over no credit can read its roots: anyone closes a root, its rent
/// going back to whoever paid it (docs/rewards.md §3.7: per-epoch accounts do not outlive their use).
pub fn handler(ctx: Context<CloseVerifierRoot>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    require!(now >= ctx.accounts.verifier_root.credit_deadline, RewardsError::CreditWindowOpen);
    Ok(())
}
