use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::SectionId;
use crate::schema::schema;

pub struct UnknownType;

static META: RuleMeta = RuleMeta {
    name: "unknown-type",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "type= names no pjsip object type (case counts): the section is ignored",
    doc: r#"# unknown-type

## What
A `type=` value that is not an object type of pjsip.conf: `endpoint`, `auth`, `aor`,
`transport`, `registration`, `identify`, `acl`, `global`, `system`, `domain_alias`,
`outbound-publish`, `inbound-publication`, `resource_list`, `asterisk-publication`, `phoneprov`.
The value is compared **with case**: `type=Endpoint` is not `endpoint`.

## Why
Sorcery compares the first `type=` with `strcmp`. No match means the section is **silently
ignored**: no log line, the endpoint just does not exist. chan_sip's `type=friend`, `peer` and
`user` are the common cause, and `type=wizard` belongs in pjsip_wizard.conf.

## Example
```ini
[6001]
type=Endpoint
```

## Fix
Write the type in lower case (`type=endpoint`). A chan_sip `friend` becomes three sections: an
endpoint, an auth and an aor. pjsiplint offers the case correction as an unsafe fix (the section
starts to load).

## When it does not apply
- A section with no `type=` at all: missing-type.
- pjsip_wizard.conf itself (a file named so, or linted with `--wizard`): its `type=wizard`
  sections are expanded as res_pjsip_config_wizard does (see the `wizard-*` rules). A
  `type=wizard` section read as part of pjsip.conf (written there, or in a file pjsip.conf
  `#include`s) is this rule: res_pjsip_config_wizard reads pjsip_wizard.conf on its own.
- A value that differs from a type only in case (`type=Endpoint`) is still this rule: Asterisk
  compares it with case.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for UnknownType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // A template's bad `type=` inherited by many sections is one finding.
        let mut reported = rustc_hash::FxHashSet::default();
        for (index, section) in config.pjsip_sections() {
            // A section that became an object has a known type.
            if section.template || config.objects.of_section(SectionId(index as u32)).is_some() {
                continue;
            }
            let Some(var) = config.type_var(section) else {
                continue;
            };
            if !reported.insert(var.origin) {
                continue;
            }
            let value = config.value(var);
            let known = schema().object_type(value);
            if known.is_some_and(|ty| ty.in_pjsip_conf) {
                continue;
            }
            let case_fix = schema()
                .object_types()
                .find(|ty| ty.in_pjsip_conf && ty.name.eq_ignore_ascii_case(value));
            let hint = match (value.to_ascii_lowercase().as_str(), known, case_fix) {
                (_, Some(ty), _) => {
                    format!(" (`{}` objects are not configured in pjsip.conf)", ty.name)
                }
                (_, None, Some(ty)) => format!(" (did you mean `{}`? case counts)", ty.name),
                ("friend" | "peer" | "user", _, _) => {
                    " (a chan_sip type: pjsip uses an endpoint, an auth and an aor)".to_owned()
                }
                ("wizard", _, _)
                    if config.root_of_file(var.origin.file).root_file() != var.origin.file =>
                {
                    " (pjsip.conf includes this file, so Asterisk reads it as pjsip.conf: \
                     res_pjsip_config_wizard reads pjsip_wizard.conf on its own, so drop the \
                     `#include`)"
                        .to_owned()
                }
                ("wizard", _, _) => " (wizard sections belong in pjsip_wizard.conf, which \
                     res_pjsip_config_wizard reads on its own; lint a wizard file of another \
                     name with `--wizard`)"
                    .to_owned(),
                _ => String::new(),
            };
            let mut diagnostic = META
                .report(
                    config.value_span(var),
                    format!(
                        "`type={value}` names no pjsip object type{hint}: Asterisk ignores [{}] \
                         without a word",
                        config.section_name(section)
                    ),
                )
                .label("not an object type");
            if let Some(ty) = case_fix {
                diagnostic = diagnostic.fix(Fix {
                    title: format!("write `type={}`", ty.name),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        span: config.value_span(var),
                        replacement: ty.name.to_string(),
                    }],
                });
            }
            out.push(diagnostic);
        }
    }
}
