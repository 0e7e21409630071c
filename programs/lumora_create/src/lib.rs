//! Account creation that prefunding cannot block, shared by the rewards, tasks and market programs
//! (docs/rewards.md §3.8, docs/tasks.md and docs/market.md "Account creation").
//!
//! Anyone can send lamports to an address before its account exists. `create_account` then fails, and
//! Anchor 1.2's `init` answers that with the newer `CreateAccountAllowPrefund` system instruction, which
//! runtimes without that feature refuse (solana-bankrun 0.4: "invalid instruction data"): one transfer of
//! ~0.001 SOL to a future PDA would block it for good. Every account the programs create goes through
//! [`create_pda`] instead: `create_account` when the address is empty, otherwise the classic path every
//! runtime has — top up to rent exemption, `allocate`, `assign`.
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};
use anchor_spl::token::{self, InitializeAccount3, TokenAccount};

/// Creates the PDA `target` (signed by `signer_seeds`, which include the bump) with `space` bytes owned
/// by `owner`, `payer` funding rent exemption. Fails with `exists` when the address already holds an
/// account (data, or an owner other than the system program): the caller's named error for "already
/// created". The caller has checked the address itself (derived or Anchor `seeds`).
pub fn create_pda<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    system_program: Pubkey,
    space: usize,
    owner: &Pubkey,
    signer_seeds: &[&[u8]],
    exists: impl Into<Error>,
) -> Result<()> {
    if !(target.data_is_empty() && target.owner == &system_program::ID) {
        return Err(exists.into());
    }
    let rent = Rent::get()?.minimum_balance(space);
    let size = u64::try_from(space).map_err(|_| ProgramError::ArithmeticOverflow)?;
    let current = target.lamports();
    if current == 0 {
        let to = CreateAccount { from: payer.clone(), to: target.clone() };
        return system_program::create_account(
            CpiContext::new(system_program, to).with_signer(&[signer_seeds]),
            rent,
            size,
            owner,
        );
    }
    if rent > current {
        let to = Transfer { from: payer.clone(), to: target.clone() };
        system_program::transfer(CpiContext::new(system_program, to), rent.saturating_sub(current))?;
    }
    let allocate = Allocate { account_to_allocate: target.clone() };
    system_program::allocate(CpiContext::new(system_program, allocate).with_signer(&[signer_seeds]), size)?;
    let assign = Assign { account_to_assign: target.clone() };
    system_program::assign(CpiContext::new(system_program, assign).with_signer(&[signer_seeds]), owner)
}

/// Creates an SPL token account of `mint` owned by `authority` at the PDA `target` (prefund-safe, as
/// [`create_pda`]).
#[allow(clippy::too_many_arguments)]
pub fn create_token_account<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    token_program: Pubkey,
    system_program: Pubkey,
    signer_seeds: &[&[u8]],
    exists: impl Into<Error>,
) -> Result<()> {
    create_pda(payer, target, system_program, TokenAccount::LEN, &token_program, signer_seeds, exists)?;
    token::initialize_account3(CpiContext::new(
        token_program,
        InitializeAccount3 { account: target.clone(), mint: mint.clone(), authority: authority.clone() },
    ))
}

/// Writes a freshly created Anchor account (discriminator + borsh) into `target`'s data.
pub fn write_account<T: AccountSerialize>(target: &AccountInfo, value: &T) -> Result<()> {
    let mut data = target.try_borrow_mut_data()?;
    let mut out: &mut [u8] = &mut data;
    value.try_serialize(&mut out)
}
