//! Every event of the registry program, emitted at the end of the handler that changed the state.
use anchor_lang::prelude::*;

use crate::state::ConfigParams;

#[event]
pub struct ConfigInitialized {
    pub config: Pubkey,
    pub admin: Pubkey,
    pub lmr_mint: Pubkey,
    pub treasury: Pubkey,
    pub tasks_program: Pubkey,
    pub rewards_program: Pubkey,
    pub market_program: Pubkey,
    pub shard_count: u16,
    pub params: ConfigParams,
}

#[event]
pub struct ConfigUpdated {
    pub admin: Pubkey,
    pub old_params: ConfigParams,
    pub new_params: ConfigParams,
}

#[event]
pub struct AdminTransferProposed {
    pub admin: Pubkey,
    pub pending_admin: Pubkey,
}

#[event]
pub struct AdminTransferred {
    pub old_admin: Pubkey,
    pub new_admin: Pubkey,
}

#[event]
pub struct PausedSet {
    pub admin: Pubkey,
    pub paused: bool,
}
