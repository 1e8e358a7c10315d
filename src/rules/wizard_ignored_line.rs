use rustc_hash::FxHashSet;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::{Config, RootKind, Var};
use crate::schema::{edit_distance, schema};
use crate::wizard::{ast_true, wizards, Wizard, PREFIXES, WIZARD_KEYS};

pub struct WizardIgnoredLine;

static META: RuleMeta = RuleMeta {
    name: "wizard-ignored-line",
    category: Category::Wizard,
    severity: Severity::Warning,
    summary: "A pjsip_wizard.conf line or section that the wizard ignores without a word",
    doc: r#"# wizard-ignored-line

## What
In pjsip_wizard.conf: a key that is no wizard key and has no object prefix (`sends_registration`,
`send_auth`, `context`), a prefix the wizard does not know (`andpoint/allerid`, `auth/username`),
a known prefix in another case (`Endpoint/context`), a wizard yes/no key whose value is no yes/no
word, and sections the wizard makes nothing of (`type=Wizard`, `type=endpoint`).

## Why
res_pjsip_config_wizard.c reads each wizard key with `ast_variable_find_last_in_list` (any case)
and passes to each object only the lines that begin with its prefix exactly
(`get_object_variables` uses `ast_begins_with`, which is case-sensitive). Every other line is
skipped **without a message**, and only sections whose type matches `^wizard$` are expanded
(`ast_category_browse_filtered(..., "type=^wizard$")`). The phone or trunk then silently lacks
what the line meant: a trunk that never registers, an endpoint in the default context. A
yes/no key is read by `ast_true`: any other word (`accepts_registrations=nosends_auth=yes`, two
lines run together) means no.

## Example
```ini
[mytrunk]
type = wizard
sends_registration = yes     ; ignored: the key is sends_registrations
Endpoint/context = from-trunk ; ignored: prefixes are lower case
context = from-trunk          ; ignored: write endpoint/context
```

## Fix
Use the wizard key or the lower-case prefix named in the message (`--unsafe-fixes` rewrites the
key where there is one clear answer: unsafe, since the line then takes effect).

## When it does not apply
Sections without `type`, templates (their lines are checked in the wizards that use them), and
pjsip.conf (where `type=wizard` has its own finding, `unknown-type`).
"#,
    fix: Some(Applicability::Unsafe),
};

/// Wizard keys read with `is_variable_true`.
const YES_NO_KEYS: &[&str] = &[
    "sends_auth",
    "accepts_auth",
    "sends_registrations",
    "accepts_registrations",
    "sends_line_with_registrations",
    "has_hint",
    "has_phoneprov",
];

/// Asterisk's `ast_false` words.
fn ast_false(value: &str) -> bool {
    ["no", "false", "n", "f", "0", "off"]
        .iter()
        .any(|word| value.eq_ignore_ascii_case(word))
}

impl Rule for WizardIgnoredLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let Some(root) = config.root(RootKind::Wizard) else {
            return;
        };
        for id in root.section_ids() {
            let section = config.section(id);
            if section.template || section.dropped {
                continue;
            }
            if let Some(finding) = not_a_wizard(config, section) {
                out.push(finding);
            }
        }
        // A template line many wizards inherit is one finding. A line passed to an object is
        // the object's option, which it accepts or rejects like any pjsip.conf line.
        let mut seen = FxHashSet::default();
        for wizard in wizards(config) {
            for var in wizard.vars() {
                if !wizard.passes_on(var) && seen.insert(var.origin) {
                    if let Some(finding) = ignored_line(&wizard, var) {
                        out.push(finding);
                    }
                }
            }
        }
    }
}

/// A section with a `type` line that is not a wizard: the wizard makes nothing of it.
fn not_a_wizard(config: &Config, section: &crate::model::Section) -> Option<Diagnostic> {
    if crate::wizard::is_wizard_section(config, section) {
        return None;
    }
    let var = config.type_var(section)?;
    let key = config.key(var);
    let value = config.value(var);
    let name = config.section_name(section);
    if value.trim().eq_ignore_ascii_case("wizard") {
        // The key (`Type`) or the value (`Wizard`) is not what the filter `type=^wizard$`
        // matches, which compares both with case.
        let (span, right, what) = if value == "wizard" {
            (config.key_span(var), "type", format!("`{key}`"))
        } else {
            (config.value_span(var), "wizard", format!("`type={value}`"))
        };
        let diagnostic = Diagnostic::new(
            META.name,
            Severity::Warning,
            span,
            format!(
                "{what}: the wizard expands only sections with a line `type = wizard` (both \
                 words in lower case), so it makes nothing of [{name}], without a word"
            ),
        )
        .label("not exactly `type = wizard`");
        return Some(diagnostic.fix(Fix::unsafe_fix(
            format!("write `{right}`"),
            vec![Edit::replace(span, right)],
        )));
    }
    let span = config.value_span(var);
    let what = match schema().object_type(value).filter(|ty| ty.in_pjsip_conf) {
        Some(_) => format!(
            "a `type={value}` section belongs in pjsip.conf: the wizard makes nothing of [{name}]"
        ),
        None => {
            format!("`type={value}` is no wizard section: the wizard makes nothing of [{name}]")
        }
    };
    Some(Diagnostic::new(META.name, Severity::Warning, span, what))
}

