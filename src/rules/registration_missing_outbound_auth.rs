use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::insert_option;
use crate::fix::{Applicability, Fix};
use crate::model::{Config, Object, ObjectId};
use crate::network::uri_user;

pub struct RegistrationMissingOutboundAuth;

static META: RuleMeta = RuleMeta {
    name: "registration-missing-outbound-auth",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A registration with no outbound_auth cannot answer the provider's 401",
    doc: r#"# registration-missing-outbound-auth

## What
A `type=registration` section without `outbound_auth=`.

## Why
Registering is a digest exchange: REGISTER without credentials, the provider answers **401**
with a realm and a nonce, Asterisk sends REGISTER again with an Authorization header, 200 OK.
Without `outbound_auth` Asterisk has nothing to answer the 401 with: the log says "There were no
auth ids available", `pjsip show registrations` shows **Rejected**, and with the default
`auth_rejection_permanent=yes` Asterisk stops trying until the next reload. Inbound calls from
the provider then stop too, since the provider no longer knows where to send them.

## Example
```ini
[provider]
type=registration
server_uri=sip:sip.example.net
client_uri=sip:4930123456@sip.example.net
```

## When it does not apply
A few carrier networks (a home gateway's line, NTT Hikari Denwa) authenticate a line by where
it connects from and never challenge REGISTER; for those, suppress this finding. That is why it
is a warning, not an error: the file alone cannot say whether the registrar challenges. A trunk
endpoint without `outbound_auth` is `trunk-missing-outbound-auth`'s; an auth whose user name is
the phone number is `auth-username-is-did`'s (which also looks at the trunk endpoint's
`outbound_auth` when the registration has none).

## Fix
Add `outbound_auth=` naming the auth with the provider's credentials. pjsiplint offers it as an
unsafe fix when exactly one auth fits: the one the trunk endpoint uses as `outbound_auth`, or
else the only auth whose `username` is the user of `client_uri`.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for RegistrationMissingOutboundAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let outbound_auth = config.option_name("outbound_auth");
        for (id, registration) in config.of_type_warm("registration").with_ids() {
            if config
                .option(registration, outbound_auth)
                .is_some_and(|v| !v.is_empty())
            {
                continue;
            }
            let section = config.section(registration.section);
            let mut diagnostic = META
                .report(
                    section.name_span,
                    format!(
                        "registration '{}' has no `outbound_auth`: when the registrar \
                         challenges (a 401, as almost every provider does), Asterisk has no \
                         credentials to answer with and stops registering",
                        config.object_id(registration)
                    ),
                )
                .label("no outbound_auth");
            if let Some(auth) = fitting_auth(cx, id, registration) {
                if let Some(edit) =
                    insert_option(config, registration.section, "outbound_auth", &auth)
                {
                    diagnostic = diagnostic.fix(Fix {
                        title: format!("add `outbound_auth={auth}`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![edit],
                    });
                }
            }
            out.push(diagnostic);
        }
    }
}

/// The one auth that surely belongs to this registration, if there is exactly one.
fn fitting_auth(cx: &Context<'_>, id: ObjectId, registration: &Object) -> Option<String> {
    let config = cx.config;
    if let Some(trunk) = cx.trunks().of_registration(id) {
        let endpoint = config.objects.by_id(trunk.endpoint);
        let names: Vec<&str> = config.option_items(endpoint, "outbound_auth").collect();
        if let [one] = names.as_slice() {
            return Some((*one).to_owned());
        }
    }
    let user = config
        .option(registration, "client_uri")
        .and_then(uri_user)?;
    let mut matching = auths_with_username(config, user);
    let first = matching.next()?;
    matching
        .next()
        .is_none()
        .then(|| config.object_id(first).to_owned())
}

fn auths_with_username<'a>(config: &'a Config, user: &'a str) -> impl Iterator<Item = &'a Object> {
    config
        .objects
        .of_type("auth")
        .filter(move |auth| config.option(auth, "username") == Some(user))
}
