//! `math.rs` against tests/vectors/registry_math.json (computed by Python; the SDK's
//! registry-math.ts is checked against the same file).
use lumora_registry::math::{epoch_index, reputation_after, shard_of, slash_amount};
use serde_json::Value;

fn v() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/registry_math.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

#[test]
fn reputation_cases_and_long_runs() {
    let v = v();
    for c in v["reputation"].as_array().unwrap() {
        let got = reputation_after(
            u(&c["r"]) as u16,
            c["success"].as_bool().unwrap(),
            u(&c["k_up_bps"]) as u16,
            u(&c["k_down_bps"]) as u16,
        );
        assert_eq!(u64::from(got), u(&c["out"]), "{c}");
    }
    for c in v["reputation_runs"].as_array().unwrap() {
        let pattern = c["pattern"].as_str().unwrap().as_bytes();
        let mut r = u(&c["start"]) as u16;
        for i in 0..u(&c["steps"]) as usize {
            r = reputation_after(
                r,
                pattern[i % pattern.len()] == b'S',
                u(&c["k_up_bps"]) as u16,
                u(&c["k_down_bps"]) as u16,
            );
        }
        assert_eq!(u64::from(r), u(&c["out"]), "{c}");
    }
}

#[test]
fn shard_epoch_and_slash_cases() {
    let v = v();
    for c in v["shard"].as_array().unwrap() {
        let hex = c["node_key_hex"].as_str().unwrap();
        let mut key = [0u8; 32];
        for (i, b) in key.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        assert_eq!(u64::from(shard_of(&key, u(&c["shard_count"]) as u16)), u(&c["shard"]), "{c}");
    }
    for c in v["epoch"].as_array().unwrap() {
        let ts: i64 = c["ts"].as_str().unwrap().parse().unwrap();
        let want: u64 = c["epoch"].as_str().unwrap().parse().unwrap();
        assert_eq!(epoch_index(ts, u(&c["epoch_length_secs"]) as u32), want, "{c}");
    }
    for c in v["slash"].as_array().unwrap() {
        let stake: u64 = c["stake"].as_str().unwrap().parse().unwrap();
        let want: u64 = c["amount"].as_str().unwrap().parse().unwrap();
        assert_eq!(slash_amount(stake, u(&c["slash_bps"]) as u16), want, "{c}");
    }
}
