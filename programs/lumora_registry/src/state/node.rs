use anchor_lang::prelude::*;

use crate::constants::MULTIADDR_MAX_LEN;

/// Role bit flags of a node.
pub mod roles {
    /// Contributes bandwidth (serves data; earns receipt-based rewards).
    pub const PROVIDER: u8 = 1 << 0;
    /// Runs scraping / aggregation tasks (bids on tasks).
    pub const EXECUTOR: u8 = 1 << 1;
    /// Measures other nodes' bandwidth and signs receipts.
    pub const VERIFIER: u8 = 1 << 2;
    /// Every defined role.
    pub const ALL: u8 = PROVIDER | EXECUTOR | VERIFIER;
}

/// Lifecycle of a node.
pub mod status {
    /// Registered and serving.
    pub const ACTIVE: u8 = 1;
    /// Deregistered: no new work; closable once it owes nothing and its stake is free.
    pub const DEREGISTERED: u8 = 2;
}

/// A registered node, PDA `["node", node_key]` (one per node key). Hot: written by every heartbeat
/// and read by every bid and receipt, so zero-copy with an explicit `repr(C)` layout — fields are
/// ordered by alignment, so there is no padding (asserted below) and the byte offsets are stable for
/// `getProgramAccounts` filters (`sdk/src/registry.ts` names them).
#[account(zero_copy)]
#[derive(InitSpace, Debug)]
#[repr(C)]
pub struct Node {
    /// Wallet that owns the node, pays, stakes and receives rewards.
    pub operator: Pubkey,
    /// ed25519 hot key of the node (its libp2p identity); signs heartbeats, bids, receipts.
    pub node_key: Pubkey,
    /// LMR (base units) in the stake vault that counts as stake (excludes a pending unstake).
    pub stake: u64,
    /// LMR requested for withdrawal, no longer counted as stake; withdrawable after the cooldown.
    pub unstake_requested: u64,
    /// Unix time from which `unstake_requested` can be withdrawn (0 when none is pending).
    pub unstake_available_at: i64,
    /// Declared capacity in kbps.
    pub declared_bandwidth_kbps: u64,
    /// The most the provider allows to be served, in kbps (≤ declared); receipts above it are refused.
    pub bandwidth_cap_kbps: u64,
    /// Bandwidth verified by receipts (updated by the rewards program), in kbps; 0 until measured.
    pub verified_bandwidth_kbps: u64,
    /// Unix time of registration.
    pub registered_at: i64,
    /// Slot of the last heartbeat (registration counts as the first).
    pub last_heartbeat_slot: u64,
    /// Unix time of the last heartbeat (registration counts as the first).
    pub last_heartbeat_ts: i64,
    /// Reward epoch the heartbeat counter below belongs to.
    pub uptime_epoch: u64,
    /// Unix time from which a jailed node may unjail (0 when not jailed).
    pub jailed_until: i64,
    /// Unix time of deregistration (0 while active).
    pub deregistered_at: i64,
    /// Total LMR ever slashed from this node.
    pub total_slashed: u64,
    /// Latency verified by receipts (updated by the rewards program), in ms; 0 until measured.
    pub verified_latency_ms: u32,
    /// Heartbeats counted in `uptime_epoch` (at most one per `HEARTBEAT_MIN_INTERVAL_SECS`).
    pub heartbeats_in_epoch: u32,
    /// Task assignments the node holds that are not settled (maintained by the tasks program).
    pub open_assignments: u32,
    /// Reward epochs with a contribution not yet claimed (maintained by the rewards program).
    pub unclaimed_epochs: u32,
    /// Latitude in micro-degrees, −90 000 000 ..= 90 000 000.
    pub lat_e6: i32,
    /// Longitude in micro-degrees, −180 000 000 ..= 180 000 000.
    pub lon_e6: i32,
    /// Reputation in `[0, 10 000]`.
    pub reputation: u16,
    /// Reward shard: `shard_of(node_key, config.shard_count)`.
    pub shard: u16,
    /// Number of meaningful bytes in `multiaddr`.
    pub multiaddr_len: u16,
    /// Role bit flags ([`roles`]).
    pub roles: u8,
    /// Lifecycle ([`status`]).
    pub status: u8,
    /// 1 while jailed (cannot bid or verify), else 0.
    pub jailed: u8,
    /// Bump of this PDA.
    pub bump: u8,
    /// Bump of the stake vault PDA.
    pub vault_bump: u8,
    /// Layout version.
    pub version: u8,
    /// libp2p multiaddr (ASCII), `multiaddr_len` bytes used.
    pub multiaddr: [u8; MULTIADDR_MAX_LEN],
    /// Room for later fields.
    pub reserved: [u8; 64],
    /// The node's verifier slot (`Config::verifier_slots` when it took the VERIFIER role), or
    /// [`crate::constants::NO_VERIFIER_SLOT`]. Rewards draws slots per provider and epoch; a receipt
    /// counts only from the node holding a drawn slot (docs/rewards.md §3.1).
    pub verifier_slot: u32,
}

