//! Placeholder target: the binary Lumora runs is agave-validator's own `solana-test-validator`, built from this
//! crate's lockfile by `tools/validator/build.sh`. This crate only pins it.
fn main() {
    eprintln!("build the validator with tools/validator/build.sh (./lumora setup --validator)");
    std::process::exit(2);
}
