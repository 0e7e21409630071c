//! Creating a PDA that a griefer may have prefunded (docs/rewards.md §3.8). Anyone can send lamports to
//! an address before its account exists; `create_account` then fails, and Anchor 1.2's `init` answers
//! that with the newer `CreateAccountAllowPrefund` system instruction, which runtimes without it refuse
//! (solana-bankrun 0.4: "invalid instruction data"), so one transfer would block the account for good.
//! Every account this program creates by hand goes through [`create_pda`]: an empty address is created
//! as usual; a prefunded one is topped up to rent exemption, allocated and assigned — the classic path
//! every runtime has.
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};

use crate::errors::RewardsError;

/// Creates `target` (a PDA signed by `signer`) with `space` bytes owned by `owner`, `payer` paying rent.
/// The caller has checked the address (Anchor `seeds`) and that no account exists there yet.
pub fn create_pda<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    system_program: &AccountInfo<'info>,
    signer: &[&[u8]],
    space: usize,
    owner: &Pubkey,
) -> Result<()> {
    let rent = Rent::get()?.minimum_balance(space);
    let space = u64::try_from(space).map_err(|_| RewardsError::MathOverflow)?;
    let system = system_program.key();
    let current = target.lamports();
    if current == 0 {
        let to = CreateAccount { from: payer.clone(), to: target.clone() };
        return system_program::create_account(
            CpiContext::new(system, to).with_signer(&[signer]),
            rent,
            space,
            owner,
        );
    }
    if rent > current {
        let to = Transfer { from: payer.clone(), to: target.clone() };
        system_program::transfer(CpiContext::new(system, to), rent.saturating_sub(current))?;
    }
    let allocate = Allocate { account_to_allocate: target.clone() };
    system_program::allocate(CpiContext::new(system, allocate).with_signer(&[signer]), space)?;
    let assign = Assign { account_to_assign: target.clone() };
    system_program::assign(CpiContext::new(system, assign).with_signer(&[signer]), owner)
}

/// Writes an Anchor account (discriminator + borsh) into `target`'s data.
pub fn write_account<T: AccountSerialize>(target: &AccountInfo, value: &T) -> Result<()> {
    let mut data = target.try_borrow_mut_data()?;
    let mut out: &mut [u8] = &mut data;
    value.try_serialize(&mut out)
}
