use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token, TokenAccount, Transfer};

use crate::constants::SEALED_KEY_MAX_LEN;
use crate::errors::MarketError;
use crate::events::KeyDelivered;
use crate::lumora_registry::accounts::Config;
use crate::math::split_price;
use crate::seeds;
use crate::state::{purchase_status, Dataset, Purchase};

#[derive(Accounts)]
pub struct DeliverKey<'info> {
    pub seller: Signer<'info>,

    /// The registry's config: pause switch, LMR mint, treasury.
    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        has_one = seller @ MarketError::NotSeller,
        seeds = [seeds::DATASET, dataset.seller.as_ref(), &dataset.dataset_id.to_le_bytes()],
        bump = dataset.bump,
    )]
    pub dataset: Box<Account<'info, Dataset>>,

    /// A purchase of this dataset: its address is derived from the dataset, so the seeds bind the two.
    #[account(
        mut,
        seeds = [seeds::PURCHASE, dataset.key().as_ref(), purchase.buyer.as_ref()],
        bump = purchase.bump,
    )]
    pub purchase: Box<Account<'info, Purchase>>,

    #[account(mut, seeds = [seeds::PURCHASE_VAULT, purchase.key().as_ref()], bump = purchase.vault_bump)]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(
        mut,
        constraint = seller_tokens.mint == config.lmr_mint @ MarketError::WrongMint,
        constraint = seller_tokens.owner == seller.key() @ MarketError::WrongTokenOwner,
    )]
    pub seller_tokens: Box<Account<'info, TokenAccount>>,

    /// The protocol treasury (the registry's `["treasury"]` token account): receives the fee.
    #[account(mut, address = config.treasury @ MarketError::WrongTreasury)]
    pub treasury: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
}

impl DeliverKey<'_> {
    pub fn validate(&self, sealed_key: &[u8], now: i64) -> Result<()> {
        require!(!self.config.paused, MarketError::ProtocolPaused);
        require!(self.purchase.status == purchase_status::OPEN, MarketError::PurchaseNotOpen);
        require!(now < self.purchase.deadline, MarketError::DeliveryDeadlinePassed);
        require!(
            !sealed_key.is_empty() && sealed_key.len() <= SEALED_KEY_MAX_LEN,
            MarketError::InvalidSealedKey
        );
        Ok(())
    }
}

/// The seller posts the data key sealed to the buyer's x25519 key; the escrow pays the fee (bps fixed
/// at purchase) to the treasury and the rest to the seller (the empty escrow closes with the purchase).
/// The program cannot check the sealed key opens the data: the buyer checks it against the manifest's
/// key commitment, and the key stays public in the event as evidence either way.
pub fn handler(ctx: Context<DeliverKey>, sealed_key: Vec<u8>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(&sealed_key, now)?;
    let price = ctx.accounts.purchase.price;
    let (fee, seller_amount) =
        split_price(price, ctx.accounts.purchase.fee_bps).ok_or(MarketError::FeeMath)?;
    let dataset = ctx.accounts.dataset.key();
    let buyer = ctx.accounts.purchase.buyer;
    let signer: &[&[&[u8]]] =
        &[&[seeds::PURCHASE, dataset.as_ref(), buyer.as_ref(), &[ctx.accounts.purchase.bump]]];
    let tp = ctx.accounts.token_program.key();
    let authority = ctx.accounts.purchase.to_account_info();
    let vault = ctx.accounts.vault.to_account_info();
    for (to, amount) in [
        (ctx.accounts.treasury.to_account_info(), fee),
        (ctx.accounts.seller_tokens.to_account_info(), seller_amount),
    ] {
        if amount > 0 {
            token::transfer(
                CpiContext::new(tp, Transfer { from: vault.clone(), to, authority: authority.clone() })
                    .with_signer(signer),
                amount,
            )?;
        }
    }
    let p = &mut ctx.accounts.purchase;
    p.status = purchase_status::DELIVERED;
    p.settled_at = now;
    p.sealed_key = sealed_key.clone();
    p.invariant()?;
    let d = &mut ctx.accounts.dataset;
    d.sales = d.sales.saturating_add(1);
    emit!(KeyDelivered {
        dataset,
        purchase: p.key(),
        buyer,
        seller: d.seller,
        sealed_key,
        fee,
        seller_amount
    });
    Ok(())
}
