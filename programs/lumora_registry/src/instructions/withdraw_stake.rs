use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

use crate::errors::RegistryError;
use crate::events::StakeWithdrawn;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    pub operator: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        seeds = [seeds::NODE, node.load()?.node_key.as_ref()],
        bump = node.load()?.bump,
        has_one = operator @ RegistryError::NotOperator,
    )]
    pub node: AccountLoader<'info, Node>,

    #[account(mut, seeds = [seeds::STAKE_VAULT, node.key().as_ref()], bump = node.load()?.vault_bump)]
    pub stake_vault: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        constraint = operator_tokens.mint == config.lmr_mint @ RegistryError::WrongMint,
        constraint = operator_tokens.owner == operator.key() @ RegistryError::WrongTokenOwner,
    )]
    pub operator_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl WithdrawStake<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        self.config.require_not_paused()?;
        let node = self.node.load()?;
        require!(node.unstake_requested > 0, RegistryError::NoUnstakePending);
        require!(now >= node.unstake_available_at, RegistryError::CooldownNotElapsed);
        // a deregistered node cannot walk away with the stake that backs open assignments
        require!(node.is_active() || node.open_assignments == 0, RegistryError::OpenObligations);
        Ok(())
    }
}

/// Pays the pending unstake back to the operator once its cooldown has elapsed.
pub fn handler(ctx: Context<WithdrawStake>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let (amount, node_key, bump) = {
        let mut node = ctx.accounts.node.load_mut()?;
        let amount = node.unstake_requested;
        node.unstake_requested = 0;
        node.unstake_available_at = 0;
        (amount, node.node_key, node.bump)
    };
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.stake_vault.to_account_info(),
                to: ctx.accounts.operator_tokens.to_account_info(),
                authority: ctx.accounts.node.to_account_info(),
            },
        )
        .with_signer(&[&[seeds::NODE, node_key.as_ref(), &[bump]]]),
        amount,
    )?;
    emit!(StakeWithdrawn { node: ctx.accounts.node.key(), amount });
    Ok(())
}
