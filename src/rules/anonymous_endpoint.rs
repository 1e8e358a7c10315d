use super::unauthenticated_endpoint::is_anonymous;
use super::weak_password::has_inbound_auth;
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct AnonymousEndpoint;

static META: RuleMeta = RuleMeta {
    name: "anonymous-endpoint",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "An endpoint named anonymous: every unidentified request reaches its context",
    doc: r#"# anonymous-endpoint

## What
A loaded `type=endpoint` section named `anonymous` (or `anonymous@<domain>`) without `auth=`.
When the global `endpoint_identifier_order` lists `anonymous`, the finding points at that too.

## Why
res_pjsip_endpoint_identifier_anonymous.c hands every request that no other identifier
matched (unknown From user, unknown address) to the endpoint named `anonymous@<From domain>`,
then `anonymous@<transport domain>`, then `anonymous`. Without `auth=` nothing is challenged:
any host on the internet that sends an INVITE gets a channel in that endpoint's `context`
(`default` when not set). If that context can reach outbound routes (a `_X.` pattern that
dials the trunk, an `#include` of the internal dialplan), strangers place international calls
at the owner's expense; scanners try exactly that, with numbers like `900972...` or
`0011...`. Taking `anonymous` out of `endpoint_identifier_order` does not turn it off:
identifiers missing from that list still run, after the listed ones (res_pjsip.c,
`ast_sip_register_endpoint_identifier_with_name`).

## Example
```ini
[anonymous]
type=endpoint
context=from-internet
allow=ulaw
```

## When it does not apply
An `anonymous` endpoint with `auth=` (its callers are challenged). Other endpoints without auth
are `unauthenticated-endpoint`'s (which leaves `anonymous` to this rule).

## Fix
If you need to accept calls from anyone (SIP URI dialing), keep the endpoint but make sure its
context only reaches local extensions (`Goto` to known extensions, no pattern that dials out),
and rate-limit with fail2ban. Otherwise remove the section.
"#,
    fix: None,
};

impl Rule for AnonymousEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // The `endpoint_identifier_order` line that lists `anonymous`, if any.
        let order_var = config
            .objects
            .of_type("global")
            .filter(|global| global.usable())
            .find_map(|global| config.option_var(global, "endpoint_identifier_order"))
            .filter(|var| {
                config
                    .value(var)
                    .split(',')
                    .any(|item| item.trim() == "anonymous")
            });
        for endpoint in config.objects.of_type("endpoint") {
            if !endpoint.usable()
                || !is_anonymous(config, endpoint)
                || has_inbound_auth(config, endpoint, "auth")
            {
                continue;
            }
            let (context, context_span) = match config.option_var(endpoint, "context") {
                Some(var) if !config.value(var).trim().is_empty() => {
                    (config.value(var).trim(), Some(config.value_span(var)))
                }
                _ => ("default", None),
            };
            let section = config.section(endpoint.section);
            let mut diagnostic = META
                .report(
                    section.name_span,
                    format!(
                        "endpoint '{}' takes every request no other endpoint matches, without \
                         authentication: calls from anyone run in context '{context}', which \
                         must not reach outbound routes",
                        config.object_id(endpoint)
                    ),
                )
                .label("unauthenticated calls land here");
            if let Some(span) = context_span {
                diagnostic =
                    diagnostic.secondary(span, "this context must only reach local extensions");
            }
            if let Some(var) = order_var {
                diagnostic = diagnostic.secondary(
                    config.value_span(var),
                    "the anonymous identifier is enabled here",
                );
            }
            out.push(diagnostic.help(
                "remove the endpoint, or make its context reach only local extensions (no \
                 pattern that dials a trunk)",
            ));
        }
    }
}
