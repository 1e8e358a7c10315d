//! Agreement with real Asterisk: for every config under ../shared/corpus/real/ and every set under
//! ../shared/corpus/real-sets/, the objects a real Asterisk 22.10.1 loaded (`expected/`) are the
//! objects pjsiplint says load, with the values Asterisk printed for the options written.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use pjsiplint::model::{RootFile, Sources};
use pjsiplint::validate::ProblemKind;
use pjsiplint::{lint_path, lint_sources, Linted};

/// The types the expected files list.
const TYPES: &[&str] = &[
    "endpoint",
    "aor",
    "auth",
    "transport",
    "registration",
    "identify",
    "phoneprov",
];

type Key = (String, String);

struct Expected {
    loaded: BTreeSet<Key>,
    unknown: BTreeSet<Key>,
    log: String,
}

fn read_expected(prefix: &Path) -> Expected {
    let read = |suffix: &str| {
        fs::read_to_string(format!("{}.{suffix}", prefix.display())).unwrap_or_default()
    };
    let keys = |text: String| -> BTreeSet<Key> {
        text.lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                Some((fields.next()?.to_owned(), fields.next()?.to_owned()))
            })
            .collect()
    };
    Expected {
        loaded: keys(read("objects.tsv")),
        unknown: keys(read("unknown.tsv")),
        log: read("log"),
    }
}

/// Objects whose fate depends on the PBX machine (files that options name, names that need DNS),
/// which pjsiplint
/// cannot know when it is not run there: left out of the comparison, like `unknown.tsv`.
fn machine_dependent(linted: &Linted) -> BTreeSet<Key> {
    linted
        .validation
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::NeedsFile { .. }
                    | ProblemKind::NeedsDns { .. }
                    | ProblemKind::NeedsAddress { .. }
            )
        })
        .map(|p| {
            let object = &linted.config.objects.list[p.object.0 as usize];
            (
                object.kind_name().to_owned(),
                linted.config.object_id(object).to_owned(),
            )
        })
        .collect()
}

fn loaded(linted: &Linted) -> BTreeSet<Key> {
    linted
        .config
        .objects
        .list
        .iter()
        .filter(|o| o.loads() && TYPES.contains(&o.kind_name()))
        .map(|o| {
            (
                o.kind_name().to_owned(),
                linted.config.object_id(o).to_owned(),
            )
        })
        .collect()
}

/// Compares one configuration; returns the disagreements.
fn compare(name: &str, linted: &Linted, expected: &Expected) -> Vec<String> {
    let ours = loaded(linted);
    let uncertain = machine_dependent(linted);
    for key in &uncertain {
        eprintln!("{name}: left out {key:?}: depends on the PBX (a file or a DNS name)");
    }
    let mut problems = Vec::new();
    for key in expected.loaded.difference(&ours) {
        if !expected.unknown.contains(key) && !uncertain.contains(key) {
            problems.push(format!(
                "{name}: Asterisk loaded {key:?}, pjsiplint says it does not"
            ));
        }
    }
    for key in ours.difference(&expected.loaded) {
        if expected.unknown.contains(key) || uncertain.contains(key) {
            continue;
        }
        problems.push(format!(
            "{name}: pjsiplint says {key:?} loads, Asterisk did not"
        ));
    }
    let whole_file_rejected = expected.log.contains("are invalid and cannot be parsed");
    if linted.config.file_loads() == whole_file_rejected {
        problems.push(format!(
            "{name}: pjsiplint says the file loads: {}, Asterisk rejected it: {whole_file_rejected}",
            linted.config.file_loads()
        ));
    }
    problems
}

fn lint_alone(path: &Path, dir: &Path) -> Linted {
    lint_path(path, &common::settings_in(dir)).unwrap()
}

/// Every single config under ../shared/corpus/real/, linted as Asterisk loaded it: alone, as
/// pjsip.conf, in a directory holding only it.
struct RealConfig {
    name: String,
    linted: Linted,
    expected: Expected,
    values_tsv: String,
}

fn real_configs(shared: &Path) -> Vec<RealConfig> {
    let real = shared.join("corpus/real");
    let mut configs = Vec::new();
    for path in common::files_below(&real) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.parent() != Some(real.as_path()) || name.ends_with(".tsv") {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("pjsip.conf");
        fs::copy(&path, &copy).unwrap();
        let prefix = real.join("expected").join(&name);
        configs.push(RealConfig {
            linted: lint_alone(&copy, dir.path()),
            expected: read_expected(&prefix),
            values_tsv: fs::read_to_string(format!("{}.values.tsv", prefix.display()))
                .unwrap_or_default(),
            name,
        });
    }
    configs
}

