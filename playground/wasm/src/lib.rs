//! pjsiplint for the browser: lint, explain, fixes and `--effective` over files held in memory,
//! called from the playground page (`playground/src/main.js`). Nothing here reads a disk or a
//! network: every file, `#include`d ones too, comes in the request.
//!
//! Requests and answers are JSON text (the page calls `JSON.stringify` / `JSON.parse`), one shape
//! for every call:
//! `{"files": {"pjsip.conf": "..."}, "root": "pjsip.conf", "version": 22, "unsafe_fixes": false}`.
//! File names are relative paths (`pjsip.conf`, `conf.d/trunks.conf`); an `#include` names them
//! as it would relative to /etc/asterisk.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use pjsiplint::diagnostic::{Diagnostic, Severity};
use pjsiplint::fix::{self, Applicability, FixInput, FixOptions};
use pjsiplint::model::LoadOptions;
use pjsiplint::report::{effective, location};
use pjsiplint::rules::RULES;
use pjsiplint::schema::SUPPORTED_MAJORS;
use pjsiplint::source::SourceFile;
use pjsiplint::{Linted, Settings};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::wasm_bindgen;

/// What every call takes: the files by name, which of them Asterisk reads first, and the version.
#[derive(Debug, Deserialize)]
pub struct Request {
    pub files: BTreeMap<String, String>,
    pub root: String,
    #[serde(default = "default_version")]
    pub version: u32,
    /// For [`fixes`]: apply unsafe fixes too (`--unsafe-fixes`).
    #[serde(default)]
    pub unsafe_fixes: bool,
}

/// One finding, with its place both as the CLI shows it (1-based line and column, byte offsets)
/// and as the editor needs it (UTF-16 offsets into the file's text).
#[derive(Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub file: String,
    pub start: u32,
    pub end: u32,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub from: usize,
    pub to: usize,
    /// The fix it offers, if any: its applicability and title.
    pub fix: Option<FindingFix>,
}

#[derive(Debug, Serialize)]
pub struct FindingFix {
    pub applicability: Applicability,
    pub title: String,
}

/// A file the fixes change: its new text, and the unified diff (secret values shown as `*`).
#[derive(Debug, Serialize)]
pub struct FixedFile {
    pub name: String,
    pub fixed: String,
    pub diff: String,
}

#[derive(Debug, Serialize)]
pub struct AppliedFix {
    pub rule: &'static str,
    pub title: String,
    pub applicability: Applicability,
    pub file: String,
    pub line: usize,
}

/// What [`fixes`] answers.
#[derive(Debug, Serialize)]
pub struct Fixes {
    pub files: Vec<FixedFile>,
    pub applied: Vec<AppliedFix>,
    pub notes: Vec<String>,
    /// Unsafe fixes offered but not applied (the request did not ask for them).
    pub unsafe_left: usize,
}

#[derive(Debug, Serialize)]
pub struct RuleInfo {
    pub name: &'static str,
    pub category: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub fix: Option<Applicability>,
}

/// The Asterisk major versions the rules know, oldest first.
#[wasm_bindgen]
pub fn versions() -> Vec<u32> {
    SUPPORTED_MAJORS.collect()
}

/// The version linted when a request names none (the CLI's default).
#[wasm_bindgen(js_name = defaultVersion)]
pub fn default_version() -> u32 {
    Settings::default().asterisk_version
}

/// Every rule, as `--list-rules` lists them: JSON `[RuleInfo]`.
#[wasm_bindgen]
pub fn rules() -> String {
    let all: Vec<RuleInfo> = RULES
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            RuleInfo {
                name: meta.name,
                category: meta.category.as_str(),
                severity: meta.severity,
                summary: meta.summary,
                fix: meta.fix,
            }
        })
        .collect();
    to_json(&all)
}

/// A rule's `--explain` text (Markdown), or `undefined` for an unknown name.
#[wasm_bindgen]
pub fn explain(rule: &str) -> Option<String> {
    pjsiplint::rules::find(rule).map(|rule| rule.meta().doc.to_owned())
}

