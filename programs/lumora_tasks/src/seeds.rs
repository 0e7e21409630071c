//! Every PDA seed of the tasks program. Mirrored one-for-one by `sdk/src/pda.ts` (`TASKS_SEEDS`) and
//! pinned by `tests/vectors/seeds.json`.

/// `["task", consumer, task_id (u64 LE)]` — a task (the consumer picks the id).
pub const TASK: &[u8] = b"task";
/// `["task_vault", task]` — the task's LMR escrow, owned by the task PDA.
pub const TASK_VAULT: &[u8] = b"task_vault";
/// `["bid", task, node]` — one bid per node per task.
pub const BID: &[u8] = b"bid";
/// `["result", task, node]` — an assignee's commitment and reveal.
pub const RESULT: &[u8] = b"result";
/// `["authority"]` — the PDA this program signs its registry and rewards CPIs with.
pub const CPI_AUTHORITY: &[u8] = b"authority";
