//! Any bytes as a pjsip.conf: parse, includes, templates, objects, every rule, every output
//! format's input, the bytes read as a `--trace` capture, then every fix (safe and unsafe, in memory: nothing is written). Nothing may
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

    // Includes are resolved against a directory that does not exist.
    let path = Path::new("/nonexistent-pjsiplint-fuzz/pjsip.conf");
    let settings = Settings::default();
    let linted = lint_bytes(path, "pjsip.conf".to_owned(), data.to_vec(), &settings);
    // What the JSON report would print: every location is computed.
    let _ = pjsiplint::report::json::entries(&linted.config, &linted.diagnostics).count();
    // The same bytes as a capture for `--trace` (logger text, or pcap/pcapng when they start
    // like one), against that configuration.
    let _ = pjsiplint::trace::analyse(data, "capture", &linted, &settings);

    let input = FixInput::Bytes {
        path: path.to_path_buf(),
        name: "pjsip.conf".to_owned(),
        bytes: data.to_vec(),
    };
    let options = FixOptions {
        unsafe_fixes: true,
        ..FixOptions::default()
    };
    let _ = fix(input, &settings, &options);
});
