use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::{delete_line, rename_key};
use crate::fix::{Applicability, Fix};

pub struct AuthInsteadOfOutboundAuth;

static META: RuleMeta = RuleMeta {
    name: "auth-instead-of-outbound-auth",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A trunk endpoint with auth=: Asterisk challenges the provider's calls with 401",
    doc: r#"# auth-instead-of-outbound-auth

## What
A provider trunk's endpoint (see `src/trunks.rs`: named by a registration, or with a static
contact at the registration's server or at a public host) whose last `auth=` line names an
auth, with or without `outbound_auth=`.

## Why
`auth=` is for requests **to** Asterisk: Asterisk challenges the sender with 401 and checks the
answer against that auth. `outbound_auth=` is for requests **from** Asterisk: it answers the
other side's 401/407. On a trunk the provider is the one that challenges: with `auth=` Asterisk
sends the provider's INVITEs a 401 the provider will never answer (inbound calls fail), and
answers nothing when the provider challenges Asterisk's calls (outbound calls fail with 407).
With `outbound_auth=` beside it, outbound calls work but the challenge to the provider's INVITEs
remains: res_pjsip_authenticator_digest.c (`digest_requires_authentication`) challenges every
request of an endpoint with at least one inbound auth, whichever way the endpoint was identified,
so every inbound call gets 401.

## When it does not apply
A peer PBX (not a provider) that answers Asterisk's challenge with its own credentials: then
`auth=` is deliberate; suppress the finding. Endpoints that are not trunks (phones) need `auth=`.
A trunk without any auth is `unauthenticated-endpoint`'s or `trunk-missing-identify`'s; a trunk
without `outbound_auth` whose registration has one is `trunk-missing-outbound-auth`'s.

## Example
```ini
[provider]
type=endpoint
auth=provider-auth
aors=provider
```

## Fix
Rename the key to `outbound_auth` (pjsiplint's unsafe fix), or, when the endpoint has an
`outbound_auth` already, remove the `auth` line (the unsafe fix then deletes it). Identify the
provider by address with a `type=identify` section. A line inherited from a template is left for
you to move: editing the template would change every endpoint using it.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for AuthInsteadOfOutboundAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        for trunk in &cx.trunks().list {
            let endpoint = config.objects.by_id(trunk.endpoint);
            // Only the last `auth` line counts (pjsip_configuration.c inbound_auth_handler
            // replaces the list on each line).
            let Some(var) = config.option_var(endpoint, "auth") else {
                continue;
            };
            if crate::lookup::list_items(config.value(var))
                .next()
                .is_none()
                || !reported.insert(var.origin)
            {
                continue;
            }
            let outbound = config.option_var(endpoint, "outbound_auth");
            let has_outbound = outbound.is_some_and(|line| {
                crate::lookup::list_items(config.value(line))
                    .next()
                    .is_some()
            });
            let id = config.object_id(endpoint);
            // The wizard wrote `auth=ID-iauth` for `accepts_auth=yes`: say it in its words.
            let by_wizard = config
                .expansion
                .as_ref()
                .is_some_and(|expansion| expansion.is_made(config, config.var_span(var)));
            let mut diagnostic =
                if by_wizard {
                    META.report(
                        config.key_span(var),
                        format!(
                        "trunk wizard [{id}] has `accepts_auth=yes`{}: Asterisk challenges every \
                         request from the provider with 401 (inbound calls fail unless the \
                         provider answers the challenge, which providers do not); `sends_auth` \
                         alone answers the provider's challenges",
                        if has_outbound { " beside `sends_auth=yes`" } else { "" }
                    ),
                    )
                } else if has_outbound {
                    META.report(
                        config.key_span(var),
                        format!(
                            "trunk endpoint '{id}' has `auth=` beside `outbound_auth=`: Asterisk \
                         challenges every request from the provider with 401 (inbound calls fail \
                         unless the provider answers the challenge, which providers do not); \
                         `outbound_auth` alone answers the provider's challenges"
                        ),
                    )
                } else {
                    META.report(
                        config.key_span(var),
                        format!(
                        "trunk endpoint '{id}' uses `auth=`, which makes Asterisk challenge the \
                         provider's requests with 401 and answer none of the provider's \
                         challenges; a trunk answers the provider's challenge with \
                         `outbound_auth=`"
                    ),
                    )
                };
            // A line inherited from a template is shared with other endpoints (phones, whose
            // `auth=` is right): editing it there would open them up. Only the trunk's own line
            // is edited.
            if var.is_inherited() {
                diagnostic = diagnostic.also(super::inherited_label(config, endpoint.section, var));
            } else if has_outbound {
                // `outbound_auth` is there already: renaming would make two (the last wins, the
                // other is lost); the `auth` line goes.
                if let Some(edit) = delete_line(config, var.origin) {
                    diagnostic = diagnostic.fix(Fix {
                        title: "remove the `auth` line (the endpoint keeps its `outbound_auth`)"
                            .to_owned(),
                        applicability: Applicability::Unsafe,
                        edits: vec![edit],
                    });
                }
            } else if outbound.is_none() {
                // No `outbound_auth` line at all (an empty one written later would win over the
                // renamed line).
                diagnostic = diagnostic.fix(Fix {
                    title: "rename `auth` to `outbound_auth`".to_owned(),
                    applicability: Applicability::Unsafe,
                    edits: vec![rename_key(config, var.origin, "outbound_auth")],
                });
            }
            out.push(diagnostic);
        }
    }
}
