use anchor_lang::prelude::*;

use crate::constants::*;
use crate::errors::RegistryError;

/// Weights of the task score `α·B_i/B_max + β/P_i + γ/L_i`, in basis points; they sum to 10 000.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreWeights {
    /// α — weight of the bandwidth term `B_i / B_max`.
    pub alpha_bps: u16,
    /// β — weight of the proximity term `1 / P_i` (distance in km).
    pub beta_bps: u16,
    /// γ — weight of the latency term `1 / L_i` (latency in ms).
    pub gamma_bps: u16,
}

/// The governance-tunable protocol parameters (`update_config` replaces them as a whole).
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigParams {
    /// Score weights α/β/γ.
    pub weights: ScoreWeights,
    /// `B_max`: the network reference bandwidth in kbps that normalises `B_i`.
    pub b_max_kbps: u64,
    /// Length of a rewards epoch in seconds.
    pub epoch_length_secs: u32,
    /// Seconds after an epoch closes during which its rewards can be claimed; then dust is swept.
    pub claim_window_secs: u32,
    /// Minimum LMR stake (base units) a node locks to register.
    pub min_stake: u64,
    /// Seconds between `request_unstake` and `withdraw_stake`.
    pub unstake_cooldown_secs: u32,
    /// Reputation given to a newly registered node, in `[0, 10 000]`.
    pub rep_initial: u16,
    /// `k_up` in bps: on success `r += (10 000 − r)·k_up / 10 000`.
    pub rep_k_up_bps: u16,
    /// `k_down` in bps: on failure `r −= r·k_down / 10 000`.
    pub rep_k_down_bps: u16,
    /// A node whose reputation falls below this is jailed (cannot bid); below `rep_initial`.
    pub jail_threshold: u16,
    /// Share of a node's stake slashed on proven fraud, in bps.
    pub slash_bps: u16,
    /// Protocol fee on dataset sales, in bps, paid to the treasury.
    pub protocol_fee_bps: u16,
    /// k: verifier slots drawn for each provider per reward epoch (docs/rewards.md §3.1).
    pub verifier_draws: u8,
    /// ρ, the stake bound: a provider's credit in one epoch is at most `stake × ρ` bytes (stake in LMR
    /// base units), so verifiers that capture a provider's draws inflate it at most to what its stake
    /// backs (docs/rewards.md §3.4).
    pub credit_per_stake_unit: u32,
    /// q: a provider's credit is the q-th largest of its k draws' totals, so fewer than q colluding
    /// (or withholding) verifiers cannot move it (docs/rewards.md §3.4).
    pub credit_quorum: u8,
    /// Seconds after an epoch's end for its verifiers' roots and its providers' credits; the epoch
    /// closes after it.
    pub credit_window_secs: u32,
}

impl ScoreWeights {
    pub fn validate(&self) -> Result<()> {
        let max = BPS_DENOMINATOR as u16;
        require!(
            self.alpha_bps <= max && self.beta_bps <= max && self.gamma_bps <= max,
            RegistryError::WeightOutOfBounds
        );
        // each term ≤ 10 000 here, so the sum cannot saturate; u32 so that it cannot wrap either
        let sum = u32::from(self.alpha_bps)
            .saturating_add(u32::from(self.beta_bps))
            .saturating_add(u32::from(self.gamma_bps));
        require!(sum == BPS_DENOMINATOR as u32, RegistryError::WeightsSumNot10000);
        Ok(())
    }
}

impl ConfigParams {
    /// Every bound of the parameters; the same table is pinned by `tests/vectors/config_bounds.json`.
    pub fn validate(&self) -> Result<()> {
        self.weights.validate()?;
        require!(
            (B_MAX_KBPS_MIN..=B_MAX_KBPS_MAX).contains(&self.b_max_kbps),
            RegistryError::BMaxOutOfBounds
        );
        require!(
            (EPOCH_LENGTH_SECS_MIN..=EPOCH_LENGTH_SECS_MAX).contains(&self.epoch_length_secs),
            RegistryError::EpochLengthOutOfBounds
        );
        require!(
            (CLAIM_WINDOW_SECS_MIN..=CLAIM_WINDOW_SECS_MAX).contains(&self.claim_window_secs),
            RegistryError::ClaimWindowOutOfBounds
        );
        require!(self.min_stake > 0, RegistryError::MinStakeZero);
        require!(self.unstake_cooldown_secs <= UNSTAKE_COOLDOWN_SECS_MAX, RegistryError::CooldownOutOfBounds);
        require!(
            self.rep_initial <= REPUTATION_MAX
                && (REP_K_BPS_MIN..=REP_K_BPS_MAX).contains(&self.rep_k_up_bps)
                && (REP_K_BPS_MIN..=REP_K_BPS_MAX).contains(&self.rep_k_down_bps),
            RegistryError::ReputationParamOutOfBounds
        );
        require!(self.jail_threshold < self.rep_initial, RegistryError::JailThresholdNotBelowInitial);
        require!((SLASH_BPS_MIN..=SLASH_BPS_MAX).contains(&self.slash_bps), RegistryError::SlashOutOfBounds);
        require!(self.protocol_fee_bps <= PROTOCOL_FEE_BPS_MAX, RegistryError::ProtocolFeeOutOfBounds);
        require!(
            (VERIFIER_DRAWS_MIN..=VERIFIER_DRAWS_MAX).contains(&self.verifier_draws),
            RegistryError::VerifierDrawsOutOfBounds
        );
        require!(
            (CREDIT_PER_STAKE_UNIT_MIN..=CREDIT_PER_STAKE_UNIT_MAX).contains(&self.credit_per_stake_unit),
            RegistryError::CreditPerStakeOutOfBounds
        );
        require!(
            (CREDIT_QUORUM_MIN..=CREDIT_QUORUM_MAX).contains(&self.credit_quorum)
                && self.credit_quorum <= self.verifier_draws,
            RegistryError::CreditQuorumOutOfBounds
        );
        require!(
            (CREDIT_WINDOW_SECS_MIN..=CREDIT_WINDOW_SECS_MAX).contains(&self.credit_window_secs),
            RegistryError::CreditWindowOutOfBounds
        );
        Ok(())
    }
}

