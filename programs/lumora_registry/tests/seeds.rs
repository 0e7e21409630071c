//! Every seed constant of `seeds.rs` derives the address pinned in tests/vectors/seeds.json — the same
//! file sdk/test/pda.test.ts checks `pda.ts` against, so the program and the SDK cannot drift apart.
use anchor_lang::prelude::Pubkey;
use lumora_registry::seeds;
use serde_json::Value;
use std::str::FromStr;

#[test]
fn registry_pdas_match_the_shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/seeds.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(v["registry_program_id"].as_str().unwrap(), lumora_registry::ID.to_string());
    let consts: &[(&str, &[u8])] = &[
        ("CONFIG", seeds::CONFIG),
        ("TREASURY", seeds::TREASURY),
        ("NODE", seeds::NODE),
        ("STAKE_VAULT", seeds::STAKE_VAULT),
        ("CPI_AUTHORITY", seeds::CPI_AUTHORITY),
    ];
    let pdas: Vec<&Value> =
        v["pdas"].as_array().unwrap().iter().filter(|p| p["defined_in"] == "registry").collect();
    for (name, seed) in consts {
        let cases: Vec<&&Value> = pdas.iter().filter(|p| p["seed_const"] == *name).collect();
        assert!(!cases.is_empty(), "no vector for {name}");
        for p in cases {
            let parts = p["seeds"].as_array().unwrap();
            assert_eq!(parts[0]["utf8"].as_str().unwrap().as_bytes(), *seed, "{name}: the constant's bytes");
            let mut bytes: Vec<Vec<u8>> = vec![seed.to_vec()];
            for part in &parts[1..] {
                bytes.push(Pubkey::from_str(part["pubkey"].as_str().unwrap()).unwrap().to_bytes().to_vec());
            }
            let refs: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
            let program = Pubkey::from_str(p["program_id"].as_str().unwrap()).unwrap();
            let (addr, bump) = Pubkey::find_program_address(&refs, &program);
            assert_eq!(addr.to_string(), p["address"].as_str().unwrap(), "{name} address");
            assert_eq!(u64::from(bump), p["bump"].as_u64().unwrap(), "{name} bump");
        }
    }
    assert_eq!(pdas.len(), 6, "a registry vector without a seed constant (or the reverse)");
}
