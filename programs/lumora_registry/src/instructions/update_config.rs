use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::ConfigUpdated;
use crate::seeds;
use crate::state::{Config, ConfigParams};

#[derive(Accounts)]
pub struct UpdateConfig<'info> {
    pub admin: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::CONFIG],
        bump = config.bump,
        has_one = admin @ RegistryError::NotAdmin,
    )]
    pub config: Account<'info, Config>,
}

impl UpdateConfig<'_> {
    /// Parameters are frozen while paused; governance that must change them during an incident lifts
    /// the pause in the same transaction (`set_paused(false)`, `update_config`, `set_paused(true)`).
    pub fn validate(&self, params: &ConfigParams) -> Result<()> {
        self.config.require_not_paused()?;
        params.validate()
    }
}

pub fn handler(ctx: Context<UpdateConfig>, params: ConfigParams) -> Result<()> {
    ctx.accounts.validate(&params)?;
    let config = &mut ctx.accounts.config;
    let old_params = config.params;
    config.params = params;
    config.invariant()?;
    emit!(ConfigUpdated { admin: config.admin, old_params, new_params: params });
    Ok(())
}
