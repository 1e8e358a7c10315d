//! Every rule has `corpus/<rule>/bad.conf`, which must trigger it, and `clean.conf`, which must
//! not. The findings on each bad case are snapshots (tests/snapshots/). More cases sit beside
//! them as `bad-WHAT.conf` (a detection added later) and `clean-WHAT.conf` (a false alarm
//! removed), each named for what it holds.

use std::path::{Path, PathBuf};

use pjsiplint::report::concise;
use pjsiplint::rules::RULES;
use pjsiplint::{lint_path, settings, Settings};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// A case that needs settings (an Asterisk version, file checks) has a `.pjsiplint.ini` in its
/// directory, found as the command line finds it.
fn settings_for(path: &Path) -> Settings {
    settings::discover(path.parent().unwrap())
        .map(|ini| settings::load(&ini).unwrap().to_settings())
        .unwrap_or_default()
}

fn findings(path: &Path) -> (Vec<&'static str>, String) {
    let linted = lint_path(path, &settings_for(path)).unwrap();
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
        let (bad, text) = findings(&corpus().join(name).join("bad.conf"));
        assert!(
            bad.contains(&name),
            "{name}/bad.conf must trigger {name}; found {bad:?}"
        );
        insta::assert_snapshot!(format!("bad-{name}"), text);
        let (clean, text) = findings(&corpus().join(name).join("clean.conf"));
        assert!(
            !clean.contains(&name),
            "{name}/clean.conf must not trigger {name}:\n{text}"
        );
        for (case, path) in more_cases(name) {
            let (found, text) = findings(&path);
            if case.starts_with("bad-") {
                assert!(found.contains(&name), "{name}/{case} must trigger {name}");
                insta::assert_snapshot!(format!("{name}-{case}"), text);
            } else {
                assert!(
                    !found.contains(&name),
                    "{name}/{case} must not trigger {name}:\n{text}"
                );
            }
        }
    }
}

/// The `bad-*.conf` and `clean-*.conf` cases of a rule beside its two main ones.
fn more_cases(rule: &str) -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(corpus().join(rule))
        .unwrap()
        .flatten()
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .filter(|(case, _)| {
            (case.starts_with("bad-") || case.starts_with("clean-")) && case.ends_with(".conf")
        })
        .collect();
    cases.sort();
    cases
}
