use anchor_lang::prelude::*;
use anchor_spl::token::{self, Mint, Token, TokenAccount, Transfer};

use crate::constants::{NODE_VERSION, NO_VERIFIER_SLOT};
use crate::errors::RegistryError;
use crate::events::NodeRegistered;
use crate::math::shard_of;
use crate::seeds;
use crate::state::{roles, status, Config, Node, NodeProfile};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RegisterNodeArgs {
    /// Roles, location, bandwidth and multiaddr.
    pub profile: NodeProfile,
    /// LMR (base units) moved into the node's stake vault; at least `config.params.min_stake`.
    pub stake: u64,
}

#[derive(Accounts)]
pub struct RegisterNode<'info> {
    /// Owner of the node: pays rent, provides the stake.
    #[account(mut)]
    pub operator: Signer<'info>,

    /// The node's ed25519 hot key; signs to prove possession.
    pub node_key: Signer<'info>,

    /// Written when the node takes the VERIFIER role (its verifier slot).
    #[account(mut, seeds = [seeds::CONFIG], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,

    #[account(
        init,
        payer = operator,
        space = 8 + Node::INIT_SPACE,
        seeds = [seeds::NODE, node_key.key().as_ref()],
        bump,
    )]
    pub node: AccountLoader<'info, Node>,

    /// The node's stake vault: LMR token account owned by the node PDA.
    #[account(
        init,
        payer = operator,
        seeds = [seeds::STAKE_VAULT, node.key().as_ref()],
        bump,
        token::mint = lmr_mint,
        token::authority = node,
    )]
    pub stake_vault: Box<Account<'info, TokenAccount>>,

    #[account(address = config.lmr_mint @ RegistryError::WrongMint)]
    pub lmr_mint: Box<Account<'info, Mint>>,

    /// The operator's LMR account the stake comes from.
    #[account(
        mut,
        constraint = operator_tokens.mint == lmr_mint.key() @ RegistryError::WrongMint,
        constraint = operator_tokens.owner == operator.key() @ RegistryError::WrongTokenOwner,
    )]
    pub operator_tokens: Box<Account<'info, TokenAccount>>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl RegisterNode<'_> {
    pub fn validate(&self, args: &RegisterNodeArgs) -> Result<()> {
        self.config.require_not_paused()?;
        require_keys_neq!(self.node_key.key(), self.operator.key(), RegistryError::NodeKeyIsOperator);
        args.profile.validate()?;
        require!(args.stake >= self.config.params.min_stake, RegistryError::StakeBelowMinimum);
        Ok(())
    }
}

pub fn handler(ctx: Context<RegisterNode>, args: RegisterNodeArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let clock = Clock::get()?;
    let now = clock.unix_timestamp;
    let node_key = ctx.accounts.node_key.key();
    let shard = shard_of(&node_key.to_bytes(), ctx.accounts.config.shard_count);
    let verifier_slot = {
        let mut node = ctx.accounts.node.load_init()?;
        node.operator = ctx.accounts.operator.key();
        node.node_key = node_key;
        node.stake = args.stake;
        node.registered_at = now;
        // registration is the node's first sign of life (heartbeats are spaced from it)
        node.last_heartbeat_ts = now;
        node.last_heartbeat_slot = clock.slot;
        node.reputation = ctx.accounts.config.params.rep_initial;
        node.shard = shard;
        node.status = status::ACTIVE;
        node.bump = ctx.bumps.node;
        node.vault_bump = ctx.bumps.stake_vault;
        node.version = NODE_VERSION;
        args.profile.apply(&mut node);
        node.verifier_slot = NO_VERIFIER_SLOT;
        if node.has_role(roles::VERIFIER) {
            ctx.accounts.config.assign_verifier_slot(&mut node)?;
        }
        node.verifier_slot
    };
    token::transfer(
        CpiContext::new(
            ctx.accounts.token_program.key(),
            Transfer {
                from: ctx.accounts.operator_tokens.to_account_info(),
                to: ctx.accounts.stake_vault.to_account_info(),
                authority: ctx.accounts.operator.to_account_info(),
            },
        ),
        args.stake,
    )?;
    emit!(NodeRegistered {
        node: ctx.accounts.node.key(),
        operator: ctx.accounts.operator.key(),
        node_key,
        roles: args.profile.roles,
        shard,
        lat_e6: args.profile.lat_e6,
        lon_e6: args.profile.lon_e6,
        declared_bandwidth_kbps: args.profile.declared_bandwidth_kbps,
        bandwidth_cap_kbps: args.profile.bandwidth_cap_kbps,
        multiaddr: args.profile.multiaddr,
        stake: args.stake,
        verifier_slot,
    });
    Ok(())
}
