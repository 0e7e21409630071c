//! Every PDA seed of the registry program. Mirrored one-for-one by `sdk/src/pda.ts`.

/// `["config"]` — the singleton protocol config.
pub const CONFIG: &[u8] = b"config";
/// `["treasury"]` — the LMR token account owned by the config PDA that collects protocol fees.
pub const TREASURY: &[u8] = b"treasury";
