use super::{file_failure_loss, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct TemplateNotFound;

static META: RuleMeta = RuleMeta {
    name: "template-not-found",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "A section inherits from a section not defined before it",
    doc: r#"# template-not-found

## What
A header `[name](base)` whose `base` is not the name of a section defined **earlier** (in this
file or a file included before). Names are compared without regard to case, but blanks count:
`(!, tpl)` looks for a section named " tpl".

## Why
Asterisk logs "Inheritance requested, but category 'base' does not exist" and declares the file
invalid: **no** object of any type is loaded from pjsip.conf (on a reload the old configuration
silently stays). In an included file, Asterisk stops reading that file there. A template defined
after its first user counts as missing.

## Example
```ini
[6001](phone-template)
type=endpoint

[phone-template](!)
context=internal
```

## Fix
Define the template before the sections that use it, and check the spelling.
"#,
    fix: None,
};

impl Rule for TemplateNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for problem in &cx.config.load_problems {
            if let LoadProblemKind::TemplateNotFound { name } = &problem.kind {
                let message = if name.is_empty() {
                    format!(
                        "empty template name: with no section defined yet there is nothing to \
                         inherit: {}",
                        file_failure_loss(cx.config, problem)
                    )
                } else {
                    format!(
                        "no section named `{name}` is defined before this one: {}",
                        file_failure_loss(cx.config, problem)
                    )
                };
                out.push(META.report(problem.span, message));
            }
        }
    }
}
