//! `ConfigParams::validate` against tests/vectors/config_bounds.json — the same cases the SDK's
//! `validateConfigParams` is tested with (sdk/test/config.test.ts), so both sides enforce one table.
use anchor_lang::error::Error;
use lumora_registry::state::{ConfigParams, ScoreWeights};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/config_bounds.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read config_bounds.json")).expect("json")
}

fn int(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.parse().expect("decimal string"),
        v => v.as_u64().expect("unsigned integer"),
    }
}

fn set(p: &mut ConfigParams, key: &str, v: &Value) {
    let n = int(v);
    match key {
        "weights.alpha_bps" => p.weights.alpha_bps = n as u16,
        "weights.beta_bps" => p.weights.beta_bps = n as u16,
        "weights.gamma_bps" => p.weights.gamma_bps = n as u16,
        "b_max_kbps" => p.b_max_kbps = n,
        "epoch_length_secs" => p.epoch_length_secs = n as u32,
        "claim_window_secs" => p.claim_window_secs = n as u32,
        "min_stake" => p.min_stake = n,
        "unstake_cooldown_secs" => p.unstake_cooldown_secs = n as u32,
        "rep_initial" => p.rep_initial = n as u16,
        "rep_k_up_bps" => p.rep_k_up_bps = n as u16,
        "rep_k_down_bps" => p.rep_k_down_bps = n as u16,
        "jail_threshold" => p.jail_threshold = n as u16,
        "slash_bps" => p.slash_bps = n as u16,
        "protocol_fee_bps" => p.protocol_fee_bps = n as u16,
        "verifier_draws" => p.verifier_draws = n as u8,
        "credit_per_stake_unit" => p.credit_per_stake_unit = n as u32,
        "credit_quorum" => p.credit_quorum = n as u8,
        "credit_window_secs" => p.credit_window_secs = n as u32,
        other => panic!("unknown ConfigParams field in vectors: {other}"),
    }
}

fn base(v: &Value) -> ConfigParams {
    let b = &v["base"];
    let mut p = ConfigParams {
        weights: ScoreWeights { alpha_bps: 0, beta_bps: 0, gamma_bps: 0 },
        b_max_kbps: 0,
        epoch_length_secs: 0,
        claim_window_secs: 0,
        min_stake: 0,
        unstake_cooldown_secs: 0,
        rep_initial: 0,
        rep_k_up_bps: 0,
        rep_k_down_bps: 0,
        jail_threshold: 0,
        slash_bps: 0,
        protocol_fee_bps: 0,
        verifier_draws: 0,
        credit_per_stake_unit: 0,
        credit_quorum: 0,
        credit_window_secs: 0,
    };
    for (k, val) in b.as_object().unwrap() {
        if k == "weights" {
            for (wk, wv) in val.as_object().unwrap() {
                set(&mut p, &format!("weights.{wk}"), wv);
            }
        } else {
            set(&mut p, k, val);
        }
    }
    p
}

fn error_name(e: &Error) -> String {
    match e {
        Error::AnchorError(a) => a.error_name.clone(),
        other => panic!("not an AnchorError: {other:?}"),
    }
}

#[test]
fn every_case_of_the_shared_table() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 30, "the table lost cases");
    for c in cases {
        let mut p = base(&v);
        for (k, val) in c["set"].as_object().unwrap() {
            set(&mut p, k, val);
        }
        let got = p.validate().err().map(|e| error_name(&e));
        let want = c["error"].as_str().map(str::to_owned);
        assert_eq!(got, want, "case '{}'", c["name"]);
    }
}
