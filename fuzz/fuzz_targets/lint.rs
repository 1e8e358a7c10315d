//! Any bytes as a pjsip.conf and as a pjsip_wizard.conf: parse, includes, templates, objects, every rule, every output
//! format's input, then every fix (safe and unsafe, in memory: nothing is written). Nothing may
//! panic, and parse-then-print must give the input back.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use pjsiplint::fix::{fix, FixInput, FixOptions};
use pjsiplint::{lint_bytes, syntax, Settings};

fuzz_target!(|data: &[u8]| {
    let tree = syntax::parse(data);
    assert!(
        tree.print(data) == data,
        "parse-then-print changed the input"
    );

    for name in ["pjsip.conf", "pjsip_wizard.conf"] {
        lint_and_fix(data, name);
    }
});

/// Lints `data` as the file `name` (includes are resolved against a directory that does not
/// exist), computes every location the JSON report would print, then applies every fix.
fn lint_and_fix(data: &[u8], name: &str) {
    let path = Path::new("/nonexistent-pjsiplint-fuzz").join(name);
    let settings = Settings::default();
    let linted = lint_bytes(&path, name.to_owned(), data.to_vec(), &settings);
    let _ = pjsiplint::report::json::entries(&linted.config, &linted.diagnostics).count();

    let input = FixInput::Bytes {
        path,
        name: name.to_owned(),
        bytes: data.to_vec(),
    };
    let options = FixOptions {
        unsafe_fixes: true,
        ..FixOptions::default()
    };
    let _ = fix(input, &settings, &options);
}
