use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Token, TokenAccount};

use crate::errors::MarketError;
use crate::events::PurchaseClosed;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{purchase_status, Purchase};

#[derive(Accounts)]
pub struct ClosePurchase<'info> {
    /// The buyer: receives the rent.
    #[account(mut)]
    pub buyer: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        close = buyer,
        has_one = buyer @ MarketError::NotBuyer,
        seeds = [seeds::PURCHASE, purchase.dataset.as_ref(), purchase.buyer.as_ref()],
        bump = purchase.bump,
    )]
    pub purchase: Box<Account<'info, Purchase>>,

    /// CHECK: the purchase's dataset, read-only and only compared by address: listed so the dataset's
    /// transaction history (its purchase ledger) includes this instruction.
    #[account(address = purchase.dataset)]
    pub dataset: UncheckedAccount<'info>,

    /// The purchase's escrow, empty once delivered or refunded: closed here, its rent to the buyer.
    #[account(mut, seeds = [seeds::PURCHASE_VAULT, purchase.key().as_ref()], bump = purchase.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

/// The buyer closes a delivered or refunded purchase and its empty escrow; both rents come back and
/// the pair may buy again. The sealed key stays in the `KeyDelivered` event.
pub fn handler(ctx: Context<ClosePurchase>) -> Result<()> {
    require!(!ctx.accounts.config.paused, MarketError::ProtocolPaused);
    let p = &ctx.accounts.purchase;
    require!(p.status != purchase_status::OPEN, MarketError::PurchaseStillOpen);
    let signer: &[&[&[u8]]] = &[&[seeds::PURCHASE, p.dataset.as_ref(), p.buyer.as_ref(), &[p.bump]]];
    token::close_account(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            CloseAccount {
                account: ctx.accounts.vault.to_account_info(),
                destination: ctx.accounts.buyer.to_account_info(),
                authority: ctx.accounts.purchase.to_account_info(),
            },
        )
        .with_signer(signer),
    )?;
    emit!(PurchaseClosed { dataset: p.dataset, purchase: p.key(), buyer: p.buyer });
    Ok(())
}
