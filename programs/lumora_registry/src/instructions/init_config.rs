use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::*;
use crate::errors::RegistryError;
use crate::events::ConfigInitialized;
use crate::program::LumoraRegistry;
use crate::seeds;
use crate::state::{Config, ConfigParams};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct InitConfigArgs {
    /// Governance authority of the new config (may differ from the upgrade authority signing).
    pub admin: Pubkey,
    /// Program id of `lumora_tasks`.
    pub tasks_program: Pubkey,
    /// Program id of `lumora_rewards`.
    pub rewards_program: Pubkey,
    /// Program id of `lumora_market`.
    pub market_program: Pubkey,
    /// Number of reward shards (fixed for the life of the config).
    pub shard_count: u16,
    /// Initial tunable parameters.
    pub params: ConfigParams,
}

#[derive(Accounts)]
pub struct InitConfig<'info> {
    /// The registry program's upgrade authority: only the deployer can create the config, so nobody
    /// can front-run the deployment and seize governance.
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(
        init,
        payer = authority,
        space = 8 + Config::INIT_SPACE,
        seeds = [seeds::CONFIG],
        bump,
    )]
    pub config: Account<'info, Config>,

    /// The LMR mint.
    pub lmr_mint: Account<'info, Mint>,

    /// Protocol treasury: LMR token account owned by the config PDA.
    #[account(
        init,
        payer = authority,
        seeds = [seeds::TREASURY],
        bump,
        token::mint = lmr_mint,
        token::authority = config,
    )]
    pub treasury: Account<'info, TokenAccount>,

    #[account(constraint = program.programdata_address()? == Some(program_data.key()) @ RegistryError::WrongProgramData)]
    pub program: Program<'info, LumoraRegistry>,

    #[account(constraint = program_data.upgrade_authority_address == Some(authority.key()) @ RegistryError::NotUpgradeAuthority)]
    pub program_data: Account<'info, ProgramData>,

    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl InitConfig<'_> {
    pub fn validate(&self, args: &InitConfigArgs) -> Result<()> {
        require!(args.admin != Pubkey::default(), RegistryError::InvalidNewAdmin);
        require!(
            (SHARD_COUNT_MIN..=SHARD_COUNT_MAX).contains(&args.shard_count),
            RegistryError::ShardCountOutOfBounds
        );
        let ids = [args.tasks_program, args.rewards_program, args.market_program];
        for (i, id) in ids.iter().enumerate() {
            require!(
                *id != Pubkey::default() && *id != crate::ID && !ids[..i].contains(id),
                RegistryError::InvalidProgramId
            );
        }
        args.params.validate()
    }
}

pub fn handler(ctx: Context<InitConfig>, args: InitConfigArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let config = &mut ctx.accounts.config;
    config.set_inner(Config {
        version: CONFIG_VERSION,
        bump: ctx.bumps.config,
        treasury_bump: ctx.bumps.treasury,
        paused: false,
        shard_count: args.shard_count,
        admin: args.admin,
        pending_admin: Pubkey::default(),
        lmr_mint: ctx.accounts.lmr_mint.key(),
        treasury: ctx.accounts.treasury.key(),
        tasks_program: args.tasks_program,
        rewards_program: args.rewards_program,
        market_program: args.market_program,
        tasks_authority: Pubkey::find_program_address(&[seeds::CPI_AUTHORITY], &args.tasks_program).0,
        rewards_authority: Pubkey::find_program_address(&[seeds::CPI_AUTHORITY], &args.rewards_program).0,
        params: args.params,
        verifier_slots: 0,
        reserved: [0; 55],
    });
    config.invariant()?;
    emit!(ConfigInitialized {
        config: config.key(),
        admin: config.admin,
        lmr_mint: config.lmr_mint,
        treasury: config.treasury,
        tasks_program: config.tasks_program,
        rewards_program: config.rewards_program,
        market_program: config.market_program,
        shard_count: config.shard_count,
        params: config.params,
    });
    Ok(())
}
