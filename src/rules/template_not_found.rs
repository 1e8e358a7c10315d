use super::{Category, Context, Losses, Rule, RuleMeta};
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

Every header naming the same missing template is one finding, at the first, with the others
beside it; the sections that would get their `type=` from it are not reported again
(missing-type stays silent about them).

## When it does not apply
- The base is defined, but later in the file: still this rule (Asterisk looks only backwards).
- `(+)` additions: addition-without-section.
- A header without its closing `)`: syntax-error.
"#,
    fix: None,
};

impl Rule for TemplateNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut losses = Losses::new(cx.config);
        // Every header naming the same missing template is one finding (one thing to fix: define
        // it earlier), at the first, with the others beside it.
        let mut found: Vec<(Diagnostic, usize)> = Vec::new();
        let mut by_name: rustc_hash::FxHashMap<(&str, crate::source::FileId), usize> =
            Default::default();
        for problem in &cx.config.load_problems {
            let LoadProblemKind::TemplateNotFound { name } = &problem.kind else {
                continue;
            };
            let file = match problem.effect {
                crate::model::Effect::WholeConfigDropped => crate::source::FileId(0),
                _ => problem.span.file,
            };
            if let Some(&index) = by_name.get(&(name.as_str(), file)) {
                let (first, more) = &mut found[index];
                *more += 1;
                if *more <= 8 {
                    first.secondary.push(crate::diagnostic::Label {
                        span: problem.span,
                        message: format!("`{name}` named here too").into(),
                    });
                }
                continue;
            }
            by_name.insert((name.as_str(), file), found.len());
            let message = if name.is_empty() {
                format!(
                    "empty template name: with no section defined yet there is nothing to \
                     inherit: {}",
                    losses.describe(problem)
                )
            } else {
                format!(
                    "no section named `{name}` is defined before this one: {}",
                    losses.describe(problem)
                )
            };
            found.push((META.report(problem.span, message), 0));
        }
        for (mut diagnostic, more) in found {
            match more {
                0 => {}
                1 => diagnostic
                    .message
                    .push_str("; 1 more header names it before it is defined"),
                n => diagnostic
                    .message
                    .push_str(&format!("; {n} more headers name it before it is defined")),
            }
            out.push(diagnostic);
        }
    }
}
