use super::{inherited_label, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct DanglingReference;

static META: RuleMeta = RuleMeta {
    name: "dangling-reference",
    category: Category::Schema,
    // Asterisk loads the object anyway; the failure comes at run time.
    severity: Severity::Warning,
    summary: "auth=, aors=, transport=, endpoint= ... naming no object of that type",
    doc: r#"# dangling-reference

## What
An option that names other objects of pjsip.conf (`auth`, `outbound_auth`, `aors`, `transport`
on endpoints; `endpoint` on identifies and registrations; `outbound_auth` and `transport` on
registrations; ...) where a name matches no object of that type. Names are compared exactly,
with case. Only the line Asterisk keeps counts: these options are last-value-wins (the
`repeat` of the schema), so a template's `aors=phone-aor` overridden by the section's own
`aors=6001` names nothing.

When the configuration has no object of that type at all, every reference to the type is one
finding (at the first, with the others as related locations). When the linted file is not
pjsip.conf itself (a FreePBX `pjsip.endpoint.conf`, a `pjsip_custom.conf`) or an include
matched no file, those objects may well be in a file not read here: the finding is then a note
(info) that suggests linting the pjsip.conf that includes every part (or `root =` in
`.pjsiplint.ini`).

## Why
Asterisk checks none of these at load time: the object loads and the mistake shows up at run
time. A missing `aors` target means the phone cannot register and `Dial(PJSIP/6001)` finds no
contact; a missing `auth` means the phone's REGISTER and INVITE are never accepted (401/403); a
missing `outbound_auth` means the provider's 401/407 challenge is not answered ("Auth object
'x' could not be found"); a missing `transport` means "Unable to retrieve PJSIP transport"; an
identify whose `endpoint` does not exist matches calls to nothing.

## Example
```ini
[6001]
type=endpoint
context=internal
auth=6001-auth     ; the auth section is named [6001]
aors=6001
```

## Fix
Name the section that exists (or create it).

## When it does not apply
- The named object exists but Asterisk rejects it (a missing `username`, a bad value): that
  rejection is the finding (missing-required-option, invalid-value, unknown-option, ...), and
  the lines naming the object are shown with it.
- The named object exists but is lost to a file-level failure (an include that matches no
  file, a header without `)`, a duplicate section): that failure is the finding
  (include-not-found, syntax-error, template-not-found, duplicate-section); the reference is
  fine once it is fixed.
- A reference written on a line a later line of the same option replaces.
- Names of other files' objects (`context`, `acl`, stir_shaken profiles) are not checked.
"#,
    fix: None,
};

impl Rule for DanglingReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        // Per target type that no object of the configuration has: every reference to it, in
        // load order (one finding each type).
        let mut absent: Vec<(&'static str, Vec<Dangling<'_>>)> = Vec::new();
        for object in &config.objects.list {
            // An object Asterisk rejects for its own lines: that rejection is the finding.
            if !object.usable() {
                continue;
            }
            // The resolved targets first: nearly every object names only usable objects, and the
            // names (read from the lines' values) are only needed for a finding.
            let resolved = config.objects.references(object).iter();
            if resolved
                .map(|reference| reference.target().map(|id| config.objects.by_id(id)))
                .all(|target| target.is_some_and(|found| found.usable()))
            {
                continue;
            }
            for reference in config.effective_references(object) {
                // A target Asterisk rejects for its own lines: the rejection's finding shows
                // this reference as a related location (`referrer_labels`). A target that loads
                // once the file-level failures are fixed: nothing more to say.
                if reference.target.is_some() {
                    continue;
                }
                // A template line inherited by many objects is one finding.
                if !reported.insert((reference.var.origin, reference.name)) {
                    continue;
                }
                let dangling = Dangling { object, reference };
                if config
                    .objects
                    .of_type(reference.target_type)
                    .next()
                    .is_none()
                {
                    match absent
                        .iter_mut()
                        .find(|(ty, _)| *ty == reference.target_type)
                    {
                        Some((_, all)) => all.push(dangling),
                        None => absent.push((reference.target_type, vec![dangling])),
                    }
                    continue;
                }
                out.push(report_one(config, &dangling));
            }
        }
        for (target_type, all) in absent {
            out.push(report_absent_type(config, target_type, &all));
        }
    }
}

