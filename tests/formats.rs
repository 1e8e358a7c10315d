//! Machine formats: SARIF 2.1.0 (validated against the official JSON schema) and GitHub
//! workflow commands.

use std::path::{Path, PathBuf};

use pjsiplint::report::{github, sarif};
use pjsiplint::{lint_path, Settings};

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(path)
}

/// The SARIF 2.1.0 schema as published by OASIS, from the `serde-sarif` crate's sources (a
/// dev-dependency), found through `cargo metadata`: nothing is copied into this repository.
fn sarif_schema() -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency");
    let schema = Path::new(manifest).with_file_name("src/schema.json");
    serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    // Cases with secondary labels and fixes.
    let paths = [
        "demo/pjsip.conf",
        "header-garbage/bad.conf",
        "duplicate-option/bad.conf",
        "transport-bind-conflict/bad.conf",
    ];
    let mut linted: Vec<_> = paths
        .iter()
        .map(|p| lint_path(&corpus(p), &Settings::default()).unwrap())
        .collect();
    // And a `--trace` finding, whose evidence is a location in the capture.
    let mut traced = lint_path(
        &corpus("trace-credentials-rejected/bad.conf"),
        &Settings::default(),
    )
    .unwrap();
    let capture = std::fs::File::open(corpus("trace-credentials-rejected/bad.log")).unwrap();
    let report =
        pjsiplint::trace::analyse(capture, "bad.log", &traced, &Settings::default()).unwrap();
    traced.diagnostics.extend(report.diagnostics);
    linted.push(traced);
    let log = sarif::render(linted.iter().map(|l| (&l.config, l.diagnostics.as_slice())));
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // And it reads back as SARIF.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).unwrap();
    assert_eq!(typed.runs.len(), 1);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["fixes"].is_array()));
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), pjsiplint::rules::all_metas().count());
    assert!(results
        .iter()
        .any(|r| r["properties"]["evidence"]["capture"] == "bad.log"));
}

#[test]
fn github_annotations_name_file_line_and_rule() {
    let linted = lint_path(&corpus("header-garbage/bad.conf"), &Settings::default()).unwrap();
    let mut out = String::new();
    github::render(&linted.config, &linted.diagnostics, &mut out);
    let first = out
        .lines()
        .find(|line| line.contains("(header-garbage)"))
        .unwrap();
    assert!(first.starts_with("::warning file="), "{first}");
    assert!(first.contains(",line=1,col=18,"), "{first}");
    assert!(
        first.contains("title=pjsiplint (header-garbage)::"),
        "{first}"
    );
}
