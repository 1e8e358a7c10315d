use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::replace_value;
use crate::fix::{Applicability, Fix};

pub struct AuthUsernameHasDomain;

static META: RuleMeta = RuleMeta {
    name: "auth-username-has-domain",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "username=user@domain: the digest is computed over the whole text",
    doc: r#"# auth-username-has-domain

## What
An auth whose `username` contains `@`, such as `username=1001@sip.example.net`.

## Why
The digest response is computed over `username:realm:password` with the user name exactly as
written, and the Authorization header carries it as the user. Providers (and Asterisk itself,
for phones) expect the bare user, `1001`: the answer does not match, the request is challenged
again, and `pjsip show registrations` ends in Rejected (401/403). The domain belongs in the
URIs (`client_uri`, `server_uri`, the aor contact), not in the auth.

## Example
```ini
[provider-auth]
type=auth
username=1001@sip.example.net
password=...
```

## When it does not apply
Providers whose account names really contain `@` (rare; suppress the finding). An auth whose
user name is the phone number is `auth-username-is-did`'s.

## Fix
Keep only the user part: `username=1001` (pjsiplint's unsafe fix).
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for AuthUsernameHasDomain {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        let username = config.option_name("username");
        for auth in config.of_type_warm("auth") {
            let Some(var) = config.option_var(auth, username) else {
                continue;
            };
            let username = config.value(var);
            let Some((user, domain)) = username.split_once('@') else {
                continue;
            };
            if user.is_empty() || !reported.insert(var.origin) {
                continue;
            }
            let mut diagnostic = META.report(
                config.value_span(var),
                format!(
                    "auth '{}' has `@{domain}` in its user name: the digest is computed over \
                     `{username}`, and the other side expects `{user}` (401/403)",
                    config.object_id(auth)
                ),
            );
            if !var.is_appended() {
                diagnostic = diagnostic.fix(Fix {
                    title: format!("use the user name `{user}`"),
                    applicability: Applicability::Unsafe,
                    edits: vec![replace_value(config, var.origin, user)],
                });
            }
            out.push(diagnostic);
        }
    }
}
