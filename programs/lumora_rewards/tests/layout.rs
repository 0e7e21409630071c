//! `src/layout.rs` against the borsh encoding: each account `claim` reads by offset is serialised
//! (discriminator + borsh, as Anchor writes it) with a distinct value in every field, and each offset
//! must find its field. Moving or resizing a field before one of them fails here.
use anchor_lang::prelude::*;
use anchor_lang::{AccountSerialize, Space};
use lumora_rewards::layout::{
    self, contribution as c, epoch as e, epoch_shard as s, registry_config as rc, verifier_root as vr,
};
use lumora_rewards::lumora_registry::accounts::Config;
use lumora_rewards::lumora_registry::types::{ConfigParams, ScoreWeights};
use lumora_rewards::state::{Contribution, Epoch, EpochShard, VerifierRoot};

fn encode<T: AccountSerialize>(a: &T) -> Vec<u8> {
    let mut out = Vec::new();
    a.try_serialize(&mut out).unwrap();
    out
}
fn k(b: u8) -> Pubkey {
    Pubkey::new_from_array([b; 32])
}

#[test]
fn epoch_offsets() {
    let epoch = Epoch {
        version: 2,
        bump: 251,
        vault_bump: 3,
        index: 0x0102_0304_0506_0708,
        start_ts: 11,
        end_ts: 12,
        shard_count: 13,
        r_total: 0x1111_2222_3333_4444,
        shards_summed: 14,
        total_contribution: 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10,
        closed: true,
        claim_deadline: -0x0123_4567_89ab_cdef,
        dust_swept: false,
        dust: 15,
        dust_to_epoch: 16,
        contributing_shards: 17,
        shards_distributed: 18,
        distributed: 19,
        reserved: [0; 20],
        seed: [3; 32],
        verifier_slots: 9,
        verifier_draws: 5,
        opened_at: 1_700_000_000,
        credit_quorum: 3,
        credit_deadline: 1_700_043_200,
    };
    let d = encode(&epoch);
    assert_eq!(d.len(), e::LEN);
    assert_eq!(e::LEN, 8 + Epoch::INIT_SPACE);
    assert_eq!(d[e::BUMP], 251);
    assert_eq!(layout::u64_at(&d, e::INDEX), epoch.index);
    assert_eq!(layout::u64_at(&d, e::R_TOTAL), epoch.r_total);
    assert_eq!(layout::u128_at(&d, e::TOTAL_CONTRIBUTION), epoch.total_contribution);
    assert_eq!(d[e::CLOSED], 1);
    assert_eq!(layout::i64_at(&d, e::CLAIM_DEADLINE), epoch.claim_deadline);
    assert_eq!(layout::i64_at(&d, e::START_TS), 11);
    assert_eq!(layout::i64_at(&d, e::END_TS), 12);
    assert_eq!(layout::bytes32(&d, e::SEED), [3; 32]);
    assert_eq!(layout::u32_at(&d, e::VERIFIER_SLOTS), 9);
    assert_eq!(d[e::VERIFIER_DRAWS], 5);
    assert_eq!(layout::i64_at(&d, e::OPENED_AT), 1_700_000_000);
    assert_eq!(d[e::CREDIT_QUORUM], 3);
    assert_eq!(layout::i64_at(&d, e::CREDIT_DEADLINE), 1_700_043_200);
}

#[test]
fn verifier_root_offsets() {
    let root = VerifierRoot {
        version: 1,
        bump: 248,
        epoch_index: 0x0a0b_0c0d_0e0f_1011,
        verifier: k(4),
        operator: k(5),
        slot: 0x1234_5678,
        root: [6; 32],
        leaf_count: 7,
        posted_at: 8,
        payer: k(9),
        credit_deadline: 10,
    };
    let d = encode(&root);
    assert_eq!(d.len(), vr::LEN);
    assert_eq!(vr::LEN, 8 + VerifierRoot::INIT_SPACE);
    assert_eq!(layout::u64_at(&d, vr::EPOCH_INDEX), root.epoch_index);
    assert_eq!(layout::key(&d, vr::VERIFIER), k(4));
    assert_eq!(layout::key(&d, vr::OPERATOR), k(5));
    assert_eq!(layout::u32_at(&d, vr::SLOT), 0x1234_5678);
    assert_eq!(layout::bytes32(&d, vr::ROOT), [6; 32]);
}

