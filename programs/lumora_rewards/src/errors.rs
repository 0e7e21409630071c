use anchor_lang::prelude::*;

/// Every error of the rewards program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum RewardsError {
    #[msg("the protocol is paused")]
    ProtocolPaused,
}
