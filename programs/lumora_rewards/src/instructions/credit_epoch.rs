use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use crate::constants::*;
use crate::create::{create_pda, write_account};
use crate::errors::RewardsError;
use crate::events::EpochCredited;
use crate::lumora_registry::accounts::{Config, Node};
use crate::lumora_registry::program::LumoraRegistry;
use crate::math::draw_slot;
use crate::registry_cpi::RegistryCpi;
use crate::root::{capacity_time, fold, leaf, Total};
use crate::seeds;
use crate::state::{Contribution, Epoch, EpochShard, VerifierRoot};

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

    /// Registry config: pause switch, stake bound (owner + discriminator checked).
    pub config: Box<Account<'info, Config>>,

    /// The ended epoch (read only). Owner + discriminator prove a genuine Epoch.
    pub epoch: Box<Account<'info, Epoch>>,

    /// The provider's registry node (written by the metrics CPI).
    #[account(mut, constraint = provider_node.load()?.node_key == provider_key.key() @ RewardsError::WrongNode)]
    pub provider_node: AccountLoader<'info, Node>,

    /// The provider shard's total in this epoch, created on first use (prefund-safe, `crate::create`).
    /// CHECK: the `["epoch_shard", epoch, shard]` PDA (seeds checked here); when it exists the handler
    /// checks its owner and discriminator before reading it.
    #[account(
        mut,
        seeds = [seeds::EPOCH_SHARD, epoch.key().as_ref(), &provider_node.load()?.shard.to_le_bytes()],
        bump,
    )]
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

impl CreditEpoch<'_> {
    pub fn validate(&self, proofs: &[CreditProof], roots: usize, now: i64) -> Result<ProviderFacts> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(self.epoch.in_credit_window(now), RewardsError::NotInCreditWindow);
        require!(self.contribution.owner != &crate::ID, RewardsError::AlreadyCredited);
        require!(
            proofs.len() == usize::from(self.epoch.credit_quorum)
                && roots == proofs.len()
                && proofs.len() <= MAX_CREDIT_PROOFS,
            RewardsError::WrongProofCount
        );
        let p = self.provider_node.load()?;
        require!(p.status == STATUS_ACTIVE && p.roles & ROLE_PROVIDER != 0, RewardsError::NotAProvider);
        // a provider whose key was chosen after the seed was known could grind its draws
        require!(p.registered_at < self.epoch.opened_at, RewardsError::ProviderRegisteredAfterSeed);
        let bound = u128::from(p.stake).saturating_mul(u128::from(self.config.params.credit_per_stake_unit));
        Ok(ProviderFacts {
            operator: p.operator,
            shard: p.shard,
            cap_kbps: p.bandwidth_cap_kbps,
            credit_bound: u64::try_from(bound).unwrap_or(u64::MAX),
        })
    }
}

/// A verifier root of this program (owner and discriminator checked), decoded.
fn read_root(info: &AccountInfo) -> Result<VerifierRoot> {
    require_keys_eq!(*info.owner, crate::ID, RewardsError::WrongVerifierRoot);
    let data = info.try_borrow_data()?;
    require!(data.get(..8) == Some(VerifierRoot::DISCRIMINATOR), RewardsError::WrongVerifierRoot);
    VerifierRoot::try_deserialize(&mut &data[..])
}

/// The shard total of this epoch: created with zero when missing (a prefunded address included),
/// else read after its owner and discriminator are checked.
fn load_or_create_shard<'info>(
    a: &CreditEpoch<'info>,
    bump: u8,
    facts: &ProviderFacts,
) -> Result<EpochShard> {
    let info = a.epoch_shard.to_account_info();
    let epoch = a.epoch.key();
    if info.owner == &crate::ID {
        let data = info.try_borrow_data()?;
        let shard = EpochShard::try_deserialize(&mut &data[..])?;
        require!(shard.epoch == epoch && shard.shard == facts.shard, RewardsError::WrongShard);
        return Ok(shard);
    }
    let shard_le = facts.shard.to_le_bytes();
    let bump_seed = [bump];
    let signer: &[&[u8]] = &[seeds::EPOCH_SHARD, epoch.as_ref(), &shard_le, &bump_seed];
    create_pda(
        &a.payer.to_account_info(),
        &info,
        &a.system_program.to_account_info(),
        signer,
        8 + EpochShard::INIT_SPACE,
        &crate::ID,
    )?;
    Ok(EpochShard {
        version: EPOCH_SHARD_VERSION,
        bump,
        shard: facts.shard,
        epoch,
        total_contribution: 0,
        contributors: 0,
        distributed: false,
        vault: Pubkey::default(),
        reward: 0,
        vault_rent_payer: Pubkey::default(),
        dust_swept: false,
        dust: 0,
    })
}

/// Credits a provider once per ended epoch with the q-th largest of its k drawn verifiers' totals: q
/// proofs of distinct draws and distinct slots, each checked against the root the slot's holder posted
/// (`post_verifier_root`); the credit is the smallest proven capacity-time, capped by the provider's
/// declared bandwidth, the epoch's length and its stake bound (docs/rewards.md §3.3–3.4). Adds it to the
/// shard's total and updates the provider's verified metrics in the registry (CPI).
pub fn handler<'info>(ctx: Context<'info, CreditEpoch<'info>>, proofs: Vec<CreditProof>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let facts = ctx.accounts.validate(&proofs, ctx.remaining_accounts.len(), now)?;
    let epoch = &ctx.accounts.epoch;
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

    let mut shard = load_or_create_shard(ctx.accounts, ctx.bumps.epoch_shard, &facts)?;
    shard.total_contribution =
        shard.total_contribution.checked_add(u128::from(credit)).ok_or(RewardsError::MathOverflow)?;
    shard.contributors = shard.contributors.saturating_add(1);
    write_account(&ctx.accounts.epoch_shard.to_account_info(), &shard)?;

    let epoch_key = ctx.accounts.epoch.key();
    let bump = [ctx.bumps.contribution];
    let signer: &[&[u8]] = &[seeds::CONTRIBUTION, epoch_key.as_ref(), provider.as_ref(), &bump];
    let info = ctx.accounts.contribution.to_account_info();
    create_pda(
        &ctx.accounts.payer.to_account_info(),
        &info,
        &ctx.accounts.system_program.to_account_info(),
        signer,
        8 + Contribution::INIT_SPACE,
        &crate::ID,
    )?;
    let n = proofs.len();
    write_account(
        &info,
        &Contribution {
            version: CONTRIBUTION_VERSION,
            bump: ctx.bumps.contribution,
            shard: facts.shard,
            epoch_index: ctx.accounts.epoch.index,
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
        epoch: ctx.accounts.epoch.index,
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
