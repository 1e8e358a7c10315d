//! Inputs kept from fuzzing (`fuzz/regressions/`), run through what the fuzz target checks:
//! parse-then-print is the identity, and the whole tool (includes, every rule, JSON locations,
//! every fix in memory) ends without a panic. When `cargo fuzz run lint` finds a crash, minimise it
//! (`cargo fuzz tmin lint <artifact>`), add it here under a name that says what it exercises, and
//! fix the bug: this test then guards it on the stable toolchain.

use std::path::Path;

use pjsiplint::fix::{fix, FixInput, FixOptions};
use pjsiplint::{lint_bytes, report, syntax, Settings};

#[test]
fn every_kept_fuzz_input_still_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions exists") {
        let path = entry.expect("readable directory").path();
        let data = std::fs::read(&path).expect("readable input");
        let tree = syntax::parse(&data);
        assert!(
            tree.print(&data) == data,
            "{}: not lossless",
            path.display()
        );
        // Includes resolve against a directory that does not exist, as in the fuzz target.
        let root = Path::new("/nonexistent-pjsiplint-fuzz/pjsip.conf");
        let settings = Settings::default();
        let linted = lint_bytes(root, "pjsip.conf".into(), data.clone(), &settings);
        let _ = report::json::entries(&linted.config, &linted.diagnostics).count();
        let input = FixInput::Bytes {
            path: root.to_path_buf(),
            name: "pjsip.conf".into(),
            bytes: data,
        };
        let options = FixOptions {
            unsafe_fixes: true,
            ..FixOptions::default()
        };
        let _ = fix(input, &settings, &options);
        count += 1;
    }
    assert!(count > 0, "no input in {}", dir.display());
}
