use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    category: Category::Suppression,
    severity: Severity::Info,
    summary: "A `; pjsiplint: disable=...` comment that suppresses nothing",
    doc: r#"# unused-suppression

## What
A `; pjsiplint: disable=rule` (or `disable-file=rule`) comment with no finding of those rules
where it applies. It also catches misspelt rule names.

## Why
Suppressions are for findings someone looked at and accepted. Once the line is fixed or moved,
a stale suppression would silently hide the next real problem there; a misspelt one never
worked. (This is about pjsiplint's comments only: Asterisk ignores them like any comment.)

## Example
```ini
; pjsiplint: disable=weak-pasword -- lab box
[6001]
type=auth
```

A comment on a line of its own applies to the next line with a statement; at the end of a
file, with no such line after it, it applies to nothing and is reported too.

## Fix
Remove the comment, or correct the rule name.

## When it does not apply
With `--no-inline-suppressions` no comment is read, so none is reported. A suppression of a
rule left out by `--select`/`--ignore` or the settings file suppresses nothing and is reported:
select the rule, or remove the comment. `disable-file=` comments are used when the rule finds
anything anywhere in their file.
"#,
    fix: None,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn runs_after_suppression(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for suppression in cx.suppressions.unused() {
            // A comment on a line of its own with no statement after it covers no line.
            let where_ = if suppression.lines.is_empty() {
                "no line follows it to suppress"
            } else {
                "it suppresses nothing here"
            };
            out.push(
                META.report(
                    suppression.span,
                    format!(
                        "`pjsiplint: disable={}` is unused: {where_}",
                        suppression.rules.join(",")
                    ),
                )
                .help("remove the comment, or correct the rule name"),
            );
        }
    }
}
