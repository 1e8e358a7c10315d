//! Output formats: one module each. All of them mask secrets (see `secrets.rs`).

pub mod concise;
pub mod effective;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod secrets;

use crate::diagnostic::Diagnostic;
use crate::model::Config;
use crate::source::LineCol;

/// Where a diagnostic starts and ends, 1-based, in the file's name as shown to users.
pub struct Location<'a> {
    pub file: &'a str,
    pub start: LineCol,
    pub end: LineCol,
}

/// A finding's message, followed by its capture evidence for `--trace` findings (the
/// one-line formats carry it this way).
pub fn message_with_evidence(diagnostic: &Diagnostic) -> std::borrow::Cow<'_, str> {
    match &diagnostic.evidence {
        Some(evidence) => format!("{} [{evidence}]", diagnostic.message).into(),
        None => diagnostic.message.as_str().into(),
    }
}

pub fn location<'a>(config: &'a Config, diagnostic: &Diagnostic) -> Location<'a> {
    let span = diagnostic.primary.span;
    let file = config.file(span.file);
    Location {
        file: &file.name,
        start: file.line_col(span.start),
        end: file.line_col(span.end),
    }
}
