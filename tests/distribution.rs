//! The packaging files agree with the crate: the pre-commit mirror pins the wheel of this version,
//! and its hooks are the repository's own hooks but for `language`; cargo's own build of the
//! binary is position-dependent where `build.rs` links it so. (The artifacts themselves are
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

/// `build.rs` links the binary position-dependent on glibc Linux (nothing for the loader to
/// relocate at start-up): its ELF type is `ET_EXEC` (2), where a position-independent one is
/// `ET_DYN` (3).
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
#[test]
fn the_binary_is_position_dependent() {
    let binary = env!("CARGO_BIN_EXE_pjsiplint");
    let header = std::fs::read(binary).unwrap_or_else(|e| panic!("{binary}: {e}"));
    assert_eq!(&header[..4], b"\x7fELF", "{binary}: no ELF file");
    // e_type, the 16-bit word after the 16 bytes of e_ident, in the file's byte order (x86-64
    // and aarch64 Linux: little-endian).
    let elf_type = u16::from_le_bytes([header[16], header[17]]);
    assert_eq!(
        elf_type, 2,
        "{binary}: ELF type {elf_type}, not ET_EXEC (2)"
    );
}
