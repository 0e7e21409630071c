use anchor_lang::prelude::*;

use crate::errors::RegistryError;
use crate::events::AdminTransferred;
use crate::seeds;
use crate::state::Config;

#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    /// Must be the pending admin proposed by `transfer_admin`.
    pub new_admin: Signer<'info>,

    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Account<'info, Config>,
}

impl AcceptAdmin<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(self.config.has_pending_admin(), RegistryError::NoPendingAdmin);
        require_keys_eq!(self.new_admin.key(), self.config.pending_admin, RegistryError::NotPendingAdmin);
        Ok(())
    }
}

pub fn handler(ctx: Context<AcceptAdmin>) -> Result<()> {
    ctx.accounts.validate()?;
    let config = &mut ctx.accounts.config;
    let old_admin = config.admin;
    config.admin = config.pending_admin;
    config.pending_admin = Pubkey::default();
    config.invariant()?;
    emit!(AdminTransferred { old_admin, new_admin: config.admin });
    Ok(())
}
