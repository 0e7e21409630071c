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
/// Layout version of [`crate::state::Task`].
pub const TASK_VERSION: u8 = 1;
