use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct DuplicateSection;

static META: RuleMeta = RuleMeta {
    name: "duplicate-section",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "Two sections with the same name and type: Asterisk loads no object of that type",
    doc: r#"# duplicate-section

## What
Two sections with the same name and the same `type` (names compared exactly, with case). An
endpoint, an aor and an auth all named `6001` are normal: that is not this mistake.

## Why
res_sorcery_config refuses the whole object type: "Config file 'pjsip.conf' could not be loaded;
configuration contains a duplicate object: '6001' of type 'endpoint'". **Every** endpoint of the
file is then missing, not just the duplicated one: all phones stop working at once (on a reload
the old ones silently stay). The same happens when one file is included twice.

## Example
```ini
[6001]
type=endpoint
context=internal

[6001]
type=endpoint
context=external
```

## Fix
Rename one of them, or merge them (use `[6001](+)` to add lines to an existing section).

## When it does not apply
- Sections of different types with one name (endpoint, aor and auth `6001`): normal.
- `[name](+)`: adds to the earlier section (addition-without-section if there is none).
- Templates (`(!)`) that share a name with an object: templates are no objects.
- The references to the type's objects are not reported as missing: they resolve once the
  duplicate is renamed.
"#,
    fix: None,
};

impl Rule for DuplicateSection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for &(first, second) in config.objects.twins() {
            let (earlier, object) = (config.objects.by_id(first), config.objects.by_id(second));
            let kind = object.kind_name();
            let id = config.object_id(object);
            // Sorcery fails the whole type (res_sorcery_config.c): say how much that is.
            let total = config.objects.of_type(kind).count();
            out.push(
                META.report(
                    config.section(object.section).name_span,
                    format!(
                        "a second {kind} named '{id}': Asterisk then loads no {kind} at all \
                         (none of the {total} {kind} sections)"
                    ),
                )
                .label(format!("second {kind} '{id}'"))
                .secondary(
                    config.section(earlier.section).name_span,
                    format!("first {kind} '{id}' here"),
                )
                .help("rename one of them, or add to the first with `[name](+)`"),
            );
        }
    }
}
