//! Precision constants and parameter bounds. Mirrored by `sdk/src/constants.ts` and pinned by
//! `tests/vectors/config_bounds.json`, which both test suites read.

/// Basis points in one whole (100 %).
pub const BPS_DENOMINATOR: u64 = 10_000;
/// Reputation is an integer in `[0, REPUTATION_MAX]`.
pub const REPUTATION_MAX: u16 = 10_000;
/// Fixed-point scale of task scores (10^6).
pub const SCORE_SCALE: u64 = 1_000_000;

/// Current layout version of [`crate::state::Config`].
pub const CONFIG_VERSION: u8 = 1;

/// `B_max` in kbps: 1 kbps ..= 100 Gbps.
pub const B_MAX_KBPS_MIN: u64 = 1;
pub const B_MAX_KBPS_MAX: u64 = 100_000_000;
/// Epoch length: 1 minute ..= 30 days.
pub const EPOCH_LENGTH_SECS_MIN: u32 = 60;
pub const EPOCH_LENGTH_SECS_MAX: u32 = 30 * 86_400;
/// Claim window after an epoch closes: 1 hour ..= 365 days.
pub const CLAIM_WINDOW_SECS_MIN: u32 = 3_600;
pub const CLAIM_WINDOW_SECS_MAX: u32 = 365 * 86_400;
/// Unstake cooldown: 0 ..= 90 days.
pub const UNSTAKE_COOLDOWN_SECS_MAX: u32 = 90 * 86_400;
/// Shard count: 1 ..= 1024 (fixed at init: a node's shard is derived from it).
pub const SHARD_COUNT_MIN: u16 = 1;
pub const SHARD_COUNT_MAX: u16 = 1_024;
/// Reputation step factors `k_up`, `k_down` in bps: 1 ..= 10 000.
pub const REP_K_BPS_MIN: u16 = 1;
pub const REP_K_BPS_MAX: u16 = 10_000;
/// Slash on proven fraud: 1 ..= 10 000 bps of the stake.
pub const SLASH_BPS_MIN: u16 = 1;
pub const SLASH_BPS_MAX: u16 = 10_000;
/// Verifier draws per provider per epoch (k of rewards v2): 1 ..= 64.
pub const VERIFIER_DRAWS_MIN: u8 = 1;
pub const VERIFIER_DRAWS_MAX: u8 = 64;
/// ρ of the stake bound (bytes of credit per stake base unit per epoch): 1 ..= 1 000 000.
pub const CREDIT_PER_STAKE_UNIT_MIN: u32 = 1;
pub const CREDIT_PER_STAKE_UNIT_MAX: u32 = 1_000_000;
/// q, the credit quorum: a provider's credit is the q-th largest of its k draws' totals, proved by q
/// Merkle proofs in one transaction (docs/rewards.md §3.3–3.4): 1 ..= min(k, 4) (four proofs of depth 7
/// are the most a 1 232-byte transaction carries).
pub const CREDIT_QUORUM_MIN: u8 = 1;
pub const CREDIT_QUORUM_MAX: u8 = 4;
/// Seconds after an epoch's end during which its verifiers post their roots and its providers are
/// credited (`credit_epoch`); the epoch closes after it: 1 s ..= 7 days.
pub const CREDIT_WINDOW_SECS_MIN: u32 = 1;
pub const CREDIT_WINDOW_SECS_MAX: u32 = 7 * 86_400;
/// `Node::verifier_slot` of a node that holds no verifier slot.
pub const NO_VERIFIER_SLOT: u32 = u32::MAX;
/// Protocol fee on market sales: 0 ..= 1 000 bps (10 %).
pub const PROTOCOL_FEE_BPS_MAX: u16 = 1_000;

/// Longest libp2p multiaddr a node can register, in bytes.
pub const MULTIADDR_MAX_LEN: usize = 128;
/// Latitude bound in micro-degrees (±90°).
pub const LAT_E6_MAX: i32 = 90_000_000;
/// Longitude bound in micro-degrees (±180°).
pub const LON_E6_MAX: i32 = 180_000_000;
/// Largest declared bandwidth, in kbps (100 Gbps).
pub const BANDWIDTH_KBPS_MAX: u64 = 100_000_000;
/// Heartbeats closer together than this are refused (uptime counters cannot be inflated).
pub const HEARTBEAT_MIN_INTERVAL_SECS: i64 = 60;
/// A jailed node may unjail this long after being jailed.
pub const JAIL_COOLDOWN_SECS: i64 = 86_400;
/// Layout version of [`crate::state::Node`].
pub const NODE_VERSION: u8 = 1;
