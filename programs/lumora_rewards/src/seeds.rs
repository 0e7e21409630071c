//! Every PDA seed of the rewards program. Mirrored one-for-one by `sdk/src/pda.ts` (`REWARDS_SEEDS`)
//! and pinned by `tests/vectors/seeds.json`.

/// `["epoch", index (u64 LE)]` — one reward epoch.
pub const EPOCH: &[u8] = b"epoch";
/// `["vault", epoch]` — the epoch's LMR token account, owned by the epoch PDA.
pub const VAULT: &[u8] = b"vault";
/// `["epoch_shard", epoch, shard (u16 LE)]` — the contribution total of one shard in one epoch.
pub const EPOCH_SHARD: &[u8] = b"epoch_shard";
/// `["shard_vault", epoch, shard (u16 LE)]` — one shard's claim vault (LMR token account owned by the
/// epoch PDA), funded with the shard's share by `distribute_shard`; the shard's claims pay from it.
pub const SHARD_VAULT: &[u8] = b"shard_vault";
/// `["contribution", epoch, node]` — one node's credit in one epoch (`node` = registry Node PDA),
/// created once by `credit_epoch`.
pub const CONTRIBUTION: &[u8] = b"contribution";
/// `["verifier_root", epoch, verifier]` — the Merkle root of one verifier's totals in one epoch
/// (`verifier` = its registry Node PDA), created once by `post_verifier_root`.
pub const VERIFIER_ROOT: &[u8] = b"verifier_root";
/// `["authority"]` — the PDA this program signs its registry CPIs with (the registry config's
/// `rewards_authority`).
pub const CPI_AUTHORITY: &[u8] = b"authority";
