use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use crate::constants::*;
use crate::errors::RewardsError;
use crate::events::EpochCredited;
use crate::layout::{self, epoch as e, epoch_shard as s, registry_config as rc, verifier_root as vr};
use crate::lumora_registry;
use crate::lumora_registry::accounts::Node;
use crate::lumora_registry::program::LumoraRegistry;
use crate::math::draw_slot;
use crate::registry_cpi::RegistryCpi;
use crate::root::{capacity_time, fold, leaf, Total};
use crate::seeds;
use crate::state::{epoch, Contribution, Epoch, EpochShard, VerifierRoot};
use lumora_create::{create_pda, write_account};

/// Role and status values of the registry's `Node` (`state/node.rs`).
const ROLE_PROVIDER: u8 = 1;
const STATUS_ACTIVE: u8 = 1;

/// One of the provider's drawn verifiers' totals, proved against that verifier's root.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct CreditProof {
    /// Draw index j (`0 .. k`): the verifier slot is `draw_slot(seed, provider, j, V)`.
    pub draw: u8,
    /// The verifier's total for this provider (the leaf's fields).
    pub total: Total,
    /// Sibling hashes from the leaf to the root (sorted-pair tree, `crate::root`).
    pub path: Vec<[u8; 32]>,
}

#[derive(Accounts)]
pub struct CreditEpoch<'info> {
    /// The provider's node key: only the provider chooses which q of its draws it proves (anyone else
    /// could lock in its lowest ones).
    pub provider_key: Signer<'info>,

    /// Pays the rent of the contribution (and of the shard total the first time).
    #[account(mut)]
    pub payer: Signer<'info>,

    /// CHECK: the registry Config — owner, discriminator and length checked, `paused` and
    /// `credit_per_stake_unit` read at fixed offsets (`crate::layout`) instead of a borsh decode.
    pub config: UncheckedAccount<'info>,

    /// The ended epoch (read only).
    /// CHECK: owner (this program), discriminator and length checked, fields read at fixed offsets:
    /// only `open_epoch` creates an Epoch, at `["epoch", index]`, so owner + discriminator prove it.
    pub epoch: UncheckedAccount<'info>,

    /// The provider's registry node (written by the metrics CPI).
    #[account(mut, constraint = provider_node.load()?.node_key == provider_key.key() @ RewardsError::WrongNode)]
    pub provider_node: AccountLoader<'info, Node>,

    /// The provider shard's total in this epoch, created on first use (prefund-safe, `lumora_create`).
    /// CHECK: when this program owns it, its discriminator and the epoch and shard it records are
    /// checked (a genuine EpochShard is only created at its PDA); otherwise the handler derives
    /// `["epoch_shard", epoch, shard]`, requires this address and creates it.
    #[account(mut)]
    pub epoch_shard: UncheckedAccount<'info>,

    /// The provider's credit in this epoch, created here once (prefund-safe).
    /// CHECK: the `["contribution", epoch, provider_node]` PDA (seeds checked here); an address this
    /// program already owns is refused (`AlreadyCredited`).
    #[account(
        mut,
        seeds = [seeds::CONTRIBUTION, epoch.key().as_ref(), provider_node.key().as_ref()],
        bump,
    )]
    pub contribution: UncheckedAccount<'info>,

    /// CHECK: this program's `["authority"]` PDA (compile-time address); it only signs registry CPIs.
    #[account(address = Pubkey::new_from_array(CPI_AUTHORITY_PDA.0))]
    pub rewards_authority: UncheckedAccount<'info>,

    pub registry_program: Program<'info, LumoraRegistry>,
    pub system_program: Program<'info, System>,
    // remaining accounts: one VerifierRoot per proof, in proof order (read only)
}

/// What the handler needs of the provider, copied out of its node.
pub struct ProviderFacts {
    pub operator: Pubkey,
    pub shard: u16,
    pub cap_kbps: u64,
    /// The most this provider may be credited in the epoch: `stake × credit_per_stake_unit`.
    pub credit_bound: u64,
}

