//! Bounds of the tasks program. Mirrored by `sdk/src/tasks.ts`.

/// Redundancy r: 1 ..= 5 assignees.
pub const MAX_REDUNDANCY: u8 = 5;
/// At most this many backups kept beyond the r assignees.
pub const MAX_BACKUPS: u8 = 5;
/// Length of the kept bid list (r + backups at most).
pub const MAX_SLOTS: usize = 10;
/// The bid window closes at most this long after creation.
pub const MAX_BID_WINDOW_SECS: i64 = 7 * 86_400;
/// The reveal deadline is at most this long after the bid window.
pub const MAX_EXECUTION_SECS: i64 = 30 * 86_400;
/// Layout version of [`crate::state::Task`] (2: result bounds, key release).
pub const TASK_VERSION: u8 = 2;
/// Upper bound of a task's declared result size (`max_bytes`): 1 TiB. A reveal's `byte_count` must be
/// within `1 ..= max_bytes`, so no u64 edge value reaches settlement.
pub const MAX_RESULT_BYTES: u64 = 1 << 40;
/// Longest storage locator of a result, in bytes.
pub const LOCATOR_MAX_LEN: usize = 128;
/// Longest sealed data key, in bytes (the SDK's sealed key is 81).
pub const SEALED_KEY_MAX_LEN: usize = 96;
