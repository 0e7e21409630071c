//! Payments out of an epoch's vaults (the epoch vault and its shard claim vaults), signed by the epoch
//! PDA `["epoch", index LE]` that owns them.
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Transfer};

use crate::seeds;
use crate::state::Epoch;

/// Transfers `amount` from one of `epoch`'s vaults to `to`; nothing is sent when `amount` is 0.
pub fn pay_from_epoch_vault<'info>(
    token_program: Pubkey,
    epoch: &Account<'info, Epoch>,
    vault: AccountInfo<'info>,
    to: AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let index = epoch.index.to_le_bytes();
    let bump = [epoch.bump];
    let signer: &[&[u8]] = &[seeds::EPOCH, &index, &bump];
    token::transfer(
        CpiContext::new(token_program, Transfer { from: vault, to, authority: epoch.to_account_info() })
            .with_signer(&[signer]),
        amount,
    )
}
