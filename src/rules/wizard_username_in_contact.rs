use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::wizard::wizards;

pub struct WizardUsernameInContact;

static META: RuleMeta = RuleMeta {
    name: "wizard-username-in-contact",
    category: Category::Wizard,
    severity: Severity::Warning,
    summary: "${USERNAME} in contact_pattern is always empty",
    doc: r#"# wizard-username-in-contact

## What
A wizard's `contact_pattern` holding `${USERNAME}`.

## Why
`handle_aor` in res_pjsip_config_wizard.c fills in only `${REMOTE_HOST}` in `contact_pattern`
(`server_uri_pattern` and `client_uri_pattern` get `${USERNAME}` too): `${USERNAME}` becomes
empty, so `sip:${USERNAME}@${REMOTE_HOST}` gives the aor the contact `sip:@host`, and calls and
qualifies to the peer go to a URI with an empty user.

## Example
```ini
[mytrunk]
type = wizard
remote_hosts = sip.example.com
contact_pattern = sip:${USERNAME}@${REMOTE_HOST}
```

## Fix
Write the user into the pattern (`sip:1234@${REMOTE_HOST}`), or set the contact with
`aor/contact = sip:1234@sip.example.com`.

## When it does not apply
A wizard with `aor/contact` (the pattern is not used), or no `remote_hosts`.
"#,
    fix: None,
};

impl Rule for WizardUsernameInContact {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for wizard in wizards(config) {
            let Some(var) = wizard.last("contact_pattern") else {
                continue;
            };
            let pattern = config.value(var);
            let hosts = wizard.remote_hosts();
            if !pattern.contains("${USERNAME}")
                || wizard.prefixed_value("aor/", "contact").is_some()
                || hosts.is_empty()
            {
                continue;
            }
            let example = crate::wizard::without_pattern_variables(
                &pattern.replace("${REMOTE_HOST}", &hosts[0].0),
            );
            out.push(
                Diagnostic::new(
                    META.name,
                    Severity::Warning,
                    config.value_span(var),
                    format!(
                        "`${{USERNAME}}` is not filled in in `contact_pattern`: it becomes empty, \
                         so aor '{}' gets the contact `{example}`",
                        wizard.id()
                    ),
                )
                .label("always empty here"),
            );
        }
    }
}
