use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use crate::wizard::{wizards, Wizard};

pub struct WizardObjectNotMade;

static META: RuleMeta = RuleMeta {
    name: "wizard-object-not-made",
    category: Category::Wizard,
    severity: Severity::Error,
    summary: "A wizard lacks a key it needs, so Asterisk makes no auth, identify, registration or phoneprov",
    doc: r#"# wizard-object-not-made

## What
A pjsip_wizard.conf section that asks for an object without the key that object needs:
- `sends_auth=yes` without `outbound_auth/username`, or `accepts_auth=yes` without
  `inbound_auth/username`;
- no `remote_hosts` while the wizard neither accepts registrations nor sends them with
  `sends_line_with_registrations` (the identify), or while it sends registrations;
- `has_phoneprov=yes` without `phoneprov/MAC`.

## Why
res_pjsip_config_wizard.c logs an error ("Wizard 'X' must have 'outbound_auth/username' if it
sends_auth", "... must have 'remote_hosts' if it doesn't accept registrations", "... must have
'phoneprov/MAC' if it has_phoneprov") and makes no such object (`handle_auth`,
`handle_identify`, `handle_registrations`, `handle_phoneprov`); the rest of the wizard's objects
are still made. Without the outbound username, `handle_auths` stops before the inbound auth too,
and no registration is sent (its client URI needs the username), while the endpoint still names
both auths. Without an identify, requests from the peer's address match no endpoint unless they
name it in From.

## Example
```ini
[mytrunk]
type = wizard
sends_auth = yes
outbound_auth/password = s3cret      ; outbound_auth/username is missing
```

## Fix
Add the key the message names (`outbound_auth/username = ...`, `remote_hosts = host[:port]`,
`phoneprov/MAC = ...`), or turn the option off.

## When it does not apply
Templates (checked in the wizards that use them); a wizard whose registration keys are misspelt
is reported by `wizard-ignored-line` instead (the missing identify follows from that line).
"#,
    fix: None,
};

impl Rule for WizardObjectNotMade {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for wizard in wizards(cx.config) {
            auths(&wizard, out);
            remote_hosts(&wizard, out);
            if wizard.is_true("has_phoneprov") && wizard.value("phoneprov/MAC").is_none() {
                out.push(Diagnostic::new(
                    META.name,
                    Severity::Warning,
                    line_of(&wizard, "has_phoneprov"),
                    format!(
                        "`has_phoneprov=yes` without `phoneprov/MAC`: Asterisk logs an error and \
                         makes no phoneprov '{}-phoneprov', so the phone gets no provisioning",
                        wizard.id()
                    ),
                ));
            }
        }
    }
}

/// The line that set `key`, or the wizard's header.
fn line_of(wizard: &Wizard<'_>, key: &str) -> Span {
    wizard
        .last(key)
        .map_or(wizard.header(), |var| wizard.config.var_span(var))
}

fn auths(wizard: &Wizard<'_>, out: &mut Vec<Diagnostic>) {
    let id = wizard.id();
    let has_username = |prefix: &str| wizard.prefixed_value(prefix, "username").is_some();
    if wizard.is_true("sends_auth") && !has_username("outbound_auth/") {
        let mut lost = format!("no auth '{id}-oauth'");
        if wizard.is_true("accepts_auth") {
            lost.push_str(&format!(" (nor the inbound '{id}-iauth')"));
        }
        if wizard.is_true("sends_registrations") && wizard.registration_username().is_none() {
            lost.push_str(" and no registration");
        }
        out.push(Diagnostic::new(
            META.name,
            Severity::Error,
            line_of(wizard, "sends_auth"),
            format!(
                "`sends_auth=yes` without `outbound_auth/username`: Asterisk logs an error and \
                 makes {lost} for [{id}]; endpoint '{id}' still names it, so the provider's \
                 challenges are not answered"
            ),
        ));
    } else if wizard.is_true("accepts_auth") && !has_username("inbound_auth/") {
        out.push(Diagnostic::new(
            META.name,
            Severity::Error,
            line_of(wizard, "accepts_auth"),
            format!(
                "`accepts_auth=yes` without `inbound_auth/username`: Asterisk logs an error and \
                 makes no auth '{id}-iauth'; endpoint '{id}' still names it, so its callers \
                 cannot authenticate"
            ),
        ));
    }
}

fn remote_hosts(wizard: &Wizard<'_>, out: &mut Vec<Diagnostic>) {
    let wants_identify = !wizard.is_true("accepts_registrations")
        && !wizard.is_true("sends_line_with_registrations");
    let sends = wizard.is_true("sends_registrations");
    let id = wizard.id();
    // Asked first: most wizards are phones that register, and need no remote_hosts.
    let lost = match (wants_identify, sends) {
        (true, true) => format!("no identify '{id}-identify' and no registration"),
        (true, false) => format!("no identify '{id}-identify'"),
        (false, true) => "no registration".to_owned(),
        (false, false) => return,
    };
    if !wizard.remote_hosts().is_empty() || misspelt_registration_key(wizard) {
        return;
    }
    let mut consequence = Vec::new();
    if wants_identify {
        consequence.push(format!(
            "requests from the peer's address reach endpoint '{id}' only by their From user"
        ));
    }
    if sends {
        consequence.push("Asterisk registers nowhere".to_owned());
    }
    out.push(
        Diagnostic::new(
            META.name,
            Severity::Warning,
            wizard.header(),
            format!(
                "wizard [{id}] has no `remote_hosts`: Asterisk logs an error and makes {lost}, \
                 so {}",
                consequence.join(", and ")
            ),
        )
        .label("no remote_hosts"),
    );
}

/// A line whose key is a misspelling of `accepts_registrations` or
/// `sends_line_with_registrations` (`accept_registrations`): once it is fixed no identify is
/// needed, so the missing one follows from it, and `wizard-ignored-line` reports it.
fn misspelt_registration_key(wizard: &Wizard<'_>) -> bool {
    wizard.vars().any(|var| {
        let key = wizard.config.key(var);
        !key.contains('/')
            && !crate::wizard::WIZARD_KEYS
                .iter()
                .any(|known| key.eq_ignore_ascii_case(known))
            && super::wizard_ignored_line::nearest(key, crate::wizard::WIZARD_KEYS.iter().copied())
                .is_some_and(|near| {
                    near == "accepts_registrations" || near == "sends_line_with_registrations"
                })
    })
}
