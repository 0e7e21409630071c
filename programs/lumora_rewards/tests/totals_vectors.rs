//! `root.rs` against tests/vectors/totals.json (computed by Python's hashlib; the SDK's totals.ts is
//! checked against the same file by sdk/test/totals.test.ts): the signed root message, every leaf of
//! eight trees with its proof folding to the tree's root, and capacity-time credits.
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values
use lumora_rewards::root::{capacity_time, fold, leaf, RootMessage, Total};
use serde_json::Value;

fn v() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/totals.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
fn hex(v: &Value) -> Vec<u8> {
    let s = v.as_str().unwrap();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}
fn hex32(v: &Value) -> [u8; 32] {
    hex(v).try_into().unwrap()
}
fn u32_of(v: &Value) -> u32 {
    u32::try_from(v.as_u64().unwrap()).unwrap()
}

#[test]
fn root_messages() {
    let v = v();
    for c in v["root_messages"].as_array().unwrap() {
        let m = RootMessage {
            program_id: hex32(&c["program_id"]),
            epoch: c["epoch"].as_str().unwrap().parse().unwrap(),
            verifier: hex32(&c["verifier"]),
            slot: u32_of(&c["slot"]),
            root: hex32(&c["root"]),
            leaf_count: u32_of(&c["leaf_count"]),
        };
        assert_eq!(m.encode().to_vec(), hex(&c["message"]), "{c}");
    }
}

#[test]
fn leaves_and_proofs_fold_to_the_root() {
    let v = v();
    let mut leaves = 0;
    for t in v["trees"].as_array().unwrap() {
        let root = hex32(&t["root"]);
        for l in t["leaves"].as_array().unwrap() {
            let total = Total {
                live_ms: u32_of(&l["total"]["live_ms"]),
                capacity_kbps: u32_of(&l["total"]["capacity_kbps"]),
                rtt_ms: u32_of(&l["total"]["rtt_ms"]),
                bytes: l["total"]["bytes"].as_str().unwrap().parse().unwrap(),
            };
            let got = leaf(&hex32(&l["provider"]), &total);
            assert_eq!(got, hex32(&l["leaf"]), "{l}");
            let path: Vec<[u8; 32]> = l["path"].as_array().unwrap().iter().map(hex32).collect();
            assert_eq!(fold(got, &path), root, "{l}");
            // one flipped bit anywhere in the total and the proof no longer folds to the root
            let forged = Total { bytes: total.bytes ^ 1, ..total };
            assert_ne!(fold(leaf(&hex32(&l["provider"]), &forged), &path), root);
            leaves += 1;
        }
    }
    assert_eq!(leaves, 224);
}

#[test]
fn capacity_time_credits() {
    let v = v();
    for c in v["capacity_time"].as_array().unwrap() {
        let t = Total {
            live_ms: u32_of(&c["live_ms"]),
            capacity_kbps: u32_of(&c["capacity_kbps"]),
            rtt_ms: 0,
            bytes: 0,
        };
        let got = capacity_time(
            &t,
            c["cap_kbps"].as_str().unwrap().parse().unwrap(),
            c["epoch_ms"].as_str().unwrap().parse().unwrap(),
        );
        assert_eq!(got.to_string(), c["credit"].as_str().unwrap(), "{c}");
    }
}
