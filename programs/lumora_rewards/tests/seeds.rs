//! Every seed constant of the rewards program derives the address pinned in tests/vectors/seeds.json
//! (`rewards_pdas`) — the same entries sdk/test/rewards.test.ts checks `pda.ts` against.
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values

use anchor_lang::prelude::Pubkey;
use lumora_rewards::seeds;
use serde_json::Value;
use std::str::FromStr;

#[test]
fn rewards_pdas_match_the_shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/seeds.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let consts: &[(&str, &[u8])] = &[
        ("EPOCH", seeds::EPOCH),
        ("VAULT", seeds::VAULT),
        ("EPOCH_SHARD", seeds::EPOCH_SHARD),
        ("SHARD_VAULT", seeds::SHARD_VAULT),
        ("CONTRIBUTION", seeds::CONTRIBUTION),
        ("VERIFIER_ROOT", seeds::VERIFIER_ROOT),
        ("CPI_AUTHORITY", seeds::CPI_AUTHORITY),
    ];
    let pdas = v["rewards_pdas"].as_array().unwrap();
    for (name, seed) in consts {
        let cases: Vec<&Value> = pdas.iter().filter(|p| p["seed_const"] == *name).collect();
        assert_eq!(cases.len(), 1, "one vector for {name}");
        let p = cases[0];
        assert_eq!(p["program_id"].as_str().unwrap(), lumora_rewards::ID.to_string());
        let parts = p["seeds"].as_array().unwrap();
        assert_eq!(parts[0]["utf8"].as_str().unwrap().as_bytes(), *seed, "{name}: the constant's bytes");
        let mut bytes: Vec<Vec<u8>> = vec![seed.to_vec()];
        for part in &parts[1..] {
            if let Some(k) = part["pubkey"].as_str() {
                bytes.push(Pubkey::from_str(k).unwrap().to_bytes().to_vec());
            } else if let Some(x) = part["u64_le"].as_str() {
                bytes.push(x.parse::<u64>().unwrap().to_le_bytes().to_vec());
            } else {
                bytes.push((part["u16_le"].as_u64().unwrap() as u16).to_le_bytes().to_vec());
            }
        }
        let refs: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
        let (addr, bump) = Pubkey::find_program_address(&refs, &lumora_rewards::ID);
        assert_eq!(addr.to_string(), p["address"].as_str().unwrap(), "{name} address");
        assert_eq!(u64::from(bump), p["bump"].as_u64().unwrap(), "{name} bump");
        if *name == "CPI_AUTHORITY" {
            let (a, b) = lumora_rewards::constants::CPI_AUTHORITY_PDA;
            assert_eq!((Pubkey::new_from_array(a), b), (addr, bump), "the compile-time authority PDA");
        }
    }
    assert_eq!(pdas.len(), consts.len(), "a vector without a seed constant (or the reverse)");
}
