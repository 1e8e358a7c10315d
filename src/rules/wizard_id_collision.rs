use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::NotLoaded;
use crate::wizard::wizard_of;

pub struct WizardIdCollision;

static META: RuleMeta = RuleMeta {
    name: "wizard-id-collision",
    category: Category::Wizard,
    severity: Severity::Warning,
    summary: "A wizard's objects hidden by pjsip.conf's of the same id, or replaced by a later wizard of the same name",
    doc: r#"# wizard-id-collision

## What
A pjsip_wizard.conf section makes an object (endpoint, aor, auth, identify, registration) whose
type and id an object of pjsip.conf already has.

## Why
The wizard's objects live in an in-memory store that sorcery searches after pjsip.conf's
(main/sorcery.c tries the stores in order; listings drop duplicate ids). pjsip.conf's object
wins, silently: the wizard's copy is used only while pjsip.conf's fails to load. Edits to the
wizard section then change nothing.

## Example
```ini
; pjsip.conf
[office]
type = endpoint
; pjsip_wizard.conf
[office]
type = wizard
endpoint/context = from-office   ; never used
```

Two wizard sections of one name (not a template and its user): the wizard applies both in
order, and the later one's objects replace the earlier one's in its store (`update` in
`object_type_loaded_observer`): the earlier section's lines are lost.

## Fix
Rename the wizard section, or remove the object from pjsip.conf (or the earlier wizard section).

## When it does not apply
When pjsip.conf's object does not load (the wizard's is then used; that object's own finding
says why it does not load).
"#,
    fix: None,
};

impl Rule for WizardIdCollision {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let objects = &config.objects;
        // Per wizard: the pjsip.conf objects hiding its objects.
        let mut by_wizard: Vec<(crate::model::SectionId, Vec<crate::model::ObjectId>)> = Vec::new();
        // Where each wizard is in `by_wizard`.
        let mut at: rustc_hash::FxHashMap<crate::model::SectionId, usize> = Default::default();
        for &(pjsip, made) in objects.hidden_by() {
            let object = objects.by_id(made);
            if !objects
                .not_loaded(object)
                .contains(&NotLoaded::HiddenByPjsipConf)
            {
                continue;
            }
            let Some(wizard) = wizard_of(config, object) else {
                continue;
            };
            match at.entry(wizard.section_id) {
                std::collections::hash_map::Entry::Occupied(entry) => {
                    by_wizard[*entry.get()].1.push(pjsip)
                }
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(by_wizard.len());
                    by_wizard.push((wizard.section_id, vec![pjsip]));
                }
            }
        }
        repeated_names(config, out);
        for (section_id, hiding) in by_wizard {
            let section = config.section(section_id);
            let name = config.section_name(section);
            let names: Vec<String> = hiding
                .iter()
                .map(|&id| {
                    let object = objects.by_id(id);
                    format!("{} '{}'", object.kind_name(), config.object_id(object))
                })
                .collect();
            let mut diagnostic = Diagnostic::new(
                META.name,
                Severity::Warning,
                section.name_span,
                format!(
                    "pjsip.conf already has {}: Asterisk uses {} and silently ignores what \
                     wizard [{name}] makes of the same id",
                    names.join(" and "),
                    if names.len() == 1 { "it" } else { "those" }
                ),
            )
            .label("hidden by pjsip.conf");
            for &id in &hiding {
                let object = objects.by_id(id);
                diagnostic = diagnostic.secondary(
                    config.section(object.section).name_span,
                    format!(
                        "{} '{}' of pjsip.conf",
                        object.kind_name(),
                        config.object_id(object)
                    ),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// Wizard sections whose name a later wizard section repeats: their objects are replaced.
fn repeated_names(config: &crate::model::Config, out: &mut Vec<Diagnostic>) {
    // The header of the last wizard of each name.
    let mut last_of: crate::allocator::HugeMap<&str, crate::source::Span> =
        crate::allocator::huge_map();
    for wizard in crate::wizard::wizards(config) {
        match last_of.entry(wizard.id()) {
            hashbrown::hash_map::Entry::Vacant(entry) => {
                entry.insert(wizard.header());
            }
            hashbrown::hash_map::Entry::Occupied(mut entry) => {
                let earlier = entry.insert(wizard.header());
                out.push(
                    Diagnostic::new(
                        META.name,
                        Severity::Warning,
                        earlier,
                        format!(
                            "wizard [{}] is written again below: the wizard applies both, and the \
                             later one's objects replace these, so the lines here are lost",
                            wizard.id()
                        ),
                    )
                    .label("replaced")
                    .secondary(wizard.header(), "written again here"),
                );
            }
        }
    }
}
