//! What a rule reports: a message at exact bytes, secondary labels, help, and maybe a fix.

use std::borrow::Cow;

use crate::fix::Fix;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Texts of a finding that are mostly fixed words (a rule's help, a label): no allocation per
/// finding for those, where a file can have hundreds of thousands of findings.
pub type Words = Cow<'static, str>;

#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub message: Words,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<Words>,
    pub fix: Option<Fix>,
    /// For a finding of `--trace`: the message of the capture that shows it.
    pub evidence: Option<Box<crate::trace::Evidence>>,
}

impl Diagnostic {
    pub fn new(rule: &'static str, severity: Severity, span: Span, message: String) -> Self {
        Diagnostic {
            rule,
            severity,
            message,
            primary: Label {
                span,
                message: Words::Borrowed(""),
            },
            secondary: Vec::new(),
            help: None,
            fix: None,
            evidence: None,
        }
    }

    /// The text under the primary span (shown by miette beside the bytes).
    pub fn label(mut self, message: impl Into<Words>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<Words>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// A secondary label, when there is one.
    pub fn also(mut self, label: Option<Label>) -> Self {
        self.secondary.extend(label);
        self
    }

    pub fn help(mut self, help: impl Into<Words>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}
