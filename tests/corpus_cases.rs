//! Every rule has `corpus/<rule>/bad.conf`, which must trigger it, and `clean.conf`, which must
//! not. The findings on each bad case are snapshots (tests/snapshots/).

use std::path::{Path, PathBuf};

use pjsiplint::report::concise;
use pjsiplint::rules::RULES;
use pjsiplint::{lint_path, Settings};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The settings a case needs, as its first comment line says.
fn settings_for(rule: &str) -> Settings {
    match rule {
        "option-not-in-version" => Settings {
            asterisk_version: 18,
            ..Settings::default()
        },
        "missing-file" | "world-readable-secrets" => Settings {
            check_files: Some(true),
            ..Settings::default()
        },
        _ => Settings::default(),
    }
}

fn findings(path: &Path, rule: &str) -> (Vec<&'static str>, String) {
    let linted = lint_path(path, &settings_for(rule)).unwrap();
    let mut text = String::new();
    concise::render(&linted.config, &linted.diagnostics, &mut text);
    // Paths relative to the corpus, so the snapshot does not depend on the checkout's location.
    let text = text.replace(&format!("{}/", corpus().display()), "");
    (linted.diagnostics.iter().map(|d| d.rule).collect(), text)
}

#[test]
fn every_rule_has_a_bad_and_a_clean_case() {
    for rule in RULES {
        let name = rule.meta().name;
        for case in ["bad.conf", "clean.conf"] {
            let path = corpus().join(name).join(case);
            assert!(path.is_file(), "missing {}", path.display());
        }
    }
}

#[test]
fn bad_cases_trigger_their_rule_and_clean_cases_do_not() {
    for rule in RULES {
        let name = rule.meta().name;
        let (bad, text) = findings(&corpus().join(name).join("bad.conf"), name);
        assert!(
            bad.contains(&name),
            "{name}/bad.conf must trigger {name}; found {bad:?}"
        );
        insta::assert_snapshot!(format!("bad-{name}"), text);
        let (clean, text) = findings(&corpus().join(name).join("clean.conf"), name);
        assert!(
            !clean.contains(&name),
            "{name}/clean.conf must not trigger {name}:\n{text}"
        );
    }
}
