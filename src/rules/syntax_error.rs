use super::{files, Category, Context, Losses, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;
use crate::source::Span;
use crate::syntax::{DirectiveKind, IgnoredBecause, LineErrorKind, LineKind, LineTag};

pub struct SyntaxError;

static META: RuleMeta = RuleMeta {
    name: "syntax-error",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "A line Asterisk cannot read: the whole file, or just the line, is lost",
    doc: r#"# syntax-error

## What
A line that Asterisk's config parser (main/config.c) cannot read:

- a section header without its closing `]`, or with `(` but no closing `)`;
- a line starting with `\` followed by a blank ("Invalid escape");
- more than 128 nested `;--` block comments;
- text with no `=`, or `= value` with nothing before the `=`;
- `#include`, `#tryinclude` or `#exec` with no argument.

## Why
The first three make Asterisk declare the file invalid: "Contents of config file 'pjsip.conf' are
invalid and cannot be parsed", and **no** object of any type is loaded from it (on a reload the old
configuration stays, so the change silently does nothing). In an included file, Asterisk stops
reading that file at the bad line. With more than 128 nested block comments, Asterisk loops forever
on the line. The others are warnings in Asterisk's log ("No '=' (equal sign) in line 12"), and the
line is ignored: whatever it meant to set is not set.

## Example
```ini
[6001
type=endpoint
context internal
```

## Fix
Close the header (`[6001]`) and write `key=value` (`context=internal`). pjsiplint does not rewrite
a file that has syntax errors.

## When it does not apply
- A line Asterisk reads but whose option is wrong: unknown-option, invalid-value.
- Text after a complete header: header-garbage.
- The objects lost because the file is rejected are counted in the message and not reported
  again: references to them (dangling-reference) stay silent, and the other rules check the
  configuration as it loads once the line is fixed.
"#,
    fix: None,
};

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut losses = Losses::new(cx.config);
        for problem in &cx.config.load_problems {
            if problem.kind != LoadProblemKind::FatalSyntax {
                continue;
            }
            let what =
                fatal_error_kind(cx, problem.span).map_or("this line cannot be read", describe);
            out.push(META.report(
                problem.span,
                format!("{what}: {}", losses.describe(problem)),
            ));
        }
        for (file_id, file) in files(cx.config) {
            // Most lines hold neither a mistake nor a directive, as their tags say.
            let kept = |tag| matches!(tag, LineTag::Error | LineTag::Directive | LineTag::Ignored);
            for (_, line) in file.syntax.lines_where(kept) {
                let (span, message) = match &line.kind {
                    LineKind::Error(error) if !error.kind.invalidates_file() => (
                        error.span.clone(),
                        format!("{}: Asterisk ignores this line", describe(error.kind)),
                    ),
                    LineKind::Directive(directive)
                        if file.syntax.directive(*directive).argument.is_empty()
                            && file.syntax.directive(*directive).kind(file)
                                != DirectiveKind::Unknown =>
                    {
                        let directive = file.syntax.directive(*directive);
                        (
                            directive.span.clone(),
                            format!(
                                "`#{}` needs an argument: Asterisk ignores this line",
                                file.text(&directive.name)
                            ),
                        )
                    }
                    LineKind::Ignored(IgnoredBecause::NestLimit) => {
                        let message = "more than 128 nested `;--` block comments: Asterisk loops \
                                       forever reading this line"
                            .to_owned();
                        out.push(META.report(Span::new(file_id, line.start..line.end), message));
                        continue;
                    }
                    _ => continue,
                };
                let mut diagnostic = META.report(Span::new(file_id, span), message);
                diagnostic.severity = Severity::Warning;
                out.push(diagnostic);
            }
        }
    }
}

fn fatal_error_kind(cx: &Context<'_>, span: Span) -> Option<LineErrorKind> {
    let file = cx.config.file(span.file);
    match file.syntax.line(file.line_index(span.start)).kind {
        LineKind::Error(error) => Some(error.kind),
        _ => None,
    }
}

fn describe(kind: LineErrorKind) -> &'static str {
    match kind {
        LineErrorKind::NoClosingBracket => "section header without a closing `]`",
        LineErrorKind::NoClosingParenthesis => "section header options without a closing `)`",
        LineErrorKind::InvalidEscape => "a `\\` followed by a blank at the start of a line",
        LineErrorKind::NoEquals => "no `=` on this line",
        LineErrorKind::NoKey => "no option name before `=`",
    }
}
