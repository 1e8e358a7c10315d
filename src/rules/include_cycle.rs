use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct IncludeCycle;

static META: RuleMeta = RuleMeta {
    name: "include-cycle",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "A file includes itself, directly or through other files",
    doc: r#"# include-cycle

## What
An `#include` (or `#tryinclude`) that leads back to a file already being read.

## Why
Asterisk does not detect cycles: it reads the file again and again until it reaches its limit of
10 nested includes ("Maximum Include level (10) exceeded"). Every section of the files in the
cycle is then loaded several times, and two sections with the same name and type make Asterisk
load no object of that type at all. pjsiplint reads each file of the cycle once.

## Example
```ini
; pjsip.conf
#include pjsip.conf
```

## Fix
Remove the include that closes the cycle; include each file from exactly one place.

## When it does not apply
- A file included twice, but not from within itself (two `#include` lines naming the same
  file): Asterisk reads it twice, which duplicate-section reports if it defines objects.
- `#exec`: never run by pjsiplint (exec-directive).
"#,
    fix: None,
};

impl Rule for IncludeCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for problem in &cx.config.load_problems {
            if let LoadProblemKind::IncludeCycle { target } = &problem.kind {
                out.push(META.report(
                    problem.span,
                    format!(
                        "`{target}` is already being read: Asterisk reads it again and again up \
                         to 10 levels deep, loading its sections several times"
                    ),
                ));
            }
        }
    }
}
