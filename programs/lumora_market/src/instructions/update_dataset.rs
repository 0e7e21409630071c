use anchor_lang::prelude::*;

use crate::constants::LOCATOR_MAX_LEN;
use crate::errors::MarketError;
use crate::events::DatasetUpdated;
use crate::lumora_registry::accounts::Config;
use crate::seeds;
use crate::state::Dataset;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateDatasetArgs {
    /// New price in LMR base units (> 0); `None` keeps it. Open purchases keep the price they paid.
    pub price: Option<u64>,
    /// New locator (≤ [`LOCATOR_MAX_LEN`] bytes); `None` keeps it.
    pub locator: Option<String>,
}

#[derive(Accounts)]
pub struct UpdateDataset<'info> {
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

impl UpdateDataset<'_> {
    pub fn validate(&self, args: &UpdateDatasetArgs) -> Result<()> {
        require!(!self.config.paused, MarketError::ProtocolPaused);
        require!(self.dataset.listed, MarketError::DatasetDelisted);
        require!(args.price.is_some() || args.locator.is_some(), MarketError::NothingToUpdate);
        require!(args.price != Some(0), MarketError::ZeroPrice);
        require!(
            args.locator.as_ref().is_none_or(|l| l.len() <= LOCATOR_MAX_LEN),
            MarketError::LocatorTooLong
        );
        Ok(())
    }
}

/// The seller changes the price and/or the locator.
pub fn handler(ctx: Context<UpdateDataset>, args: UpdateDatasetArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let d = &mut ctx.accounts.dataset;
    if let Some(price) = args.price {
        d.price = price;
    }
    if let Some(locator) = args.locator {
        d.locator = locator;
    }
    d.invariant()?;
    emit!(DatasetUpdated { dataset: d.key(), price: d.price, locator: d.locator.clone() });
    Ok(())
}
