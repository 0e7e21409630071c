use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::PausedSet;
use crate::seeds;
use crate::state::Config;

#[derive(Accounts)]
pub struct SetPaused<'info> {
    pub admin: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::CONFIG],
        bump = config.bump,
        has_one = admin @ RegistryError::NotAdmin,
    )]
    pub config: Account<'info, Config>,
}

impl SetPaused<'_> {
    pub fn validate(&self, paused: bool) -> Result<()> {
        require!(self.config.paused != paused, RegistryError::PauseUnchanged);
        Ok(())
    }
}

pub fn handler(ctx: Context<SetPaused>, paused: bool) -> Result<()> {
    ctx.accounts.validate(paused)?;
    let config = &mut ctx.accounts.config;
    config.paused = paused;
    config.invariant()?;
    emit!(PausedSet { admin: config.admin, paused });
    Ok(())
}
