use super::{Category, Context, Losses, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct AdditionWithoutSection;

static META: RuleMeta = RuleMeta {
    name: "addition-without-section",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "[name](+) adds to a section that is not defined before it",
    doc: r#"# addition-without-section

## What
A header `[name](+)` (or `[name](+type=...)`) with no earlier section of that name that is not a
template (and that passes the filter).

## Why
`(+)` reopens an existing section to add lines to it. Asterisk logs "Category addition requested,
but category 'name' does not exist" and declares the file invalid: **no** object of any type is
loaded from pjsip.conf. Templates do not count: `[tpl](!)` then `[tpl](+)` is this mistake.

## Example
```ini
[6001](+)
callerid="Front desk" <6001>
```

## Fix
Define the section before adding to it, or write a normal `[name]` header.

## When it does not apply
- `[name](+)` after a section of that name that is a template (`(!)`): still this rule
  (Asterisk only adds to non-template sections).
- Additions in a file Asterisk stopped reading earlier: that earlier failure is the finding.
"#,
    fix: None,
};

impl Rule for AdditionWithoutSection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut losses = Losses::new(cx.config);
        for problem in &cx.config.load_problems {
            if let LoadProblemKind::AdditionWithoutSection { name } = &problem.kind {
                out.push(META.report(
                    problem.span,
                    format!(
                        "no section `{name}` (other than a template) is defined before this \
                         addition: {}",
                        losses.describe(problem)
                    ),
                ));
            }
        }
    }
}
