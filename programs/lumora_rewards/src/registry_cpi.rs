//! The registry CPI this program makes, signed by its `["authority"]` PDA (the registry config's
//! `rewards_authority`): verified metrics. (It no longer raises the registry's unclaimed-epoch
//! obligation: contributions record their operator, so a claim never needs the node to stay open.)
use anchor_lang::prelude::*;

use crate::constants::CPI_AUTHORITY_PDA;
use crate::lumora_registry;
use crate::seeds;

/// The accounts every registry CPI of this program takes.
pub struct RegistryCpi<'info> {
    pub registry_program: AccountInfo<'info>,
    pub authority: AccountInfo<'info>,
    pub config: AccountInfo<'info>,
    pub node: AccountInfo<'info>,
}

impl RegistryCpi<'_> {
    /// `update_metrics(verified_bandwidth_kbps, verified_latency_ms)`.
    pub fn update_metrics(&self, bandwidth_kbps: u64, latency_ms: u32) -> Result<()> {
        let bump = [CPI_AUTHORITY_PDA.1];
        let signer: &[&[u8]] = &[seeds::CPI_AUTHORITY, &bump];
        lumora_registry::cpi::update_metrics(
            CpiContext::new(
                self.registry_program.key(),
                lumora_registry::cpi::accounts::UpdateMetrics {
                    authority: self.authority.clone(),
                    config: self.config.clone(),
                    node: self.node.clone(),
                },
            )
            .with_signer(&[signer]),
            bandwidth_kbps,
            latency_ms,
        )
    }
}
