use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::wizard::{wizards, Wizard};

pub struct WizardMaxContactsMissing;

static META: RuleMeta = RuleMeta {
    name: "wizard-max-contacts-missing",
    category: Category::Wizard,
    severity: Severity::Warning,
    summary: "accepts_registrations=yes without aor/max_contacts: every REGISTER gets 403",
    doc: r#"# wizard-max-contacts-missing

## What
A wizard with `accepts_registrations=yes` and no `aor/max_contacts` (or 0), and no static
`aor/contact`.

## Why
`handle_aor` in res_pjsip_config_wizard.c does not read `accepts_registrations`: the aor gets
only the `aor/` lines, and `max_contacts` defaults to 0. The phone's REGISTER passes
authentication and is refused with **403 Forbidden** (the log says the aor "has no configured
max_contacts"). Asterisk's own sample pjsip_wizard.conf says `accepts_registrations` makes an aor
for dynamic contacts, which is why this is easy to miss. (`accepts_registrations` only stops the
identify from being made.)

## Example
```ini
[1001]
type = wizard
accepts_registrations = yes
accepts_auth = yes
inbound_auth/username = 1001
inbound_auth/password = a-long-secret
; aor/max_contacts is missing
```

## Fix
Add `aor/max_contacts = 1` (more for several devices; `aor/remove_existing = yes` lets a rebooted
phone replace its old registration).

## When it does not apply
Wizards with `aor/contact` (a fixed contact, no registration), and templates (checked in the
wizards that use them). For aors written in pjsip.conf, see `aor-max-contacts-zero`.
"#,
    fix: None,
};

impl Rule for WizardMaxContactsMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for wizard in wizards(cx.config) {
            if !registers_nothing(&wizard) {
                continue;
            }
            let id = wizard.id();
            // `aor/max_contacts = 0` written out: that line; else the line that asks for
            // registrations.
            let zero = wizard
                .prefixed("aor/")
                .filter(|var| cx.config.key(var)[4..].eq_ignore_ascii_case("max_contacts"))
                .last();
            let (line, message) = match zero {
                Some(var) => (
                    cx.config.value_span(var),
                    format!(
                        "`aor/max_contacts = 0` beside `accepts_registrations=yes`: aor '{id}' \
                         takes no contact, so every REGISTER from the phone gets 403"
                    ),
                ),
                None => {
                    let Some(var) = wizard.last("accepts_registrations") else {
                        continue;
                    };
                    (
                        cx.config.var_span(var),
                        format!(
                            "`accepts_registrations=yes` but no `aor/max_contacts`: Asterisk \
                             makes aor '{id}' with max_contacts 0, so every REGISTER from the \
                             phone gets 403"
                        ),
                    )
                }
            };
            out.push(
                Diagnostic::new(META.name, Severity::Warning, line, message)
                    .help("set `aor/max_contacts = 1`"),
            );
        }
    }
}

/// Whether the wizard accepts registrations into an aor that takes none.
pub(crate) fn registers_nothing(wizard: &Wizard<'_>) -> bool {
    wizard.is_true("accepts_registrations")
        && wizard.prefixed_value("aor/", "contact").is_none()
        && wizard
            .prefixed_value("aor/", "max_contacts")
            .is_none_or(|value| value.trim().parse::<u64>().unwrap_or(1) == 0)
}
