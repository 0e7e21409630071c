use anchor_lang::prelude::*;

use crate::errors::MarketError;
use crate::events::DatasetDelisted;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::Dataset;

#[derive(Accounts)]
pub struct Delist<'info> {
    pub seller: Signer<'info>,

    pub config: Box<Account<'info, Config>>,

    #[account(
        mut,
        has_one = seller @ MarketError::NotSeller,
        seeds = [seeds::DATASET, dataset.seller.as_ref(), &dataset.dataset_id.to_le_bytes()],
        bump = dataset.bump,
    )]
    pub dataset: Box<Account<'info, Dataset>>,
}

/// The seller stops new sales. The listing stays (open purchases still deliver or refund, and
/// provenance readers still find it).
pub fn handler(ctx: Context<Delist>) -> Result<()> {
    require!(!ctx.accounts.config.paused, MarketError::ProtocolPaused);
    let d = &mut ctx.accounts.dataset;
    require!(d.listed, MarketError::DatasetDelisted);
    d.listed = false;
    d.invariant()?;
    emit!(DatasetDelisted { dataset: d.key() });
    Ok(())
}
