//! Every seed constant of the market program's `seeds.rs` derives the address pinned in
//! tests/vectors/seeds.json (entries `defined_in: "market"`); sdk/test/pda.test.ts checks `pda.ts`.
use anchor_lang::prelude::Pubkey;
use lumora_market::seeds;
use serde_json::Value;
use std::str::FromStr;

fn part(p: &Value) -> Vec<u8> {
    if let Some(s) = p["utf8"].as_str() {
        return s.as_bytes().to_vec();
    }
    if let Some(k) = p["pubkey"].as_str() {
        return Pubkey::from_str(k).unwrap().to_bytes().to_vec();
    }
    if let Some(n) = p["u64le"].as_str() {
        return n.parse::<u64>().unwrap().to_le_bytes().to_vec();
    }
    (p["u16le"].as_u64().unwrap() as u16).to_le_bytes().to_vec()
}

#[test]
fn market_pdas_match_the_shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/seeds.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let consts: &[(&str, &[u8])] = &[
        ("DATASET", seeds::DATASET),
        ("PURCHASE", seeds::PURCHASE),
        ("PURCHASE_VAULT", seeds::PURCHASE_VAULT),
    ];
    let pdas: Vec<&Value> =
        v["pdas"].as_array().unwrap().iter().filter(|p| p["defined_in"] == "market").collect();
    assert_eq!(pdas.len(), consts.len(), "a vector without a seed constant (or the reverse)");
    for (name, seed) in consts {
        let p =
            pdas.iter().find(|p| p["seed_const"] == *name).unwrap_or_else(|| panic!("no vector for {name}"));
        assert_eq!(p["program_id"].as_str().unwrap(), lumora_market::ID.to_string());
        let parts: Vec<Vec<u8>> = p["seeds"].as_array().unwrap().iter().map(part).collect();
        assert_eq!(parts[0], seed.to_vec(), "{name}: the constant's bytes");
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let (addr, bump) = Pubkey::find_program_address(&refs, &lumora_market::ID);
        assert_eq!(addr.to_string(), p["address"].as_str().unwrap(), "{name} address");
        assert_eq!(u64::from(bump), p["bump"].as_u64().unwrap(), "{name} bump");
    }
}
