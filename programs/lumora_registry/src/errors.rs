use anchor_lang::prelude::*;

/// Every error of the registry program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum RegistryError {
    #[msg("signer is not the config admin")]
    NotAdmin,
    #[msg("init_config must be signed by the registry program's upgrade authority")]
    NotUpgradeAuthority,
    #[msg("program data account does not belong to the registry program")]
    WrongProgramData,
    #[msg("a score weight exceeds 10 000 bps")]
    WeightOutOfBounds,
    #[msg("score weights α + β + γ must sum to 10 000 bps")]
    WeightsSumNot10000,
    #[msg("B_max must be within 1 ..= 100 000 000 kbps")]
    BMaxOutOfBounds,
    #[msg("epoch length must be within 60 s ..= 30 days")]
    EpochLengthOutOfBounds,
    #[msg("claim window must be within 1 hour ..= 365 days")]
    ClaimWindowOutOfBounds,
    #[msg("minimum stake must be greater than zero")]
    MinStakeZero,
    #[msg("unstake cooldown must be at most 90 days")]
    CooldownOutOfBounds,
    #[msg("shard count must be within 1 ..= 1024")]
    ShardCountOutOfBounds,
    #[msg("reputation parameters out of bounds (initial ≤ 10 000, k_up and k_down in 1 ..= 10 000)")]
    ReputationParamOutOfBounds,
    #[msg("jail threshold must be below the initial reputation")]
    JailThresholdNotBelowInitial,
    #[msg("slash must be within 1 ..= 10 000 bps")]
    SlashOutOfBounds,
    #[msg("task weight must be at most 100 000 bps")]
    TaskWeightOutOfBounds,
    #[msg("protocol fee must be at most 1 000 bps")]
    ProtocolFeeOutOfBounds,
    #[msg("the Lumora program ids must be distinct, non-default and not the registry itself")]
    InvalidProgramId,
    #[msg("the protocol is paused")]
    ProtocolPaused,
    #[msg("signer is not the pending admin")]
    NotPendingAdmin,
    #[msg("no admin transfer is pending")]
    NoPendingAdmin,
    #[msg("the new admin must differ from the current admin and from the default key")]
    InvalidNewAdmin,
    #[msg("the pause switch is already in the requested state")]
    PauseUnchanged,
    #[msg("config invariant violated")]
    ConfigInvariant,
}
