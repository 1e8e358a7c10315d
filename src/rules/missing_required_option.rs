use super::{problem_groups, report_group, Category, Context, ProblemGroup, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::ProblemKind;

pub struct MissingRequiredOption;

static META: RuleMeta = RuleMeta {
    name: "missing-required-option",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "An object without an option Asterisk requires: the object is rejected",
    doc: r#"# missing-required-option

## What
An object that lacks what its type needs when Asterisk applies it:

- a registration without `server_uri` or `client_uri` (or with `line=yes` and no `endpoint`);
- an auth without `username`, or without `password` (or `md5_cred` / `password_digest`);
  before Asterisk 20.12 / 21.7 / 22.2, an `auth_type=md5` without `md5_cred`;
- a transport without `bind` (any protocol but `flow`);
- an identify without `endpoint`, or without any `match`, `match_header` or `match_request_uri`;
- an outbound-publish without `server_uri` or `event`;
- a registration while no transport at all loads: one finding for every registration, at the
  first (a note when no transport is defined and the linted file is only a part of pjsip.conf,
  such as FreePBX's `pjsip.registration.conf`).

An auth without both `username` and `password` is one finding (Asterisk's `auth_apply` in
res/res_pjsip/config_auth.c stops at the first missing one). The lines of other objects naming
a rejected object (`auth=trunk-auth`) are shown with the finding, not reported apart
(dangling-reference stays silent about them).

## Why
Asterisk logs the reason ("No server URI specified on outbound registration 'trunk'", "dcs-auth:
No authentication username", "Transport 'udp' could not be started as binding not specified")
and **rejects the object**. An endpoint whose `auth=` names a rejected auth still loads, with no
warning: its phone then fails every registration with 401.

## Example
```ini
[trunk-auth]
type=auth
auth_type=userpass
password=s3cret-Pw-2024
```

## Fix
Add the option (`username=...`).

## When it does not apply
- Registrations fail because the transports are lost to a file-level failure (an include that
  matches no file, a duplicate transport name): that failure is the finding, not the
  registrations.
- A transport that exists but is rejected for its own lines: its own finding (invalid-value,
  transport-bind-conflict, ...) says so; the registrations it takes with it are not reported
  again.
- A section whose body holds an `#include` that matched no file: the included file would have
  gone on with that section, so the option most likely lives there (include-not-found's
  finding).
- An object Asterisk already rejects for a line (an unknown option such as `passsword=`, a bad
  value): Asterisk stops at that line (config_options.c `aco_process_var`) and never runs the
  apply check, so the option the typo leaves missing is not a second finding.
"#,
    fix: None,
};

impl Rule for MissingRequiredOption {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // Asterisk stops at the first line it refuses (config_options.c aco_process_var): an
        // object rejected for a line never reaches the apply check that would miss an option
        // (a `passsword=` typo is the finding, not the password it leaves missing).
        let refused_a_line: rustc_hash::FxHashSet<crate::model::ObjectId> = cx
            .validation
            .problems
            .iter()
            .filter(|p| {
                matches!(
                    p.kind,
                    ProblemKind::UnknownOption
                        | ProblemKind::NotInVersion
                        | ProblemKind::InvalidValue { .. }
                )
            })
            .map(|p| p.object)
            .collect();
        let open_at_failed_include = sections_open_at_failed_includes(config);
        let wanted = |kind: &ProblemKind| matches!(kind, ProblemKind::MissingRequired { .. });
        for group in problem_groups(cx, wanted) {
            let ProblemKind::MissingRequired { reason } = &group.first.kind else {
                continue;
            };
            if refused_a_line.contains(&group.first.object)
                || open_at_failed_include
                    .contains(&config.objects.by_id(group.first.object).section)
            {
                continue;
            }
            out.push(report_group(
                &META,
                config,
                &group,
                format!(
                    "Asterisk rejects {}: {reason}",
                    group.objects_phrase(config)
                ),
            ));
        }
        // No transport at all: one cause for every registration, one finding.
        let groups = problem_groups(cx, |kind| matches!(kind, ProblemKind::NoTransport));
        // A pjsip_wizard.conf read without its pjsip.conf: the transports are there.
        if let Some(first) = groups.first().filter(|_| !config.pjsip_conf_unread()) {
            let mut diagnostic = no_transport(cx, first, groups.len());
            for other in groups.iter().skip(1).take(5) {
                let registration = other.objects[0];
                diagnostic = diagnostic.secondary(
                    config.section(registration.section).name_span,
                    format!("registration '{}'", config.object_id(registration)),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// Every registration rejected because no transport would load, as one finding at the first.
fn no_transport(cx: &Context<'_>, first: &ProblemGroup<'_>, count: usize) -> Diagnostic {
    let config = cx.config;
    let registrations = match count {
        1 => format!("registration '{}'", config.object_id(first.objects[0])),
        n => format!(
            "registration '{}' and the {} other registrations",
            config.object_id(first.objects[0]),
            n - 1
        ),
    };
    let none_defined = config.objects.of_type("transport").next().is_none();
    let mut diagnostic = report_group(
        &META,
        config,
        first,
        if none_defined {
            format!(
                "Asterisk rejects {registrations}: no transport is defined, so Asterisk cannot \
                 create a registration"
            )
        } else {
            format!(
                "Asterisk rejects {registrations}: no transport loads, so Asterisk cannot create \
                 a registration"
            )
        },
    );
    // The transports may be in a part of pjsip.conf not read here (a FreePBX
    // `pjsip.registration.conf` linted alone): a note, not a certainty.
    if config.is_part_of_pjsip_conf() {
        diagnostic.severity = Severity::Info;
        diagnostic = diagnostic.help(
            "if the transports are in another file, lint the pjsip.conf that includes every part \
             (or set `root =` in .pjsiplint.ini)",
        );
    }
    diagnostic
}

/// The sections whose body holds an `#include` that matched no file: an included file goes on
/// with the section it was included in (main/config.c keeps the current category), so the
/// option that looks missing most likely lives in the file that was not found. That failure is
/// include-not-found's finding.
fn sections_open_at_failed_includes(
    config: &crate::model::Config,
) -> rustc_hash::FxHashSet<crate::model::SectionId> {
    let mut open = rustc_hash::FxHashSet::default();
    let failed: Vec<crate::source::Span> = config
        .includes
        .iter()
        .filter(|include| include.files.is_empty())
        .map(|include| include.directive)
        .collect();
    if failed.is_empty() {
        return open;
    }
    // Each file's sections by where their header starts (in file order, as they were read).
    let mut by_file: rustc_hash::FxHashMap<u32, Vec<(u32, crate::model::SectionId)>> =
        Default::default();
    for (index, section) in config.sections.iter().enumerate() {
        by_file.entry(section.name_span.file.0).or_default().push((
            section.name_span.start,
            crate::model::SectionId(index as u32),
        ));
    }
    for list in by_file.values_mut() {
        list.sort_unstable_by_key(|&(start, _)| start);
    }
    for directive in failed {
        let Some(list) = by_file.get(&directive.file.0) else {
            continue;
        };
        let before = list.partition_point(|&(start, _)| start < directive.start);
        if let Some(&(_, section)) = before.checked_sub(1).and_then(|at| list.get(at)) {
            open.insert(section);
        }
    }
    open
}
