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
    #[msg("the instruction right before this one must be the ed25519 precompile")]
    Ed25519InstructionNotFound,
    #[msg("the ed25519 instruction's signature count is not the expected one")]
    Ed25519SignatureCount,
    #[msg("an ed25519 offset points outside the precompile instruction itself")]
    Ed25519OffsetsOutside,
    #[msg("the ed25519 instruction's data length is not the expected one")]
    Ed25519DataLength,
    #[msg("the ed25519 offsets are not the canonical layout (key, signature, message per signature)")]
    Ed25519OffsetsInvalid,
    #[msg("the signed message is not byte-equal to the one this instruction expects")]
    SignedMessageMismatch,
    #[msg("the signing key is not the verifier's node key")]
    SignerNotVerifier,
    #[msg("retired (v1 receipts): the receipt belongs to another epoch")]
    StaleEpoch,
    #[msg("retired (v1 receipts): the sequence number does not exceed the last one accepted")]
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
    #[msg("retired (v1 receipts): the receipt's rate exceeds the provider's declared bandwidth cap")]
    RateAboveCap,
    #[msg("the provider node is not an active PROVIDER")]
    NotAProvider,
    #[msg("the batch of accounts is empty or longer than what is left to process")]
    InvalidBatch,
    #[msg("retired (v1 receipts): too many verifiers for one provider in an epoch")]
    TooManyVerifiers,
    #[msg("retired (v1 task credits): the signer is not the tasks program's CPI authority")]
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
    #[msg("retired (v1 receipts): a verifier's durations for this provider exceed the epoch's length")]
    DurationBeyondEpoch,
    #[msg("retired (v1 receipts; credit_epoch caps the credit at stake × credit_per_stake_unit instead)")]
    CreditAboveStakeBound,
    #[msg("roots and credits of an epoch are accepted from its end until its credit deadline")]
    NotInCreditWindow,
    #[msg("the epoch's credit window is still open: its totals are not final")]
    CreditWindowOpen,
    #[msg("the verifier took its slot after the epoch's draws were fixed (or holds none)")]
    VerifierSlotAfterSeed,
    #[msg("a verifier root covers 1 ..= 65 536 leaves")]
    InvalidLeafCount,
    #[msg("the verifier has already posted its root for this epoch")]
    RootAlreadyPosted,
    #[msg(
        "credit_epoch takes exactly the epoch's credit quorum of proofs, one verifier root account per proof"
    )]
    WrongProofCount,
    #[msg("a proof's draw index is not below the epoch's draw count")]
    DrawOutOfRange,
    #[msg("two proofs name the same draw or the same verifier slot")]
    DuplicateDraw,
    #[msg("the verifier root belongs to another epoch or does not hold the slot of the proof's draw")]
    WrongVerifierRoot,
    #[msg("a Merkle path is longer than 16")]
    ProofTooDeep,
    #[msg("the total and its Merkle path do not lead to the verifier's root")]
    ProofMismatch,
    #[msg("the provider has already been credited for this epoch")]
    AlreadyCredited,
    #[msg("the proven credit is zero")]
    ZeroCredit,
}
