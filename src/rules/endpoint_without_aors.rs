use super::endpoint_without_codecs::group_endpoints;
use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};

pub struct EndpointWithoutAors;

static META: RuleMeta = RuleMeta {
    name: "endpoint-without-aors",
    category: Category::Call,
    severity: Severity::Warning,
    summary: "An endpoint that authenticates phones (auth=) but has no aors=: nothing can register or be dialled",
    doc: r#"# endpoint-without-aors

## What
An endpoint that Asterisk loads, that authenticates the device calling in (`auth=`, own or
inherited: the mark of a phone), and that has no `aors=` at all. Provider trunks (see
`--effective`) are left to the registration rules.

## Why
The aor is where a phone's registration is stored and where `Dial(PJSIP/6001)` looks for the
address to call. Without one:

- the phone's REGISTER is refused with **403 Forbidden** and res/res_pjsip_registrar.c logs
  `Endpoint '6001' (203.0.113.7:5060) has no configured AORs`;
- a call to the endpoint fails before anything is sent: res/res_pjsip_session.c logs
  `Endpoint '6001': No URI available.  Is endpoint registered?` and `Dial()` ends with
  CHANUNAVAIL.

Calls *from* the phone may still work (if it does not need to register), which makes the mistake
easy to miss.

## Example
```ini
[6001]
type=endpoint
context=internal
allow=ulaw
auth=6001            ; no aors=

[6001]
type=aor
max_contacts=1
```

## Fix
Add `aors=` naming the endpoint's aor (`aors=6001`), and make sure that aor exists and allows
registrations (`max_contacts=1` or more).

## When it does not apply
- Provider trunks (an identify, a registration, or no `auth=`): left to the registration and
  trunk rules.
- An endpoint whose `aors=` names an aor that does not exist: dangling-reference.
- An endpoint Asterisk rejects for its own lines. An `aors=` a later line empties (`aors=`
  after a template's `aors=x`) counts as none: last value wins.
"#,
    fix: None,
};

impl Rule for EndpointWithoutAors {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut found = Vec::new();
        let auth = config.option_name("auth");
        let aors = config.option_name("aors");
        for (index, endpoint) in config.objects.list.iter().enumerate() {
            if endpoint.kind_name() != "endpoint" || !endpoint.usable() {
                continue;
            }
            let id = crate::model::ObjectId(index as u32);
            if cx.trunks().of_endpoint(id).is_some() {
                continue;
            }
            // From the references: no value of the endpoint is read.
            if !config.has_items(endpoint, auth) || config.has_items(endpoint, aors) {
                continue;
            }
            found.push((0, endpoint, None));
        }
        for group in group_endpoints(config, found) {
            let first = group.objects[0];
            let mut diagnostic = group
                .report(
                    &META,
                    config,
                    format!(
                        "no `aors=` for {}, which authenticates phones: a phone's REGISTER \
                         gets 403 and calls to the endpoint fail with \"No URI available\"",
                        group.phrase(config)
                    ),
                )
                .label("no aors=")
                .help(format!(
                    "add `aors={}` and an aor section of that name with `max_contacts=1`",
                    config.object_id(first)
                ));
            if let Some(auth) = config.option_var(first, "auth") {
                diagnostic =
                    diagnostic.secondary(config.key_span(auth), "it authenticates phones here");
            }
            out.push(diagnostic);
        }
    }
}
