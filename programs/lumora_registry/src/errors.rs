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
    /// Retired in v2 (task work earns no emission credit; the parameter is gone). Kept so that the
    /// codes after it do not move: the enum is append-only.
    #[msg("retired: task work no longer earns emission credit")]
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
    #[msg("roles must be a non-empty combination of PROVIDER, EXECUTOR and VERIFIER")]
    InvalidRoles,
    #[msg("latitude must be within ±90° and longitude within ±180° (micro-degrees)")]
    LocationOutOfRange,
    #[msg("declared bandwidth must be within 1 ..= 100 000 000 kbps")]
    BandwidthOutOfRange,
    #[msg("bandwidth cap must not exceed the declared bandwidth, and a provider's must be positive")]
    InvalidBandwidthCap,
    #[msg("multiaddr must be 1 ..= 128 bytes of [A-Za-z0-9/.:_-] starting with '/'")]
    InvalidMultiaddr,
    #[msg("the node key must differ from the operator")]
    NodeKeyIsOperator,
    #[msg("stake below the configured minimum")]
    StakeBelowMinimum,
    #[msg("signer is not the node's operator")]
    NotOperator,
    #[msg("signer is not the node's key")]
    NotNodeKey,
    #[msg("the node is not active")]
    NodeNotActive,
    #[msg("heartbeat sooner than the minimum interval")]
    HeartbeatTooSoon,
    #[msg("amount must be greater than zero")]
    ZeroAmount,
    #[msg("an unstake is already pending")]
    UnstakePending,
    #[msg("no unstake is pending")]
    NoUnstakePending,
    #[msg("the unstake cooldown has not elapsed")]
    CooldownNotElapsed,
    #[msg("the remaining stake of an active node would fall below the minimum")]
    StakeWouldFallBelowMinimum,
    #[msg("the node still holds open task assignments or unclaimed reward epochs")]
    OpenObligations,
    #[msg("the node's stake must be fully withdrawn before it is closed")]
    StakeNotWithdrawn,
    #[msg("the node is already deregistered")]
    AlreadyDeregistered,
    #[msg("the node is not deregistered")]
    NotDeregistered,
    #[msg("the signer is not the CPI authority of the program recorded in the config")]
    WrongCpiAuthority,
    #[msg("the node is jailed")]
    NodeJailed,
    #[msg("the node is not jailed")]
    NodeNotJailed,
    #[msg("the jail cooldown has not elapsed")]
    JailCooldownNotElapsed,
    #[msg("the reputation is still below the jail threshold")]
    ReputationBelowThreshold,
    #[msg("arithmetic overflow")]
    MathOverflow,
    #[msg("wrong token mint: LMR expected")]
    WrongMint,
    #[msg("the token account does not belong to the operator")]
    WrongTokenOwner,
    #[msg("obligation counter would underflow")]
    ObligationUnderflow,
    #[msg("slash must move a positive amount within the configured share of the stake")]
    InvalidSlash,
    #[msg("the account is not the protocol treasury")]
    WrongTreasury,
    #[msg("only the config admin or the tasks program's CPI authority may slash")]
    NotSlashAuthority,
    #[msg("verifier draws per provider must be within 1 ..= 64")]
    VerifierDrawsOutOfBounds,
    #[msg("arithmetic overflow in the verifier slot count")]
    VerifierSlotsExhausted,
    #[msg("credit per stake unit must be within 1 ..= 1 000 000 bytes")]
    CreditPerStakeOutOfBounds,
    #[msg("the credit quorum must be within 1 ..= min(verifier draws, 4)")]
    CreditQuorumOutOfBounds,
    #[msg("the credit window must be within 1 s ..= 7 days")]
    CreditWindowOutOfBounds,
}
