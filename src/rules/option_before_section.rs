use super::{Category, Context, Losses, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct OptionBeforeSection;

static META: RuleMeta = RuleMeta {
    name: "option-before-section",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "An option line before the first [section] header",
    doc: r#"# option-before-section

## What
A `key=value` line before any section header (and not inside a file included from within a
section).

## Why
Asterisk logs "parse error: No category context for line N" and declares the file invalid: **no**
object of any type is loaded from pjsip.conf. An included file may start with option lines: they
belong to the includer's current section.

## Example
```ini
bind=0.0.0.0:5060
[transport-udp]
type=transport
```

## Fix
Move the line into the section it belongs to.

## When it does not apply
- Options at the top of a file included from within a section: they belong to that section.
- Comments and directives before the first header.
"#,
    fix: None,
};

impl Rule for OptionBeforeSection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut losses = Losses::new(cx.config);
        for problem in &cx.config.load_problems {
            if problem.kind == LoadProblemKind::OptionBeforeSection {
                out.push(META.report(
                    problem.span,
                    format!("option before any [section]: {}", losses.describe(problem)),
                ));
            }
        }
    }
}
