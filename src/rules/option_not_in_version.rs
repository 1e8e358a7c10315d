use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::SUPPORTED_MAJORS;
use crate::validate::ProblemKind;

pub struct OptionNotInVersion;

static META: RuleMeta = RuleMeta {
    name: "option-not-in-version",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "An option that the chosen Asterisk version does not have yet (or any more)",
    doc: r#"# option-not-in-version

## What
An option of the right object type that does not exist in the Asterisk major version being
checked (`--asterisk-version`, default 22): it was added in a later release, or removed.

## Why
To that Asterisk the key is unknown: "Could not find option suitable for category ..." and the
whole object is rejected, exactly as for a typo. Configs copied from newer documentation onto an
older PBX fail this way.

## Example
```ini
; checked with --asterisk-version 18
[6001]
type=aor
qualify_2xx_only=yes   ; added in 20.12.0, 21.7.0 and 22.2.0
```

## Fix
Upgrade Asterisk, check with the right `--asterisk-version`, or write the older equivalent.

## When it does not apply
- An option no version of the type has: unknown-option.
- An option of another object type: unknown-option (which names the type it belongs to).
"#,
    fix: None,
};

impl Rule for OptionNotInVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for group in problem_groups(cx, |kind| *kind == ProblemKind::NotInVersion) {
            let Some(var) = group.var(config) else {
                continue;
            };
            let key = config.key(var);
            let spec = group.objects[0].ty.option(key);
            let versions: Vec<String> = SUPPORTED_MAJORS
                .filter_map(|major| spec?.first_release(major).map(str::to_owned))
                .collect();
            let since = if versions.is_empty() {
                String::new()
            } else {
                format!("; it exists from {}", versions.join(", "))
            };
            out.push(report_group(
                &META,
                config,
                &group,
                format!(
                    "Asterisk {} rejects {}: `{key}` is not an option in this version{since}",
                    cx.asterisk_version,
                    group.objects_phrase(config)
                ),
            ));
        }
    }
}