#[test]
fn real_configs_load_what_asterisk_loaded() {
    let Some(shared) = common::shared_dir("real_configs_load_what_asterisk_loaded") else {
        return;
    };
    let configs = real_configs(&shared);
    assert!(
        configs.len() >= 120,
        "only {} real configs found",
        configs.len()
    );
    let problems: Vec<String> = configs
        .iter()
        .flat_map(|c| compare(&c.name, &c.linted, &c.expected))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn real_sets_load_what_asterisk_loaded() {
    let Some(shared) = common::shared_dir("real_sets_load_what_asterisk_loaded") else {
        return;
    };
    let sets = shared.join("corpus/real-sets");
    let mut problems = Vec::new();
    let names: Vec<PathBuf> = fs::read_dir(&sets)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("pjsip.conf").is_file())
        .collect();
    assert_eq!(names.len(), 4);
    for dir in names {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let linted = lint_alone(&dir.join("pjsip.conf"), &dir);
        let expected = read_expected(&sets.join("expected").join(&name));
        problems.extend(compare(&name, &linted, &expected));
        let values = fs::read_to_string(sets.join("expected").join(format!("{name}.values.tsv")))
            .unwrap_or_default();
        problems.extend(value_disagreements(&name, &linted, &values));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The values Asterisk printed (`pjsip show <type> <id>`) for the options written in the file.
fn value_disagreements(name: &str, linted: &Linted, values_tsv: &str) -> Vec<String> {
    let config = &linted.config;
    let mut problems = Vec::new();
    for row in values_tsv.lines() {
        let mut fields = row.splitn(4, '\t');
        let (Some(kind), Some(id), Some(option), Some(printed)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some(object) = config.object(kind, id) else {
            continue;
        };
        let Some(ours) = pjsiplint::validate::shown_value(config, object, option) else {
            continue;
        };
        if ours != printed {
            problems.push(format!(
                "{name}: {kind} {id} {option}: Asterisk printed '{printed}', pjsiplint '{ours}'"
            ));
        }
    }
    problems
}

#[test]
fn real_configs_have_the_values_asterisk_printed() {
    let Some(shared) = common::shared_dir("real_configs_have_the_values_asterisk_printed") else {
        return;
    };
    let configs = real_configs(&shared);
    let compared: usize = configs.iter().map(|c| c.values_tsv.lines().count()).sum();
    assert!(compared > 1000, "only {compared} values found");
    let problems: Vec<String> = configs
        .iter()
        .flat_map(|c| value_disagreements(&c.name, &c.linted, &c.values_tsv))
        .collect();
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Configs that real Asterisk loaded completely (no object rejected, nothing dropped) get no
/// error from pjsiplint: every error must be something Asterisk really refuses. Security
/// findings are left out: a guessable password on an internet-facing PBX is an error although
/// Asterisk loads it happily.
#[test]
fn configs_asterisk_loads_completely_get_no_error() {
    let Some(shared) = common::shared_dir("configs_asterisk_loads_completely_get_no_error") else {
        return;
    };
    let refused = [
        "Could not create",
        "are invalid",
        "duplicate object",
        "could not be started",
    ];
    let mut problems = Vec::new();
    let mut clean_configs = 0;
    for config in real_configs(&shared) {
        let expected = &config.expected;
        if expected.loaded.is_empty() || refused.iter().any(|word| expected.log.contains(word)) {
            continue;
        }
        clean_configs += 1;
        for diagnostic in &config.linted.diagnostics {
            let security = pjsiplint::rules::find(diagnostic.rule)
                .is_some_and(|rule| rule.meta().category == pjsiplint::rules::Category::Security);
            if diagnostic.severity == pjsiplint::diagnostic::Severity::Error && !security {
                problems.push(format!(
                    "{}: {}: {}",
                    config.name, diagnostic.rule, diagnostic.message
                ));
            }
        }
    }
    assert!(
        clean_configs > 30,
        "only {clean_configs} fully loading configs"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every wizard file and hand-made wizard case of ../shared/corpus/wizard/, loaded as real
/// Asterisk loaded it (as pjsip_wizard.conf beside the case's pjsip.conf, or an empty one):
/// the same objects, with the same printed values.
#[test]
fn wizard_files_make_the_objects_asterisk_made() {
    let Some(shared) = common::shared_dir("wizard_files_make_the_objects_asterisk_made") else {
        return;
    };
    let wizard = shared.join("corpus/wizard");
    let made = wizard.join("made");
    let mut cases: Vec<(String, Sources, PathBuf, PathBuf)> = Vec::new();
    let root_file = |path: &Path| RootFile {
        path: path.to_path_buf(),
        name: path.to_string_lossy().into_owned(),
        bytes: fs::read(path).unwrap(),
    };
    for path in common::files_below(&wizard) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.parent() != Some(wizard.as_path()) || !name.ends_with(".conf") {
            continue;
        }
        let sources = Sources {
            pjsip: None,
            wizard: Some(root_file(&path)),
            pjsip_absent: true,
        };
        cases.push((
            name.clone(),
            sources,
            wizard.join("expected").join(&name),
            wizard.clone(),
        ));
    }
    for entry in fs::read_dir(&made).unwrap().flatten() {
        let dir = entry.path();
        if !dir.join("pjsip_wizard.conf").is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let pjsip = dir.join("pjsip.conf");
        let sources = Sources {
            pjsip: pjsip.is_file().then(|| root_file(&pjsip)),
            wizard: Some(root_file(&dir.join("pjsip_wizard.conf"))),
            pjsip_absent: !pjsip.is_file(),
        };
        cases.push((
            name.clone(),
            sources,
            made.join("expected").join(&name),
            dir,
        ));
    }
    assert!(cases.len() >= 15, "only {} wizard cases found", cases.len());
    let mut problems = Vec::new();
    for (name, sources, expected, dir) in cases {
        let linted = lint_sources(sources, &common::settings_in(&dir));
        let expected_objects = read_expected(&expected);
        problems.extend(compare(&name, &linted, &expected_objects));
        let values =
            fs::read_to_string(format!("{}.values.tsv", expected.display())).unwrap_or_default();
        problems.extend(value_disagreements(&name, &linted, &values));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
