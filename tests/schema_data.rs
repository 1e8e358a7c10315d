//! The checked-in schema data must be what the refresh produces from the upstream facts, and
//! must describe the same types and options.

use pjsiplint::schema::{self, refresh_data, schema, Schema, ValueKind, SUPPORTED_MAJORS};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const UPSTREAM: &str = "../shared/asterisk/pjsip-options.json";

fn upstream_text() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(UPSTREAM);
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(_) => {
            println!("skipped: {UPSTREAM} not found");
            None
        }
    }
}

#[test]
fn checked_in_data_matches_refresh() {
    let Some(text) = upstream_text() else { return };
    let fresh = refresh_data(&text).expect("upstream data trims");
    assert!(
        fresh == schema::DATA,
        "src/schema/pjsip-options.data.json is stale; run: \
         cargo run --example refresh_schema -- {UPSTREAM}"
    );
}

#[test]
fn data_describes_every_upstream_option() {
    let Some(text) = upstream_text() else { return };
    let upstream: serde_json::Value = serde_json::from_str(&text).unwrap();
    let types = upstream["types"].as_object().unwrap();
    let s = schema();
    assert_eq!(s.object_types().count(), types.len());
    for (name, ty) in types {
        let ours = s
            .object_type(name)
            .unwrap_or_else(|| panic!("type {name} missing"));
        let options = ty["options"].as_object().unwrap();
        assert_eq!(ours.options().count(), options.len(), "{name}");
        assert_eq!(
            ours.in_pjsip_conf,
            ty["in_pjsip_conf"].as_bool().unwrap(),
            "{name}"
        );
        for (opt_name, opt) in options {
            let o = ours
                .option(opt_name)
                .unwrap_or_else(|| panic!("{name}/{opt_name} missing"));
            assert_eq!(&o.name, opt_name);
            assert_eq!(
                o.default.as_deref(),
                opt["default"].as_str(),
                "{name}/{opt_name}"
            );
            assert_eq!(
                o.deprecated,
                opt["deprecated"].as_bool().unwrap_or(false),
                "{name}/{opt_name}"
            );
            for major in SUPPORTED_MAJORS {
                let first = &opt["availability"][major.to_string()];
                if first.is_string() {
                    assert_eq!(
                        o.first_release(major),
                        first.as_str(),
                        "{name}/{opt_name} {major}"
                    );
                }
            }
        }
        let patterns = ty["option_patterns"].as_array().unwrap();
        assert_eq!(ours.option_patterns.len(), patterns.len(), "{name}");
    }
    if let Some(counts) = upstream["counts"].as_object() {
        for (name, c) in counts {
            if let Some(n) = c.get("options").and_then(|n| n.as_u64()) {
                assert_eq!(
                    s.object_type(name).unwrap().options().count() as u64,
                    n,
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn every_kind_and_repeat_parses() {
    let s = schema();
    let kinds: std::collections::BTreeSet<String> = s
        .object_types()
        .flat_map(|t| t.options())
        .map(|o| format!("{:?}", o.kind))
        .collect();
    assert_eq!(kinds.len(), 10, "{kinds:?}");
    assert!(s
        .object_types()
        .flat_map(|t| t.options())
        .any(|o| o.kind == ValueKind::CodecList));
}

#[test]
fn parse_time_is_small() {
    // Parse the embedded data a few times and report the best run. Debug builds are an order
    // of magnitude slower, so the bound is loose; the release figure is in the test output.
    let mut best = Duration::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        let parsed = Schema::from_json(schema::DATA).unwrap();
        best = best.min(t.elapsed());
        std::hint::black_box(parsed);
    }
    println!("schema parse: {best:?} (best of 20)");
    assert!(best < Duration::from_millis(100), "{best:?}");
}