/// `text` with every secret value (`password`, `md5_cred`, ...) replaced by `*`, as every output
/// shows it: for a permalink that does not carry the passwords.
#[wasm_bindgen]
pub fn masked(text: &str) -> String {
    let file = SourceFile::new(PathBuf::from("pjsip.conf"), String::new(), text.into());
    pjsiplint::report::secrets::masked_text(&file)
}

/// The findings: JSON `{"findings": [Finding]}`, or `{"error": "..."}` for a bad request.
#[wasm_bindgen]
pub fn lint(request: &str) -> String {
    answer(request, |request| {
        let linted = lint_request(&request)?;
        Ok(to_json(
            &serde_json::json!({ "findings": findings(&linted) }),
        ))
    })
}

/// The fixes applied in rounds as `--fix` would (unsafe ones with `unsafe_fixes`), nothing
/// written: JSON [`Fixes`], or `{"error": "..."}`.
#[wasm_bindgen]
pub fn fixes(request: &str) -> String {
    answer(request, |request| Ok(to_json(&fix_request(&request)?)))
}

/// The `--effective` listing (secret values masked): JSON `{"text": "..."}`, or `{"error": ...}`.
#[wasm_bindgen]
pub fn effective(request: &str) -> String {
    answer(request, |request| {
        let linted = lint_request(&request)?;
        let mut text = Vec::new();
        let shown = effective::Effective::new(&linted.config, &linted.validation, &linted.trunks);
        effective::render_text(&shown, &mut text).map_err(|e| e.to_string())?;
        Ok(to_json(
            &serde_json::json!({ "text": String::from_utf8_lossy(&text) }),
        ))
    })
}

/// Parses the request and runs `work`; any failure becomes `{"error": "..."}`.
fn answer(request: &str, work: impl FnOnce(Request) -> Result<String, String>) -> String {
    serde_json::from_str::<Request>(request)
        .map_err(|e| format!("bad request: {e}"))
        .and_then(work)
        .unwrap_or_else(|error| to_json(&serde_json::json!({ "error": error })))
}

fn to_json(value: &impl Serialize) -> String {
    // Plain structs of strings and numbers: serializing them cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// The settings of a request: its version, every file from memory, no file checks (there is
/// no PBX to look at).
fn settings(request: &Request) -> Result<Settings, String> {
    if !SUPPORTED_MAJORS.contains(&request.version) {
        return Err(format!(
            "Asterisk {} is not one of the versions known ({} to {})",
            request.version,
            SUPPORTED_MAJORS.start(),
            SUPPORTED_MAJORS.end()
        ));
    }
    let mut texts = HashMap::new();
    for (name, text) in &request.files {
        texts.insert(file_path(name)?, text.clone().into_bytes());
    }
    if !request.files.contains_key(&request.root) {
        return Err(format!("no file named {} to start from", request.root));
    }
    Ok(Settings {
        asterisk_version: request.version,
        load: LoadOptions {
            // Relative includes resolve to the names the files are given.
            config_dir: Some(PathBuf::new()),
            overlay: Some(Arc::new(texts)),
            in_memory: true,
            ..LoadOptions::default()
        },
        check_files: Some(false),
        ..Settings::default()
    })
}

/// A file name as the loader knows it: a relative path without `.` or `..`, so that the name an
/// include resolves to is the name the file was given.
fn file_path(name: &str) -> Result<PathBuf, String> {
    let path = Path::new(name);
    let plain = !name.is_empty()
        && path
            .components()
            .all(|part| matches!(part, Component::Normal(_)));
    if plain {
        Ok(path.to_path_buf())
    } else {
        Err(format!(
            "file name `{name}`: use a relative path without `.` or `..` (e.g. pjsip.conf)"
        ))
    }
}

fn lint_request(request: &Request) -> Result<Linted, String> {
    let settings = settings(request)?;
    pjsiplint::lint_path(&file_path(&request.root)?, &settings).map_err(|e| e.to_string())
}

fn fix_request(request: &Request) -> Result<Fixes, String> {
    let settings = settings(request)?;
    let options = FixOptions {
        unsafe_fixes: request.unsafe_fixes,
        ..FixOptions::default()
    };
    let outcome = fix::fix(
        FixInput::Path(file_path(&request.root)?),
        &settings,
        &options,
    )
    .map_err(|e| e.to_string())?;
    let unsafe_left = outcome
        .linted
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|fix| !options.allows(fix.applicability))
        })
        .count();
    Ok(Fixes {
        files: outcome
            .changed
            .iter()
            .map(|file| FixedFile {
                name: file.name.clone(),
                fixed: String::from_utf8_lossy(&file.fixed).into_owned(),
                diff: String::from_utf8_lossy(
                    &fix::diff::unified_diff(&file.original, &file.fixed, &file.name).text,
                )
                .into_owned(),
            })
            .collect(),
        applied: outcome
            .applied
            .into_iter()
            .map(|applied| AppliedFix {
                rule: applied.rule,
                title: applied.title,
                applicability: applied.applicability,
                file: applied.file,
                line: applied.line,
            })
            .collect(),
        notes: outcome.notes,
        unsafe_left,
    })
}

