//! Every seed constant of `seeds.rs` derives the address pinned in tests/vectors/seeds.json — the same
//! file sdk/test/pda.test.ts checks `pda.ts` against, so the program and the SDK cannot drift apart.
use anchor_lang::prelude::Pubkey;
use lumora_registry::seeds;
use serde_json::Value;

#[test]
fn registry_pdas_match_the_shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/seeds.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let reg = &v["registry"];
    assert_eq!(reg["program_id"].as_str().unwrap(), lumora_registry::ID.to_string());
    let consts: &[(&str, &[u8])] = &[("CONFIG", seeds::CONFIG), ("TREASURY", seeds::TREASURY)];
    let pdas = reg["pdas"].as_array().unwrap();
    assert_eq!(pdas.len(), consts.len(), "every seed constant has a vector and vice versa");
    for (name, seed) in consts {
        let p =
            pdas.iter().find(|p| p["seed_const"] == *name).unwrap_or_else(|| panic!("no vector for {name}"));
        assert_eq!(p["seeds_utf8"][0].as_str().unwrap().as_bytes(), *seed, "{name} bytes");
        let (addr, bump) = Pubkey::find_program_address(&[seed], &lumora_registry::ID);
        assert_eq!(addr.to_string(), p["address"].as_str().unwrap(), "{name} address");
        assert_eq!(u64::from(bump), p["bump"].as_u64().unwrap(), "{name} bump");
    }
}
