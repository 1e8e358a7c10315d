use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::network::uri_host;

pub struct OutboundAuthRealm;

static META: RuleMeta = RuleMeta {
    name: "outbound-auth-realm",
    category: Category::Registration,
    severity: Severity::Info,
    summary: "realm= on an outbound auth pins the credentials to one realm",
    doc: r#"# outbound-auth-realm

## What
An auth used as `outbound_auth` (by a registration or an endpoint) with `realm=` set. It is a
warning when the realm shares no domain with the registration's `server_uri` host (for example
`realm=asterisk`, copied from a phone's auth).

## Why
For outbound authentication the realm comes from the provider's 401/407. An auth with a realm
only answers a challenge for exactly that realm: when the provider names another one, Asterisk
sends no credentials, the 401 repeats, and the registration ends Rejected. Left empty, the auth
answers whatever realm the provider uses.

## Example
```ini
[provider-auth]
type=auth
username=acct-1234
password=...
realm=asterisk
```

## When it does not apply
An auth used only by endpoints' `auth=` (inbound: there the realm names Asterisk's own
challenge), and providers that document the exact realm. An auth whose user name has a `@domain`
is `auth-username-has-domain`'s.

## Fix
Remove `realm=` from outbound auths, unless the provider documents the exact realm.
"#,
    fix: None,
};

/// The last two labels of a host name (`sip.example.net` -> `example.net`).
fn domain(host: &str) -> String {
    let labels: Vec<&str> = host.trim_end_matches('.').rsplit('.').take(2).collect();
    labels
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join(".")
        .to_ascii_lowercase()
}

impl Rule for OutboundAuthRealm {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        let users = config.objects.list.iter().filter(|o| {
            matches!(
                o.kind_name(),
                "registration" | "endpoint" | "outbound-publish"
            )
        });
        let server_uri = config.option_name("server_uri");
        let outbound_auth = config.option_name("outbound_auth");
        let realm_name = config.option_name("realm");
        if !realm_name.is_written() {
            return;
        }
        for user in users {
            // Read only for a realm to compare with: most users have none.
            let mut server_host = None;
            for auth in config.referenced(user, outbound_auth) {
                let Some(var) = config.option_var(auth, realm_name) else {
                    continue;
                };
                let realm = config.value(var);
                if realm.is_empty() || !reported.insert(var.origin) {
                    continue;
                }
                let server_host = server_host
                    .get_or_insert_with(|| config.option(user, server_uri).and_then(uri_host));
                let mismatch = server_host
                    .as_deref()
                    .is_some_and(|host| domain(host) != domain(realm));
                let mut diagnostic = META.report(
                    config.value_span(var),
                    format!(
                        "outbound auth '{}' only answers challenges for realm `{realm}`{}",
                        config.object_id(auth),
                        match &server_host {
                            Some(host) if mismatch => format!(
                                ", which does not look like {} '{}''s server `{host}`: the 401 \
                                 repeats",
                                user.kind_name(),
                                config.object_id(user)
                            ),
                            _ =>
                                "; if the provider names another realm, the 401 repeats".to_owned(),
                        }
                    ),
                );
                if mismatch {
                    diagnostic.severity = Severity::Warning;
                }
                out.push(diagnostic);
            }
        }
    }
}
