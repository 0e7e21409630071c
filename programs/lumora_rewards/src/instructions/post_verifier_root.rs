use anchor_lang::prelude::*;

use crate::constants::*;
use crate::ed25519;
use crate::errors::RewardsError;
use crate::events::VerifierRootPosted;
use crate::lumora_registry::accounts::{Config, Node};
use crate::root::{RootMessage, ROOT_MESSAGE_LEN};
use crate::seeds;
use crate::state::{Epoch, VerifierRoot};
use lumora_create::{create_pda, write_account};

/// Role and status values of the registry's `Node` (`state/node.rs`).
const ROLE_VERIFIER: u8 = 4;
const STATUS_ACTIVE: u8 = 1;

#[derive(Accounts)]
pub struct PostVerifierRoot<'info> {
    /// Anyone holding the verifier's signed root: pays the root account's rent.
    #[account(mut)]
    pub payer: Signer<'info>,

    /// Registry config: the pause switch (owner + discriminator checked).
    pub config: Box<Account<'info, Config>>,

    /// The ended epoch (read only). Owner + discriminator prove a genuine Epoch; only `open_epoch`
    /// creates one, at `["epoch", index]`.
    pub epoch: Box<Account<'info, Epoch>>,

    /// The verifier's registry Node (owner + discriminator checked by the loader).
    pub verifier_node: AccountLoader<'info, Node>,

    /// The root, created here (prefund-safe, `lumora_create`).
    /// CHECK: the `["verifier_root", epoch, verifier_node]` PDA (seeds checked here); the handler
    /// refuses an address this program already owns (`RootAlreadyPosted`).
    #[account(
        mut,
        seeds = [seeds::VERIFIER_ROOT, epoch.key().as_ref(), verifier_node.key().as_ref()],
        bump,
    )]
    pub verifier_root: UncheckedAccount<'info>,

    /// CHECK: address-checked against the instructions sysvar id; parsed by `ed25519.rs`.
    #[account(address = INSTRUCTIONS_SYSVAR_ID @ RewardsError::WrongInstructionsSysvar)]
    pub instructions_sysvar: UncheckedAccount<'info>,

    pub system_program: Program<'info, System>,
}

impl PostVerifierRoot<'_> {
    /// Returns the verifier's node key, operator and slot.
    pub fn validate(&self, leaf_count: u32, now: i64) -> Result<(Pubkey, Pubkey, u32)> {
        require!(!self.config.paused, RewardsError::ProtocolPaused);
        require!(self.epoch.in_credit_window(now), RewardsError::NotInCreditWindow);
        require!(self.verifier_root.owner != &crate::ID, RewardsError::RootAlreadyPosted);
        require!((1..=MAX_ROOT_LEAVES).contains(&leaf_count), RewardsError::InvalidLeafCount);
        let v = self.verifier_node.load()?;
        require!(v.status == STATUS_ACTIVE, RewardsError::VerifierNotActive);
        require!(v.roles & ROLE_VERIFIER != 0, RewardsError::NotAVerifier);
        require!(v.jailed == 0, RewardsError::VerifierJailed);
        // a slot handed out after the epoch opened was never drawn in it (NO_VERIFIER_SLOT = u32::MAX too)
        require!(v.verifier_slot < self.epoch.verifier_slots, RewardsError::VerifierSlotAfterSeed);
        Ok((v.node_key, v.operator, v.verifier_slot))
    }
}

/// Records a verifier's Merkle root over its totals of an ended epoch, once, from the ed25519
/// signature of its node key over the root message (`crate::root`) in the precompile instruction right
/// before this one. Permissionless: the signature is the authority, so anyone holding it may post.
pub fn handler(ctx: Context<PostVerifierRoot>, root: [u8; 32], leaf_count: u32) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let (node_key, operator, slot) = ctx.accounts.validate(leaf_count, now)?;
    let epoch_key = ctx.accounts.epoch.key();
    let epoch_index = ctx.accounts.epoch.index;
    let verifier = ctx.accounts.verifier_node.key();

    let sysvar = ctx.accounts.instructions_sysvar.try_borrow_data()?;
    let current = ed25519::current_index(&sysvar).ok_or(RewardsError::Ed25519InstructionNotFound)?;
    let previous = current.checked_sub(1).ok_or(RewardsError::Ed25519InstructionNotFound)?;
    let (program_id, data) =
        ed25519::instruction_at(&sysvar, previous).ok_or(RewardsError::Ed25519InstructionNotFound)?;
    require!(program_id == ED25519_PROGRAM_ID.as_ref(), RewardsError::Ed25519InstructionNotFound);
    ed25519::check_layout(data, 1, ROOT_MESSAGE_LEN)?;
    let (key, message) =
        ed25519::key_and_message(data, 1, 0, ROOT_MESSAGE_LEN).ok_or(RewardsError::Ed25519DataLength)?;
    require!(key == node_key.as_ref(), RewardsError::SignerNotVerifier);
    let expected = RootMessage {
        program_id: crate::ID.to_bytes(),
        epoch: epoch_index,
        verifier: verifier.to_bytes(),
        slot,
        root,
        leaf_count,
    }
    .encode();
    require!(message == expected.as_slice(), RewardsError::SignedMessageMismatch);
    drop(sysvar);

    let bump = [ctx.bumps.verifier_root];
    let signer: &[&[u8]] = &[seeds::VERIFIER_ROOT, epoch_key.as_ref(), verifier.as_ref(), &bump];
    let info = ctx.accounts.verifier_root.to_account_info();
    create_pda(
        &ctx.accounts.payer.to_account_info(),
        &info,
        ctx.accounts.system_program.key(),
        8 + VerifierRoot::INIT_SPACE,
        &crate::ID,
        signer,
        RewardsError::RootAlreadyPosted,
    )?;
    write_account(
        &info,
        &VerifierRoot {
            version: VERIFIER_ROOT_VERSION,
            bump: ctx.bumps.verifier_root,
            epoch_index,
            verifier,
            operator,
            slot,
            root,
            leaf_count,
            posted_at: now,
            payer: ctx.accounts.payer.key(),
            credit_deadline: ctx.accounts.epoch.credit_deadline,
        },
    )?;
    emit!(VerifierRootPosted { epoch: epoch_index, verifier, slot, root, leaf_count });
    Ok(())
}
