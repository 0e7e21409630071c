//! `math::split_price` against tests/vectors/market_fee.json (computed by Python's integers); the SDK's
//! `market-math.ts` is checked against the same file by sdk/test/market-math.test.ts.
use lumora_market::math::split_price;
use serde_json::Value;

#[test]
fn fee_split_matches_the_shared_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/market_fee.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 50);
    for c in cases {
        let price: u64 = c["price"].as_str().unwrap().parse().unwrap();
        let bps = c["fee_bps"].as_u64().unwrap() as u16;
        let fee: u64 = c["fee"].as_str().unwrap().parse().unwrap();
        let seller: u64 = c["seller_amount"].as_str().unwrap().parse().unwrap();
        assert_eq!(split_price(price, bps), Some((fee, seller)), "price {price} bps {bps}");
    }
    for c in v["rejected"].as_array().unwrap() {
        let price: u64 = c["price"].as_str().unwrap().parse().unwrap();
        assert_eq!(split_price(price, c["fee_bps"].as_u64().unwrap() as u16), None);
    }
}
