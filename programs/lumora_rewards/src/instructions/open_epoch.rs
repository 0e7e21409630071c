use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{EPOCH_VERSION, SLOT_HASHES_SYSVAR_ID};
use crate::errors::RewardsError;
use crate::events::EpochOpened;
use crate::lumora_registry::accounts::Config;
use crate::math::{draw_seed, epoch_bounds, epoch_index};
use crate::seeds;
use crate::state::Epoch;

#[derive(Accounts)]
#[instruction(index: u64)]
pub struct OpenEpoch<'info> {
    /// Anyone: pays the rent of the epoch and its vault.
    #[account(mut)]
    pub payer: Signer<'info>,

    /// The registry config (owner- and discriminator-checked by `Account`; only `init_config` creates
    /// one, at `["config"]`).
    pub config: Box<Account<'info, Config>>,

    #[account(
        init,
        payer = payer,
        space = 8 + Epoch::INIT_SPACE,
        seeds = [seeds::EPOCH, &index.to_le_bytes()],
        bump,
    )]
    pub epoch: Box<Account<'info, Epoch>>,

    /// The epoch's reward vault: LMR token account owned by the epoch PDA.
    #[account(
        init,
        payer = payer,
        seeds = [seeds::VAULT, epoch.key().as_ref()],
        bump,
        token::mint = lmr_mint,
        token::authority = epoch,
    )]
    pub vault: Box<Account<'info, TokenAccount>>,

    #[account(address = config.lmr_mint @ RewardsError::WrongMint)]
    pub lmr_mint: Box<Account<'info, Mint>>,

    /// CHECK: address-checked against the SlotHashes sysvar id; only its newest entry is read.
    #[account(address = SLOT_HASHES_SYSVAR_ID @ RewardsError::NoSlotHash)]
    pub slot_hashes: UncheckedAccount<'info>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

/// The newest `(slot, hash)` of the SlotHashes sysvar (bincode: u64 length, then `(u64, [u8; 32])`
/// entries, newest first), read in place: the sysvar is 20 KB and only 48 bytes are needed.
fn newest_slot_hash(info: &AccountInfo) -> Result<(u64, [u8; 32])> {
    let data = info.try_borrow_data()?;
    let entry = data.get(8..48).ok_or(RewardsError::NoSlotHash)?;
    let len = data.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes).unwrap_or(0);
    require!(len > 0, RewardsError::NoSlotHash);
    let slot = u64::from_le_bytes(entry[..8].try_into().map_err(|_| RewardsError::NoSlotHash)?);
    let hash: [u8; 32] = entry[8..40].try_into().map_err(|_| RewardsError::NoSlotHash)?;
    Ok((slot, hash))
}

impl OpenEpoch<'_> {
    /// Only the current epoch opens: its predecessor has necessarily ended.
    pub fn validate(&self, index: u64, now: i64) -> Result<()> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(
            index == epoch_index(now, self.config.params.epoch_length_secs),
            RewardsError::NotCurrentEpoch
        );
        Ok(())
    }
}

/// Opens epoch `index` (= floor(now / epoch_length)) with an empty vault, and fixes its verifier draws:
/// the seed from the newest slot hash, the slot count, k and q from the registry config, and the credit
/// deadline (end + the config's credit window). Permissionless.
pub fn handler(ctx: Context<OpenEpoch>, index: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(index, now)?;
    let (slot, slot_hash) = newest_slot_hash(&ctx.accounts.slot_hashes)?;
    let seed = draw_seed(index, slot, &slot_hash);
    let verifier_slots = ctx.accounts.config.verifier_slots;
    let params = &ctx.accounts.config.params;
    let (verifier_draws, credit_quorum) = (params.verifier_draws, params.credit_quorum);
    let (start_ts, end_ts) =
        epoch_bounds(index, params.epoch_length_secs).ok_or(RewardsError::MathOverflow)?;
    let credit_deadline =
        end_ts.checked_add(i64::from(params.credit_window_secs)).ok_or(RewardsError::MathOverflow)?;
    let shard_count = ctx.accounts.config.shard_count;
    let epoch = &mut ctx.accounts.epoch;
    epoch.set_inner(Epoch {
        version: EPOCH_VERSION,
        bump: ctx.bumps.epoch,
        vault_bump: ctx.bumps.vault,
        index,
        start_ts,
        end_ts,
        shard_count,
        r_total: 0,
        shards_summed: 0,
        total_contribution: 0,
        closed: false,
        claim_deadline: 0,
        dust_swept: false,
        dust: 0,
        dust_to_epoch: 0,
        contributing_shards: 0,
        shards_distributed: 0,
        distributed: 0,
        reserved: [0; 20],
        seed,
        verifier_slots,
        verifier_draws,
        opened_at: now,
        credit_quorum,
        credit_deadline,
    });
    epoch.invariant()?;
    emit!(EpochOpened {
        epoch: epoch.key(),
        index,
        start_ts,
        end_ts,
        shard_count,
        seed,
        verifier_slots,
        verifier_draws
    });
    Ok(())
}
