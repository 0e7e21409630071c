use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

use crate::errors::RewardsError;
use crate::events::EpochFunded;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::Epoch;

#[derive(Accounts)]
pub struct FundEpoch<'info> {
    /// Anyone: authority of `funder_tokens`.
    pub funder: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::EPOCH, &epoch.index.to_le_bytes()], bump = epoch.bump)]
    pub epoch: Box<Account<'info, Epoch>>,

    #[account(mut, seeds = [seeds::VAULT, epoch.key().as_ref()], bump = epoch.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(mut, constraint = funder_tokens.mint == config.lmr_mint @ RewardsError::WrongMint)]
    pub funder_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl FundEpoch<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(amount > 0, RewardsError::ZeroAmount);
        // R_total is frozen at close: every claim divides by the same numbers
        require!(!self.epoch.closed, RewardsError::EpochClosed);
        Ok(())
    }
}

/// Adds `amount` LMR to the epoch's vault; `R_total` grows by it. Anyone, until the epoch closes.
pub fn handler(ctx: Context<FundEpoch>, amount: u64) -> Result<()> {
    ctx.accounts.validate(amount)?;
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.funder_tokens.to_account_info(),
                to: ctx.accounts.vault.to_account_info(),
                authority: ctx.accounts.funder.to_account_info(),
            },
        ),
        amount,
    )?;
    let epoch = &mut ctx.accounts.epoch;
    epoch.add_reward(amount)?;
    emit!(EpochFunded {
        epoch: epoch.key(),
        funder: ctx.accounts.funder.key(),
        amount,
        r_total: epoch.r_total
    });
    Ok(())
}
