use super::{directives, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::DirectiveKind;

pub struct ExecDirective;

static META: RuleMeta = RuleMeta {
    name: "exec-directive",
    category: Category::Syntax,
    severity: Severity::Warning,
    summary:
        "#exec runs a program at load time; pjsiplint never runs it, so its output is unchecked",
    doc: r#"# exec-directive

## What
An `#exec` line.

## Why
Asterisk runs the command (through a shell) and reads its output as part of the file, but only
when `execincludes=yes` is set in asterisk.conf; otherwise it logs "Cannot perform #exec unless
execincludes option is enabled" and ignores the line. pjsiplint never runs it, so whatever it
would add is not checked, and an admin reading pjsip.conf cannot see it either.

## Example
```ini
#exec /usr/local/bin/make-endpoints.sh
```

## Fix
Generate the file ahead of time and `#include` the result, so it can be read and checked.

## When it does not apply
`#exec` with no command after it; `#include` and `#tryinclude` (`include-not-found` checks
those); lines inside a block comment, which Asterisk never reads. Other `#` words are
`unknown-directive`.
"#,
    fix: None,
};

impl Rule for ExecDirective {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (span, file, directive) in directives(cx.config) {
            if directive.kind(file) == DirectiveKind::Exec && !directive.argument.is_empty() {
                out.push(
                    META.report(
                        span,
                        "`#exec` is not run by pjsiplint (Asterisk runs it only with \
                     execincludes=yes): what it adds is not checked"
                            .to_owned(),
                    ),
                );
            }
        }
    }
}
