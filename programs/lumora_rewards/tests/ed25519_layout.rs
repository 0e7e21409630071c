//! The precompile-layout checks and the allocation-free instructions-sysvar reader, on the host:
//! the sysvar bytes come from the runtime's own serializer (`construct_instructions_data`).
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::solana_program::sysvar::instructions::{construct_instructions_data, BorrowedInstruction};
use lumora_rewards::ed25519::*;
use lumora_rewards::errors::RewardsError;
use lumora_rewards::root::ROOT_MESSAGE_LEN as M;

const BLOCK_LEN: usize = block_len(M);

fn code(r: Result<(), RewardsError>) -> Result<(), u32> {
    r.map_err(|e| e as u32)
}

fn canonical(n: usize) -> Vec<u8> {
    let mut d = vec![0u8; expected_len(n, M)];
    d[0] = n as u8;
    let table = 2 + 14 * n;
    for i in 0..n {
        let block = table + BLOCK_LEN * i;
        let at = 2 + 14 * i;
        let put = |d: &mut Vec<u8>, o: usize, v: u16| d[at + o..at + o + 2].copy_from_slice(&v.to_le_bytes());
        put(&mut d, 0, (block + 32) as u16);
        put(&mut d, 2, u16::MAX);
        put(&mut d, 4, block as u16);
        put(&mut d, 6, u16::MAX);
        put(&mut d, 8, (block + 96) as u16);
        put(&mut d, 10, M as u16);
        put(&mut d, 12, u16::MAX);
        d[block] = 0xAA; // key marker
        d[block + 96] = 0xBB + i as u8; // message marker
    }
    d
}

#[test]
fn canonical_layout_is_accepted_and_read() {
    for n in 1..=16 {
        let d = canonical(n);
        assert_eq!(code(check_layout(&d, n, M)), Ok(()), "n = {n}");
        for i in 0..n {
            let (k, m) = key_and_message(&d, n, i, M).unwrap();
            assert_eq!((k.len(), k[0], m.len(), m[0]), (32, 0xAA, M, 0xBB + i as u8));
        }
    }
}

#[test]
fn each_malformation_has_its_error() {
    let d = canonical(2);
    assert_eq!(code(check_layout(&d, 1, M)), Err(RewardsError::Ed25519SignatureCount as u32));
    assert_eq!(code(check_layout(&d, 3, M)), Err(RewardsError::Ed25519SignatureCount as u32));
    assert_eq!(code(check_layout(&[], 1, M)), Err(RewardsError::Ed25519SignatureCount as u32));
    for field in [2, 6, 12] {
        let mut x = d.clone();
        x[2 + 14 + field..2 + 14 + field + 2].copy_from_slice(&0u16.to_le_bytes());
        assert_eq!(
            code(check_layout(&x, 2, M)),
            Err(RewardsError::Ed25519OffsetsOutside as u32),
            "field {field}"
        );
    }
    let mut longer = d.clone();
    longer.push(0);
    assert_eq!(code(check_layout(&longer, 2, M)), Err(RewardsError::Ed25519DataLength as u32));
    assert_eq!(code(check_layout(&d[..d.len() - 1], 2, M)), Err(RewardsError::Ed25519DataLength as u32));
    let mut padding = d.clone();
    padding[1] = 1;
    assert_eq!(code(check_layout(&padding, 2, M)), Err(RewardsError::Ed25519DataLength as u32));
    for field in [0, 4, 8, 10] {
        let mut x = d.clone();
        let at = 2 + field;
        let v = u16::from_le_bytes([x[at], x[at + 1]]).wrapping_add(1);
        x[at..at + 2].copy_from_slice(&v.to_le_bytes());
        assert_eq!(
            code(check_layout(&x, 2, M)),
            Err(RewardsError::Ed25519OffsetsInvalid as u32),
            "field {field}"
        );
    }
    // entry 1 aliasing entry 0's message
    let mut alias = d.clone();
    alias[2 + 14 + 8..2 + 14 + 10].copy_from_slice(&d[2 + 8..2 + 10]);
    assert_eq!(code(check_layout(&alias, 2, M)), Err(RewardsError::Ed25519OffsetsInvalid as u32));
}

#[test]
fn sysvar_reader_matches_the_runtime_serializer() {
    let p1 = Pubkey::new_unique();
    let ix = [
        Instruction { program_id: p1, accounts: vec![], data: vec![1, 2, 3] },
        Instruction {
            program_id: Pubkey::new_unique(),
            accounts: vec![
                AccountMeta::new(Pubkey::new_unique(), true),
                AccountMeta::new_readonly(Pubkey::new_unique(), false),
            ],
            data: canonical(1),
        },
        Instruction {
            program_id: lumora_rewards::ID,
            accounts: vec![AccountMeta::new(Pubkey::new_unique(), false)],
            data: vec![9; 40],
        },
    ];
    let borrowed: Vec<BorrowedInstruction> = ix
        .iter()
        .map(|i| BorrowedInstruction {
            program_id: &i.program_id,
            accounts: i
                .accounts
                .iter()
                .map(|a| anchor_lang::solana_program::sysvar::instructions::BorrowedAccountMeta {
                    pubkey: &a.pubkey,
                    is_signer: a.is_signer,
                    is_writable: a.is_writable,
                })
                .collect(),
            data: &i.data,
        })
        .collect();
    let mut data = construct_instructions_data(&borrowed);
    let len = data.len();
    data[len - 2..].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(current_index(&data), Some(2));
    for (k, i) in ix.iter().enumerate() {
        let (pid, d) = instruction_at(&data, k as u16).unwrap();
        assert_eq!(pid, i.program_id.as_ref());
        assert_eq!(d, i.data.as_slice());
    }
    assert_eq!(instruction_at(&data, 3), None);
    assert_eq!(instruction_at(&data[..10], 1), None, "truncated data is refused, never read out of bounds");
}
