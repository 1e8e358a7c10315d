use super::{files, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use crate::syntax::{IgnoredBecause, LineKind, LineTag, MAX_LINE_BYTES};

pub struct LineTooLong;

static META: RuleMeta = RuleMeta {
    name: "line-too-long",
    category: Category::Syntax,
    severity: Severity::Warning,
    summary: "A line over 8190 bytes: Asterisk skips it",
    doc: r#"# line-too-long

## What
A physical line longer than 8190 bytes (not counting its newline).

## Why
Asterisk reads lines into an 8192-byte buffer. A longer line is skipped entirely, with only
"Line N too long, skipping" in the log: a long `allow=`, `match=` or `set_var=` line silently
sets nothing.

## Example
An `identify` section with a `match=` listing hundreds of addresses on one line.

## Fix
Split the value over several lines: list options such as `match`, `permit` and `set_var` may be
repeated, and `+=` appends to the previous value.

## When it does not apply
Lines up to 8190 bytes, however long the value they hold together with other lines: a long
value split with `+=`, or over repeated lines of a list option, is fine.
"#,
    fix: None,
};

impl Rule for LineTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file_id, file) in files(cx.config) {
            for (_, line) in file.syntax.lines_where(|tag| tag == LineTag::Ignored) {
                if matches!(line.kind, LineKind::Ignored(IgnoredBecause::TooLong)) {
                    let length = line.end - line.start;
                    let span = Span::new(file_id, line.start..line.start);
                    out.push(META.report(
                        span,
                        format!(
                            "line of {length} bytes, over Asterisk's limit of {MAX_LINE_BYTES}: \
                             Asterisk skips it"
                        ),
                    ));
                }
            }
        }
    }
}
