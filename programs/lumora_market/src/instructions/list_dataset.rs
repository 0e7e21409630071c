use anchor_lang::prelude::*;

use crate::constants::*;
use crate::errors::MarketError;
use crate::events::DatasetListed;
use crate::lumora_registry::accounts::Config;
use crate::lumora_tasks::accounts::Task;
use crate::seeds;
use crate::state::Dataset;

/// Task status "settled" of the tasks program (`lumora_tasks::state::status::SETTLED`).
const TASK_SETTLED: u8 = 5;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ListDatasetArgs {
    /// Seller-chosen id, unique per seller (part of the dataset's address).
    pub dataset_id: u64,
    /// SHA-256 of the ciphertext manifest.
    pub content_hash: [u8; 32],
    /// Merkle root over the encrypted chunks.
    pub merkle_root: [u8; 32],
    /// Bytes of the dataset (> 0).
    pub size_bytes: u64,
    /// Records in the dataset.
    pub record_count: u64,
    /// Price in LMR base units (> 0).
    pub price: u64,
    /// Cipher suite id ([`CIPHER_SUITES`]).
    pub cipher_suite: u8,
    /// Seconds the seller has to deliver after a purchase ([`MIN_DELIVERY_WINDOW_SECS`] ..= [`MAX_DELIVERY_WINDOW_SECS`]).
    pub delivery_window_secs: u32,
    /// The settled tasks the data came from (task PDAs, ≤ [`MAX_PROVENANCE`]); the same accounts follow
    /// as remaining accounts, in this order.
    pub provenance: Vec<Pubkey>,
    /// Where the manifest and chunks are served (≤ [`LOCATOR_MAX_LEN`] bytes).
    pub locator: String,
}

#[derive(Accounts)]
#[instruction(args: ListDatasetArgs)]
pub struct ListDataset<'info> {
    /// The seller: signs and pays the listing's rent.
    #[account(mut)]
    pub seller: Signer<'info>,

    /// The registry's config (owner- and discriminator-checked): pause switch, tasks program id.
    pub config: Box<Account<'info, Config>>,

    #[account(
        init,
        payer = seller,
        space = 8 + Dataset::INIT_SPACE,
        seeds = [seeds::DATASET, seller.key().as_ref(), &args.dataset_id.to_le_bytes()],
        bump,
    )]
    pub dataset: Box<Account<'info, Dataset>>,

    pub system_program: Program<'info, System>,
    // remaining accounts: the provenance tasks, in `args.provenance` order
}

impl ListDataset<'_> {
    pub fn validate(&self, args: &ListDatasetArgs) -> Result<()> {
        require!(!self.config.paused, MarketError::ProtocolPaused);
        require!(args.price > 0, MarketError::ZeroPrice);
        require!(args.size_bytes > 0, MarketError::EmptyDataset);
        require!(CIPHER_SUITES.contains(&args.cipher_suite), MarketError::UnsupportedCipherSuite);
        require!(args.locator.len() <= LOCATOR_MAX_LEN, MarketError::LocatorTooLong);
        require!(
            (MIN_DELIVERY_WINDOW_SECS..=MAX_DELIVERY_WINDOW_SECS).contains(&args.delivery_window_secs),
            MarketError::InvalidDeliveryWindow
        );
        require!(args.provenance.len() <= MAX_PROVENANCE, MarketError::TooManyProvenanceTasks);
        Ok(())
    }
}

/// Checks each provenance account: it is the listed key (in order, no repeats), owned by the tasks
/// program the registry config names, a `Task` (discriminator), and settled. Returns whether every
/// task was commissioned by `seller`.
fn check_provenance<'info>(
    listed: &[Pubkey],
    accounts: &'info [AccountInfo<'info>],
    tasks_program: &Pubkey,
    seller: &Pubkey,
) -> Result<bool> {
    require!(accounts.len() == listed.len(), MarketError::ProvenanceMismatch);
    let mut commissioned = true;
    for (i, (key, ai)) in listed.iter().zip(accounts.iter()).enumerate() {
        require!(ai.key == key && !listed[..i].contains(key), MarketError::ProvenanceMismatch);
        require!(ai.owner == tasks_program, MarketError::NotLumoraTask);
        let loader = AccountLoader::<Task>::try_from(ai).map_err(|_| error!(MarketError::NotLumoraTask))?;
        let task = loader.load().map_err(|_| error!(MarketError::NotLumoraTask))?;
        require!(task.status == TASK_SETTLED, MarketError::TaskNotSettled);
        commissioned &= task.consumer == *seller;
    }
    Ok(commissioned)
}

/// Lists a dataset for sale; its provenance tasks are checked now and recorded for good.
pub fn handler<'info>(ctx: Context<'info, ListDataset<'info>>, args: ListDatasetArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let seller = ctx.accounts.seller.key();
    let commissioned = check_provenance(
        &args.provenance,
        ctx.remaining_accounts,
        &ctx.accounts.config.tasks_program,
        &seller,
    )?;
    let now = Clock::get()?.unix_timestamp;
    let d = &mut ctx.accounts.dataset;
    d.seller = seller;
    d.dataset_id = args.dataset_id;
    d.content_hash = args.content_hash;
    d.merkle_root = args.merkle_root;
    d.size_bytes = args.size_bytes;
    d.record_count = args.record_count;
    d.price = args.price;
    d.delivery_window_secs = args.delivery_window_secs;
    d.sales = 0;
    d.cipher_suite = args.cipher_suite;
    d.seller_commissioned = commissioned;
    d.listed = true;
    d.bump = ctx.bumps.dataset;
    d.version = DATASET_VERSION;
    d.listed_at = now;
    d.provenance = args.provenance.clone();
    d.locator = args.locator.clone();
    d.invariant()?;
    emit!(DatasetListed {
        dataset: d.key(),
        seller,
        dataset_id: args.dataset_id,
        content_hash: args.content_hash,
        merkle_root: args.merkle_root,
        size_bytes: args.size_bytes,
        record_count: args.record_count,
        price: args.price,
        cipher_suite: args.cipher_suite,
        delivery_window_secs: args.delivery_window_secs,
        provenance: args.provenance,
        seller_commissioned: commissioned,
        locator: args.locator,
    });
    Ok(())
}
