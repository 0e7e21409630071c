//! tests/vectors/score.json is produced here (`LUMORA_WRITE_VECTORS=1 cargo test -p lumora_tasks
//! --test score_vectors`) and checked here otherwise; sdk/test/task-math.test.ts checks the SDK's
//! `scoreNode` and `distanceKm` against the same file — the program and the SDK return the same
//! integers for every vector.
#![allow(clippy::arithmetic_side_effects)] // host test: case generation, not program logic
use lumora_tasks::math::{distance_km, score, ScoreInput};
use serde_json::{json, Value};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/score.json");

struct Case {
    name: &'static str,
    w: (u16, u16, u16),
    b_max: u64,
    declared: u64,
    verified: u64,
    node: (i32, i32),
    task: (i32, i32),
    latency: u32,
}

fn cases() -> Vec<Case> {
    let berlin = (52_520_008, 13_404_954);
    let paris = (48_856_613, 2_352_222);
    let tokyo = (35_676_192, 139_650_311);
    let c = |name, w, b_max, declared, verified, node, task, latency| Case {
        name,
        w,
        b_max,
        declared,
        verified,
        node,
        task,
        latency,
    };
    let mut v = vec![
        c(
            "same place, full bandwidth, 1 ms",
            (5_000, 3_000, 2_000),
            1_000_000,
            1_000_000,
            1_000_000,
            berlin,
            berlin,
            1,
        ),
        c("zero bandwidth verified", (5_000, 3_000, 2_000), 1_000_000, 1_000_000, 0, berlin, paris, 20),
        c("declared below verified", (5_000, 3_000, 2_000), 1_000_000, 250_000, 900_000, berlin, paris, 20),
        c(
            "huge bandwidth capped at B_max",
            (5_000, 3_000, 2_000),
            1_000_000,
            u64::MAX,
            u64::MAX,
            paris,
            berlin,
            20,
        ),
        c("antipodal", (5_000, 3_000, 2_000), 1_000_000, 500_000, 500_000, (0, 0), (0, 180_000_000), 150),
        c(
            "pole to pole",
            (5_000, 3_000, 2_000),
            1_000_000,
            500_000,
            500_000,
            (90_000_000, 0),
            (-90_000_000, 0),
            150,
        ),
        c("latency unmeasured", (5_000, 3_000, 2_000), 1_000_000, 500_000, 500_000, berlin, paris, 0),
        c("latency very high", (5_000, 3_000, 2_000), 1_000_000, 500_000, 500_000, berlin, tokyo, u32::MAX),
        c("alpha only", (10_000, 0, 0), 1_000_000, 700_000, 600_000, berlin, tokyo, 30),
        c("beta only", (0, 10_000, 0), 1_000_000, 700_000, 600_000, berlin, berlin, 30),
        c("gamma only", (0, 0, 10_000), 1_000_000, 700_000, 600_000, berlin, tokyo, 1),
        c("B_max 1 kbps", (5_000, 3_000, 2_000), 1, 1, 1, berlin, tokyo, 7),
        c("B_max at its bound", (5_000, 3_000, 2_000), 100_000_000, 100_000_000, 99_999_999, tokyo, paris, 7),
        c(
            "across the antimeridian",
            (3_333, 3_333, 3_334),
            1_000_000,
            10_000,
            10_000,
            (0, 179_900_000),
            (0, -179_900_000),
            2,
        ),
        c(
            "extreme coordinates",
            (5_000, 3_000, 2_000),
            1_000_000,
            1,
            1,
            (-90_000_000, -180_000_000),
            (90_000_000, 180_000_000),
            9,
        ),
    ];
    // a deterministic spread of ordinary cases
    let mut s = 0x243f_6a88_85a3_08d3u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for _ in 0..60 {
        let a = (next() % 10_001) as u16;
        let b = (next() % (10_001 - u64::from(a))) as u16;
        let lat = |x: u64| (x % 180_000_001) as i32 - 90_000_000;
        let lon = |x: u64| (x % 360_000_001) as i32 - 180_000_000;
        v.push(c(
            "random",
            (a, b, 10_000 - a - b),
            1 + next() % 100_000_000,
            next() % 200_000_000,
            next() % 200_000_000,
            (lat(next()), lon(next())),
            (lat(next()), lon(next())),
            (next() % 2_000) as u32,
        ));
    }
    v
}

fn compute(c: &Case) -> Value {
    let d = distance_km(c.node.0, c.node.1, c.task.0, c.task.1);
    let s = score(&ScoreInput {
        alpha_bps: c.w.0,
        beta_bps: c.w.1,
        gamma_bps: c.w.2,
        b_max_kbps: c.b_max,
        declared_bandwidth_kbps: c.declared,
        verified_bandwidth_kbps: c.verified,
        distance_km: d,
        verified_latency_ms: c.latency,
    });
    json!({
        "name": c.name,
        "alpha_bps": c.w.0, "beta_bps": c.w.1, "gamma_bps": c.w.2,
        "b_max_kbps": c.b_max.to_string(),
        "declared_bandwidth_kbps": c.declared.to_string(),
        "verified_bandwidth_kbps": c.verified.to_string(),
        "node_lat_e6": c.node.0, "node_lon_e6": c.node.1,
        "task_lat_e6": c.task.0, "task_lon_e6": c.task.1,
        "verified_latency_ms": c.latency,
        "distance_km": d.to_string(),
        "score": s.to_string(),
    })
}

#[test]
fn score_vectors() {
    let computed: Vec<Value> = cases().iter().map(compute).collect();
    if std::env::var("LUMORA_WRITE_VECTORS").is_ok() {
        let doc = json!({
            "comment": "written by programs/lumora_tasks/tests/score_vectors.rs (LUMORA_WRITE_VECTORS=1); read by it and by sdk/test/task-math.test.ts",
            "scale": 1_000_000,
            "cases": computed,
        });
        std::fs::write(PATH, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
        return;
    }
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(PATH).expect("score.json (write it with LUMORA_WRITE_VECTORS=1)"),
    )
    .unwrap();
    assert_eq!(doc["cases"].as_array().unwrap(), &computed, "score.json differs from the program's math");
}
