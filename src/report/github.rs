//! `--format github`: workflow commands that GitHub Actions shows as annotations on the diff:
//! `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=pjsiplint (RULE)::message`.

use super::{location, message_with_evidence};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Config;

pub fn render(config: &Config, diagnostics: &[Diagnostic], out: &mut String) {
    for diagnostic in diagnostics {
        let at = location(config, diagnostic);
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(at.file),
            at.start.line,
            at.start.column,
            at.end.line,
            at.end.column,
            escape_property(&format!("pjsiplint ({})", diagnostic.rule)),
            escape_data(&message_with_evidence(diagnostic))
        ));
    }
}

/// The escaping of the runner's `escapeData` (actions/toolkit, command.ts).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty`: also `:` and `,`, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