/// The fields of the epoch a credit reads, at their offsets (`layout::epoch`).
pub struct EpochView {
    pub index: u64,
    pub start_ts: i64,
    pub end_ts: i64,
    pub seed: [u8; 32],
    pub verifier_slots: u32,
    pub verifier_draws: u8,
    pub opened_at: i64,
    pub credit_quorum: u8,
    pub credit_deadline: i64,
}

impl EpochView {
    fn read(info: &AccountInfo) -> Result<Self> {
        layout::check(info, &crate::ID, Epoch::DISCRIMINATOR, e::LEN)?;
        let d = info.try_borrow_data()?;
        Ok(Self {
            index: layout::u64_at(&d, e::INDEX),
            start_ts: layout::i64_at(&d, e::START_TS),
            end_ts: layout::i64_at(&d, e::END_TS),
            seed: layout::bytes32(&d, e::SEED),
            verifier_slots: layout::u32_at(&d, e::VERIFIER_SLOTS),
            verifier_draws: d[e::VERIFIER_DRAWS],
            opened_at: layout::i64_at(&d, e::OPENED_AT),
            credit_quorum: d[e::CREDIT_QUORUM],
            credit_deadline: layout::i64_at(&d, e::CREDIT_DEADLINE),
        })
    }

    fn in_credit_window(&self, now: i64) -> bool {
        epoch::in_credit_window(self.end_ts, self.credit_deadline, now)
    }

    fn length_ms(&self) -> u64 {
        epoch::length_ms(self.start_ts, self.end_ts)
    }
}

impl CreditEpoch<'_> {
    pub fn validate(
        &self,
        epoch: &EpochView,
        proofs: &[CreditProof],
        roots: usize,
        now: i64,
    ) -> Result<ProviderFacts> {
        layout::check(
            &self.config,
            &lumora_registry::ID,
            lumora_registry::accounts::Config::DISCRIMINATOR,
            rc::LEN,
        )?;
        let (paused, rho) = {
            let c = self.config.try_borrow_data()?;
            (c[rc::PAUSED] != 0, layout::u32_at(&c, rc::CREDIT_PER_STAKE_UNIT))
        };
        require!(!paused, RewardsError::ProtocolPaused);
        require!(epoch.in_credit_window(now), RewardsError::NotInCreditWindow);
        require!(self.contribution.owner != &crate::ID, RewardsError::AlreadyCredited);
        require!(
            proofs.len() == usize::from(epoch.credit_quorum)
                && roots == proofs.len()
                && proofs.len() <= MAX_CREDIT_PROOFS,
            RewardsError::WrongProofCount
        );
        let p = self.provider_node.load()?;
        require!(p.status == STATUS_ACTIVE && p.roles & ROLE_PROVIDER != 0, RewardsError::NotAProvider);
        // a provider whose key was chosen after the seed was known could grind its draws
        require!(p.registered_at < epoch.opened_at, RewardsError::ProviderRegisteredAfterSeed);
        let bound = u128::from(p.stake).saturating_mul(u128::from(rho));
        Ok(ProviderFacts {
            operator: p.operator,
            shard: p.shard,
            cap_kbps: p.bandwidth_cap_kbps,
            credit_bound: u64::try_from(bound).unwrap_or(u64::MAX),
        })
    }
}

/// A verifier root of this program (owner, discriminator and length checked), the fields a proof
/// needs read at their offsets (`layout::verifier_root`).
struct RootView {
    epoch_index: u64,
    verifier: Pubkey,
    operator: Pubkey,
    slot: u32,
    root: [u8; 32],
}

fn read_root(info: &AccountInfo) -> Result<RootView> {
    require_keys_eq!(*info.owner, crate::ID, RewardsError::WrongVerifierRoot);
    let d = info.try_borrow_data()?;
    require!(
        d.len() >= vr::LEN && d.get(..8) == Some(VerifierRoot::DISCRIMINATOR),
        RewardsError::WrongVerifierRoot
    );
    Ok(RootView {
        epoch_index: layout::u64_at(&d, vr::EPOCH_INDEX),
        verifier: layout::key(&d, vr::VERIFIER),
        operator: layout::key(&d, vr::OPERATOR),
        slot: layout::u32_at(&d, vr::SLOT),
        root: layout::bytes32(&d, vr::ROOT),
    })
}

