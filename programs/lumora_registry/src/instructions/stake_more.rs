use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

use crate::errors::RegistryError;
use crate::events::StakeAdded;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct StakeMore<'info> {
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

impl StakeMore<'_> {
    pub fn validate(&self, amount: u64) -> Result<()> {
        self.config.require_not_paused()?;
        require!(amount > 0, RegistryError::ZeroAmount);
        require!(self.node.load()?.is_active(), RegistryError::NodeNotActive);
        Ok(())
    }
}

pub fn handler(ctx: Context<StakeMore>, amount: u64) -> Result<()> {
    ctx.accounts.validate(amount)?;
    let stake = {
        let mut node = ctx.accounts.node.load_mut()?;
        node.stake = node.stake.checked_add(amount).ok_or(RegistryError::MathOverflow)?;
        node.stake
    };
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.operator_tokens.to_account_info(),
                to: ctx.accounts.stake_vault.to_account_info(),
                authority: ctx.accounts.operator.to_account_info(),
            },
        ),
        amount,
    )?;
    emit!(StakeAdded { node: ctx.accounts.node.key(), amount, stake });
    Ok(())
}
