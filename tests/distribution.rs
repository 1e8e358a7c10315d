//! The packaging files agree with the crate: the pre-commit mirror pins the wheel of this version,
//! and its hooks are the repository's own hooks but for `language`. (The artifacts themselves are
//! checked by `scripts/test-dist`, after `scripts/dist` built them.)

use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_mirror_pins_the_wheel_of_this_version() {
    let pyproject = read("pre-commit-mirror/pyproject.toml");
    let version = env!("CARGO_PKG_VERSION");
    let lines: Vec<&str> = pyproject.lines().collect();
    assert!(
        lines.contains(&format!("version = \"{version}\"").as_str()),
        "pre-commit-mirror/pyproject.toml: its version is not {version}:\n{pyproject}"
    );
    assert!(
        lines.contains(&format!("dependencies = [\"pjsiplint=={version}\"]").as_str()),
        "pre-commit-mirror/pyproject.toml: it does not depend on pjsiplint=={version}:\n{pyproject}"
    );
}

#[test]
fn the_mirror_hooks_are_the_repository_hooks_run_from_the_wheel() {
    let hooks = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| line.replace("language: rust", "language: python"))
            .collect()
    };
    let own = hooks(&read(".pre-commit-hooks.yaml"));
    let mirror = hooks(&read("pre-commit-mirror/.pre-commit-hooks.yaml"));
    assert!(own.iter().any(|line| line.contains("language: python")));
    assert_eq!(own, mirror);
}
