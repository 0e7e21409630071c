use anchor_lang::prelude::*;
use anchor_lang::Discriminator;
use anchor_spl::token::Token;

use crate::errors::RewardsError;
use crate::events::RewardClaimed;
use crate::layout::{
    self, contribution as c, epoch as e, epoch_shard as s, registry_config as rc, spl_account as t,
};
use crate::lumora_registry;
use crate::math::reward_share;
use crate::state::{Contribution, Epoch, EpochShard};
use crate::vault::pay_signed_by_epoch;

/// Every account is read at fixed offsets after its owner, discriminator and length are checked
/// (`crate::layout`, whose offsets a host test pins against the borsh encoding of each type): claim is
/// the one instruction every contributor sends each epoch, and Anchor's borsh loads of these six
/// accounts cost ≈ 16.7k of its 24.7k CU. The accounts, their order and the IDL are unchanged.
#[derive(Accounts)]
pub struct Claim<'info> {
    /// CHECK: the registry Config — owner (registry program), discriminator and length checked in `handler`.
    pub config: UncheckedAccount<'info>,

    /// The closed epoch (read only: claims never write it).
    /// CHECK: owner (this program), discriminator and length checked in `handler`: a genuine Epoch
    /// (only `open_epoch` creates one, at `["epoch", index]`).
    pub epoch: UncheckedAccount<'info>,

    /// The node's contribution in this epoch; a genuine one records the epoch it was created for at
    /// `["contribution", epoch, node]` (compared instead of re-derived) and the node's operator then.
    /// CHECK: owner, discriminator, length and `epoch` checked in `handler`.
    #[account(mut)]
    pub contribution: UncheckedAccount<'info>,

    /// The node's shard in this epoch (read only: claims never write it); a genuine EpochShard records
    /// its epoch, shard number and claim vault (compared instead of derived).
    /// CHECK: owner, discriminator, length, `epoch` and `shard` checked in `handler`.
    pub epoch_shard: UncheckedAccount<'info>,

    /// The shard's claim vault: the only writable account a claim shares, and only with claims of
    /// the same shard.
    /// CHECK: must be the address `distribute_shard` recorded in the EpochShard; the token program
    /// checks its balance and the epoch PDA as its authority.
    #[account(mut)]
    pub shard_vault: UncheckedAccount<'info>,

    /// The LMR account of the operator recorded in the contribution: the reward goes there, whoever
    /// sends the claim.
    /// CHECK: owned by the token program, initialised, mint = the config's LMR, owner = the
    /// contribution's operator — checked in `handler`.
    #[account(mut)]
    pub operator_tokens: UncheckedAccount<'info>,

    pub token_program: Program<'info, Token>,
}

/// Pays `R_i = floor(c_i · R_total / Σc)` from the node's shard claim vault to the token account of
/// the operator recorded in its contribution, once per node per epoch. O(1): reads the epoch's final
/// totals, writes only this node's contribution and its shard's vault. Permissionless (the
/// destination is fixed), so a crank may claim for a node — also after the node has closed.
pub fn handler(ctx: Context<Claim>) -> Result<()> {
    let a = &ctx.accounts;
    let now = Clock::get()?.unix_timestamp;
    let token_program = a.token_program.key();

    layout::check(
        &a.config,
        &lumora_registry::ID,
        lumora_registry::accounts::Config::DISCRIMINATOR,
        rc::LEN,
    )?;
    layout::check(&a.epoch, &crate::ID, Epoch::DISCRIMINATOR, e::LEN)?;
    layout::check(&a.contribution, &crate::ID, Contribution::DISCRIMINATOR, c::LEN)?;
    layout::check(&a.epoch_shard, &crate::ID, EpochShard::DISCRIMINATOR, s::LEN)?;

    let config = a.config.try_borrow_data()?;
    require!(config[rc::PAUSED] == 0, RewardsError::ProtocolPaused);
    let lmr_mint = layout::key(&config, rc::LMR_MINT);

    let epoch = a.epoch.try_borrow_data()?;
    require!(epoch[e::CLOSED] != 0, RewardsError::EpochNotClosed);
    require!(now <= layout::i64_at(&epoch, e::CLAIM_DEADLINE), RewardsError::ClaimWindowOver);
    let epoch_key = a.epoch.key();

    let mut contribution = a.contribution.try_borrow_mut_data()?;
    require_keys_eq!(layout::key(&contribution, c::EPOCH), epoch_key, RewardsError::WrongContribution);
    require!(contribution[c::CLAIMED] == 0, RewardsError::AlreadyClaimed);
    let credited = layout::u64_at(&contribution, c::CONTRIBUTION);
    require!(credited > 0, RewardsError::NothingToClaim);
    let shard_no = layout::u16_at(&contribution, c::SHARD);
    let operator = layout::key(&contribution, c::OPERATOR);

    let shard = a.epoch_shard.try_borrow_data()?;
    require_keys_eq!(layout::key(&shard, s::EPOCH), epoch_key, RewardsError::WrongShard);
    require!(layout::u16_at(&shard, s::SHARD) == shard_no, RewardsError::WrongShard);
    require!(shard[s::DISTRIBUTED] != 0, RewardsError::ShardNotDistributed);
    require_keys_eq!(a.shard_vault.key(), layout::key(&shard, s::VAULT), RewardsError::WrongShardVault);

    {
        let tokens = a.operator_tokens.try_borrow_data()?;
        if *a.operator_tokens.owner != token_program {
            return Err(error!(ErrorCode::AccountOwnedByWrongProgram).with_account_name("operator_tokens"));
        }
        if tokens.len() < t::LEN || tokens[t::STATE] != t::INITIALIZED {
            return Err(error!(ErrorCode::AccountNotInitialized).with_account_name("operator_tokens"));
        }
        require_keys_eq!(layout::key(&tokens, t::MINT), lmr_mint, RewardsError::WrongMint);
        require_keys_eq!(layout::key(&tokens, t::OWNER), operator, RewardsError::WrongTokenOwner);
    }

    let amount = reward_share(
        credited,
        layout::u64_at(&epoch, e::R_TOTAL),
        layout::u128_at(&epoch, e::TOTAL_CONTRIBUTION),
    )
    .ok_or(RewardsError::MathOverflow)?;
    contribution[c::CLAIMED] = 1;
    if let Some(dst) = contribution.get_mut(c::CLAIMED_AMOUNT..c::CLAIMED_AMOUNT.saturating_add(8)) {
        dst.copy_from_slice(&amount.to_le_bytes());
    }
    let node = layout::key(&contribution, c::NODE);
    let (index, bump) = (layout::u64_at(&epoch, e::INDEX), epoch[e::BUMP]);
    drop((config, epoch, contribution, shard));

    pay_signed_by_epoch(
        token_program,
        (index, bump, a.epoch.to_account_info()),
        a.shard_vault.to_account_info(),
        a.operator_tokens.to_account_info(),
        amount,
    )?;
    emit!(RewardClaimed { epoch: index, node, operator, contribution: credited, amount });
    Ok(())
}
