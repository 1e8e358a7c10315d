//! Rewrites `src/schema/pjsip-options.data.json` from Asterisk's extracted option facts.
//!
//! ```text
//! cargo run --example refresh_schema -- ../shared/asterisk/pjsip-options.json
//! ```
//!
//! The trimming rules live in `pjsiplint::schema::refresh`; `tests/schema_data.rs` checks that
//! the checked-in file is what this example writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(upstream), None) = (args.next(), args.next()) else {
        eprintln!("usage: cargo run --example refresh_schema -- <path to pjsip-options.json>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&upstream) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("refresh_schema: cannot read {upstream}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let data = match pjsiplint::schema::refresh_data(&text) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("refresh_schema: {upstream}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = pjsiplint::schema::Schema::from_json(&data) {
        eprintln!("refresh_schema: the new data does not load: {e}");
        return ExitCode::FAILURE;
    }
    let target: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/schema/pjsip-options.data.json");
    let old = std::fs::read_to_string(&target).unwrap_or_default();
    if old == data {
        println!("{} is up to date", target.display());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = std::fs::write(&target, &data) {
        eprintln!("refresh_schema: cannot write {}: {e}", target.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {} ({} bytes)", target.display(), data.len());
    ExitCode::SUCCESS
}