/// Why the wizard ignores this line of a wizard (one it passes to no object), if it does.
fn ignored_line(wizard: &Wizard<'_>, var: &Var) -> Option<Diagnostic> {
    let config = wizard.config;
    let key = config.key(var);
    let key_span = config.key_span(var);
    if let Some(known) = WIZARD_KEYS.iter().find(|k| key.eq_ignore_ascii_case(k)) {
        let value = config.value(var);
        // Only the last line of a key counts (`ast_variable_find_last_in_list`).
        let last = wizard
            .last(known)
            .is_some_and(|last| last.origin == var.origin);
        if last && YES_NO_KEYS.contains(known) && !ast_true(value) && !ast_false(value) {
            return Some(
                Diagnostic::new(
                    META.name,
                    Severity::Warning,
                    config.value_span(var),
                    format!(
                        "`{key}={value}` is no yes/no word: the wizard reads it as no \
                         (`ast_true`) for [{}]",
                        wizard.id()
                    ),
                )
                .label("read as no"),
            );
        }
        return None;
    }
    let ignored = |message: String, label: &str| {
        Diagnostic::new(META.name, Severity::Warning, key_span, message).label(label.to_owned())
    };
    let replace = |title: String, text: String| {
        // Only where the key's bytes are the key (no escapes).
        (key_span.end - key_span.start == key.len() as u32)
            .then(|| Fix::unsafe_fix(title, vec![Edit::replace(key_span, text)]))
    };
    if let Some((before, after)) = key.split_once('/') {
        let written = format!("{before}/");
        if let Some((prefix, _)) = PREFIXES
            .iter()
            .find(|(prefix, _)| written.eq_ignore_ascii_case(prefix) && !after.is_empty())
        {
            let right = format!("{prefix}{after}");
            // handle_registrations reads `outbound_auth/username` in any case for ${USERNAME}.
            let but = if key.eq_ignore_ascii_case("outbound_auth/username") {
                "; only the registrations' client URI takes it"
            } else {
                ""
            };
            let diagnostic = ignored(
                format!(
                    "prefixes are case-sensitive: the wizard does not pass `{key}` to its object, \
                     without a word (it passes only lines beginning with `{prefix}`){but}"
                ),
                "ignored",
            );
            return Some(with_fix(
                diagnostic,
                replace(format!("write `{right}`"), right),
            ));
        }
        let near = nearest(
            before,
            PREFIXES.iter().map(|(p, _)| p.trim_end_matches('/')),
        );
        let hint = match &near {
            Some(prefix) => format!(": did you mean `{prefix}/{after}`?"),
            None => String::new(),
        };
        return Some(ignored(
            format!("`{written}` is no wizard prefix, so the wizard ignores `{key}` without a word{hint}"),
            "unknown prefix",
        ));
    }
    // A key of an object written without its prefix.
    let owners: Vec<&str> = PREFIXES
        .iter()
        .filter(|(_, kind)| {
            schema()
                .object_type(kind)
                .is_some_and(|ty| ty.option(key).is_some())
        })
        .map(|(prefix, _)| *prefix)
        .collect();
    if let Some(first) = owners.first() {
        let choices = owners
            .iter()
            .map(|prefix| format!("`{prefix}{key}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let diagnostic = ignored(
            format!(
                "`{key}` is no wizard key, so the wizard ignores it without a word: an \
                 object's option needs its prefix ({choices})"
            ),
            "ignored",
        );
        let fix = (owners.len() == 1)
            .then(|| replace(format!("write `{first}{key}`"), format!("{first}{key}")))
            .flatten();
        return Some(with_fix(diagnostic, fix));
    }
    let near = nearest(key, WIZARD_KEYS.iter().copied());
    let diagnostic = ignored(
        match &near {
            Some(right) => format!(
                "`{key}` is no wizard key, so the wizard ignores it without a word: did you \
                 mean `{right}`?"
            ),
            None => format!("`{key}` is no wizard key, so the wizard ignores it without a word"),
        },
        "ignored",
    );
    let fix = near
        .as_ref()
        .and_then(|right| replace(format!("write `{right}`"), right.clone()));
    Some(with_fix(diagnostic, fix))
}

fn with_fix(diagnostic: Diagnostic, fix: Option<Fix>) -> Diagnostic {
    match fix {
        Some(fix) => diagnostic.fix(fix),
        None => diagnostic,
    }
}

/// The one candidate within a small edit distance of `written` (any case), if exactly one is
/// nearest.
pub(crate) fn nearest<'a>(
    written: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let written = written.to_ascii_lowercase();
    let limit = (written.len() / 4).clamp(1, 3);
    let mut found: Vec<(usize, &str)> = candidates
        .filter_map(|c| Some((edit_distance(&written, c, limit)?, c)))
        .collect();
    found.sort();
    match found.as_slice() {
        [(best, name), rest @ ..] if rest.first().is_none_or(|(next, _)| next > best) => {
            Some((*name).to_owned())
        }
        _ => None,
    }
}