/// The singleton protocol config, PDA `["config"]`. Other Lumora programs read it (owner- and
/// discriminator-checked by Anchor's `Account<Config>`) for the pause switch, parameters and the
/// program ids that authorise cross-program calls.
#[account]
#[derive(InitSpace, Debug)]
pub struct Config {
    /// Layout version ([`CONFIG_VERSION`]).
    pub version: u8,
    /// Bump of the config PDA.
    pub bump: u8,
    /// Bump of the treasury token-account PDA.
    pub treasury_bump: u8,
    /// Protocol-wide pause switch: every state-changing instruction of every Lumora program refuses
    /// to run while set, except `set_paused`, `transfer_admin` and `accept_admin`.
    pub paused: bool,
    /// Number of reward shards, fixed at init (a node's shard is derived from its key and this).
    pub shard_count: u16,
    /// Governance authority.
    pub admin: Pubkey,
    /// Proposed admin awaiting `accept_admin`; `Pubkey::default()` when none.
    pub pending_admin: Pubkey,
    /// The LMR SPL mint (stake, payments, rewards).
    pub lmr_mint: Pubkey,
    /// The treasury token account (PDA `["treasury"]`, owned by this config).
    pub treasury: Pubkey,
    /// Program id of `lumora_tasks` (its authority PDA signs reputation CPIs).
    pub tasks_program: Pubkey,
    /// Program id of `lumora_rewards` (its authority PDA signs verified-bandwidth CPIs).
    pub rewards_program: Pubkey,
    /// Program id of `lumora_market`.
    pub market_program: Pubkey,
    /// `["authority"]` PDA of the tasks program: the only signer accepted for reputation, slash and
    /// assignment-obligation CPIs (derived once at init from `tasks_program`).
    pub tasks_authority: Pubkey,
    /// `["authority"]` PDA of the rewards program: the only signer accepted for verified-metric and
    /// reward-obligation CPIs (derived once at init from `rewards_program`).
    pub rewards_authority: Pubkey,
    /// Tunable parameters.
    pub params: ConfigParams,
    /// Verifier slots ever handed out: the next VERIFIER gets slot `verifier_slots`. Slots are never
    /// reused or moved, so a slot's holder cannot change after a reward epoch has drawn it; a node
    /// that leaves the VERIFIER role leaves a hole, and draws landing on a hole count for nothing
    /// (docs/rewards.md §3.1).
    pub verifier_slots: u32,
    /// Room for fields added by later versions without a reallocation.
    pub reserved: [u8; 55],
}

impl Config {
    /// Holds after every instruction that writes the config.
    pub fn invariant(&self) -> Result<()> {
        require!(self.version == CONFIG_VERSION, RegistryError::ConfigInvariant);
        require!(
            (SHARD_COUNT_MIN..=SHARD_COUNT_MAX).contains(&self.shard_count),
            RegistryError::ConfigInvariant
        );
        require!(self.admin != Pubkey::default(), RegistryError::ConfigInvariant);
        self.params.validate()
    }

    /// Hands the next verifier slot to `node` (a node taking the VERIFIER role).
    pub fn assign_verifier_slot(&mut self, node: &mut crate::state::Node) -> Result<()> {
        node.verifier_slot = self.verifier_slots;
        self.verifier_slots =
            self.verifier_slots.checked_add(1).ok_or(RegistryError::VerifierSlotsExhausted)?;
        require!(self.verifier_slots != NO_VERIFIER_SLOT, RegistryError::VerifierSlotsExhausted);
        Ok(())
    }

    pub fn has_pending_admin(&self) -> bool {
        self.pending_admin != Pubkey::default()
    }

    /// Every state-changing instruction (except governance key management) starts with this.
    pub fn require_not_paused(&self) -> Result<()> {
        require!(!self.paused, RegistryError::ProtocolPaused);
        Ok(())
    }

