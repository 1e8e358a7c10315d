use super::{section_type, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::SectionId;
use crate::schema::ValueKind;
use crate::source::Span;

pub struct ConcatenatingAppend;

static META: RuleMeta = RuleMeta {
    name: "concatenating-append",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "`+=` on a list option without a leading comma glues the items together",
    doc: r#"# concatenating-append

## What
`key += value` on a comma-separated list option (`allow`, `disallow`, `aors`, `auth`, `match`,
`permit`, `deny`, `local_net`, ...) where the appended text does not start with `,`.

## Why
`+=` appends the text to the previous value of the same key **with no separator** (main/config.c,
`process_text_line`): `allow=ulaw` then `allow += g722` gives `ulaw g722`, and `allow+=g722` gives
`ulawg722`. Asterisk then rejects the endpoint for an unknown codec ("Cannot allow unknown format"),
or an `aors=` names an aor that does not exist.

## Example
```ini
[6001]
type=endpoint
allow=ulaw
allow += g722
```

## Fix
Start the appended text with a comma: `allow += ,g722`, or write a second `allow=` line (list
options accumulate). pjsiplint offers the comma as an unsafe fix.

## When it does not apply
`+=` on options that are not lists (a `set_var` or a `callerid` is extended as text), `+=` text
starting with a comma, and `+=` on an empty value or one ending in a comma, where nothing is
glued. `+=` on a key the section does not have yet simply sets it (main/config.c,
`process_text_line`: "Nothing to replace; just set a variable normally"). `[name](+)` sections
are `addition-without-section`.
"#,
    fix: Some(Applicability::Unsafe),
};

/// Option kinds whose value is a comma-separated list.
fn is_list(spec: &crate::schema::OptionSpec) -> bool {
    spec.kind == ValueKind::CodecList
        || matches!(
            spec.subkind.as_deref(),
            Some(
                "name_list"
                    | "acl_rules"
                    | "ip_or_host_list"
                    | "sip_uri_list"
                    | "named_acl_list"
                    | "algorithm_list"
                    | "enum_list"
                    | "group_list"
                    | "digest_spec_list"
            )
        )
}

impl Rule for ConcatenatingAppend {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        for (index, section) in config.pjsip_sections() {
            // Most sections have no `+=` line: no need to know their type.
            if config.vars(section).iter().all(|var| !var.is_appended()) {
                continue;
            }
            let Some(ty) = section_type(config, SectionId(index as u32)) else {
                continue;
            };
            for var in config.vars(section) {
                let Some(appended) = config.appended(var) else {
                    continue;
                };
                let key = config.key(var);
                if !ty.option(key).is_some_and(is_list) {
                    continue;
                }
                // The value before each `+=` line: the joined value without what this line and
                // the later ones added. Nothing is glued to an empty value or to one ending in
                // a comma (`allow=` then `allow += ulaw` is just `ulaw`).
                let mut before = Vec::with_capacity(appended.lines.len());
                let mut rest = config.value(var);
                for &line in appended.lines.iter().rev() {
                    let added = config
                        .text(line.file, &config.assignment(line).value)
                        .trim();
                    rest = rest.trim_end();
                    rest = rest.strip_suffix(added).unwrap_or(rest);
                    before.push(rest.trim_end());
                }
                before.reverse();
                for (&line, before) in appended.lines.iter().zip(before) {
                    if !reported.insert(line) {
                        continue;
                    }
                    let assignment = config.assignment(line);
                    let text = config.text(line.file, &assignment.value);
                    let item = text.trim_start();
                    if item.is_empty()
                        || item.starts_with(',')
                        || before.is_empty()
                        || before.ends_with(',')
                    {
                        continue;
                    }
                    let blanks = (text.len() - item.len()) as u32;
                    let start = assignment.value.span.start;
                    let glued = Span::new(line.file, start..start + blanks);
                    out.push(
                        META.report(
                            Span::new(line.file, assignment.value.span.clone()),
                            format!(
                                "`{key} +=` appends `{item}` with no comma: the value becomes \
                                 `{}`",
                                config.value(var)
                            ),
                        )
                        .label("no `,` before the new item")
                        .fix(Fix {
                            title: format!("append `,{item}`"),
                            applicability: Applicability::Unsafe,
                            edits: vec![Edit {
                                span: glued,
                                replacement: ",".to_owned(),
                            }],
                        }),
                    );
                }
            }
        }
    }
}
