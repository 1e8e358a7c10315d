use rustc_hash::FxHashSet as HashSet;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};

pub struct DeprecatedOption;

static META: RuleMeta = RuleMeta {
    name: "deprecated-option",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "An option Asterisk has deprecated, with its replacement",
    doc: r#"# deprecated-option

## What
An option marked deprecated in the chosen Asterisk version (`--asterisk-version`): for example
`md5_cred` (use `password_digest`), `preferred_codec_only` (use `incoming_call_offer_pref`),
`stir_shaken` (use `stir_shaken_profile`), the system `threadpool_*` options (now `taskpool_*`),
the transport's `async_operations` (ignored).

## Why
Deprecated options still work for now, but may be ignored or removed in a later release; some
already do nothing (`async_operations` logs "The setting can no longer be set and is always 1").
An upgrade then silently changes behaviour, or the object is rejected for an unknown option.

## Example
```ini
[system]
type=system
threadpool_max_size=50
```

## Fix
Use the replacement. When it takes the same values, pjsiplint renames the key: a safe fix when
the replacement exists in every release of the chosen branch, an unsafe one naming the release
it needs otherwise (`taskpool_max_size` exists from 20.18.0 and 22.8.0).

## When it does not apply
Options deprecated only in a later release than `--asterisk-version`, and options the chosen
version does not know at all (`unknown-option` or `option-not-in-version`). Each line written is
one finding, however many objects inherit it.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for DeprecatedOption {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // Most configurations write no deprecated option name at all: then no object's lines
        // are walked (1.9M lines for 100k phones). The few names written, against the few
        // deprecated in some type (names compared without case, as the schema's lookup does).
        if !config.key_names().any(|name| {
            deprecated_names()
                .iter()
                .any(|d| d.eq_ignore_ascii_case(name))
        }) {
            return;
        }
        let deprecated = |spec: &crate::schema::OptionSpec| {
            spec.deprecated && spec.available_in(cx.asterisk_version)
        };
        let mut reported = HashSet::default();
        for object in &config.objects.list {
            let ty = object.ty;
            for var in config.vars(config.section(object.section)) {
                let Some(spec) = config.option_spec(ty, var).filter(|spec| deprecated(spec)) else {
                    continue;
                };
                let key = config.key(var);
                if !reported.insert(var.origin) {
                    continue;
                }
                let replacement = spec
                    .replacement
                    .as_deref()
                    .and_then(|name| ty.option(name))
                    .filter(|new| new.available_in(cx.asterisk_version));
                let message = match replacement {
                    Some(new) => format!("`{key}` is deprecated: use `{}`", new.name),
                    None => format!("`{key}` is deprecated"),
                };
                let mut diagnostic = META.report(config.key_span(var), message);
                // A rename keeps the meaning when the new option reads the value the same way.
                // It is safe only when the new option exists in every release of the branch:
                // `taskpool_*` came in 20.18 and 22.8, so on 22.0 the renamed key would be
                // unknown and the object rejected. Otherwise it is offered as unsafe, naming the
                // release it needs.
                if let Some(new) = replacement.filter(|new| {
                    new.kind == spec.kind && new.subkind == spec.subkind && new.range == spec.range
                }) {
                    let first = new.first_release(cx.asterisk_version).unwrap_or_default();
                    let (applicability, title) = if first == format!("{}.0.0", cx.asterisk_version)
                    {
                        (
                            Applicability::Safe,
                            format!("rename `{key}` to `{}`", new.name),
                        )
                    } else {
                        (
                            Applicability::Unsafe,
                            format!(
                                "rename `{key}` to `{}` (needs Asterisk {first} or later)",
                                new.name
                            ),
                        )
                    };
                    diagnostic = diagnostic.fix(Fix {
                        title,
                        applicability,
                        edits: vec![Edit {
                            span: config.key_span(var),
                            replacement: new.name.to_string(),
                        }],
                    });
                }
                out.push(diagnostic);
            }
        }
    }
}

/// The names of the options some object type deprecates (in some version).
fn deprecated_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = crate::schema::schema()
            .object_types()
            .flat_map(|ty| ty.options())
            .filter(|spec| spec.deprecated)
            .map(|spec| &*spec.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    })
}

#[cfg(test)]
mod tests {
    /// The names written are compared with the deprecated ones without case, as Asterisk
    /// compares option names: a name in capitals is no reason to skip the walk.
    #[test]
    fn a_deprecated_name_in_any_case_is_found() {
        let text = "[system]\ntype=system\nThreadPool_Max_Size=50\n";
        let linted = crate::lint_bytes(
            std::path::Path::new("/nonexistent/pjsip.conf"),
            "pjsip.conf".to_owned(),
            text.as_bytes().to_vec(),
            &crate::Settings::default(),
        );
        let rules: Vec<&str> = linted.diagnostics.iter().map(|d| d.rule).collect();
        assert!(rules.contains(&"deprecated-option"), "{rules:?}");
    }
}
