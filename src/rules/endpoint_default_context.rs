use super::endpoint_without_codecs::{group_endpoints, loaded_endpoints, CallEndpoints};
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct EndpointDefaultContext;

static META: RuleMeta = RuleMeta {
    name: "endpoint-default-context",
    category: Category::Call,
    severity: Severity::Info,
    summary: "An endpoint without context=: its inbound calls go to the dialplan context 'default'",
    doc: r#"# endpoint-default-context

## What
An endpoint that Asterisk loads with no `context=` line, own or inherited (or an empty one).
An explicit `context=default` is taken as meant and not reported, and so are endpoints no call
can come from (no `aors`, no `auth`, no identify or registration names them, not `anonymous`),
such as an endpoint used only to dial out with an explicit URI.

## Why
`context` defaults to `default` (res/res_pjsip/pjsip_configuration.c). Every call the endpoint
places enters the dialplan in `[default]` of extensions.conf, which is usually not where the
admin wrote its extensions: the caller gets **404 Not Found** and res/res_pjsip_session.c logs
`Call from '6001' (UDP:192.0.2.10:5060) to extension '6002' rejected because extension not
found in context 'default'.` Worse, when `[default]` exists (the sample extensions.conf has
demo extensions and includes there), calls from a provider trunk or from any endpoint
configured this way reach whatever it allows, which was meant for nobody in particular.

## Example
```ini
[6001]
type=endpoint
allow=ulaw
auth=6001
aors=6001            ; no context=
```

## Fix
Name the context written for these calls: `context=from-internal` for phones,
`context=from-trunk` (or similar) for a provider. For many endpoints, set it in their template.

## When it does not apply
An explicit `context=default` (taken as meant), endpoints Asterisk rejects, and endpoints no call
can come from (no `aors`/`auth` on their last such line, not named by an identify or a
registration, not `anonymous`). Whether the context exists in extensions.conf is not checked
(pjsiplint reads only pjsip.conf).
"#,
    fix: None,
};

impl Rule for EndpointDefaultContext {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let calls = CallEndpoints::new(config);
        let context = config.option_name("context");
        let found = loaded_endpoints(config)
            .filter(|endpoint| calls.takes_calls(config, endpoint))
            .filter_map(|endpoint| match config.option_var(endpoint, context) {
                // A wizard whose context line the wizard ignores (`Endpoint/context`,
                // `context`): wizard-ignored-line's finding.
                None if crate::wizard::wizard_of(config, endpoint)
                    .is_some_and(|wizard| wizard.has_ignored("context")) =>
                {
                    None
                }
                None => Some((0, endpoint, None)),
                Some(var) if config.value(var).trim().is_empty() => Some((1, endpoint, Some(var))),
                Some(_) => None,
            });
        for group in group_endpoints(config, found.collect::<Vec<_>>()) {
            let their = if group.objects.len() > 1 {
                "their"
            } else {
                "its"
            };
            let message = match group.var {
                None => format!(
                    "no `context=` for {}: {their} calls enter the dialplan in context \
                     'default'",
                    group.phrase(config)
                ),
                Some(_) => format!(
                    "`context=` is empty for {}: {their} calls are looked up in no context \
                     and rejected with 404",
                    group.phrase(config)
                ),
            };
            out.push(
                group
                    .report(&META, config, message)
                    .label(if group.var.is_none() {
                        "no context="
                    } else {
                        "empty context"
                    })
                    .help("set `context=` to the dialplan context written for these calls"),
            );
        }
    }
}
