use anchor_lang::prelude::*;

/// Every error of the market program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum MarketError {
    #[msg("the protocol is paused")]
    ProtocolPaused,
    #[msg("only the dataset's seller may do this")]
    NotSeller,
    #[msg("only the purchase's buyer may do this")]
    NotBuyer,
    #[msg("the token account or mint is not LMR")]
    WrongMint,
    #[msg("the token account does not belong to the expected owner")]
    WrongTokenOwner,
    #[msg("the fee account is not the protocol treasury")]
    WrongTreasury,
    #[msg("the price must be positive")]
    ZeroPrice,
    #[msg("size must be positive")]
    EmptyDataset,
    #[msg("unknown cipher suite")]
    UnsupportedCipherSuite,
    #[msg("the locator is longer than allowed")]
    LocatorTooLong,
    #[msg("the delivery window is out of bounds")]
    InvalidDeliveryWindow,
    #[msg("too many provenance tasks")]
    TooManyProvenanceTasks,
    #[msg("the provenance accounts do not match the listed task ids")]
    ProvenanceMismatch,
    #[msg("a provenance account is not a task of the Lumora tasks program")]
    NotLumoraTask,
    #[msg("a provenance task is not settled")]
    TaskNotSettled,
    #[msg("the dataset is delisted")]
    DatasetDelisted,
    #[msg("the price is above the buyer's maximum")]
    PriceAboveMax,
    #[msg("the purchase is not open")]
    PurchaseNotOpen,
    #[msg("the delivery deadline has passed")]
    DeliveryDeadlinePassed,
    #[msg("the delivery deadline has not passed yet")]
    DeadlineNotReached,
    #[msg("the sealed key is empty or longer than allowed")]
    InvalidSealedKey,
    #[msg("the purchase is still open")]
    PurchaseStillOpen,
    #[msg("the fee split failed")]
    FeeMath,
    #[msg("nothing to update")]
    NothingToUpdate,
    #[msg("an account invariant does not hold")]
    Invariant,
    #[msg("this account already exists (one open purchase per dataset and buyer; one listing per id)")]
    AlreadyExists,
    #[msg("a provenance result is not an agreeing, key-released result of its task")]
    NotWinningResult,
    #[msg("the listing's records hash or size does not match its provenance tasks' winning results")]
    ProvenanceContentMismatch,
}
