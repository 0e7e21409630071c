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

#[event]
pub struct NodeRegistered {
    pub node: Pubkey,
    pub operator: Pubkey,
    pub node_key: Pubkey,
    pub roles: u8,
    pub shard: u16,
    pub lat_e6: i32,
    pub lon_e6: i32,
    pub declared_bandwidth_kbps: u64,
    pub bandwidth_cap_kbps: u64,
    pub multiaddr: String,
    pub stake: u64,
    /// The verifier slot it was given (`NO_VERIFIER_SLOT` when not a VERIFIER).
    pub verifier_slot: u32,
}

#[event]
pub struct NodeUpdated {
    pub node: Pubkey,
    pub roles: u8,
    pub lat_e6: i32,
    pub lon_e6: i32,
    pub declared_bandwidth_kbps: u64,
    pub bandwidth_cap_kbps: u64,
    pub multiaddr: String,
    /// Its verifier slot after the update (`NO_VERIFIER_SLOT` when not a VERIFIER).
    pub verifier_slot: u32,
}

#[event]
pub struct Heartbeat {
    pub node: Pubkey,
    pub slot: u64,
    pub unix_ts: i64,
    pub epoch: u64,
    pub heartbeats_in_epoch: u32,
}

impl Heartbeat {
    /// Length of the logged event: discriminator 8 + node 32 + slot 8 + unix_ts 8 + epoch 8 + count 4.
    pub const LOG_LEN: usize = 68;

    /// The bytes `emit!` logs for this event (discriminator, then the borsh fields), built on the
    /// stack for the heartbeat's hot path; equality with `Event::data` is tested below.
    pub fn log_bytes(&self) -> [u8; Self::LOG_LEN] {
        let mut out = [0u8; Self::LOG_LEN];
        out[0..8].copy_from_slice(Self::DISCRIMINATOR);
        out[8..40].copy_from_slice(self.node.as_ref());
        out[40..48].copy_from_slice(&self.slot.to_le_bytes());
        out[48..56].copy_from_slice(&self.unix_ts.to_le_bytes());
        out[56..64].copy_from_slice(&self.epoch.to_le_bytes());
        out[64..68].copy_from_slice(&self.heartbeats_in_epoch.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_log_bytes_are_what_emit_logs() {
        let e = Heartbeat {
            node: Pubkey::new_from_array([7; 32]),
            slot: 0x0102_0304_0506_0708,
            unix_ts: -2,
            epoch: u64::MAX,
            heartbeats_in_epoch: 0xdead_beef,
        };
        assert_eq!(e.log_bytes().to_vec(), anchor_lang::Event::data(&e));
    }
}

#[event]
pub struct StakeAdded {
    pub node: Pubkey,
    pub amount: u64,
    pub stake: u64,
}

#[event]
pub struct UnstakeRequested {
    pub node: Pubkey,
    pub amount: u64,
    pub available_at: i64,
    pub stake: u64,
}

#[event]
pub struct StakeWithdrawn {
    pub node: Pubkey,
    pub amount: u64,
}

#[event]
pub struct NodeDeregistered {
    pub node: Pubkey,
    pub unstake_available_at: i64,
}

#[event]
pub struct NodeClosed {
    pub node: Pubkey,
    pub operator: Pubkey,
    pub stake_returned: u64,
}

#[event]
pub struct OutcomeRecorded {
    pub node: Pubkey,
    pub success: bool,
    pub reputation_before: u16,
    pub reputation_after: u16,
}

#[event]
pub struct NodeJailed {
    pub node: Pubkey,
    pub reputation: u16,
    pub jailed_until: i64,
}

#[event]
pub struct NodeUnjailed {
    pub node: Pubkey,
    pub reputation: u16,
}

#[event]
pub struct NodeSlashed {
    pub node: Pubkey,
    /// The admin, or the tasks program's CPI authority.
    pub authority: Pubkey,
    pub amount: u64,
    pub stake: u64,
    pub reason: u8,
}

#[event]
pub struct MetricsUpdated {
    pub node: Pubkey,
    pub verified_bandwidth_kbps: u64,
    pub verified_latency_ms: u32,
}

#[event]
pub struct ObligationsUpdated {
    pub node: Pubkey,
    pub open_assignments: u32,
    pub unclaimed_epochs: u32,
}
