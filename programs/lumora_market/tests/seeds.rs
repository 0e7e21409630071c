//! Every seed constant of the market program's `seeds.rs` derives the address pinned in
//! tests/vectors/seeds.json (entries `defined_in: "market"`); the check is shared (seed_vectors.rs).
#[path = "../../../tests/vectors/seed_vectors.rs"]
mod seed_vectors;
use lumora_market::seeds;

#[test]
fn market_pdas_match_the_shared_vectors() {
    seed_vectors::check(
        "market",
        &lumora_market::ID,
        &[
            ("DATASET", seeds::DATASET),
            ("PURCHASE", seeds::PURCHASE),
            ("PURCHASE_VAULT", seeds::PURCHASE_VAULT),
        ],
    );
}
