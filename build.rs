//! Writes the checked-in option schema (`src/schema/pjsip-options.data.json`) out as Rust
//! statics (`$OUT_DIR/schema_data.rs`, included by `src/schema/mod.rs`). Parsing its 96 KB of
//! JSON into a few thousand allocations was the largest part of linting a small config.

#[path = "src/schema/data.rs"]
mod data;

use data::{AvailabilityData, Data, OptionData, TypeData};
use std::fmt::Write as _;

const SOURCE: &str = "src/schema/pjsip-options.data.json";

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=src/schema/data.rs");
    link_position_dependent();
    let text = std::fs::read_to_string(SOURCE).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let data = Data::from_json(&text).unwrap_or_else(|e| panic!("{SOURCE}: {e}"));
    let out = std::path::Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("schema_data.rs");
    std::fs::write(&out, statics(&data)).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

/// Links `pjsiplint` as a position-dependent executable on glibc Linux, so the loader relocates
/// nothing at start-up: a position-independent one has some 18,000 pointers on about 110 pages
/// that the loader writes (each page copied by a fault) before `main`, a fifth of linting a 10 KB
/// config (README, Benchmark). The static musl binary `scripts/dist` ships gets the same by
/// `-C relocation-model=static`; here only the link changes (the code stays position-independent,
/// which proc macros, built by the same flags, need).
fn link_position_dependent() {
    let target = |name: &str| std::env::var(name).unwrap_or_default();
    let static_crt = target("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    if target("CARGO_CFG_TARGET_OS") == "linux"
        && target("CARGO_CFG_TARGET_ENV") == "gnu"
        && !static_crt
    {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}

/// `static SCHEMA: Schema`, with one static per type's options and patterns (a pattern caches
/// its matcher, so it cannot live in a constant).
fn statics(data: &Data) -> String {
    let mut out =
        String::from("// Written by build.rs from src/schema/pjsip-options.data.json.\n\n");
    let _ = writeln!(
        out,
        "static SCHEMA: Schema = Schema {{\n    asterisk_commit: {},\n    accepted_true: {},\n    \
         accepted_false: {},\n    codec_names: {},\n    types: &TYPES,\n    reference_names: {},\n}};\n",
        text(&data.asterisk_commit),
        texts(&data.accepted_true),
        texts(&data.accepted_false),
        texts(&data.codec_names),
        texts(&data.reference_names),
    );
    let _ = writeln!(out, "static TYPES: [ObjectType; {}] = [", data.types.len());
    for (index, ty) in data.types.iter().enumerate() {
        object_type(&mut out, index, ty);
    }
    out.push_str("];\n");
    for (index, ty) in data.types.iter().enumerate() {
        let _ = writeln!(
            out,
            "\nstatic PATTERNS_{index}: [OptionPattern; {}] = [",
            ty.option_patterns.len()
        );
        for p in &ty.option_patterns {
            let _ = writeln!(
                out,
                "    OptionPattern {{ regex: {}, kind: ValueKind::{:?}, repeat: Repeat::{:?}, \
                 subkind: {}, matcher: OnceLock::new() }},",
                text(&p.regex),
                p.kind,
                p.repeat,
                optional_text(p.subkind.as_deref())
            );
        }
        out.push_str("];\n");
        let _ = writeln!(
            out,
            "\nstatic OPTIONS_{index}: [OptionSpec; {}] = [",
            ty.options.len()
        );
        for (index, option) in ty.options.iter().enumerate() {
            option_spec(&mut out, index, option);
        }
        out.push_str("];\n");
    }
    out
}

fn object_type(out: &mut String, index: usize, ty: &TypeData) {
    let removed: Vec<String> = ty
        .removed_options
        .iter()
        .map(|r| {
            format!(
                "RemovedOption {{ name: {}, present_only_in: {} }}",
                text(&r.name),
                texts(&r.present_only_in)
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "    ObjectType {{\n        name: {},\n        module: {},\n        in_pjsip_conf: {},\n        \
         single_object: {},\n        explicit_name: {},\n        option_patterns: &PATTERNS_{index},\n        \
         removed_options: &[{}],\n        options: &OPTIONS_{index},\n        index: {index},\n    }},",
        text(&ty.name),
        text(&ty.module),
        ty.in_pjsip_conf,
        ty.single_object,
        optional_text(ty.explicit_name.as_deref()),
        removed.join(", "),
    );
}

fn option_spec(out: &mut String, index: usize, o: &OptionData) {
    let deprecated_values: Vec<String> = o
        .deprecated_values
        .iter()
        .map(|(word, instead)| format!("({}, {})", text(word), text(instead)))
        .collect();
    let _ = writeln!(
        out,
        "    OptionSpec {{\n        name: {},\n        kind: ValueKind::{:?},\n        opt_type: {},\n        \
         handler: {},\n        subkind: {},\n        default: {},\n        default_effective: {},\n        \
         values: {},\n        case_sensitive: {},\n        also_accepted: {},\n        accepted_true: {},\n        \
         accepted_false: {},\n        range: {:?},\n        repeat: Repeat::{:?},\n        refs: {},\n        \
         deprecated: {},\n        replacement: {},\n        deprecated_values: &[{}],\n        \
         availability: {},\n        release_candidates: {},\n        max_length: {:?},\n        \
         nonempty_required: {},\n        required: {},\n        invalid_ignored: {},\n        via_pattern: {},\n        \
         codec_op: {},\n        alias: {},\n        secret: {},\n        index: {index},\n    }},",
        text(&o.name),
        o.kind,
        optional_text(o.opt_type.as_deref()),
        optional_text(o.handler.as_deref()),
        optional_text(o.subkind.as_deref()),
        optional_text(o.default.as_deref()),
        optional_text(o.default_effective.as_deref()),
        texts(&o.values),
        o.case_sensitive,
        texts(&o.also_accepted),
        optional_texts(o.accepted_true.as_deref()),
        optional_texts(o.accepted_false.as_deref()),
        o.range,
        o.repeat,
        optional_text(o.refs.as_deref()),
        o.deprecated,
        optional_text(o.replacement.as_deref()),
        deprecated_values.join(", "),
        availability(o.availability.as_ref()),
        texts(&o.release_candidates),
        o.max_length,
        o.nonempty_required,
        o.required,
        o.invalid_ignored,
        optional_text(o.via_pattern.as_deref()),
        optional_text(o.codec_op.as_deref()),
        o.alias,
        o.secret,
    );
}

fn availability(availability: Option<&AvailabilityData>) -> String {
    let Some(a) = availability else {
        return "None".to_owned();
    };
    let gaps: Vec<String> = a
        .gaps
        .iter()
        .map(|(major, gaps)| format!("({major}, {})", text(gaps)))
        .collect();
    format!(
        "Some(Availability {{ firsts: {}, branches: {:#b}, gaps: &[{}] }})",
        text(&a.firsts),
        a.branches,
        gaps.join(", ")
    )
}

/// `SchemaStr("...")`: Debug writes Rust's own string literal.
fn text(text: &str) -> String {
    format!("SchemaStr({text:?})")
}

fn optional_text(text: Option<&str>) -> String {
    text.map_or_else(
        || "None".to_owned(),
        |text| format!("Some({})", self::text(text)),
    )
}

fn texts(texts: &[String]) -> String {
    let items: Vec<String> = texts.iter().map(|item| text(item)).collect();
    format!("&[{}]", items.join(", "))
}

fn optional_texts(texts: Option<&[String]>) -> String {
    texts.map_or_else(
        || "None".to_owned(),
        |texts| format!("Some({})", self::texts(texts)),
    )
}
