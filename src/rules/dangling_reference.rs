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

Every reference to one missing object is one finding (at the first, the others shown as related
locations). When the configuration has no object of that type at all, every reference to the
type is one finding. When the linted file is only a part of pjsip.conf (not named pjsip.conf and
without any transport: a FreePBX `pjsip.endpoint.conf`, a `pjsip_custom.conf`) or an
`#include` / `#tryinclude` matched no file, the missing objects may well be in a file not read
here: the finding is then a note (info) that says so and suggests linting the pjsip.conf that
includes every part (or `root =` in `.pjsiplint.ini`).

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
        // Per missing (type, name): every reference to it, in load order (one finding each).
        let mut missing: Vec<Vec<Dangling<'_>>> = Vec::new();
        let mut by_name: rustc_hash::FxHashMap<(&str, &str), usize> = Default::default();
        // Per target type that no object of the configuration has: every reference to it (one
        // finding each type).
        let mut absent: Vec<(&'static str, Vec<Dangling<'_>>)> = Vec::new();
        let broken = broken_headers(config);
        for object in &config.objects.list {
            // An object Asterisk rejects for its own lines: that rejection is the finding.
            if !object.usable() {
                continue;
            }
            // The resolved targets first: nearly every object names only existing objects, and
            // the names (read from the lines' values) are only needed for a finding.
            let resolved = config.objects.references(object).iter();
            if resolved
                .clone()
                .all(|reference| reference.target().is_some())
            {
                continue;
            }
            for reference in config.effective_references(object) {
                // A target Asterisk rejects for its own lines: the rejection's finding shows
                // this reference as a related location (`problem_groups`). A target lost to a
                // file-level failure: that failure is the finding, and this is fine once fixed.
                if reference.target.is_some() {
                    continue;
                }
                // A name the wizard writes itself (`outbound_auth=ID-oauth`) names an object it
                // failed to make: `wizard-object-not-made` reports why.
                if config.expansion.as_ref().is_some_and(|expansion| {
                    expansion.is_made(config, config.var_span(reference.var))
                }) {
                    continue;
                }
                // A template line inherited by many objects is one reference.
                if !reported.insert((reference.var.origin, reference.name)) {
                    continue;
                }
                // A section whose header Asterisk could not read (`[6001](tpl` without `)`):
                // syntax-error's finding, which makes the whole file fail.
                if broken.contains(reference.name) {
                    continue;
                }
                let dangling = Dangling { object, reference };
                let target_type = reference.target_type;
                if config.objects.of_type(target_type).next().is_none() {
                    match absent.iter_mut().find(|(ty, _)| *ty == target_type) {
                        Some((_, all)) => all.push(dangling),
                        None => absent.push((target_type, vec![dangling])),
                    }
                    continue;
                }
                match by_name.entry((target_type, reference.name)) {
                    std::collections::hash_map::Entry::Occupied(at) => {
                        missing[*at.get()].push(dangling)
                    }
                    std::collections::hash_map::Entry::Vacant(at) => {
                        at.insert(missing.len());
                        missing.push(vec![dangling]);
                    }
                }
            }
        }
        let elsewhere = Elsewhere::of(config);
        for all in missing {
            out.push(report_missing(config, &all, elsewhere));
        }
        for (target_type, all) in absent {
            out.push(report_absent_type(config, target_type, &all, elsewhere));
        }
    }
}

/// The names in section headers that make the file fail (`[6001](tpl` with no `)`): those
/// sections exist in the file, and once the header is fixed the references to them resolve.
fn broken_headers(config: &crate::model::Config) -> rustc_hash::FxHashSet<&str> {
    config
        .load_problems
        .iter()
        .filter(|problem| problem.kind == LoadProblemKind::FatalSyntax)
        .filter_map(|problem| {
            let file = config.file(problem.span.file);
            let text = file
                .bytes
                .str(problem.span.start as usize..problem.span.end as usize)?;
            let name = text.trim_start().strip_prefix('[')?;
            let end = name.find(']').unwrap_or(name.len());
            Some(name[..end].trim())
        })
        .collect()
}

/// A name in a reference option that names no object.
struct Dangling<'a> {
    object: &'a crate::model::Object,
    reference: crate::lookup::NamedReference<'a>,
}

/// Why a missing object may be defined in a file pjsiplint did not read.
#[derive(Clone, Copy)]
enum Elsewhere {
    /// Every file was read: what is missing is missing.
    Nowhere,
    /// The linted file is only a part of pjsip.conf.
    OtherPart,
    /// An `#include` (or `#tryinclude`) matched no file.
    MissingInclude,
    /// A pjsip_wizard.conf linted without the pjsip.conf beside it (its transports are there).
    PjsipConfNotRead,
}

impl Elsewhere {
    fn of(config: &crate::model::Config) -> Elsewhere {
        if config.pjsip_conf_unread() {
            Elsewhere::PjsipConfNotRead
        } else if config.is_part_of_pjsip_conf() {
            Elsewhere::OtherPart
        } else if config
            .load_problems
            .iter()
            .any(|p| matches!(p.kind, LoadProblemKind::IncludeNotFound { .. }))
            || config
                .includes
                .iter()
                .any(|include| include.optional && include.files.is_empty())
        {
            Elsewhere::MissingInclude
        } else {
            Elsewhere::Nowhere
        }
    }

