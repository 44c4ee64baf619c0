//! Tidy checks over the repository.

use std::process::Command;

use xtask::{rust_files, workspace_root};

/// Crates that would give the pure core I/O, a runtime or a clock.
const FORBIDDEN_IN_CORE: [&str; 10] = [
    "tokio",
    "axum",
    "hyper",
    "reqwest",
    "rusqlite",
    "sqlx",
    "tokio-postgres",
    "datafusion",
    "async-nats",
    "tracing-subscriber",
];

#[test]
fn core_depends_on_nothing_that_does_io() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "-p", "leuko-core", "-e", "normal", "--prefix", "none", "--locked", "--offline"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    let names: Vec<&str> = tree.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(names.contains(&"leuko-core"));
    for forbidden in FORBIDDEN_IN_CORE {
        assert!(!names.contains(&forbidden), "leuko-core depends on {forbidden}");
    }
    for internal in ["leuko-kb", "leuko-fhir", "leuko-api", "leuko-cli"] {
        assert!(!names.contains(&internal), "leuko-core depends on {internal}: dependencies must point inward");
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = workspace_root();
    let mut missing = Vec::new();
    for dir in ["crates", "xtask", "fuzz/fuzz_targets", "bench"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
            if !first.starts_with("//!") {
                missing.push(file.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    assert!(missing.is_empty(), "files without a `//!` module doc: {missing:#?}");
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let root = workspace_root();
    let mut offenders = Vec::new();
    for file in rust_files(&root.join("crates")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("#[ignore") || line.starts_with("#[should_panic") {
                offenders.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn core_reads_no_clock_or_environment() {
    // Belt and braces beside clippy's disallowed-methods: the words themselves must not appear.
    let root = workspace_root();
    for file in rust_files(&root.join("crates/leuko-core/src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for needle in ["Utc::now", "SystemTime::now", "Instant::now", "std::env::", "std::fs::", "std::net::"] {
            assert!(!text.contains(needle), "{} uses {needle}", file.display());
        }
    }
}
