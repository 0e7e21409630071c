use anchor_lang::prelude::*;

use crate::constants::*;
use crate::ed25519;
use crate::errors::RewardsError;
use crate::events::ReceiptsCredited;
use crate::lumora_registry::accounts::{Config, Node};
use crate::lumora_registry::program::LumoraRegistry;
use crate::math::{batch_metrics, draw_slot, epoch_index, rate_within_cap};
use crate::receipt::{Receipt, ReceiptArgs};
use crate::registry_cpi::RegistryCpi;
use crate::seeds;
use crate::state::{Contribution, Epoch, EpochShard, Refusal};

/// Role and status values of the registry's `Node` (`state/node.rs`).
const ROLE_PROVIDER: u8 = 1;
const ROLE_VERIFIER: u8 = 4;
const STATUS_ACTIVE: u8 = 1;

#[derive(Accounts)]
pub struct SubmitReceipts<'info> {
    /// The provider's node key (its hot key signs the submission).
    pub provider_key: Signer<'info>,

    /// Pays the rent of the shard and contribution accounts the first time they are used.
    #[account(mut)]
    pub payer: Signer<'info>,

    /// Registry config: pause switch, epoch length (owner + discriminator checked).
    pub config: Box<Account<'info, Config>>,

    /// The current epoch (read only: receipts never write it). Owner + discriminator prove a genuine
    /// Epoch; only `open_epoch` creates one, at `["epoch", index]`.
    pub epoch: Box<Account<'info, Epoch>>,

    /// The provider's registry node (written by the metric and obligation CPIs).
    #[account(mut, constraint = provider_node.load()?.node_key == provider_key.key() @ RewardsError::WrongNode)]
    pub provider_node: AccountLoader<'info, Node>,

    /// The provider shard's total in this epoch.
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + EpochShard::INIT_SPACE,
        seeds = [seeds::EPOCH_SHARD, epoch.key().as_ref(), &provider_node.load()?.shard.to_le_bytes()],
        bump,
    )]
    pub epoch_shard: Box<Account<'info, EpochShard>>,

    /// The provider's contribution in this epoch (and its replay guard).
    #[account(
        init_if_needed,
        payer = payer,
        space = 8 + Contribution::INIT_SPACE,
        seeds = [seeds::CONTRIBUTION, epoch.key().as_ref(), provider_node.key().as_ref()],
        bump,
    )]
    pub contribution: Box<Account<'info, Contribution>>,

    /// CHECK: address-checked against the instructions sysvar id; parsed by `ed25519.rs`.
    #[account(address = INSTRUCTIONS_SYSVAR_ID @ RewardsError::WrongInstructionsSysvar)]
    pub instructions_sysvar: UncheckedAccount<'info>,

    /// CHECK: this program's `["authority"]` PDA (compile-time address); it only signs registry CPIs.
    #[account(address = Pubkey::new_from_array(CPI_AUTHORITY_PDA.0))]
    pub rewards_authority: UncheckedAccount<'info>,

    pub registry_program: Program<'info, LumoraRegistry>,
    pub system_program: Program<'info, System>,
    // remaining accounts: one registry Node per receipt — the verifier that signed it (read only)
}

/// What the handler needs of the provider, copied out so that no borrow of its node is held while the
/// verifier nodes (one of which may be the same account) are loaded.
pub struct ProviderFacts {
    pub node_key: Pubkey,
    pub operator: Pubkey,
    pub shard: u16,
    pub cap_kbps: u64,
    /// The most this provider may be credited in the epoch: `stake × credit_per_stake_unit`.
    pub credit_bound: u128,
}

/// The verifier slots drawn for a provider in an epoch (k ≤ 64 draws), computed lazily: a lookup hashes
/// only the draws it has not seen yet, up to the first that names the slot (each draw is one SHA-256).
pub struct Draws {
    seed: [u8; 32],
    provider: [u8; 32],
    slots_in_epoch: u32,
    k: usize,
    drawn: [u32; MAX_VERIFIER_DRAWS],
    len: usize,
}

