use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, Transfer};

use crate::constants::PURCHASE_VERSION;
use crate::errors::MarketError;
use crate::events::DatasetPurchased;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{purchase_status, Dataset, Purchase};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct PurchaseArgs {
    /// The buyer's x25519 public key: the seller seals the data key to it.
    pub buyer_x25519: [u8; 32],
    /// The most the buyer agrees to pay: protects it against a price raised after it read the listing.
    pub max_price: u64,
}

#[derive(Accounts)]
pub struct PurchaseDataset<'info> {
    /// The buyer: signs, pays the price and both rents.
    #[account(mut)]
    pub buyer: Signer<'info>,

    /// The registry's config: pause switch, LMR mint, protocol fee.
    pub config: Box<Account<'info, Config>>,

    #[account(
        seeds = [seeds::DATASET, dataset.seller.as_ref(), &dataset.dataset_id.to_le_bytes()],
        bump = dataset.bump,
    )]
    pub dataset: Box<Account<'info, Dataset>>,

    /// One open purchase per (dataset, buyer): a second `init` of this PDA fails.
    #[account(
        init,
        payer = buyer,
        space = 8 + Purchase::INIT_SPACE,
        seeds = [seeds::PURCHASE, dataset.key().as_ref(), buyer.key().as_ref()],
        bump,
    )]
    pub purchase: Box<Account<'info, Purchase>>,

    /// The escrow: LMR token account owned by the purchase PDA.
    #[account(
        init,
        payer = buyer,
        seeds = [seeds::PURCHASE_VAULT, purchase.key().as_ref()],
        bump,
        token::mint = lmr_mint,
        token::authority = purchase,
    )]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(address = config.lmr_mint @ MarketError::WrongMint)]
    pub lmr_mint: Box<Account<'info, Mint>>,

    #[account(
        mut,
        constraint = buyer_tokens.mint == lmr_mint.key() @ MarketError::WrongMint,
        constraint = buyer_tokens.owner == buyer.key() @ MarketError::WrongTokenOwner,
    )]
    pub buyer_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl PurchaseDataset<'_> {
    pub fn validate(&self, args: &PurchaseArgs) -> Result<()> {
        require!(!self.config.paused, MarketError::ProtocolPaused);
        require!(self.dataset.listed, MarketError::DatasetDelisted);
        require!(self.dataset.price <= args.max_price, MarketError::PriceAboveMax);
        Ok(())
    }
}

/// Escrows the price, fixes the terms (price, fee, deadline) and records the buyer's x25519 key.
pub fn handler(ctx: Context<PurchaseDataset>, args: PurchaseArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let now = Clock::get()?.unix_timestamp;
    let d = &ctx.accounts.dataset;
    let price = d.price;
    let p = &mut ctx.accounts.purchase;
    p.dataset = d.key();
    p.buyer = ctx.accounts.buyer.key();
    p.seller = d.seller;
    p.buyer_x25519 = args.buyer_x25519;
    p.price = price;
    p.fee_bps = ctx.accounts.config.params.protocol_fee_bps;
    p.status = purchase_status::OPEN;
    p.bump = ctx.bumps.purchase;
    p.vault_bump = ctx.bumps.vault;
    p.version = PURCHASE_VERSION;
    p.purchased_at = now;
    p.deadline = now.saturating_add(i64::from(d.delivery_window_secs));
    p.settled_at = 0;
    p.sealed_key = Vec::new();
    p.invariant()?;
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.buyer_tokens.to_account_info(),
                to: ctx.accounts.vault.to_account_info(),
                authority: ctx.accounts.buyer.to_account_info(),
            },
        ),
        price,
    )?;
    let p = &ctx.accounts.purchase;
    emit!(DatasetPurchased {
        dataset: p.dataset,
        purchase: p.key(),
        buyer: p.buyer,
        seller: p.seller,
        buyer_x25519: p.buyer_x25519,
        price,
        fee_bps: p.fee_bps,
        deadline: p.deadline,
    });
    Ok(())
}
