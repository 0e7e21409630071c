//! Payments out of an epoch's vaults (the epoch vault and its shard claim vaults) and the closing of a
//! shard vault, signed by the epoch PDA `["epoch", index LE]` that owns them.
use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Transfer};

use crate::seeds;
use crate::state::Epoch;

/// Runs `f` with the epoch PDA's signer seeds.
fn with_epoch_signer<R>(index: u64, bump: u8, f: impl FnOnce(&[&[&[u8]]]) -> R) -> R {
    let index = index.to_le_bytes();
    let bump = [bump];
    let signer: &[&[u8]] = &[seeds::EPOCH, &index, &bump];
    f(&[signer])
}

/// Transfers `amount` from one of `epoch`'s vaults to `to`; nothing is sent when `amount` is 0.
pub fn pay_from_epoch_vault<'info>(
    token_program: Pubkey,
    epoch: &Account<'info, Epoch>,
    vault: AccountInfo<'info>,
    to: AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    pay_signed_by_epoch(token_program, (epoch.index, epoch.bump, epoch.to_account_info()), vault, to, amount)
}

/// [`pay_from_epoch_vault`] for a caller that read the epoch's index and bump itself (`claim`).
pub fn pay_signed_by_epoch<'info>(
    token_program: Pubkey,
    (index, bump, epoch): (u64, u8, AccountInfo<'info>),
    vault: AccountInfo<'info>,
    to: AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    with_epoch_signer(index, bump, |signer| {
        token::transfer(
            CpiContext::new(token_program, Transfer { from: vault, to, authority: epoch })
                .with_signer(signer),
            amount,
        )
    })
}

/// Closes one of `epoch`'s (emptied) vaults; its rent goes to `destination`.
pub fn close_epoch_vault<'info>(
    token_program: Pubkey,
    epoch: &Account<'info, Epoch>,
    vault: AccountInfo<'info>,
    destination: AccountInfo<'info>,
) -> Result<()> {
    with_epoch_signer(epoch.index, epoch.bump, |signer| {
        token::close_account(
            CpiContext::new(
                token_program,
                CloseAccount { account: vault, destination, authority: epoch.to_account_info() },
            )
            .with_signer(signer),
        )
    })
}
