//! One line per finding: `file:line:col: severity[rule] message` (editors, grep).

use super::{location, message_with_evidence};
use crate::diagnostic::Diagnostic;
use crate::model::Config;

pub fn render(config: &Config, diagnostics: &[Diagnostic], out: &mut String) {
    for diagnostic in diagnostics {
        let at = location(config, diagnostic);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            at.file,
            at.start.line,
            at.start.column,
            diagnostic.severity.as_str(),
            diagnostic.rule,
            message_with_evidence(diagnostic)
        ));
    }
}
