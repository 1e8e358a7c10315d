//! Rules: one file each. A rule has a [`RuleMeta`] (name, category, default severity, its doc
//! for `--explain`) and a `check` that reads the resolved model and reports diagnostics.
//!
//! To add a rule: copy a rule file, change its `META` and `check`, and list it in [`RULES`].

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::model::Config;
use crate::source::Span;

mod addition_without_section;
mod duplicate_section;
mod exec_directive;
mod header_garbage;
mod include_cycle;
mod include_not_found;
mod line_too_long;
mod option_before_section;
mod section_name_too_long;
mod stray_block_comment_end;
mod syntax_error;
mod template_not_found;
mod unknown_directive;
mod unterminated_block_comment;

/// Every rule, in the order `--list-rules` shows them.
pub static RULES: &[&dyn Rule] = &[
    &syntax_error::SyntaxError,
    &include_not_found::IncludeNotFound,
    &include_cycle::IncludeCycle,
    &exec_directive::ExecDirective,
    &unknown_directive::UnknownDirective,
    &template_not_found::TemplateNotFound,
    &addition_without_section::AdditionWithoutSection,
    &option_before_section::OptionBeforeSection,
    &duplicate_section::DuplicateSection,
    &stray_block_comment_end::StrayBlockCommentEnd,
    &unterminated_block_comment::UnterminatedBlockComment,
    &line_too_long::LineTooLong,
    &section_name_too_long::SectionNameTooLong,
    &header_garbage::HeaderGarbage,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// How the file is read: syntax, includes, templates, sections.
    Syntax,
    /// Options and values as each object type defines them.
    Schema,
    /// Registrations, trunks and their authentication.
    Registration,
    /// Addresses behind NAT, identify sections.
    Nat,
    /// Toll fraud and eavesdropping.
    Security,
    /// Calls after registration: codecs, contexts, transports, WebRTC.
    Call,
    /// pjsiplint's own suppression comments.
    Suppression,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Syntax,
        Category::Schema,
        Category::Registration,
        Category::Nat,
        Category::Security,
        Category::Call,
        Category::Suppression,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Schema => "schema",
            Category::Registration => "registration",
            Category::Nat => "nat",
            Category::Security => "security",
            Category::Call => "call",
            Category::Suppression => "suppression",
        }
    }
}

/// What a rule is, for `--list-rules`, `--explain` and the report formats.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case name.
    pub name: &'static str,
    pub category: Category,
    /// The severity of most of its findings (some rules raise or lower it per finding).
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown shown by `--explain`: what, why (what Asterisk does), example, fix.
    pub doc: &'static str,
    /// The applicability of the fix it offers, if any.
    pub fix: Option<Applicability>,
}

impl RuleMeta {
    /// A finding of this rule at its default severity.
    pub fn report(&'static self, span: Span, message: String) -> Diagnostic {
        Diagnostic::new(self.name, self.severity, span, message)
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// What every rule can read.
pub struct Context<'a> {
    pub config: &'a Config,
    /// Each object's problems as Asterisk applies its lines (unknown options, bad values, ...).
    pub validation: &'a crate::validate::Validation,
    /// The Asterisk major version to check against (16 to 23).
    pub asterisk_version: u32,
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| rule.meta().name == name)
}

/// Runs the rules `enabled` accepts, in registry order.
pub fn check(cx: &Context<'_>, enabled: impl Fn(&RuleMeta) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES.iter().filter(|rule| enabled(rule.meta())) {
        rule.check(cx, &mut out);
    }
    out
}

/// "Asterisk loads nothing from the whole configuration" or "Asterisk stops reading this file",
/// depending on whether the mistake is in the root file or an included one.
pub(crate) fn file_failure_consequence(effect: crate::model::Effect) -> &'static str {
    match effect {
        crate::model::Effect::WholeConfigDropped => {
            "Asterisk rejects the whole file and loads no object from it"
        }
        crate::model::Effect::RestOfFileDropped => {
            "Asterisk stops reading this included file here (the including file goes on)"
        }
        crate::model::Effect::Continues => "Asterisk never reads this far",
    }
}