impl Draws {
    pub fn of(epoch: &Epoch, provider_node: &Pubkey) -> Self {
        Draws {
            seed: epoch.seed,
            provider: provider_node.to_bytes(),
            slots_in_epoch: epoch.verifier_slots,
            k: usize::from(epoch.verifier_draws).min(MAX_VERIFIER_DRAWS),
            drawn: [0; MAX_VERIFIER_DRAWS],
            len: 0,
        }
    }

    /// Whether one of the provider's k draws is `slot`.
    pub fn contains(&mut self, slot: u32) -> bool {
        if self.drawn[..self.len].contains(&slot) {
            return true;
        }
        while self.len < self.k {
            // len < k ≤ 64
            let Some(s) = draw_slot(&self.seed, &self.provider, self.len as u8, self.slots_in_epoch) else {
                return false;
            };
            self.drawn[self.len] = s;
            self.len = self.len.saturating_add(1);
            if s == slot {
                return true;
            }
        }
        false
    }
}

impl SubmitReceipts<'_> {
    pub fn validate(&self, receipts: &[ReceiptArgs], verifiers: usize, now: i64) -> Result<ProviderFacts> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(
            self.epoch.is_current(now)
                && self.epoch.index == epoch_index(now, self.config.params.epoch_length_secs),
            RewardsError::NotCurrentEpoch
        );
        require!(
            (1..=MAX_RECEIPTS_PER_BATCH).contains(&receipts.len()) && verifiers == receipts.len(),
            RewardsError::InvalidBatch
        );
        let p = self.provider_node.load()?;
        require!(p.status == STATUS_ACTIVE && p.roles & ROLE_PROVIDER != 0, RewardsError::NotAProvider);
        // a provider whose key was chosen after the seed was known could grind its draws
        require!(p.registered_at < self.epoch.opened_at, RewardsError::ProviderRegisteredAfterSeed);
        Ok(ProviderFacts {
            node_key: p.node_key,
            operator: p.operator,
            shard: p.shard,
            cap_kbps: p.bandwidth_cap_kbps,
            credit_bound: u128::from(p.stake)
                .saturating_mul(u128::from(self.config.params.credit_per_stake_unit)),
        })
    }
}

/// Checks a verifier node: registered (owner + discriminator), active, VERIFIER, not jailed, not the
/// provider, not run by the provider's operator, and holding a slot drawn for this provider in this
/// epoch. Returns its node key.
fn check_verifier<'info>(
    info: &'info AccountInfo<'info>,
    provider: &ProviderFacts,
    provider_node: &Pubkey,
    draws: &mut Draws,
) -> Result<Pubkey> {
    require!(info.key() != *provider_node, RewardsError::VerifierIsProvider);
    let loader = AccountLoader::<Node>::try_from(info)?;
    let v = loader.load()?;
    require!(v.node_key != provider.node_key, RewardsError::VerifierIsProvider);
    require!(v.operator != provider.operator, RewardsError::VerifierSameOperator);
    require!(v.status == STATUS_ACTIVE, RewardsError::VerifierNotActive);
    require!(v.roles & ROLE_VERIFIER != 0, RewardsError::NotAVerifier);
    require!(v.jailed == 0, RewardsError::VerifierJailed);
    require!(draws.contains(v.verifier_slot), RewardsError::VerifierNotDrawn);
    Ok(v.node_key)
}

