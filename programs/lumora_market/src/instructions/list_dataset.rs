use anchor_lang::prelude::*;

use crate::constants::*;
use crate::errors::MarketError;
use crate::events::DatasetListed;
use crate::lumora_registry::accounts::Config;
use crate::lumora_tasks::accounts::{Task, TaskResult};
use crate::seeds;
use crate::state::Dataset;
use lumora_create::{create_pda, write_account};

/// Task status "settled" of the tasks program (`lumora_tasks::state::status::SETTLED`).
const TASK_SETTLED: u8 = 5;
/// Result status "revealed, matching its commitment" (`lumora_tasks::state::result_status::REVEALED`).
const RESULT_REVEALED: u8 = 2;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct ListDatasetArgs {
    /// Seller-chosen id, unique per seller (part of the dataset's address).
    pub dataset_id: u64,
    /// SHA-256 of the ciphertext manifest.
    pub content_hash: [u8; 32],
    /// Merkle root over the encrypted chunks.
    pub merkle_root: [u8; 32],
    /// SHA-256 of the plaintext records (the manifest's `contentHash`); see [`Dataset::records_hash`].
    pub records_hash: [u8; 32],
    /// Bytes of the plaintext (> 0; with provenance, the sum of the winning results' byte counts).
    pub size_bytes: u64,
    /// Records in the dataset.
    pub record_count: u64,
    /// Price in LMR base units (> 0).
    pub price: u64,
    /// Cipher suite id ([`CIPHER_SUITES`]).
    pub cipher_suite: u8,
    /// Seconds the seller has to deliver after a purchase ([`MIN_DELIVERY_WINDOW_SECS`] ..= [`MAX_DELIVERY_WINDOW_SECS`]).
    pub delivery_window_secs: u32,
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

    /// The listing, created by the handler (prefund-safe, `lumora_create`).
    /// CHECK: the `["dataset", seller, dataset_id]` PDA (seeds checked); `create_pda` refuses an
    /// existing account (`AlreadyExists`).
    #[account(mut, seeds = [seeds::DATASET, seller.key().as_ref(), &args.dataset_id.to_le_bytes()], bump)]
    pub dataset: UncheckedAccount<'info>,

    pub system_program: Program<'info, System>,
    // remaining accounts: per provenance task (≤ MAX_PROVENANCE), the task then one of its winning
    // results (an agreeing assignee's `["result", task, node]` whose key was released), in order
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
        Ok(())
    }
}

/// What the provenance check found.
struct Provenance {
    tasks: Vec<Pubkey>,
    commissioned: bool,
}

/// Checks the provenance pairs: each task is owned by the tasks program the registry config names, a
/// `Task` (discriminator), settled, not repeated; each result is a `TaskResult` of that program for
/// that task, revealed, agreeing with the quorum (its content hash is the task's winning hash, and its
/// node an assignee whose agree bit is set) and its key released. Then binds the listing to them: one
/// task → `records_hash` is its winning hash; any number → `size_bytes` is the sum of the results'
/// byte counts.
fn check_provenance<'info>(
    args: &ListDatasetArgs,
    accounts: &'info [AccountInfo<'info>],
    tasks_program: &Pubkey,
    seller: &Pubkey,
) -> Result<Provenance> {
    require!(accounts.len().is_multiple_of(2), MarketError::ProvenanceMismatch);
    let k = accounts.len() / 2;
    require!(k <= MAX_PROVENANCE, MarketError::TooManyProvenanceTasks);
    let mut out = Provenance { tasks: Vec::with_capacity(k), commissioned: true };
    let mut size: u64 = 0;
    let mut winning = [0u8; 32];
    for pair in accounts.chunks_exact(2) {
        let (task_ai, result_ai) = (&pair[0], &pair[1]);
        require!(!out.tasks.contains(task_ai.key), MarketError::ProvenanceMismatch);
        require!(task_ai.owner == tasks_program, MarketError::NotLumoraTask);
        let loader =
            AccountLoader::<Task>::try_from(task_ai).map_err(|_| error!(MarketError::NotLumoraTask))?;
        let task = loader.load().map_err(|_| error!(MarketError::NotLumoraTask))?;
        require!(task.status == TASK_SETTLED, MarketError::TaskNotSettled);
        require!(result_ai.owner == tasks_program, MarketError::NotWinningResult);
        let result = TaskResult::try_deserialize(&mut &result_ai.try_borrow_data()?[..])
            .map_err(|_| error!(MarketError::NotWinningResult))?;
        let rank = task.slots[..usize::from(task.assigned_count).min(task.slots.len())]
            .iter()
            .position(|s| s.node == result.node)
            .ok_or(MarketError::NotWinningResult)?;
        let bit = 1u8 << rank; // rank < assigned_count ≤ 5
        require!(
            result.task == *task_ai.key
                && result.status == RESULT_REVEALED
                && result.content_hash == task.winning_hash
                && task.agree_mask & bit != 0
                && task.key_mask & bit != 0,
            MarketError::NotWinningResult
        );
        size = size.checked_add(result.byte_count).ok_or(MarketError::ProvenanceContentMismatch)?;
        winning = task.winning_hash;
        out.commissioned &= task.consumer == *seller;
        out.tasks.push(*task_ai.key);
    }
    if k > 0 {
        require!(size == args.size_bytes, MarketError::ProvenanceContentMismatch);
    }
    if k == 1 {
        require!(winning == args.records_hash, MarketError::ProvenanceContentMismatch);
    }
    Ok(out)
}

/// Lists a dataset for sale; its provenance tasks and their winning results are checked now and
/// recorded for good.
pub fn handler<'info>(ctx: Context<'info, ListDataset<'info>>, args: ListDatasetArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let seller = ctx.accounts.seller.key();
    let prov = check_provenance(&args, ctx.remaining_accounts, &ctx.accounts.config.tasks_program, &seller)?;
    let now = Clock::get()?.unix_timestamp;
    let d = Dataset {
        seller,
        dataset_id: args.dataset_id,
        content_hash: args.content_hash,
        merkle_root: args.merkle_root,
        records_hash: args.records_hash,
        size_bytes: args.size_bytes,
        record_count: args.record_count,
        price: args.price,
        delivery_window_secs: args.delivery_window_secs,
        sales: 0,
        cipher_suite: args.cipher_suite,
        seller_commissioned: prov.commissioned,
        listed: true,
        bump: ctx.bumps.dataset,
        version: DATASET_VERSION,
        listed_at: now,
        provenance: prov.tasks.clone(),
        locator: args.locator.clone(),
    };
    d.invariant()?;
    let info = ctx.accounts.dataset.to_account_info();
    let id = args.dataset_id.to_le_bytes();
    let bump = [ctx.bumps.dataset];
    create_pda(
        &ctx.accounts.seller.to_account_info(),
        &info,
        ctx.accounts.system_program.key(),
        8usize.saturating_add(Dataset::INIT_SPACE),
        &crate::ID,
        &[seeds::DATASET, seller.as_ref(), &id, &bump],
        MarketError::AlreadyExists,
    )?;
    write_account(&info, &d)?;
    emit!(DatasetListed {
        dataset: info.key(),
        seller,
        dataset_id: args.dataset_id,
        content_hash: args.content_hash,
        merkle_root: args.merkle_root,
        records_hash: args.records_hash,
        size_bytes: args.size_bytes,
        record_count: args.record_count,
        price: args.price,
        cipher_suite: args.cipher_suite,
        delivery_window_secs: args.delivery_window_secs,
        provenance: prov.tasks,
        seller_commissioned: prov.commissioned,
        locator: args.locator,
    });
    Ok(())
}