#[test]
fn contribution_offsets() {
    let contribution = Contribution {
        version: 2,
        bump: 250,
        shard: 0x0a0b,
        epoch_index: 77,
        epoch: k(1),
        node: k(2),
        measured: 3,
        contribution: 0x5555_6666_7777_8888,
        operator: k(5),
        claimed: true,
        claimed_amount: 0x0909_0808_0707_0606,
        capacity_kbps: u32::MAX,
        live_ms: u32::MAX,
        rtt_ms: u32::MAX,
        verifier_count: 4,
        verifiers: [k(9); 4],
        payer: k(10),
    };
    let d = encode(&contribution);
    assert_eq!(d.len(), c::LEN);
    assert_eq!(c::LEN, 8 + Contribution::INIT_SPACE);
    assert_eq!(layout::u16_at(&d, c::SHARD), 0x0a0b);
    assert_eq!(layout::key(&d, c::EPOCH), k(1));
    assert_eq!(layout::key(&d, c::NODE), k(2));
    assert_eq!(layout::u64_at(&d, c::CONTRIBUTION), contribution.contribution);
    assert_eq!(layout::key(&d, c::OPERATOR), k(5));
    assert_eq!(d[c::CLAIMED], 1);
    assert_eq!(layout::u64_at(&d, c::CLAIMED_AMOUNT), contribution.claimed_amount);
}

#[test]
fn epoch_shard_offsets() {
    let shard = EpochShard {
        version: 2,
        bump: 249,
        shard: 0x0c0d,
        epoch: k(3),
        total_contribution: u128::MAX - 5,
        contributors: 6,
        distributed: true,
        vault: k(7),
        reward: 8,
        vault_rent_payer: k(9),
        dust_swept: true,
        dust: 10,
    };
    let d = encode(&shard);
    assert_eq!(d.len(), s::LEN);
    assert_eq!(s::LEN, 8 + EpochShard::INIT_SPACE);
    assert_eq!(layout::u16_at(&d, s::SHARD), 0x0c0d);
    assert_eq!(layout::key(&d, s::EPOCH), k(3));
    assert_eq!(layout::u128_at(&d, s::TOTAL_CONTRIBUTION), u128::MAX - 5);
    assert_eq!(layout::u32_at(&d, s::CONTRIBUTORS), 6);
    assert_eq!(d[s::DISTRIBUTED], 1);
    assert_eq!(layout::key(&d, s::VAULT), k(7));
}

#[test]
fn registry_config_offsets() {
    let config = Config {
        version: 1,
        bump: 2,
        treasury_bump: 3,
        paused: true,
        shard_count: 16,
        admin: k(1),
        pending_admin: k(2),
        lmr_mint: k(3),
        treasury: k(4),
        tasks_program: k(5),
        rewards_program: k(6),
        market_program: k(7),
        tasks_authority: k(8),
        rewards_authority: k(9),
        params: ConfigParams {
            weights: ScoreWeights { alpha_bps: 1, beta_bps: 2, gamma_bps: 3 },
            b_max_kbps: 4,
            epoch_length_secs: 5,
            claim_window_secs: 6,
            min_stake: 7,
            unstake_cooldown_secs: 8,
            rep_initial: 9,
            rep_k_up_bps: 10,
            rep_k_down_bps: 11,
            jail_threshold: 12,
            slash_bps: 13,
            protocol_fee_bps: 15,
            verifier_draws: 16,
            credit_per_stake_unit: 540,
            credit_quorum: 3,
            credit_window_secs: 43_200,
        },
        verifier_slots: 17,
        reserved: [0; 55],
    };
    let d = encode(&config);
    assert!(d.len() >= rc::LEN);
    assert_eq!(d[rc::PAUSED], 1);
    assert_eq!(layout::key(&d, rc::LMR_MINT), k(3));
    assert_eq!(layout::u32_at(&d, rc::CREDIT_PER_STAKE_UNIT), 540);
}
