use rustc_hash::FxHashSet as HashSet;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Base, SectionId};
use crate::schema::schema;

pub struct MissingType;

static META: RuleMeta = RuleMeta {
    name: "missing-type",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "A section with no type=: Asterisk ignores it without a word",
    doc: r#"# missing-type

## What
A section that is not a template (`(!)`), has no `type=` line (its own or inherited), and is not
used as a base by a later section.

## Why
res_sorcery_config picks each object by its first `type=` line. A section without one matches no
object type and is **silently ignored**: no log line, no object. The usual cause is a forgotten
`type=endpoint`, or a template written without `(!)` and then never used. Sections named exactly
`global` or `system` are the exception: Asterisk takes them as that type when every key is an
option of it.

## Example
```ini
[6001]
context=internal
auth=6001
aors=6001
```

## Fix
Add the `type=` line (`type=endpoint`), or mark a template with `(!)`.

## When it does not apply
- A section whose header names a template or section not defined before it
  (`[6001](phone-tpl)` with no `[phone-tpl]` yet): template-not-found reports that (Asterisk
  rejects the whole file), and the `type=` most likely comes from that template.
- Templates (`(!)`), and sections other sections inherit from.
- A section with no option line at all (`[general]` followed only by an `#include` that found
  nothing): Asterisk ignores it, and nothing is lost.
"#,
    fix: None,
};

impl Rule for MissingType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let bases: HashSet<SectionId> = config
            .sections
            .iter()
            .flat_map(|section| config.bases(section).iter().filter_map(Base::resolved))
            .collect();
        // Per section: whether a base is not defined, here or further up (bases come first in
        // load order, so one pass settles it).
        let mut missing_base = vec![false; config.sections.len()];
        for (index, section) in config.sections.iter().enumerate() {
            missing_base[index] = config.bases(section).iter().any(|base| {
                base.resolved()
                    .is_none_or(|base| missing_base.get(base.0 as usize) == Some(&true))
            });
        }
        for (index, section) in config.pjsip_sections() {
            let id = SectionId(index as u32);
            // Cheapest first: nearly every section is an object, found by index.
            if config.objects.of_section(id).is_some()
                || section.template
                || section.dropped
                || bases.contains(&id)
                || config.type_var(section).is_some()
                // No line at all (a `[general]` holding only an include that found nothing):
                // ignoring it loses nothing.
                || config.vars(section).is_empty()
                // A base that is not defined (template-not-found's finding), here or in a base's
                // bases: the `type=` would most likely come from it.
                || missing_base[index]
            {
                continue;
            }
            let explicit = schema()
                .object_types()
                .find(|ty| ty.explicit_name.as_deref() == Some(config.section_name(section)));
            let message = match explicit {
                Some(ty) => {
                    let stray = config
                        .vars(section)
                        .iter()
                        .map(|var| config.key(var))
                        .find(|key| ty.option(key).is_none() && !ty.matches_pattern(key))
                        .unwrap_or_default();
                    format!(
                        "section [{}] has no `type=` and `{stray}` is not a {} option, so \
                         Asterisk does not take it as the {} object: it is ignored",
                        config.section_name(section),
                        ty.name,
                        ty.name
                    )
                }
                None => format!(
                    "section [{}] has no `type=`: Asterisk ignores it without a word",
                    config.section_name(section)
                ),
            };
            out.push(
                META.report(section.name_span, message)
                    .help("add `type=endpoint` (or aor, auth, ...), or mark a template with `(!)`"),
            );
        }
    }
}
