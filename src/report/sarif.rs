//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (one run; the rules with
//! their docs; results with locations, related locations and fixes).

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Config;
use crate::rules::all_metas;
use crate::source::Span;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/pjsiplint/pjsiplint";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative URI reference (SARIF wants `/` separators and percent-encoding).
fn uri(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn region(config: &Config, span: Span) -> Value {
    let file = config.file(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn physical(config: &Config, span: Span) -> Value {
    json!({
        "artifactLocation": { "uri": uri(&config.file(span.file).name) },
        "region": region(config, span),
    })
}

fn result(config: &Config, diagnostic: &Diagnostic) -> Value {
    let mut result = json!({
        "ruleId": diagnostic.rule,
        "level": level(diagnostic.severity),
        "message": { "text": diagnostic.message },
        "locations": [{ "physicalLocation": physical(config, diagnostic.primary.span) }],
    });
    if !diagnostic.secondary.is_empty() {
        result["relatedLocations"] = diagnostic
            .secondary
            .iter()
            .enumerate()
            .map(|(index, label)| {
                json!({
                    "id": index,
                    "message": { "text": label.message },
                    "physicalLocation": physical(config, label.span),
                })
            })
            .collect();
    }
    if let Some(evidence) = &diagnostic.evidence {
        // The capture as a related location: SARIF regions address text, so the packet
        // number goes in the message and the properties.
        let related = json!({
            "id": diagnostic.secondary.len(),
            "message": { "text": evidence.to_string() },
            "physicalLocation": { "artifactLocation": { "uri": uri(&evidence.capture) } },
        });
        match result
            .get_mut("relatedLocations")
            .and_then(Value::as_array_mut)
        {
            Some(list) => list.push(related),
            None => result["relatedLocations"] = json!([related]),
        }
        result["properties"] = json!({ "evidence": evidence });
    }
    if let Some(fix) = &diagnostic.fix {
        let changes: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "artifactLocation": { "uri": uri(&config.file(edit.span.file).name) },
                    "replacements": [{
                        "deletedRegion": region(config, edit.span),
                        "insertedContent": { "text": edit.replacement },
                    }],
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": format!("{} ({})", fix.title, fix.applicability.as_str()) },
            "artifactChanges": changes,
        }]);
    }
    result
}

/// The whole SARIF log for the findings of several configurations.
pub fn render<'a>(linted: impl IntoIterator<Item = (&'a Config, &'a [Diagnostic])>) -> Value {
    let rules: Vec<Value> = all_metas()
        .map(|meta| {
            json!({
                "id": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.summary },
                "help": { "text": meta.doc, "markdown": meta.doc },
                "defaultConfiguration": { "level": level(meta.severity) },
                "properties": { "category": meta.category.as_str() },
            })
        })
        .collect();
    let results: Vec<Value> = linted
        .into_iter()
        .flat_map(|(config, diagnostics)| diagnostics.iter().map(move |d| result(config, d)))
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pjsiplint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
