//! `--format json`: one JSON array of findings with stable field names (see README).

use serde::Serialize;

use super::location;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::model::Config;
use crate::trace::Evidence;

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: &'a str,
    pub fix: Option<JsonFix<'a>>,
    /// `--trace` findings only: the capture message that shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a Evidence>,
}

#[derive(Serialize)]
pub struct JsonFix<'a> {
    pub applicability: Applicability,
    pub title: &'a str,
}

pub fn entries<'a>(
    config: &'a Config,
    diagnostics: &'a [Diagnostic],
) -> impl Iterator<Item = JsonDiagnostic<'a>> + 'a {
    diagnostics.iter().map(move |diagnostic| {
        let at = location(config, diagnostic);
        JsonDiagnostic {
            rule: diagnostic.rule,
            severity: diagnostic.severity,
            file: at.file,
            line: at.start.line,
            column: at.start.column,
            end_line: at.end.line,
            end_column: at.end.column,
            message: &diagnostic.message,
            fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
                applicability: fix.applicability,
                title: &fix.title,
            }),
            evidence: diagnostic.evidence.as_deref(),
        }
    })
}
