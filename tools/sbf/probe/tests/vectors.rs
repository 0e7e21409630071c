//! The probe's operations computed natively on the host must equal the answers in
//! tests/vectors/sbf_probe.json (computed independently by gen_vectors.py). The same file is what the
//! SBF build is checked against in tests/adapter/probe.spec.ts — so host, Python and SBF agree.
use sbf_probe::ops;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/vectors/sbf_probe.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read sbf_probe.json")).expect("json")
}
fn num<T: std::str::FromStr>(v: &Value) -> T
where
    T::Err: std::fmt::Debug,
{
    v.as_str().expect("decimal string").parse().expect("number")
}

#[test]
fn mul_checked_matches_vectors() {
    for c in vectors()["mul_checked"].as_array().unwrap() {
        let (a, b): (u64, u64) = (num(&c["a"]), num(&c["b"]));
        let (ia, ib): (i64, i64) = (num(&c["ia"]), num(&c["ib"]));
        let got = ops::mul_checked(a, b).zip(ops::imul_checked(ia, ib));
        let want =
            if c["product"].is_null() { None } else { Some((num(&c["product"]), num(&c["iproduct"]))) };
        assert_eq!(got, want, "case {c}");
    }
}

#[test]
fn wide_matches_vectors() {
    for c in vectors()["wide"].as_array().unwrap() {
        let w = ops::wide(num(&c["a"]), num(&c["b"]), c["s"].as_u64().unwrap() as u8);
        assert_eq!(w.mul, num::<u128>(&c["mul"]), "mul {c}");
        assert_eq!(w.div, num::<u128>(&c["div"]), "div {c}");
        assert_eq!(w.rem, num::<u128>(&c["rem"]), "rem {c}");
        assert_eq!(w.shl, num::<u128>(&c["shl"]), "shl {c}");
        assert_eq!(w.shr, num::<u128>(&c["shr"]), "shr {c}");
        assert_eq!(w.ashr, num::<i128>(&c["ashr"]), "ashr {c}");
        assert_eq!(w.mul_div, num::<u128>(&c["mul_div"]), "mul_div {c}");
    }
}

#[test]
fn seven_matches_vectors() {
    for c in vectors()["seven"].as_array().unwrap() {
        let v: Vec<u64> = c["v"].as_array().unwrap().iter().map(num).collect();
        assert_eq!(ops::seven(v[0], v[1], v[2], v[3], v[4], v[5], v[6]), num::<u64>(&c["out"]), "{c}");
    }
}

#[test]
fn fmt_matches_vectors() {
    for c in vectors()["fmt"].as_array().unwrap() {
        let line = ops::fmt_line(num(&c["a"]), num(&c["b"]), num(&c["c"]), num(&c["d"]));
        assert_eq!(line, c["line"].as_str().unwrap());
    }
}

#[test]
fn signed_div_and_wide_return_match_vectors() {
    for c in vectors()["signed_div"].as_array().unwrap() {
        let got = ops::signed_div(num(&c["a"]), num(&c["b"]), num(&c["c"]), num(&c["d"]));
        let want = if c["q"].is_null() {
            None
        } else {
            Some((num(&c["q"]), num(&c["r"]), num(&c["q128"]), num(&c["r128"])))
        };
        assert_eq!(got, want, "{c}");
    }
    for c in vectors()["mul128_checked"].as_array().unwrap() {
        let got = ops::mul128_checked(num(&c["a"]), num(&c["b"]), num(&c["c"]), num(&c["d"]));
        let want =
            if c["product"].is_null() { None } else { Some((num(&c["product"]), num(&c["iproduct"]))) };
        assert_eq!(got, want, "{c}");
    }
    for c in vectors()["wide_return"].as_array().unwrap() {
        assert_eq!(ops::mix128(num(&c["a"]), num(&c["b"])), num::<u128>(&c["out"]), "{c}");
    }
}