/// A name in a reference option that names no object.
struct Dangling<'a> {
    object: &'a crate::model::Object,
    reference: crate::lookup::NamedReference<'a>,
}

fn report_one(config: &crate::model::Config, dangling: &Dangling<'_>) -> Diagnostic {
    let Dangling { object, reference } = dangling;
    let (var, name, target) = (reference.var, reference.name, reference.target_type);
    let key = config.key(var);
    let diagnostic = META
        .report(
            config.value_span(var),
            format!(
                "`{key}` of {} '{}' names {target} '{name}', but no such object exists: {}",
                object.kind_name(),
                config.object_id(object),
                consequence(object.kind_name(), &key.to_ascii_lowercase())
            ),
        )
        .label(format!("no {target} '{name}'"));
    diagnostic.also(inherited_label(config, object.section, var))
}

/// How many of the other references a finding about a missing type shows as labels.
const MAX_LABELS: usize = 8;

/// Every reference to a type the configuration has no object of, as one finding: either the
/// objects are defined in another file (a FreePBX `pjsip.endpoint.conf` linted alone) or they
/// are missing altogether, and either way it is one thing to fix.
fn report_absent_type(
    config: &crate::model::Config,
    target_type: &str,
    all: &[Dangling<'_>],
) -> Diagnostic {
    let first = &all[0];
    let key = config.key(first.reference.var);
    let what = consequence(first.object.kind_name(), &key.to_ascii_lowercase());
    let more = match all.len() {
        1 => String::new(),
        n => format!(
            " (and {} more {} to {target_type}s)",
            n - 1,
            if n == 2 { "reference" } else { "references" }
        ),
    };
    let named = format!(
        "`{key}` of {} '{}' names {target_type} '{}'{more}",
        first.object.kind_name(),
        config.object_id(first.object),
        first.reference.name
    );
    // The objects may be in a file not read here: another part of pjsip.conf (the linted file
    // is not pjsip.conf itself), or an include that matched nothing (include-not-found's
    // finding). Then this is a note, not a mistake pjsiplint can be sure of.
    let missing_include = config
        .load_problems
        .iter()
        .any(|p| matches!(p.kind, LoadProblemKind::IncludeNotFound { .. }));
    let elsewhere = config.is_part_of_pjsip_conf() || missing_include;
    let mut diagnostic = if elsewhere {
        let from = if missing_include {
            "an include that matches no file"
        } else {
            "another file that pjsip.conf includes"
        };
        META.report(
            config.value_span(first.reference.var),
            format!(
                "{named}, but no file read here defines any {target_type}: unless they come from \
                 {from}, {what}"
            ),
        )
    } else {
        META.report(
            config.value_span(first.reference.var),
            format!(
                "{named}, but the configuration defines no {target_type} at all: Asterisk finds \
                 none of them, and {what}"
            ),
        )
    }
    .label(format!("no {target_type} '{}'", first.reference.name));
    if elsewhere {
        diagnostic.severity = Severity::Info;
        diagnostic = diagnostic.help(
            "lint the pjsip.conf that includes every part (or set `root =` in .pjsiplint.ini), \
             so that references between the files resolve",
        );
    }
    for other in all.iter().skip(1).take(MAX_LABELS) {
        diagnostic = diagnostic.secondary(
            config.value_span(other.reference.var),
            format!(
                "{} '{}' names {target_type} '{}'",
                other.object.kind_name(),
                config.object_id(other.object),
                other.reference.name
            ),
        );
    }
    diagnostic
}

/// What fails at run time, in the words an admin sees.
fn consequence(kind: &str, key: &str) -> &'static str {
    match (kind, key) {
        ("endpoint", "aors") => {
            "the phone cannot register and calls to it find no contact (\"No URI available\")"
        }
        ("endpoint", "auth") => "requests from the phone are never authenticated (401/403)",
        (_, "outbound_auth") => {
            "the provider's 401/407 challenge is not answered (\"Auth object could not be found\")"
        }
        (_, "transport") => "requests fail with \"Unable to retrieve PJSIP transport\"",
        ("identify", "endpoint") => "calls from the matched addresses reach no endpoint",
        ("registration", "endpoint") => "inbound calls on this line reach no endpoint",
        _ => "it fails when Asterisk uses it",
    }
}
