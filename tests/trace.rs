//! `--trace`: every scenario of ../shared/traces diagnosed as its truth.json (STORY.md) says, from
//! each form of its capture alike; each trace rule's bad and clean case under corpus/; no
//! password or captured response in any output format.

use std::path::{Path, PathBuf};
use std::process::Command;

use pjsiplint::trace::rules::TRACE_RULES;
use pjsiplint::trace::{analyse, TraceReport};
use pjsiplint::{lint_path, Linted, Settings};

const FORMS: &[&str] = &[
    "capture.pcap",
    "capture.pcapng",
    "logger.pcap",
    "pjsip-logger.txt",
];

fn traces() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traces");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/traces is missing (CI always has it)");
        None
    }
}

fn scenarios(dir: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("truth.json").is_file())
        .collect();
    list.sort();
    list
}

fn run(config: &Path, capture: &Path) -> (Linted, TraceReport) {
    let linted = lint_path(config, &Settings::default()).unwrap();
    let file = std::fs::File::open(capture).unwrap();
    let report = analyse(
        file,
        &capture.display().to_string(),
        &linted,
        &Settings::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", capture.display()));
    (linted, report)
}

/// The rule a scenario's failure must be reported under.
fn expected_rule(truth: &serde_json::Value) -> Option<&'static str> {
    let failure = truth["failure"].as_str().unwrap_or("");
    if failure.starts_with("none") {
        return None;
    }
    let matches = truth["digest_matches_configured_password"].as_bool();
    Some(match failure {
        f if f.contains("realm") => "trace-realm-mismatch",
        f if f.contains("outbound-auth") || f.contains("unanswered") => {
            "trace-challenge-unanswered"
        }
        f if f.contains("forbidden") || f.contains("403") => "trace-forbidden-after-auth",
        f if f.contains("no-response") || f.contains("timeout") => "trace-no-response",
        f if f.contains("stale") => "trace-stale-nonce-loop",
        f if f.contains("endpoint") => "trace-no-matching-endpoint",
        f if f.contains("nat") => "trace-nat-private-address",
        _ if matches == Some(true) => "trace-credentials-rejected",
        _ => "trace-digest-mismatch",
    })
}

#[test]
fn every_scenario_gets_its_true_cause_from_every_form() {
    let Some(dir) = traces() else {
        return;
    };
    for scenario in scenarios(&dir) {
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(scenario.join("truth.json")).unwrap())
                .unwrap();
        let config = scenario.join("pbx/pjsip.conf");
        let expected = expected_rule(&truth);
        let mut forms = 0;
        for form in FORMS {
            let capture = scenario.join(form);
            if !capture.is_file() {
                continue;
            }
            forms += 1;
            let (linted, report) = run(&config, &capture);
            let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
            let at = format!("{}", capture.display());
            match expected {
                None => assert!(
                    rules.is_empty(),
                    "{at}: no trace finding expected: {rules:?}"
                ),
                Some(rule) => {
                    assert_eq!(rules, [rule], "{at}: one finding, the true cause");
                    let diagnostic = &report.diagnostics[0];
                    assert!(diagnostic.evidence.is_some(), "{at}: evidence");
                    check_location(&linted, diagnostic, &truth, &at);
                }
            }
        }
        assert!(forms >= 2, "{}: at least two forms", scenario.display());
    }
}

/// The finding points at the option truth.json names (or the object's header when the option
/// is not written), when that object is in the pbx's file.
fn check_location(
    linted: &Linted,
    diagnostic: &pjsiplint::diagnostic::Diagnostic,
    truth: &serde_json::Value,
    at: &str,
) {
    let finding = &truth["findings"][0];
    let (Some(object), Some(option)) = (finding["object"].as_str(), finding["option"].as_str())
    else {
        return;
    };
    let span = diagnostic.primary.span;
    let file = linted.config.file(span.file);
    let line = file.line_col(span.start).line;
    let text = String::from_utf8_lossy(&file.bytes)
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim()
        .to_owned();
    if !String::from_utf8_lossy(&file.bytes).contains(&format!("[{object}]")) {
        return;
    }
    assert!(
        text.starts_with(option) || text.starts_with(&format!("[{object}]")),
        "{at}: the finding should point at `{option}` of `{object}`, not `{text}`"
    );
}

#[test]
fn trace_rules_have_docs_and_corpus_cases() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for meta in TRACE_RULES {
        for heading in ["## What", "## Why", "## Example", "## Fix"] {
            assert!(
                meta.doc.contains(heading),
                "{} doc lacks {heading}",
                meta.name
            );
        }
        assert!(pjsiplint::rules::find_meta(meta.name).is_some());
        for (case, triggers) in [("bad", true), ("clean", false)] {
            let dir = corpus.join(meta.name);
            let (_, report) = run(
                &dir.join(format!("{case}.conf")),
                &dir.join(format!("{case}.log")),
            );
            let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
            assert_eq!(
                rules.contains(&meta.name),
                triggers,
                "{}/{case}: {rules:?}",
                meta.name
            );
        }
    }
}

/// Every value after `password=` (configs, SIPp scenarios) and the captured `response=` values.
fn secrets_of(scenario: &Path) -> Vec<String> {
    let mut secrets = Vec::new();
    let mut texts = Vec::new();
    for sub in ["pbx", "provider", "phone"] {
        if let Ok(entries) = std::fs::read_dir(scenario.join(sub)) {
            for entry in entries.flatten() {
                texts.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
    }
    for text in &texts {
        for part in text.split("password").skip(1) {
            let value: String = part
                .trim_start_matches([' ', '=', ':', '"'])
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | ']' | ';'))
                .collect();
            if value.len() >= 4 {
                secrets.push(value);
            }
        }
    }
    let log = std::fs::read_to_string(scenario.join("pjsip-logger.txt")).unwrap_or_default();
    for part in log.split("response=\"").skip(1) {
        secrets.push(part.split('"').next().unwrap_or("").to_owned());
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

#[test]
fn no_output_format_shows_a_secret() {
    let Some(dir) = traces() else {
        return;
    };
    for scenario in scenarios(&dir) {
        let secrets = secrets_of(&scenario);
        assert!(!secrets.is_empty(), "{}: secrets found", scenario.display());
        for form in FORMS {
            let capture = scenario.join(form);
            if !capture.is_file() {
                continue;
            }
            for format in ["human", "concise", "json", "sarif", "github"] {
                let output = Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
                    .arg("--trace")
                    .arg(&capture)
                    .arg(scenario.join("pbx/pjsip.conf"))
                    .args(["--format", format, "--no-color"])
                    .output()
                    .unwrap();
                assert_ne!(output.status.code(), Some(2), "{}", capture.display());
                let text = String::from_utf8_lossy(&output.stdout).into_owned()
                    + &String::from_utf8_lossy(&output.stderr);
                for secret in &secrets {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{} --format {format} shows a secret",
                        capture.display()
                    );
                }
            }
        }
    }
}

#[test]
fn trace_exit_codes() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/trace-no-response");
    let code = |case: &str| {
        Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
            .arg("--trace")
            .arg(corpus.join(format!("{case}.log")))
            .arg(corpus.join(format!("{case}.conf")))
            .args(["--select", "trace"])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code("bad"), Some(1));
    assert_eq!(code("clean"), Some(0));
    let missing = Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
        .args(["--trace", "/nonexistent.pcap"])
        .arg(corpus.join("bad.conf"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let explain = Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
        .args(["--explain", "trace-realm-mismatch"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&explain.stdout).contains("## Why"));
}
