//! Every seed constant of the tasks program's `seeds.rs` derives the address pinned in
//! tests/vectors/seeds.json (entries `defined_in: "tasks"`); the check is shared (seed_vectors.rs).
#[path = "../../../tests/vectors/seed_vectors.rs"]
mod seed_vectors;
use lumora_tasks::seeds;

#[test]
fn tasks_pdas_match_the_shared_vectors() {
    seed_vectors::check(
        "tasks",
        &lumora_tasks::ID,
        &[
            ("TASK", seeds::TASK),
            ("TASK_VAULT", seeds::TASK_VAULT),
            ("BID", seeds::BID),
            ("RESULT", seeds::RESULT),
            ("CPI_AUTHORITY", seeds::CPI_AUTHORITY),
        ],
    );
}