    /// "unless it comes from ...", or `None` when nothing else can define it.
    fn unless(self) -> Option<&'static str> {
        match self {
            Elsewhere::Nowhere => None,
            Elsewhere::OtherPart => Some("another file that pjsip.conf includes"),
            Elsewhere::MissingInclude => Some("an include that matches no file"),
            Elsewhere::PjsipConfNotRead => Some("the pjsip.conf that was not read with this file"),
        }
    }

    /// A note instead of a warning, with what to do, when the objects may be elsewhere.
    fn soften(self, mut diagnostic: Diagnostic) -> Diagnostic {
        match self {
            Elsewhere::Nowhere => diagnostic,
            Elsewhere::OtherPart => {
                diagnostic.severity = Severity::Info;
                diagnostic.help(
                    "lint the pjsip.conf that includes every part (or set `root =` in \
                     .pjsiplint.ini), so that references between the files resolve",
                )
            }
            Elsewhere::PjsipConfNotRead => {
                diagnostic.severity = Severity::Info;
                diagnostic.help(
                    "lint the directory holding pjsip.conf and pjsip_wizard.conf (or name \
                     pjsip_wizard.conf beside its pjsip.conf), so that the two are read together",
                )
            }
            Elsewhere::MissingInclude => {
                diagnostic.severity = Severity::Info;
                diagnostic.help(
                    "if the objects are in the file the include names, create it (or lint on the \
                     PBX, where it exists)",
                )
            }
        }
    }
}

/// How many of the other references a finding shows as labels.
const MAX_LABELS: usize = 8;

/// The other references of a finding, as labels.
fn label_others(
    config: &crate::model::Config,
    mut diagnostic: Diagnostic,
    others: &[Dangling<'_>],
) -> Diagnostic {
    for other in others.iter().take(MAX_LABELS) {
        diagnostic = diagnostic.secondary(
            config.value_span(other.reference.var),
            format!(
                "{} '{}' names {} '{}' too",
                other.object.kind_name(),
                config.object_id(other.object),
                other.reference.target_type,
                other.reference.name
            ),
        );
    }
    diagnostic
}

/// Every reference to one missing (type, name), as one finding at the first.
fn report_missing(
    config: &crate::model::Config,
    all: &[Dangling<'_>],
    elsewhere: Elsewhere,
) -> Diagnostic {
    let Dangling { object, reference } = &all[0];
    let (var, name, target) = (reference.var, reference.name, reference.target_type);
    let key = config.key(var);
    let what = consequence(object.kind_name(), &key.to_ascii_lowercase());
    let more = match all.len() {
        1 => String::new(),
        2 => " (and 1 more reference to it)".to_owned(),
        n => format!(" (and {} more references to it)", n - 1),
    };
    let named = format!(
        "`{key}` of {} '{}' names {target} '{name}'{more}",
        object.kind_name(),
        config.object_id(object),
    );
    let message = match elsewhere.unless() {
        None => format!("{named}, but no such object exists: {what}"),
        Some(from) => format!(
            "{named}, but no file read here defines it: unless it comes from {from}, {what}"
        ),
    };
    let diagnostic = META
        .report(config.value_span(var), message)
        .label(format!("no {target} '{name}'"))
        .also(inherited_label(config, object.section, var));
    elsewhere.soften(label_others(config, diagnostic, &all[1..]))
}

/// Every reference to a type the configuration has no object of, as one finding: either the
/// objects are defined in another file (a FreePBX `pjsip.endpoint.conf` linted alone) or they
/// are missing altogether, and either way it is one thing to fix.
fn report_absent_type(
    config: &crate::model::Config,
    target_type: &str,
    all: &[Dangling<'_>],
    elsewhere: Elsewhere,
) -> Diagnostic {
    let first = &all[0];
    let key = config.key(first.reference.var);
    let what = consequence(first.object.kind_name(), &key.to_ascii_lowercase());
    let more = match all.len() {
        1 => String::new(),
        2 => format!(" (and 1 more reference to {target_type}s)"),
        n => format!(" (and {} more references to {target_type}s)", n - 1),
    };
    let named = format!(
        "`{key}` of {} '{}' names {target_type} '{}'{more}",
        first.object.kind_name(),
        config.object_id(first.object),
        first.reference.name
    );
    let message = match elsewhere.unless() {
        None => format!(
            "{named}, but the configuration defines no {target_type} at all: Asterisk finds \
             none of them, and {what}"
        ),
        Some(from) => format!(
            "{named}, but no file read here defines any {target_type}: unless they come from \
             {from}, {what}"
        ),
    };
    let diagnostic = META
        .report(config.value_span(first.reference.var), message)
        .label(format!("no {target_type} '{}'", first.reference.name));
    elsewhere.soften(label_others(config, diagnostic, &all[1..]))
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
