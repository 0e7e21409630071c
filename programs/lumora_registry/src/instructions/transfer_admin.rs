use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::AdminTransferProposed;
use crate::seeds;
use crate::state::Config;

#[derive(Accounts)]
pub struct TransferAdmin<'info> {
    pub admin: Signer<'info>,

    #[account(
        mut,
        seeds = [seeds::CONFIG],
        bump = config.bump,
        has_one = admin @ RegistryError::NotAdmin,
    )]
    pub config: Account<'info, Config>,
}

impl TransferAdmin<'_> {
    pub fn validate(&self, new_admin: &Pubkey) -> Result<()> {
        require!(
            *new_admin != Pubkey::default() && *new_admin != self.config.admin,
            RegistryError::InvalidNewAdmin
        );
        Ok(())
    }
}

pub fn handler(ctx: Context<TransferAdmin>, new_admin: Pubkey) -> Result<()> {
    ctx.accounts.validate(&new_admin)?;
    let config = &mut ctx.accounts.config;
    config.pending_admin = new_admin;
    config.invariant()?;
    emit!(AdminTransferProposed { admin: config.admin, pending_admin: new_admin });
    Ok(())
}