/// Adds `credit` to the provider shard's total of this epoch. An existing shard total (owner,
/// discriminator, length, recorded epoch and shard checked) is updated in place at its offsets; a
/// missing one is created at its derived PDA (a prefunded address included) with this first credit.
fn add_to_shard(a: &CreditEpoch, epoch: &Pubkey, facts: &ProviderFacts, credit: u64) -> Result<()> {
    let info = a.epoch_shard.to_account_info();
    if info.owner == &crate::ID {
        let mut d = info.try_borrow_mut_data()?;
        require!(
            d.len() >= s::LEN && d.get(..8) == Some(EpochShard::DISCRIMINATOR),
            RewardsError::WrongShard
        );
        require!(
            layout::key(&d, s::EPOCH) == *epoch && layout::u16_at(&d, s::SHARD) == facts.shard,
            RewardsError::WrongShard
        );
        let total = layout::u128_at(&d, s::TOTAL_CONTRIBUTION)
            .checked_add(u128::from(credit))
            .ok_or(RewardsError::MathOverflow)?;
        let contributors = layout::u32_at(&d, s::CONTRIBUTORS).saturating_add(1);
        d[s::TOTAL_CONTRIBUTION..s::TOTAL_CONTRIBUTION + 16].copy_from_slice(&total.to_le_bytes());
        d[s::CONTRIBUTORS..s::CONTRIBUTORS + 4].copy_from_slice(&contributors.to_le_bytes());
        return Ok(());
    }
    let shard_le = facts.shard.to_le_bytes();
    let (address, bump) =
        Pubkey::find_program_address(&[seeds::EPOCH_SHARD, epoch.as_ref(), &shard_le], &crate::ID);
    require_keys_eq!(info.key(), address, RewardsError::WrongShard);
    let bump_seed = [bump];
    let signer: &[&[u8]] = &[seeds::EPOCH_SHARD, epoch.as_ref(), &shard_le, &bump_seed];
    create_pda(
        &a.payer.to_account_info(),
        &info,
        a.system_program.key(),
        8 + EpochShard::INIT_SPACE,
        &crate::ID,
        signer,
        RewardsError::WrongShard,
    )?;
    write_account(
        &info,
        &EpochShard {
            version: EPOCH_SHARD_VERSION,
            bump,
            shard: facts.shard,
            epoch: *epoch,
            total_contribution: u128::from(credit),
            contributors: 1,
            distributed: false,
            vault: Pubkey::default(),
            reward: 0,
            vault_rent_payer: Pubkey::default(),
            dust_swept: false,
            dust: 0,
        },
    )
}

