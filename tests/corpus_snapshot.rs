//! The corpus snapshot, like Ruff's ecosystem check: every finding pjsiplint gives on every real
//! configuration under ../shared/corpus/, in the concise format, in one reviewed snapshot
//! (`tests/snapshots/corpus_snapshot__real-corpus.snap`). A change that moves what users see
//! shows up here; read each moved finding against Asterisk's source before accepting it
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test corpus_snapshot`).
//!
//! Each single file is linted as the real Asterisk behind `expected/` loaded it: alone, as
//! pjsip.conf, in a directory holding nothing else; each multi-file set from its own directory.

mod common;

use std::fs;
use std::path::Path;

use pjsiplint::report::concise;
use pjsiplint::{lint_bytes, lint_path, Linted};

/// The folders of single files, each linted alone.
const SINGLE_FILE_FOLDERS: &[&str] = &["real", "wizard", "templated", "asterisk-samples"];

fn render(linted: &Linted, out: &mut String) {
    concise::render(&linted.config, &linted.diagnostics, out);
}

fn is_config(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    !(name.ends_with(".tsv") || name.ends_with(".md"))
}

/// Every finding on every corpus configuration, in the concise format, paths relative to
/// ../shared/corpus.
fn corpus_findings(shared: &Path) -> String {
    let corpus = shared.join("corpus");
    let empty = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut files = 0;
    for folder in SINGLE_FILE_FOLDERS {
        let dir = corpus.join(folder);
        for path in common::files_below(&dir) {
            if path.parent() != Some(dir.as_path()) || !is_config(&path) {
                continue;
            }
            files += 1;
            let name = format!("{folder}/{}", path.file_name().unwrap().to_string_lossy());
            // The bytes under their corpus name, read from an empty directory: its includes
            // find nothing, as they found nothing for the Asterisk that loaded it.
            let linted = lint_bytes(
                &empty.path().join("pjsip.conf"),
                name,
                fs::read(&path).unwrap(),
                &common::settings_in(empty.path()),
            );
            render(&linted, &mut text);
        }
    }
    let sets = corpus.join("real-sets");
    let mut set_dirs: Vec<_> = fs::read_dir(&sets)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| dir.join("pjsip.conf").is_file())
        .collect();
    set_dirs.sort();
    for dir in set_dirs {
        files += 1;
        let linted = lint_path(&dir.join("pjsip.conf"), &common::settings_in(&dir)).unwrap();
        let mut found = String::new();
        render(&linted, &mut found);
        text.push_str(&found.replace(&format!("{}/", corpus.display()), ""));
    }
    // The hand-made wizard cases: each folder as Asterisk read it (pjsip_wizard.conf beside its
    // pjsip.conf, if it has one).
    let made = corpus.join("wizard/made");
    let mut made_dirs: Vec<_> = fs::read_dir(&made)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| dir.join("pjsip_wizard.conf").is_file())
        .collect();
    made_dirs.sort();
    for dir in made_dirs {
        files += 1;
        let linted = lint_path(&dir, &common::settings_in(&dir)).unwrap();
        let mut found = String::new();
        render(&linted, &mut found);
        text.push_str(&found.replace(&format!("{}/", corpus.display()), ""));
    }
    assert!(files > 140, "only {files} corpus configurations found");
    text
}

#[test]
fn every_finding_on_the_real_corpus() {
    let Some(shared) = common::shared_dir("every_finding_on_the_real_corpus") else {
        return;
    };
    insta::assert_snapshot!("real-corpus", corpus_findings(&shared));
}

/// Recall: every mistake the hand review found in the real configs (`real/FINDINGS.tsv`: file,
/// line, section, ...) is reported, at any severity: by a finding within a few lines of it, or
/// one that names its section.
#[test]
fn every_hand_found_mistake_is_reported() {
    let Some(shared) = common::shared_dir("every_hand_found_mistake_is_reported") else {
        return;
    };
    let findings = corpus_findings(&shared);
    let reviewed = fs::read_to_string(shared.join("corpus/real/FINDINGS.tsv")).unwrap();
    let mut missed = Vec::new();
    let mut rows = 0;
    for row in reviewed.lines().skip(1) {
        let fields: Vec<&str> = row.split('\t').collect();
        let [file, line, section, _, code, ..] = fields[..] else {
            continue;
        };
        let Ok(line) = line.parse::<i64>() else {
            continue;
        };
        rows += 1;
        let prefix = format!("real/{file}:");
        let reported = findings
            .lines()
            .filter_map(|f| f.strip_prefix(&prefix))
            .any(|f| {
                let at: i64 = f.split(':').next().unwrap().parse().unwrap();
                (at - line).abs() <= 5
                    || f.contains(&format!("'{section}'"))
                    || f.contains(&format!("[{section}]"))
            });
        if !reported {
            missed.push(format!("{file}:{line} [{section}] {code}"));
        }
    }
    assert!(rows >= 40, "only {rows} reviewed mistakes read");
    assert!(missed.is_empty(), "not reported:\n{}", missed.join("\n"));
}
