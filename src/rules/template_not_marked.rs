use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix};
use crate::model::{Base, SectionId};
use crate::schema::schema;
use crate::source::Span;

pub struct TemplateNotMarked;

static META: RuleMeta = RuleMeta {
    name: "template-not-marked",
    category: Category::Syntax,
    severity: Severity::Info,
    summary: "A section used only as a base, with no type= and no (!): mark it a template",
    doc: r#"# template-not-marked

## What
A section that later sections name as their base (`[6001](phone)`), that has no `type=` line
(own or inherited) and is not marked as a template with `(!)`.

## Why
main/config.c copies a base's lines whether or not it is a template, so the sections built on
it work. But the base itself is also handed to res_sorcery_config as a section of its own,
where without `type=` it matches no object type and is ignored without a word. Nothing breaks
today; the header just does not say what the section is, and the day someone adds `type=` to
it (to make it a "complete" template), Asterisk creates an object from it, named after the
template. `(!)` says it is a template and keeps it from ever being an object.

## Example
```ini
[phone]             ; a template, but not marked
context=internal
allow=ulaw

[6001](phone)
type=endpoint
```

## Fix
Mark it: `[phone](!)`. The fix is safe: a section without `type=` creates no object, so
marking it changes nothing Asterisk loads. No fix is offered when another section has the same
name or a `(+)` addition names it (an addition looks for a section that is not a template).

## When it does not apply
Sections with a `type=` (own or inherited): those are objects that other sections also build
on, which Asterisk allows. Sections named `global` or `system`, which Asterisk may take as that
object without a `type=`. A section with no type that nothing builds on is missing-type's.
"#,
    fix: Some(crate::fix::Applicability::Safe),
};

impl Rule for TemplateNotMarked {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // Each base with the first section that builds on it.
        let mut used_by: HashMap<SectionId, SectionId> = HashMap::default();
        for (index, section) in config.pjsip_sections() {
            for base in config.bases(section).iter().filter_map(Base::resolved) {
                used_by.entry(base).or_insert(SectionId(index as u32));
            }
        }
        // Almost every base is a marked template: look further only at the others.
        used_by.retain(|&base, _| {
            let section = config.section(base);
            !section.template && !section.dropped && config.type_var(section).is_none()
        });
        if used_by.is_empty() {
            return;
        }
        let mut name_count: HashMap<&str, u32> = HashMap::default();
        for section in &config.sections {
            *name_count.entry(config.section_name(section)).or_default() += 1;
        }
        let added_to: HashSet<&str> = config
            .additions
            .iter()
            .map(|addition| addition.name.as_str())
            .collect();
        let mut bases: Vec<_> = used_by.into_iter().collect();
        bases.sort_unstable();
        for (id, first_user) in bases {
            let section = config.section(id);
            let name = config.section_name(section);
            if schema()
                .object_types()
                .any(|ty| ty.explicit_name.as_deref() == Some(name))
            {
                continue;
            }
            let mut diagnostic = META
                .report(
                    section.name_span,
                    format!(
                        "section [{name}] has no `type=` and serves only as a base: it is a \
                         template, but not marked `(!)`"
                    ),
                )
                .label("used as a template")
                .secondary(
                    config.section(first_user).name_span,
                    format!(
                        "[{}] builds on it",
                        config.section_name(config.section(first_user))
                    ),
                )
                .help(format!("mark it: `[{name}](!)`"));
            let Some(edit) = mark_template(config, section.name_span) else {
                continue;
            };
            if name_count.get(name) == Some(&1) && !added_to.contains(name) {
                diagnostic = diagnostic.fix(Fix::safe(format!("mark [{name}] `(!)`"), vec![edit]));
            }
            out.push(diagnostic);
        }
    }
}

/// How to mark the header whose name is at `name` a template: `(!)` after its `]`, or `!,` at
/// the start of its `(...)`. `None` when text follows the header (header-garbage's finding).
fn mark_template(config: &crate::model::Config, name: Span) -> Option<Edit> {
    let bytes = &config.file(name.file).bytes[..];
    let close = name.end as usize;
    if bytes.get(close) != Some(&b']') {
        return None;
    }
    let rest = &bytes[close + 1..];
    let line = &rest[..rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())];
    if line.first() == Some(&b'(') {
        return Some(Edit::insert(name.file, close as u32 + 2, "!,"));
    }
    let text = line.trim_ascii();
    (text.is_empty() || text.starts_with(b";"))
        .then(|| Edit::insert(name.file, close as u32 + 1, "(!)"))
}
