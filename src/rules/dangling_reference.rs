use super::{inherited_label, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

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
registrations; ...) where a name matches no object of that type, or only one that Asterisk
rejects. Names are compared exactly, with case.

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
auth=6001-auth     ; the auth section is named [6001]
aors=6001
```

## Fix
Name the section that exists (or create it).
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
        for object in &config.objects.list {
            // The resolved targets first: nearly every object names only loaded objects, and the
            // names (read from the lines' values) are only needed for a finding.
            let resolved = config.objects.references(object).iter();
            if resolved
                .map(|reference| reference.target().map(|id| config.objects.by_id(id)))
                .all(|target| target.is_some_and(|found| found.loads()))
            {
                continue;
            }
            for reference in config.references(object) {
                let (var, name, target) = (reference.var, reference.name, reference.target_type);
                let problem = match reference.target {
                    None => "no such object exists",
                    Some(found) if !found.loads() => "Asterisk does not load it",
                    Some(_) => continue,
                };
                // A template line inherited by many objects is one finding.
                if !reported.insert((var.origin, name)) {
                    continue;
                }
                let key = config.key(var);
                let diagnostic = META
                    .report(
                        config.value_span(var),
                        format!(
                            "`{key}` of {} '{}' names {target} '{name}', but {problem}: {}",
                            object.kind_name(),
                            config.object_id(object),
                            consequence(object.kind_name(), &key.to_ascii_lowercase())
                        ),
                    )
                    .label(format!("no loaded {target} '{name}'"));
                out.push(diagnostic.also(inherited_label(config, object.section, var)));
            }
        }
    }
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
