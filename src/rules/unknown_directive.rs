use super::{directives, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::DirectiveKind;

pub struct UnknownDirective;

static META: RuleMeta = RuleMeta {
    name: "unknown-directive",
    category: Category::Syntax,
    severity: Severity::Warning,
    summary: "A #word that is not #include, #tryinclude or #exec: the line is ignored",
    doc: r#"# unknown-directive

## What
A line starting with `#` whose word is not `include`, `tryinclude` or `exec` (compared without
regard to case). `#` is not a comment character in Asterisk configs.

## Why
Asterisk logs "Unknown directive '#...'" and ignores the line. A common cause is a shell-style
comment (`# disabled for now`), or `# include` / `#include"file"` where the blank is missing or
misplaced: the include then never happens.

## Example
```ini
# include pjsip_users.conf
```

## Fix
Use `;` for comments; write directives as `#include file`.

## When it does not apply
`#include`, `#tryinclude` and `#exec` in any case (`exec-directive` reports `#exec`), and `#`
lines inside a block comment. A `#` after a value (`allow=ulaw # note`) is part of the value,
not a directive.
"#,
    fix: None,
};

impl Rule for UnknownDirective {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (span, file, directive) in directives(cx.config) {
            if directive.kind(file) != DirectiveKind::Unknown {
                continue;
            }
            out.push(
                META.report(
                    span,
                    format!(
                        "unknown directive `#{}`: Asterisk ignores this line",
                        file.text(&directive.name)
                    ),
                )
                .help("`#` does not start a comment in Asterisk configs; use `;`"),
            );
        }
    }
}