const _: () = assert!(core::mem::size_of::<Node>() == Node::INIT_SPACE, "Node has implicit padding");

impl Node {
    pub fn is_active(&self) -> bool {
        self.status == status::ACTIVE
    }

    pub fn has_role(&self, role: u8) -> bool {
        self.roles & role != 0
    }

    pub fn is_jailed(&self) -> bool {
        self.jailed != 0
    }

    pub fn multiaddr(&self) -> &[u8] {
        &self.multiaddr[..usize::from(self.multiaddr_len).min(MULTIADDR_MAX_LEN)]
    }
}

/// What an operator declares about a node (`register_node` and `update_node`).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct NodeProfile {
    /// Role bit flags (PROVIDER 1, EXECUTOR 2, VERIFIER 4); at least one.
    pub roles: u8,
    /// Latitude in micro-degrees (±90 000 000).
    pub lat_e6: i32,
    /// Longitude in micro-degrees (±180 000 000).
    pub lon_e6: i32,
    /// Declared capacity in kbps (1 ..= 100 000 000).
    pub declared_bandwidth_kbps: u64,
    /// The most the provider serves, in kbps (≤ declared; > 0 for a PROVIDER).
    pub bandwidth_cap_kbps: u64,
    /// libp2p multiaddr, ASCII `[A-Za-z0-9/.:_-]`, starting with `/`, at most 128 bytes.
    pub multiaddr: String,
}

impl NodeProfile {
    pub fn validate(&self) -> Result<()> {
        use crate::constants::*;
        use crate::errors::RegistryError;
        require!(self.roles != 0 && self.roles & !roles::ALL == 0, RegistryError::InvalidRoles);
        require!(
            (-LAT_E6_MAX..=LAT_E6_MAX).contains(&self.lat_e6)
                && (-LON_E6_MAX..=LON_E6_MAX).contains(&self.lon_e6),
            RegistryError::LocationOutOfRange
        );
        require!(
            (1..=BANDWIDTH_KBPS_MAX).contains(&self.declared_bandwidth_kbps),
            RegistryError::BandwidthOutOfRange
        );
        require!(
            self.bandwidth_cap_kbps <= self.declared_bandwidth_kbps
                && (self.roles & roles::PROVIDER == 0 || self.bandwidth_cap_kbps > 0),
            RegistryError::InvalidBandwidthCap
        );
        let m = self.multiaddr.as_bytes();
        require!(
            !m.is_empty()
                && m.len() <= MULTIADDR_MAX_LEN
                && m[0] == b'/'
                && m.iter().all(|c| c.is_ascii_alphanumeric() || b"/.:_-".contains(c)),
            RegistryError::InvalidMultiaddr
        );
        Ok(())
    }

    /// Writes the profile into a node (after `validate`).
    pub fn apply(&self, node: &mut Node) {
        node.roles = self.roles;
        node.lat_e6 = self.lat_e6;
        node.lon_e6 = self.lon_e6;
        node.declared_bandwidth_kbps = self.declared_bandwidth_kbps;
        node.bandwidth_cap_kbps = self.bandwidth_cap_kbps;
        let m = self.multiaddr.as_bytes();
        node.multiaddr = [0; MULTIADDR_MAX_LEN];
        node.multiaddr[..m.len()].copy_from_slice(m);
        // m.len() ≤ MULTIADDR_MAX_LEN = 128 (validated)
        node.multiaddr_len = m.len() as u16;
    }
}
