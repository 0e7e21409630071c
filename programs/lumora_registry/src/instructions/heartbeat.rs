use anchor_lang::prelude::*;

use crate::constants::HEARTBEAT_MIN_INTERVAL_SECS;
use crate::errors::RegistryError;
use crate::events::Heartbeat;
use crate::math::epoch_index;
use crate::state::{Config, Node};

#[derive(Accounts)]
pub struct HeartbeatAccounts<'info> {
    /// The node's hot key.
    pub node_key: Signer<'info>,

    /// Read for the pause switch and the epoch length only (read-only: heartbeats never contend
    /// for it). Hot path, so neither a PDA re-derivation nor a borsh decode of the whole account.
    /// `Config::read_pause_and_epoch_length` checks the owner and the discriminator, which prove a
    /// genuine Config (only `init_config` creates one, at `["config"]`), and reads the two fields.
    /// CHECK: owner and discriminator are checked by `Config::read_pause_and_epoch_length`.
    pub config: UncheckedAccount<'info>,

    /// Hot path, so no PDA re-derivation (≈ 1 500 CU): owner + discriminator (AccountLoader) prove
    /// a genuine Node, only `register_node` creates one and always at `["node", node_key]`, and
    /// `has_one = node_key` binds it to the signer.
    #[account(mut, has_one = node_key @ RegistryError::NotNodeKey)]
    pub node: AccountLoader<'info, Node>,
}

/// Records liveness: last-seen slot and time, and this epoch's uptime counter. Writes only the node.
pub fn handler(ctx: Context<HeartbeatAccounts>) -> Result<()> {
    let (paused, epoch_length_secs) = Config::read_pause_and_epoch_length(&ctx.accounts.config)?;
    require!(!paused, RegistryError::ProtocolPaused);
    let clock = Clock::get()?;
    let epoch = epoch_index(clock.unix_timestamp, epoch_length_secs);
    let mut node = ctx.accounts.node.load_mut()?;
    require!(node.is_active(), RegistryError::NodeNotActive);
    // registration counts as the first sign of life, so there is no "never" sentinel to get wrong
    require!(
        clock.unix_timestamp >= node.last_heartbeat_ts.saturating_add(HEARTBEAT_MIN_INTERVAL_SECS),
        RegistryError::HeartbeatTooSoon
    );
    if node.uptime_epoch != epoch {
        node.uptime_epoch = epoch;
        node.heartbeats_in_epoch = 0;
    }
    node.heartbeats_in_epoch = node.heartbeats_in_epoch.saturating_add(1);
    node.last_heartbeat_slot = clock.slot;
    node.last_heartbeat_ts = clock.unix_timestamp;
    // `emit!` would first serialize into a 256-byte heap `Vec` (≈ 190 CU on this hot path); the
    // same bytes from a stack buffer (`Heartbeat::log_bytes`, pinned against `emit!`'s by a test).
    let event = Heartbeat {
        node: ctx.accounts.node.key(),
        slot: clock.slot,
        unix_ts: clock.unix_timestamp,
        epoch,
        heartbeats_in_epoch: node.heartbeats_in_epoch,
    };
    anchor_lang::solana_program::log::sol_log_data(&[&event.log_bytes()]);
    Ok(())
}
