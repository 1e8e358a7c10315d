//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared` beside the repository, which CI always has. Elsewhere the tests that need it
/// say plainly that they were skipped.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus").is_dir() {
        Some(dir)
    } else {
        eprintln!("{test}: skipped: ../shared/corpus not found beside the repository");
        None
    }
}

/// Every regular file below `dir`, sorted.
pub fn files_below(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The default settings, with relative includes resolved against `dir` (where Asterisk's
/// config directory would be).
pub fn settings_in(dir: &std::path::Path) -> pjsiplint::Settings {
    pjsiplint::Settings {
        load: pjsiplint::model::LoadOptions {
            config_dir: Some(dir.to_path_buf()),
            ..pjsiplint::model::LoadOptions::default()
        },
        ..pjsiplint::Settings::default()
    }
}
