use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

use crate::errors::RegistryError;
use crate::events::NodeSlashed;
use crate::math::slash_amount;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct Slash<'info> {
    /// The config admin, or the tasks program's CPI authority (proven fraud).
    pub authority: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(mut, seeds = [seeds::NODE, node.load()?.node_key.as_ref()], bump = node.load()?.bump)]
    pub node: AccountLoader<'info, Node>,

    #[account(mut, seeds = [seeds::STAKE_VAULT, node.key().as_ref()], bump = node.load()?.vault_bump)]
    pub stake_vault: Box<Account<'info, TokenAccount>>,

    #[account(mut, address = config.treasury @ RegistryError::WrongTreasury)]
    pub treasury: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl Slash<'_> {
    pub fn validate(&self) -> Result<()> {
        self.config.require_not_paused()?;
        let a = self.authority.key();
        require!(
            a == self.config.admin || a == self.config.tasks_authority,
            RegistryError::NotSlashAuthority
        );
        Ok(())
    }
}

/// Moves `slash_bps` of the node's stake at risk (active stake, then a pending unstake) to the
/// treasury. `reason` is recorded in the event (0 = admin decision, 1 = fraud proven by tasks).
pub fn handler(ctx: Context<Slash>, reason: u8) -> Result<()> {
    ctx.accounts.validate()?;
    let slash_bps = ctx.accounts.config.params.slash_bps;
    let (amount, stake, node_key, bump) = {
        let mut node = ctx.accounts.node.load_mut()?;
        let at_risk = node.stake.checked_add(node.unstake_requested).ok_or(RegistryError::MathOverflow)?;
        let amount = slash_amount(at_risk, slash_bps);
        require!(amount > 0, RegistryError::InvalidSlash);
        let from_stake = amount.min(node.stake);
        node.stake = node.stake.checked_sub(from_stake).ok_or(RegistryError::MathOverflow)?;
        let rest = amount.checked_sub(from_stake).ok_or(RegistryError::MathOverflow)?;
        node.unstake_requested =
            node.unstake_requested.checked_sub(rest).ok_or(RegistryError::MathOverflow)?;
        node.total_slashed = node.total_slashed.checked_add(amount).ok_or(RegistryError::MathOverflow)?;
        (amount, node.stake, node.node_key, node.bump)
    };
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.stake_vault.to_account_info(),
                to: ctx.accounts.treasury.to_account_info(),
                authority: ctx.accounts.node.to_account_info(),
            },
        )
        .with_signer(&[&[seeds::NODE, node_key.as_ref(), &[bump]]]),
        amount,
    )?;
    emit!(NodeSlashed {
        node: ctx.accounts.node.key(),
        authority: ctx.accounts.authority.key(),
        amount,
        stake,
        reason,
    });
    Ok(())
}
