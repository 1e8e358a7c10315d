use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct InheritanceTooLarge;

static META: RuleMeta = RuleMeta {
    name: "inheritance-too-large",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "Templates that inherit each other many times over copy millions of lines",
    doc: r#"# inheritance-too-large

## What
Templates whose inheritance multiplies: `[t2](!,t1,t1,t1)` copies every line of `t1` three
times, and each level multiplies again. pjsiplint stops copying inherited lines after a million
(plus one for every 2 bytes of configuration) and reports where.

## Why
Asterisk copies a base's lines into the section at its header (main/config.c
`ast_category_inherit`), every time the base is named. A few kilobytes of templates can ask for
billions of copies: Asterisk then takes minutes and gigabytes to load pjsip.conf, or is killed
for running out of memory. What pjsiplint reports after the limit is incomplete: sections past
this point lack their inherited lines.

## Example
```ini
[t0](!)
allow=ulaw
[t1](!,t0,t0,t0,t0,t0,t0,t0,t0)   ; 8 copies
[t2](!,t1,t1,t1,t1,t1,t1,t1,t1)   ; 64 copies, and so on
```

## Fix
Name each template once per section; let one template inherit another instead of repeating it.

## When it does not apply
Ordinary templates, however many sections use them: only copies beyond the limit count. A
template that does not exist is `template-not-found`.
"#,
    fix: None,
};

impl Rule for InheritanceTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for problem in &cx.config.load_problems {
            if let LoadProblemKind::InheritanceTooLarge { copied } = problem.kind {
                out.push(META.report(
                    problem.span,
                    format!(
                        "templates have already copied {copied} inherited lines: pjsiplint copies \
                         no more (sections from here lack their inherited lines), and Asterisk \
                         would need gigabytes to load this"
                    ),
                ));
            }
        }
    }
}