    /// Byte offset of `paused` in the account data: 8 (discriminator) + `version`, `bump`,
    /// `treasury_bump` (1 each). Every field before it is fixed-size, so the offset is too.
    pub const PAUSED_OFFSET: usize = 11;
    /// Byte offset of `params.epoch_length_secs`: 8 (discriminator) + 4 × u8/bool + `shard_count` (2)
    /// + 9 pubkeys (288) + `weights` (3 × u16 = 6) + `b_max_kbps` (8) = 316; pinned by the test below.
    pub const EPOCH_LENGTH_OFFSET: usize = 316;
    /// End of `params.epoch_length_secs` (a u32).
    pub const EPOCH_LENGTH_END: usize = 320;

    /// Byte offset of `rewards_authority`: 8 (discriminator) + 4 × u8/bool + `shard_count` (2) + 8
    /// pubkeys before it (256) = 270; pinned by the test below.
    pub const REWARDS_AUTHORITY_OFFSET: usize = 270;

    /// Owner and discriminator checked as `Account<Config>` checks them (same errors), then the data.
    fn checked_data<'a>(info: &'a AccountInfo) -> Result<std::cell::Ref<'a, &'a mut [u8]>> {
        if info.owner != &crate::ID {
            return Err(Error::from(ErrorCode::AccountOwnedByWrongProgram).with_account_name("config"));
        }
        let data = info.try_borrow_data()?;
        if data.get(..8) != Some(Config::DISCRIMINATOR) {
            return Err(Error::from(ErrorCode::AccountDiscriminatorMismatch).with_account_name("config"));
        }
        Ok(data)
    }

    /// The hot-path read of the rewards program's CPIs (`update_metrics`, once per provider per
    /// epoch): the pause switch and the rewards CPI authority, from the account bytes instead of a
    /// borsh decode of all 416 (with `Account<Config>`'s owner and discriminator checks).
    pub fn read_pause_and_rewards_authority(info: &AccountInfo) -> Result<(bool, Pubkey)> {
        let data = Self::checked_data(info)?;
        let paused = data.get(Self::PAUSED_OFFSET).copied().ok_or(ErrorCode::AccountDidNotDeserialize)?;
        let authority: [u8; 32] = data
            .get(Self::REWARDS_AUTHORITY_OFFSET..Self::REWARDS_AUTHORITY_OFFSET + 32)
            .and_then(|b| b.try_into().ok())
            .ok_or(ErrorCode::AccountDidNotDeserialize)?;
        Ok((paused != 0, Pubkey::new_from_array(authority)))
    }

    /// The hot-path read of a heartbeat: the pause switch and the epoch length, straight from the
    /// account bytes instead of a borsh decode of all 416 bytes. Checks what `Account<Config>`
    /// checks — owned by this program, `Config`'s discriminator — with the same errors.
    pub fn read_pause_and_epoch_length(info: &AccountInfo) -> Result<(bool, u32)> {
        let data = Self::checked_data(info)?;
        let paused = data.get(Self::PAUSED_OFFSET).copied().ok_or(ErrorCode::AccountDidNotDeserialize)?;
        let epoch_len: [u8; 4] = data
            .get(Self::EPOCH_LENGTH_OFFSET..Self::EPOCH_LENGTH_END)
            .and_then(|b| b.try_into().ok())
            .ok_or(ErrorCode::AccountDidNotDeserialize)?;
        Ok((paused != 0, u32::from_le_bytes(epoch_len)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_offsets_match_the_borsh_layout() {
        let key = |b: u8| Pubkey::new_from_array([b; 32]);
        let config = Config {
            version: 1,
            bump: 2,
            treasury_bump: 3,
            paused: true,
            shard_count: 16,
            admin: key(1),
            pending_admin: key(2),
            lmr_mint: key(3),
            treasury: key(4),
            tasks_program: key(5),
            rewards_program: key(6),
            market_program: key(7),
            tasks_authority: key(8),
            rewards_authority: key(9),
            params: ConfigParams {
                weights: ScoreWeights { alpha_bps: 5_000, beta_bps: 3_000, gamma_bps: 2_000 },
                b_max_kbps: 1_000_000,
                epoch_length_secs: 0x0102_0304,
                claim_window_secs: 7,
                min_stake: 8,
                unstake_cooldown_secs: 9,
                rep_initial: 10,
                rep_k_up_bps: 11,
                rep_k_down_bps: 12,
                jail_threshold: 13,
                slash_bps: 14,
                protocol_fee_bps: 16,
                verifier_draws: 5,
                credit_per_stake_unit: 540,
                credit_quorum: 3,
                credit_window_secs: 43_200,
            },
            verifier_slots: 17,
            reserved: [0; 55],
        };
        let mut data = Config::DISCRIMINATOR.to_vec();
        config.serialize(&mut data).unwrap();
        assert_eq!(data.len(), 8 + Config::INIT_SPACE);
        assert_eq!(data[Config::PAUSED_OFFSET], 1);
        assert_eq!(
            &data[Config::EPOCH_LENGTH_OFFSET..Config::EPOCH_LENGTH_END],
            &0x0102_0304u32.to_le_bytes()
        );
        let at = Config::REWARDS_AUTHORITY_OFFSET;
        assert_eq!(&data[at..at + 32], key(9).as_ref());
    }
}
