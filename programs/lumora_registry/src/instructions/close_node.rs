use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Token, TokenAccount, Transfer};

use crate::errors::RegistryError;
use crate::events::NodeClosed;
use crate::seeds;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct CloseNode<'info> {
    /// Receives the stake and the rent of both accounts.
    #[account(mut)]
    pub operator: Signer<'info>,

    #[account(seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        close = operator,
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

impl CloseNode<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        self.config.require_not_paused()?;
        let node = self.node.load()?;
        require!(!node.is_active(), RegistryError::NotDeregistered);
        require!(node.open_assignments == 0 && node.unclaimed_epochs == 0, RegistryError::OpenObligations);
        require!(
            self.stake_vault.amount == 0 || now >= node.unstake_available_at,
            RegistryError::CooldownNotElapsed
        );
        Ok(())
    }
}

/// Returns the remaining stake and the rent of the node and its vault to the operator.
pub fn handler(ctx: Context<CloseNode>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let (node_key, bump) = {
        let node = ctx.accounts.node.load()?;
        (node.node_key, node.bump)
    };
    let signer: &[&[&[u8]]] = &[&[seeds::NODE, node_key.as_ref(), &[bump]]];
    let amount = ctx.accounts.stake_vault.amount;
    let token_program = ctx.accounts.token_program.key();
    if amount > 0 {
        token::transfer(
            CpiContext::new(
                token_program,
                Transfer {
                    from: ctx.accounts.stake_vault.to_account_info(),
                    to: ctx.accounts.operator_tokens.to_account_info(),
                    authority: ctx.accounts.node.to_account_info(),
                },
            )
            .with_signer(signer),
            amount,
        )?;
    }
    token::close_account(
        CpiContext::new(
            token_program,
            CloseAccount {
                account: ctx.accounts.stake_vault.to_account_info(),
                destination: ctx.accounts.operator.to_account_info(),
                authority: ctx.accounts.node.to_account_info(),
            },
        )
        .with_signer(signer),
    )?;
    emit!(NodeClosed {
        node: ctx.accounts.node.key(),
        operator: ctx.accounts.operator.key(),
        stake_returned: amount
    });
    Ok(())
}
