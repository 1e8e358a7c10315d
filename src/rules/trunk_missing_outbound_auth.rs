use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::insert_option;
use crate::fix::{Applicability, Fix};

pub struct TrunkMissingOutboundAuth;

static META: RuleMeta = RuleMeta {
    name: "trunk-missing-outbound-auth",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A trunk endpoint without outbound_auth while its registration has one",
    doc: r#"# trunk-missing-outbound-auth

## What
A provider trunk's endpoint (see `--effective` for which endpoint pairs with which
registration) with no `outbound_auth=`, while its registration has one.

## Why
The registration and the endpoint authenticate separately. Registering works (the registration
answers the provider's 401 with its own `outbound_auth`), but every outbound call is an INVITE
from the endpoint: the provider challenges it with **401 or 407**, the endpoint has no
credentials, and the call fails ("Failed to authenticate" on the provider side, the caller hears
an error or silence). Inbound calls still work, which makes this one confusing.

## Example
```ini
[provider]
type=registration
outbound_auth=provider-auth
server_uri=sip:sip.example.net
client_uri=sip:4930123456@sip.example.net

[provider]
type=endpoint
aors=provider
; no outbound_auth: outbound calls get 407

[provider]
type=aor
contact=sip:sip.example.net
```

## When it does not apply
A provider that does not challenge calls (rare; then nothing fails). An endpoint with `auth=`
naming the provider's credentials is `auth-instead-of-outbound-auth`'s (one mistake, one
finding); a registration without `outbound_auth` is `registration-missing-outbound-auth`'s.

## Fix
Add `outbound_auth=` to the endpoint with the registration's auth. pjsiplint offers it as an
unsafe fix.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for TrunkMissingOutboundAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let (outbound_auth, auth_name) = (
            config.option_name("outbound_auth"),
            config.option_name("auth"),
        );
        for trunk in &cx.trunks().list {
            let Some(registration) = trunk.registration else {
                continue;
            };
            let endpoint = config.objects.by_id(trunk.endpoint);
            let registration = config.objects.by_id(registration);
            if config
                .option(endpoint, outbound_auth)
                .is_some_and(|v| !v.is_empty())
            {
                continue;
            }
            // `auth=` instead of `outbound_auth=`: one mistake, auth-instead-of-outbound-auth's.
            if config
                .option(endpoint, auth_name)
                .is_some_and(|v| crate::lookup::list_items(v).next().is_some())
            {
                continue;
            }
            let Some(auth) = config
                .option(registration, outbound_auth)
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            let mut diagnostic = META
                .report(
                    config.section(endpoint.section).name_span,
                    format!(
                        "trunk endpoint '{}' has no `outbound_auth`, while its registration '{}' \
                         uses `{auth}`: outbound calls challenged with 401/407 fail",
                        config.object_id(endpoint),
                        config.object_id(registration)
                    ),
                )
                .secondary(
                    config.section(registration.section).name_span,
                    "the registration authenticates here",
                );
            if let Some(edit) = insert_option(config, endpoint.section, "outbound_auth", auth) {
                diagnostic = diagnostic.fix(Fix {
                    title: format!("add `outbound_auth={auth}` to the endpoint"),
                    applicability: Applicability::Unsafe,
                    edits: vec![edit],
                });
            }
            out.push(diagnostic);
        }
    }
}
