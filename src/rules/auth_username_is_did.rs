use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::network::uri_user;

pub struct AuthUsernameIsDid;

static META: RuleMeta = RuleMeta {
    name: "auth-username-is-did",
    category: Category::Registration,
    severity: Severity::Info,
    summary: "A registration's auth username is its phone number: often not the account name",
    doc: r#"# auth-username-is-did

## What
An auth a provider trunk authenticates with whose `username` is a phone number (7 to 15
digits, optionally with `+`) equal to the user of the registration's `client_uri`. The auth is
the registration's `outbound_auth`; when the registration has none, the `outbound_auth` of the
trunk's endpoint (see `src/trunks.rs` for which endpoint belongs to which registration), which
answers the provider's challenges to calls.

## When it does not apply
Providers that do use the number as account id (many do: then this is fine, suppress it). A
registration without any auth is `registration-missing-outbound-auth`'s; an endpoint using
`auth=` for the provider is `auth-instead-of-outbound-auth`'s. An auth whose user name has a
`@domain` is `auth-username-has-domain`'s.

## Why
Many providers give a separate authentication user name (an account id) beside the phone number
(DID). With the DID as digest user name the provider answers the second REGISTER with **401 or
403** again: `pjsip show registrations` says Rejected although the password is right. The phone
number belongs in `client_uri` (and `contact_user` / `from_user`), the account id in the auth's
`username`. If the provider really uses the number as account id, this is fine.

## Example
```ini
[provider]
type=registration
outbound_auth=provider-auth
client_uri=sip:4930123456@sip.example.net
server_uri=sip:sip.example.net

[provider-auth]
type=auth
username=4930123456
password=...
```

## Fix
Check the provider's account details; put the authentication user name in `username`.
"#,
    fix: None,
};

fn is_phone_number(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or(text);
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Rule for AuthUsernameIsDid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        let outbound_auth = config.option_name("outbound_auth");
        let (client_uri, username) = (
            config.option_name("client_uri"),
            config.option_name("username"),
        );
        for (id, registration) in config.of_type_warm("registration").with_ids() {
            let Some(user) = config.option(registration, client_uri).and_then(uri_user) else {
                continue;
            };
            if !is_phone_number(user) {
                continue;
            }
            let (auths, endpoint) = crate::trunks::trunk_auths(config, cx.trunks(), id);
            for auth in auths {
                let Some(var) = config.option_var(auth, username) else {
                    continue;
                };
                if config.value(var) != user || !reported.insert(var.origin) {
                    continue;
                }
                let whose = match endpoint {
                    None => format!("registration '{}'", config.object_id(registration)),
                    Some(endpoint) => format!(
                        "trunk endpoint '{}' (registration '{}' has no `outbound_auth` of its \
                         own)",
                        config.object_id(endpoint),
                        config.object_id(registration)
                    ),
                };
                let mut diagnostic = META
                    .report(
                        config.value_span(var),
                        format!(
                            "auth '{}' authenticates {whose} with the phone number `{user}` of \
                             the registration's `client_uri` as user name: many providers expect \
                             a separate account id here, and answer 401/403",
                            config.object_id(auth),
                        ),
                    )
                    .secondary(
                        config.section(registration.section).name_span,
                        "the registration whose client_uri has this number",
                    );
                if let Some(endpoint) = endpoint {
                    if let Some(line) = config.option_var(endpoint, outbound_auth) {
                        diagnostic = diagnostic.secondary(
                            config.value_span(line),
                            "the trunk endpoint uses this auth",
                        );
                    }
                }
                out.push(diagnostic);
            }
        }
    }
}