fn findings(linted: &Linted) -> Vec<Finding> {
    // Each file's UTF-16 index, made when a finding first needs it.
    let mut offsets: Vec<Option<Utf16Offsets>> = Vec::new();
    offsets.resize_with(linted.config.files.len(), || None);
    linted
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let span = diagnostic.primary.span;
            let file = linted.config.file(span.file);
            let index =
                offsets[span.file.0 as usize].get_or_insert_with(|| Utf16Offsets::new(file));
            finding(linted, diagnostic, index)
        })
        .collect()
}

fn finding(linted: &Linted, diagnostic: &Diagnostic, offsets: &Utf16Offsets) -> Finding {
    let at = location(&linted.config, diagnostic);
    let span = diagnostic.primary.span;
    Finding {
        rule: diagnostic.rule,
        severity: diagnostic.severity,
        message: diagnostic.message.clone(),
        label: diagnostic.primary.message.to_string(),
        help: diagnostic.help.as_ref().map(ToString::to_string),
        file: at.file.to_owned(),
        start: span.start,
        end: span.end,
        line: at.start.line,
        column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
        from: offsets.of(span.start),
        to: offsets.of(span.end),
        fix: diagnostic.fix.as_ref().map(|fix| FindingFix {
            applicability: fix.applicability,
            title: fix.title.clone(),
        }),
    }
}

/// A file's byte offsets as offsets in UTF-16 code units, as JavaScript strings (and the editor)
/// count them. One pass over the file records where each line starts in both units, so that a
/// configuration with many findings is not counted again from its start for each of them.
struct Utf16Offsets<'a> {
    bytes: &'a [u8],
    /// (byte, UTF-16) offset of each line's start; empty for an ASCII file, where they are equal.
    lines: Vec<(usize, usize)>,
}

impl<'a> Utf16Offsets<'a> {
    fn new(file: &'a SourceFile) -> Self {
        let bytes: &[u8] = &file.bytes;
        let mut lines = Vec::new();
        if !bytes.is_ascii() {
            let (mut start, mut units) = (0, 0);
            for line in bytes.split_inclusive(|&byte| byte == b'\n') {
                lines.push((start, units));
                start += line.len();
                units += utf16_len(line);
            }
        }
        Utf16Offsets { bytes, lines }
    }

    fn of(&self, byte: u32) -> usize {
        let byte = (byte as usize).min(self.bytes.len());
        if self.lines.is_empty() {
            return byte;
        }
        let line = self.lines.partition_point(|&(start, _)| start <= byte) - 1;
        let (start, units) = self.lines[line];
        units + utf16_len(&self.bytes[start..byte])
    }
}

fn utf16_len(bytes: &[u8]) -> usize {
    String::from_utf8_lossy(bytes).encode_utf16().count()
}
