//! `math.rs` against tests/vectors/rewards_math.json (computed by Python with exact integers; the SDK's
//! rewards-math.ts is checked against the same file by sdk/test/rewards.test.ts).
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values
use lumora_rewards::math::{draw_seed, draw_slot, epoch_bounds, reward_share, shard_share};
use serde_json::Value;

fn v() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/rewards_math.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
fn n<T: std::str::FromStr>(v: &Value) -> T
where
    T::Err: std::fmt::Debug,
{
    v.as_str().unwrap().parse().unwrap()
}
fn opt(v: &Value) -> Option<u64> {
    v.as_str().map(|s| s.parse().unwrap())
}

#[test]
fn reward_and_shard_shares() {
    let v = v();
    let rewards = v["reward_share"].as_array().unwrap();
    for c in rewards {
        let got = reward_share(n(&c["contribution"]), n(&c["r_total"]), n(&c["total"]));
        assert_eq!(got, opt(&c["share"]), "{c}");
    }
    let shards = v["shard_share"].as_array().unwrap();
    let mut wide = 0;
    for c in shards {
        let total: u128 = n(&c["shard_total"]);
        wide += usize::from(total > u128::from(u64::MAX));
        assert_eq!(shard_share(total, n(&c["r_total"]), n(&c["total"])), opt(&c["share"]), "{c}");
    }
    assert!(rewards.len() > 200 && shards.len() > 200 && wide > 100, "the vectors cover the 192-bit path");
}

#[test]
fn epoch_bounds_match() {
    let v = v();
    for c in v["epoch_bounds"].as_array().unwrap() {
        let got = epoch_bounds(n(&c["index"]), c["epoch_length_secs"].as_u64().unwrap() as u32);
        assert_eq!(got, Some((n(&c["start_ts"]), n(&c["end_ts"]))), "{c}");
    }
}

fn hex32(v: &Value) -> [u8; 32] {
    let s = v.as_str().unwrap();
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

#[test]
fn verifier_draw_seeds_and_slots() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/draws.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for c in v["seeds"].as_array().unwrap() {
        let seed = draw_seed(n(&c["index"]), n(&c["slot"]), &hex32(&c["slot_hash"]));
        assert_eq!(seed, hex32(&c["seed"]), "{c}");
    }
    let mut count = 0;
    for c in v["draws"].as_array().unwrap() {
        let (seed, provider) = (hex32(&c["seed"]), hex32(&c["provider"]));
        let slots = c["slots"].as_u64().unwrap() as u32;
        for d in c["draws"].as_array().unwrap() {
            let want = d["slot"].as_u64().map(|s| s as u32);
            assert_eq!(draw_slot(&seed, &provider, d["j"].as_u64().unwrap() as u8, slots), want, "{c}");
            count += 1;
        }
    }
    assert!(count >= 40);
}
