use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, Transfer};

use crate::constants::PURCHASE_VERSION;
use crate::errors::MarketError;
use crate::events::DatasetPurchased;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::{purchase_status, Dataset, Purchase};
use lumora_create::{create_pda, create_token_account, write_account};

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

    /// One open purchase per (dataset, buyer): created by the handler (prefund-safe); a second
    /// purchase finds it and fails with `AlreadyExists`.
    /// CHECK: the `["purchase", dataset, buyer]` PDA (seeds checked); `create_pda` refuses an existing
    /// account.
    #[account(mut, seeds = [seeds::PURCHASE, dataset.key().as_ref(), buyer.key().as_ref()], bump)]
    pub purchase: UncheckedAccount<'info>,

    /// The escrow: LMR token account owned by the purchase PDA, created by the handler.
    /// CHECK: the `["purchase_vault", purchase]` PDA (seeds checked); created and initialised by
    /// `create_token_account` (mint = `lmr_mint`, authority = the purchase).
    #[account(mut, seeds = [seeds::PURCHASE_VAULT, purchase.key().as_ref()], bump)]
    pub vault: UncheckedAccount<'info>,

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
    let a = &ctx.accounts;
    let buyer = a.buyer.key();
    let dataset_key = d.key();
    let p = Purchase {
        dataset: dataset_key,
        buyer,
        seller: d.seller,
        buyer_x25519: args.buyer_x25519,
        price,
        fee_bps: a.config.params.protocol_fee_bps,
        status: purchase_status::OPEN,
        bump: ctx.bumps.purchase,
        vault_bump: ctx.bumps.vault,
        version: PURCHASE_VERSION,
        purchased_at: now,
        deadline: now.saturating_add(i64::from(d.delivery_window_secs)),
        settled_at: 0,
        sealed_key: Vec::new(),
    };
    p.invariant()?;
    let info = a.purchase.to_account_info();
    let system = a.system_program.key();
    let bump = [ctx.bumps.purchase];
    create_pda(
        &a.buyer.to_account_info(),
        &info,
        system,
        8usize.saturating_add(Purchase::INIT_SPACE),
        &crate::ID,
        &[seeds::PURCHASE, dataset_key.as_ref(), buyer.as_ref(), &bump],
        MarketError::AlreadyExists,
    )?;
    write_account(&info, &p)?;
    let purchase_key = info.key();
    let vault_bump = [ctx.bumps.vault];
    create_token_account(
        &a.buyer.to_account_info(),
        &a.vault.to_account_info(),
        &a.lmr_mint.to_account_info(),
        &info,
        a.token_program.key(),
        system,
        &[seeds::PURCHASE_VAULT, purchase_key.as_ref(), &vault_bump],
        MarketError::AlreadyExists,
    )?;
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
    emit!(DatasetPurchased {
        dataset: p.dataset,
        purchase: purchase_key,
        buyer: p.buyer,
        seller: p.seller,
        buyer_x25519: p.buyer_x25519,
        price,
        fee_bps: p.fee_bps,
        deadline: p.deadline,
    });
    Ok(())
}