/// Credits a batch of receipts signed by VERIFIER nodes to the provider's contribution and its shard;
/// updates the provider's verified bandwidth and latency in the registry (CPI).
pub fn handler<'info>(ctx: Context<'info, SubmitReceipts<'info>>, receipts: Vec<ReceiptArgs>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let provider = ctx.accounts.validate(&receipts, ctx.remaining_accounts.len(), now)?;
    let provider_node_key = ctx.accounts.provider_node.key();
    let epoch_key = ctx.accounts.epoch.key();
    let epoch_index = ctx.accounts.epoch.index;
    let n = receipts.len();

    // the ed25519 precompile instruction right before this one, read from the (address-checked) sysvar
    let sysvar = ctx.accounts.instructions_sysvar.try_borrow_data()?;
    let current = ed25519::current_index(&sysvar).ok_or(RewardsError::Ed25519InstructionNotFound)?;
    let previous = current.checked_sub(1).ok_or(RewardsError::Ed25519InstructionNotFound)?;
    let (program_id, data) =
        ed25519::instruction_at(&sysvar, previous).ok_or(RewardsError::Ed25519InstructionNotFound)?;
    require!(program_id == ED25519_PROGRAM_ID.as_ref(), RewardsError::Ed25519InstructionNotFound);
    ed25519::check_layout(data, n)?;

    let contribution = &mut ctx.accounts.contribution;
    contribution.init_if_new(
        ctx.bumps.contribution,
        provider.shard,
        epoch_index,
        epoch_key,
        provider_node_key,
        provider.operator,
    );
    let mut draws = Draws::of(&ctx.accounts.epoch, &provider_node_key);
    let epoch_ms = u64::from(ctx.accounts.config.params.epoch_length_secs).saturating_mul(1_000);
    let mut total: u64 = 0;
    for (i, args) in receipts.iter().enumerate() {
        let verifier = check_verifier(&ctx.remaining_accounts[i], &provider, &provider_node_key, &mut draws)?;
        let (key, message) = ed25519::key_and_message(data, n, i).ok_or(RewardsError::Ed25519DataLength)?;
        require!(key == verifier.as_ref(), RewardsError::SignerNotVerifier);
        require!(Receipt::epoch_of(message) == Some(epoch_index), RewardsError::StaleEpoch);
        let expected = Receipt {
            program_id: crate::ID.to_bytes(),
            epoch: epoch_index,
            provider: provider.node_key.to_bytes(),
            verifier: verifier.to_bytes(),
            fields: *args,
        }
        .encode();
        require!(message == expected.as_slice(), RewardsError::ReceiptMismatch);
        contribution.advance(&verifier, args.seq, args.duration_ms, epoch_ms).map_err(|r| match r {
            Refusal::Replay => error!(RewardsError::ReplayedSequence),
            Refusal::TableFull => error!(RewardsError::TooManyVerifiers),
            Refusal::DurationBeyondEpoch => error!(RewardsError::DurationBeyondEpoch),
        })?;
        require!(
            rate_within_cap(args.bytes, args.duration_ms, provider.cap_kbps),
            RewardsError::RateAboveCap
        );
        total = total.checked_add(args.bytes).ok_or(RewardsError::MathOverflow)?;
    }
    drop(sysvar);

    let was_zero = contribution.contribution == 0;
    contribution.receipt_bytes =
        contribution.receipt_bytes.checked_add(total).ok_or(RewardsError::MathOverflow)?;
    contribution.contribution =
        contribution.contribution.checked_add(total).ok_or(RewardsError::MathOverflow)?;
    let contribution_now = contribution.contribution;
    require!(u128::from(contribution_now) <= provider.credit_bound, RewardsError::CreditAboveStakeBound);

    let shard = &mut ctx.accounts.epoch_shard;
    shard.init_if_new(ctx.bumps.epoch_shard, provider.shard, epoch_key);
    shard.total_contribution =
        shard.total_contribution.checked_add(u128::from(total)).ok_or(RewardsError::MathOverflow)?;
    if was_zero && contribution_now > 0 {
        shard.contributors = shard.contributors.saturating_add(1);
    }

    let measured: Vec<(u64, u32, u32)> =
        receipts.iter().map(|r| (r.bytes, r.duration_ms, r.rtt_ms)).collect();
    let (bandwidth, latency) = batch_metrics(&measured);
    let cpi = RegistryCpi {
        registry_program: ctx.accounts.registry_program.to_account_info(),
        authority: ctx.accounts.rewards_authority.to_account_info(),
        config: ctx.accounts.config.to_account_info(),
        node: ctx.accounts.provider_node.to_account_info(),
    };
    cpi.update_metrics(bandwidth, latency)?;
    emit!(ReceiptsCredited {
        epoch: epoch_index,
        provider: provider_node_key,
        // n ≤ MAX_RECEIPTS_PER_BATCH = 16
        receipts: n as u16,
        bytes: total,
        contribution: contribution_now,
        shard: provider.shard,
        verified_bandwidth_kbps: bandwidth,
        verified_latency_ms: latency,
    });
    Ok(())
}
