use anchor_lang::prelude::*;

/// Every error of the rewards program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum RewardsError {
    #[msg("the protocol is paused")]
    ProtocolPaused,
    #[msg("the epoch index is not the current one (floor(now / epoch_length))")]
    NotCurrentEpoch,
    #[msg("the epoch has not ended yet")]
    EpochNotEnded,
    #[msg("the epoch is closed: its totals are final")]
    EpochClosed,
    #[msg("the epoch is not closed yet")]
    EpochNotClosed,
    #[msg("amount must be greater than zero")]
    ZeroAmount,
    #[msg("wrong token mint: LMR expected")]
    WrongMint,
    #[msg("the token account does not belong to the node's operator")]
    WrongTokenOwner,
    #[msg("arithmetic overflow")]
    MathOverflow,
    #[msg("the instructions sysvar account is not the real one")]
    WrongInstructionsSysvar,
    #[msg("the instruction right before submit_receipts must be the ed25519 precompile")]
    Ed25519InstructionNotFound,
    #[msg("the ed25519 instruction's signature count differs from the number of receipts")]
    Ed25519SignatureCount,
    #[msg("an ed25519 offset points outside the precompile instruction itself")]
    Ed25519OffsetsOutside,
    #[msg("the ed25519 instruction's data length is not the expected one")]
    Ed25519DataLength,
    #[msg("the ed25519 offsets are not the canonical layout (key, signature, message per receipt)")]
    Ed25519OffsetsInvalid,
    #[msg("the signed message is not byte-equal to the receipt being credited")]
    ReceiptMismatch,
    #[msg("the signing key is not the verifier's node key")]
    SignerNotVerifier,
    #[msg("the receipt belongs to another epoch")]
    StaleEpoch,
    #[msg("the sequence number does not exceed the last one accepted for this provider and verifier")]
    ReplayedSequence,
    #[msg("the verifier is the provider itself")]
    VerifierIsProvider,
    #[msg("the verifier is run by the provider's operator")]
    VerifierSameOperator,
    #[msg("the verifier node is not active")]
    VerifierNotActive,
    #[msg("the verifier node does not hold the VERIFIER role")]
    NotAVerifier,
    #[msg("the verifier node is jailed")]
    VerifierJailed,
    #[msg("the receipt's rate exceeds the provider's declared bandwidth cap")]
    RateAboveCap,
    #[msg("the provider node is not an active PROVIDER")]
    NotAProvider,
    #[msg("a batch holds 1 ..= 16 receipts, with one verifier account per receipt")]
    InvalidBatch,
    #[msg("the provider has already been measured by the maximum number of verifiers this epoch")]
    TooManyVerifiers,
    #[msg("the signer is not the tasks program's CPI authority recorded in the config")]
    WrongCpiAuthority,
    #[msg("the shard account is not the next one of this epoch")]
    WrongShard,
    #[msg("the contribution has already been claimed")]
    AlreadyClaimed,
    #[msg("the node has no contribution in this epoch")]
    NothingToClaim,
    #[msg("the claim window of this epoch is over")]
    ClaimWindowOver,
    #[msg("the claim window of this epoch is still open")]
    ClaimWindowOpen,
    #[msg("the epoch's dust has already been swept")]
    DustAlreadySwept,
    #[msg("dust moves to a later epoch that is not closed")]
    WrongSweepTarget,
    #[msg("epoch invariant violated")]
    EpochInvariant,
    #[msg("the node account does not match the contribution")]
    WrongNode,
    #[msg("the shard's share has not moved to its claim vault yet (distribute_shard)")]
    ShardNotDistributed,
    #[msg("the shard's share has already moved to its claim vault")]
    ShardAlreadyDistributed,
    #[msg("not every contributing shard of the epoch has been distributed yet")]
    ShardsNotDistributed,
    #[msg("the rent of the shard's claim vault goes back to the account that paid it")]
    WrongRentReceiver,
    #[msg("the account is not the shard's claim vault")]
    WrongShardVault,
    #[msg("the contribution belongs to another epoch or node")]
    WrongContribution,
    #[msg("the SlotHashes sysvar is missing or empty")]
    NoSlotHash,
    #[msg("the verifier does not hold a slot drawn for this provider in this epoch")]
    VerifierNotDrawn,
    #[msg("the provider registered after the epoch's draw seed was fixed")]
    ProviderRegisteredAfterSeed,
    #[msg("a verifier's durations for this provider exceed the epoch's length")]
    DurationBeyondEpoch,
    #[msg("the provider's credit in this epoch would exceed what its stake backs (stake × credit_per_stake_unit)")]
    CreditAboveStakeBound,
}
