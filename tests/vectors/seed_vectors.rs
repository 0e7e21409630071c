//! The shared seed-vector check, included by each program's `tests/seeds.rs` with
//! `#[path = "../../../tests/vectors/seed_vectors.rs"] mod seed_vectors;`: every seed constant of a
//! program derives the address and bump pinned in tests/vectors/seeds.json (entries `defined_in`
//! = the program); sdk/test/pda.test.ts checks `pda.ts` against the same file.
use anchor_lang::prelude::Pubkey;
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

/// Checks that the vectors `defined_in` this program are exactly `consts`, and that each derives its
/// pinned address and bump under `program_id`.
pub fn check(defined_in: &str, program_id: &Pubkey, consts: &[(&str, &[u8])]) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/seeds.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let pdas: Vec<&Value> =
        v["pdas"].as_array().unwrap().iter().filter(|p| p["defined_in"] == defined_in).collect();
    assert_eq!(pdas.len(), consts.len(), "a vector without a seed constant (or the reverse)");
    for (name, seed) in consts {
        let p =
            pdas.iter().find(|p| p["seed_const"] == *name).unwrap_or_else(|| panic!("no vector for {name}"));
        assert_eq!(p["program_id"].as_str().unwrap(), program_id.to_string());
        let parts: Vec<Vec<u8>> = p["seeds"].as_array().unwrap().iter().map(part).collect();
        assert_eq!(parts[0], seed.to_vec(), "{name}: the constant's bytes");
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let (addr, bump) = Pubkey::find_program_address(&refs, program_id);
        assert_eq!(addr.to_string(), p["address"].as_str().unwrap(), "{name} address");
        assert_eq!(u64::from(bump), p["bump"].as_u64().unwrap(), "{name} bump");
    }
}
