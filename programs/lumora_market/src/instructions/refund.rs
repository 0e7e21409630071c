use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

use crate::errors::MarketError;
use crate::events::PurchaseRefunded;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{purchase_status, Purchase};

#[derive(Accounts)]
pub struct Refund<'info> {
    /// The buyer: receives the escrow and its rent.
    #[account(mut)]
    pub buyer: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        has_one = buyer @ MarketError::NotBuyer,
        seeds = [seeds::PURCHASE, purchase.dataset.as_ref(), purchase.buyer.as_ref()],
        bump = purchase.bump,
    )]
    pub purchase: Box<Account<'info, Purchase>>,

    /// CHECK: the purchase's dataset, read-only and only compared by address: listed so the dataset's
    /// transaction history (its purchase ledger) includes this instruction.
    #[account(address = purchase.dataset)]
    pub dataset: UncheckedAccount<'info>,

    #[account(mut, seeds = [seeds::PURCHASE_VAULT, purchase.key().as_ref()], bump = purchase.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        constraint = buyer_tokens.mint == config.lmr_mint @ MarketError::WrongMint,
        constraint = buyer_tokens.owner == buyer.key() @ MarketError::WrongTokenOwner,
    )]
    pub buyer_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl Refund<'_> {
    pub fn validate(&self, now: i64) -> Result<()> {
        require!(!self.config.paused, MarketError::ProtocolPaused);
        require!(self.purchase.status == purchase_status::OPEN, MarketError::PurchaseNotOpen);
        require!(now >= self.purchase.deadline, MarketError::DeadlineNotReached);
        Ok(())
    }
}

/// No key by the deadline: the buyer takes the whole escrow back (the empty escrow closes with the purchase).
pub fn handler(ctx: Context<Refund>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(now)?;
    let p = &ctx.accounts.purchase;
    let signer: &[&[&[u8]]] = &[&[seeds::PURCHASE, p.dataset.as_ref(), p.buyer.as_ref(), &[p.bump]]];
    let amount = ctx.accounts.vault.amount;
    let tp = ctx.accounts.token_program.key();
    let authority = ctx.accounts.purchase.to_account_info();
    if amount > 0 {
        token::transfer(
            CpiContext::new(
                tp,
                Transfer {
                    from: ctx.accounts.vault.to_account_info(),
                    to: ctx.accounts.buyer_tokens.to_account_info(),
                    authority,
                },
            )
            .with_signer(signer),
            amount,
        )?;
    }
    let p = &mut ctx.accounts.purchase;
    p.status = purchase_status::REFUNDED;
    p.settled_at = now;
    p.invariant()?;
    emit!(PurchaseRefunded { dataset: p.dataset, purchase: p.key(), buyer: p.buyer, amount });
    Ok(())
}
