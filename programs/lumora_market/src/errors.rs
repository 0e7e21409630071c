use anchor_lang::prelude::*;

/// Every error of the market program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum MarketError {
    #[msg("the protocol is paused")]
    ProtocolPaused,
}
