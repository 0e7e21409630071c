use anchor_lang::prelude::*;

/// Every error of the tasks program. Append only: codes (6000 + index) are part of the interface.
#[error_code]
pub enum TasksError {
    #[msg("the protocol is paused")]
    ProtocolPaused,
}
