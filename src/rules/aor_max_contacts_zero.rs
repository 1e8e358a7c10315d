use rustc_hash::FxHashSet;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Object, ObjectId};

pub struct AorMaxContactsZero;

static META: RuleMeta = RuleMeta {
    name: "aor-max-contacts-zero",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A phone's aor that accepts no registration (max_contacts unset or 0)",
    doc: r#"# aor-max-contacts-zero

## What
An aor used by an endpoint that authenticates phones (`auth=`), with no static `contact=` and
`max_contacts` unset or 0.

## Why
`max_contacts` defaults to 0: the aor accepts **no** registrations. The phone's REGISTER passes
authentication and is then refused with **403 Forbidden** (the log says "Registration attempt
from ... to AOR '6001' failed: maximum contacts reached" or the aor "is not configured to allow
registrations"); calls to the phone fail because it has no contact.

## Example
```ini
[6001]
type=aor
; max_contacts missing
```

## Fix
Set `max_contacts=1` (or the number of devices of that user; add `remove_existing=yes` to let a
re-booted phone replace its old registration).

## When it does not apply
Aors with a `contact=` (a trunk or a fixed phone needs no registration), aors and endpoints
Asterisk rejects (their own findings), and aors no endpoint with inbound `auth` names on its last
`aors=` line (each `aors=` line replaces the list): an aor with no registering phone may well
accept none.
"#,
    fix: None,
};

impl Rule for AorMaxContactsZero {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = FxHashSet::default();
        let auth = config.option_name("auth");
        let aors = config.option_name("aors");
        let contact = config.option_name("contact");
        let max_contacts = config.option_name("max_contacts");
        let accepts_none = |aor: &Object| {
            config.option_items(aor, contact).next().is_none()
                && config
                    .option(aor, max_contacts)
                    .map(|v| v.trim().parse::<u64>().unwrap_or(1))
                    .unwrap_or(0)
                    == 0
        };
        // Those aors first, in one pass in load order: reaching each aor through its endpoint
        // costs three dependent cache misses, and nearly every aor accepts a registration.
        let none_accepted: FxHashSet<ObjectId> = config
            .objects
            .list
            .iter()
            .enumerate()
            // An aor Asterisk rejects is another rule's finding (the REGISTER gets 404, not 403).
            .filter(|(_, object)| {
                object.kind_name() == "aor"
                    && object.usable()
                    && accepts_none(object)
                    // A wizard's `accepts_registrations=yes`: wizard-max-contacts-missing.
                    && !crate::wizard::wizard_of(config, object).is_some_and(|wizard| {
                        super::wizard_max_contacts_missing::registers_nothing(&wizard)
                    })
            })
            .map(|(index, _)| ObjectId(index as u32))
            .collect();
        if none_accepted.is_empty() {
            return;
        }
        for endpoint in config.objects.of_type("endpoint").filter(|e| e.usable()) {
            // An endpoint naming none of them is passed over without reading its lines.
            let names_one = config
                .objects
                .references(endpoint)
                .iter()
                .any(|r| r.target().is_some_and(|aor| none_accepted.contains(&aor)));
            // The last `auth=` and `aors=` lines: each replaces the list
            // (res/res_pjsip/pjsip_configuration.c: `inbound_auth_handler`, and `aors` is a
            // string field); `has_items` reads the one Asterisk keeps, from the references.
            if !names_one || !config.has_items(endpoint, auth) {
                continue;
            }
            for aor in config.last_line_targets(endpoint, aors).flatten() {
                if !accepts_none(aor) || !reported.insert(aor.section) {
                    continue;
                }
                out.push(
                    META.report(
                        config.section(aor.section).name_span,
                        format!(
                            "aor '{}' of endpoint '{}' accepts no registration (`max_contacts` \
                             is {}): the phone's REGISTER gets 403",
                            config.object_id(aor),
                            config.object_id(endpoint),
                            if config.option(aor, "max_contacts").is_some() {
                                "0"
                            } else {
                                "unset, so 0"
                            }
                        ),
                    )
                    .help("add `max_contacts=1`"),
                );
            }
        }
    }
}
