use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

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
"#,
    fix: None,
};

impl Rule for AorMaxContactsZero {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        let auth = config.option_name("auth");
        let aors = config.option_name("aors");
        let contact = config.option_name("contact");
        let max_contacts = config.option_name("max_contacts");
        for endpoint in config.objects.of_type("endpoint") {
            // From the references: no value of the endpoint is read.
            if !config.has_items(endpoint, auth) {
                continue;
            }
            for aor in config.referenced(endpoint, aors) {
                if config.option_items(aor, contact).next().is_some() {
                    continue;
                }
                let max = config
                    .option(aor, max_contacts)
                    .map(|v| v.trim().parse::<u64>().unwrap_or(1))
                    .unwrap_or(0);
                if max != 0 || !reported.insert(aor.section) {
                    continue;
                }
                out.push(
                    META.report(
                        config.section(aor.section).name_span,
                        format!(
                            "aor '{}' of endpoint '{}' accepts no registration (`max_contacts` \
                             is {}): the phone's REGISTER gets 403",
                            aor.id,
                            endpoint.id,
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
