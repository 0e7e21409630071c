//! The program's receipt codec reads the same bytes as the SDK: every vector of
//! tests/vectors/receipts.json (written from sdk/src/receipts.ts) decodes to its fields and re-encodes
//! byte for byte; the malformed ones do not decode.
#![allow(clippy::arithmetic_side_effects)] // host-only test arithmetic on bounded values

use lumora_rewards::receipt::{Receipt, RECEIPT_DOMAIN_TAG, RECEIPT_LEN};
use serde_json::Value;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn receipts_match_the_shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/receipts.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(hex(v["domain_tag_hex"].as_str().unwrap()), RECEIPT_DOMAIN_TAG);
    assert_eq!(
        v["program_id"].as_str().unwrap(),
        lumora_rewards::ID.to_string(),
        "receipts bind this program id"
    );
    let provider = hex(v["keys"]["provider"]["public_hex"].as_str().unwrap());
    let valid = v["valid"].as_array().unwrap();
    assert!(valid.len() >= 4);
    for case in valid {
        let name = case["name"].as_str().unwrap();
        let msg = hex(case["message_hex"].as_str().unwrap());
        assert_eq!(msg.len(), RECEIPT_LEN);
        let r = Receipt::decode(&msg).unwrap_or_else(|| panic!("{name}: decodes"));
        assert_eq!(r.program_id, lumora_rewards::ID.to_bytes(), "{name}");
        assert_eq!(r.provider.to_vec(), provider, "{name}");
        assert_eq!(r.epoch.to_string(), case["epoch"].as_str().unwrap(), "{name}");
        assert_eq!(r.fields.bytes.to_string(), case["bytes"].as_str().unwrap(), "{name}");
        assert_eq!(u64::from(r.fields.duration_ms), case["duration_ms"].as_u64().unwrap(), "{name}");
        assert_eq!(u64::from(r.fields.rtt_ms), case["rtt_ms"].as_u64().unwrap(), "{name}");
        assert_eq!(r.fields.seq.to_string(), case["seq"].as_str().unwrap(), "{name}");
        let key = case["verifier_seed_byte"].as_u64();
        let verifier = v["keys"]
            .as_object()
            .unwrap()
            .values()
            .find(|k| k["seed_byte"].as_u64() == key)
            .map(|k| hex(k["public_hex"].as_str().unwrap()))
            .unwrap();
        assert_eq!(r.verifier.to_vec(), verifier, "{name}");
        assert_eq!(r.encode().to_vec(), msg, "{name}: re-encodes byte for byte");
        assert_eq!(Receipt::epoch_of(&msg), Some(r.epoch));
    }
    for case in v["invalid"].as_array().unwrap() {
        let msg = hex(case["message_hex"].as_str().unwrap());
        let decoded = Receipt::decode(&msg);
        match case["reason"].as_str().unwrap() {
            "decode" => assert!(decoded.is_none(), "{}", case["name"]),
            _ => assert!(decoded.is_some(), "{}: well-formed, refused by signature or policy", case["name"]),
        }
    }
}
