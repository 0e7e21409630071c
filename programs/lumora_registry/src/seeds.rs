//! Every PDA seed of the registry program. Mirrored one-for-one by `sdk/src/pda.ts` and pinned by
//! `tests/vectors/seeds.json`.

/// `["config"]` — the singleton protocol config.
pub const CONFIG: &[u8] = b"config";
/// `["treasury"]` — the LMR token account owned by the config PDA that collects protocol fees.
pub const TREASURY: &[u8] = b"treasury";
/// `["node", node_key]` — a node (one per node key).
pub const NODE: &[u8] = b"node";
/// `["stake", node]` — a node's stake vault: LMR token account owned by the node PDA.
pub const STAKE_VAULT: &[u8] = b"stake";
/// `["authority"]` under another Lumora program — the PDA that program signs its CPIs into the
/// registry with (tasks: reputation, slash, obligations; rewards: verified metrics, obligations).
pub const CPI_AUTHORITY: &[u8] = b"authority";