/// Credits a provider once per ended epoch with the q-th largest of its k drawn verifiers' totals: q
/// proofs of distinct draws and distinct slots, each checked against the root the slot's holder posted
/// (`post_verifier_root`); the credit is the smallest proven capacity-time, capped by the provider's
/// declared bandwidth, the epoch's length and its stake bound (docs/rewards.md §3.3–3.4). Adds it to the
/// shard's total and updates the provider's verified metrics in the registry (CPI).
pub fn handler<'info>(ctx: Context<'info, CreditEpoch<'info>>, proofs: Vec<CreditProof>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let epoch = EpochView::read(&ctx.accounts.epoch)?;
    let facts = ctx.accounts.validate(&epoch, &proofs, ctx.remaining_accounts.len(), now)?;
    let provider = ctx.accounts.provider_node.key();
    let provider_bytes = provider.to_bytes();
    let epoch_ms = epoch.length_ms();

    let mut draws_used: u64 = 0;
    let mut slots = [0u32; MAX_CREDIT_PROOFS];
    let mut verifiers = [Pubkey::default(); MAX_CREDIT_PROOFS];
    let mut lowest: Option<(u64, Total)> = None;
    for (i, proof) in proofs.iter().enumerate() {
        require!(proof.draw < epoch.verifier_draws, RewardsError::DrawOutOfRange);
        let bit = 1u64.checked_shl(u32::from(proof.draw)).unwrap_or(0);
        require!(draws_used & bit == 0, RewardsError::DuplicateDraw);
        draws_used |= bit;
        let slot = draw_slot(&epoch.seed, &provider_bytes, proof.draw, epoch.verifier_slots)
            .ok_or(RewardsError::WrongVerifierRoot)?;
        // one verifier drawn twice cannot fill two ranks
        require!(!slots[..i].contains(&slot), RewardsError::DuplicateDraw);
        slots[i] = slot;
        let root = read_root(&ctx.remaining_accounts[i])?;
        require!(root.epoch_index == epoch.index && root.slot == slot, RewardsError::WrongVerifierRoot);
        require!(root.verifier != provider, RewardsError::VerifierIsProvider);
        require!(root.operator != facts.operator, RewardsError::VerifierSameOperator);
        require!(proof.path.len() <= MAX_PROOF_DEPTH, RewardsError::ProofTooDeep);
        require!(
            fold(leaf(&provider_bytes, &proof.total), &proof.path) == root.root,
            RewardsError::ProofMismatch
        );
        verifiers[i] = root.verifier;
        let value = capacity_time(&proof.total, facts.cap_kbps, epoch_ms);
        if lowest.is_none_or(|(v, _)| value < v) {
            lowest = Some((value, proof.total));
        }
    }
    let (measured, total) = lowest.ok_or(RewardsError::WrongProofCount)?;
    let credit = measured.min(facts.credit_bound);
    require!(credit > 0, RewardsError::ZeroCredit);

    let epoch_key = ctx.accounts.epoch.key();
    add_to_shard(ctx.accounts, &epoch_key, &facts, credit)?;

    let bump = [ctx.bumps.contribution];
    let signer: &[&[u8]] = &[seeds::CONTRIBUTION, epoch_key.as_ref(), provider.as_ref(), &bump];
    let info = ctx.accounts.contribution.to_account_info();
    create_pda(
        &ctx.accounts.payer.to_account_info(),
        &info,
        ctx.accounts.system_program.key(),
        8 + Contribution::INIT_SPACE,
        &crate::ID,
        signer,
        RewardsError::AlreadyCredited,
    )?;
    let n = proofs.len();
    write_account(
        &info,
        &Contribution {
            version: CONTRIBUTION_VERSION,
            bump: ctx.bumps.contribution,
            shard: facts.shard,
            epoch_index: epoch.index,
            epoch: epoch_key,
            node: provider,
            measured,
            contribution: credit,
            operator: facts.operator,
            claimed: false,
            claimed_amount: 0,
            capacity_kbps: total.capacity_kbps,
            live_ms: total.live_ms,
            rtt_ms: total.rtt_ms,
            // n ≤ MAX_CREDIT_PROOFS = 4
            verifier_count: n as u8,
            verifiers,
            payer: ctx.accounts.payer.key(),
        },
    )?;

    let bandwidth = u64::from(total.capacity_kbps).min(facts.cap_kbps);
    let cpi = RegistryCpi {
        registry_program: ctx.accounts.registry_program.to_account_info(),
        authority: ctx.accounts.rewards_authority.to_account_info(),
        config: ctx.accounts.config.to_account_info(),
        node: ctx.accounts.provider_node.to_account_info(),
    };
    cpi.update_metrics(bandwidth, total.rtt_ms.max(1))?;
    emit!(EpochCredited {
        epoch: epoch.index,
        provider,
        shard: facts.shard,
        measured,
        contribution: credit,
        capacity_kbps: total.capacity_kbps,
        live_ms: total.live_ms,
        rtt_ms: total.rtt_ms,
        verifiers: verifiers[..n].to_vec(),
    });
    Ok(())
}
