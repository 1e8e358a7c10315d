use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct RegistrationGivesUp;

static META: RuleMeta = RuleMeta {
    name: "registration-gives-up",
    category: Category::Registration,
    severity: Severity::Info,
    summary: "After one 403 (or a rejected 401) the registration stops until the next reload",
    doc: r#"# registration-gives-up

## What
A registration with `forbidden_retry_interval` unset (0), or with `auth_rejection_permanent`
left at yes while `fatal_retry_interval` is unset (0).

## Why
res_pjsip_outbound_registration treats a 403, and (with `auth_rejection_permanent=yes`, the
default) a 401 after credentials, as fatal: "Fatal response '403' received from ... stopping
outbound registration". With the retry intervals at 0 it never tries again: `pjsip show
registrations` says Rejected until someone reloads, even if the provider's outage lasted a
minute. The trade-off: retrying an account that is really banned or misconfigured can get the
PBX's address blocked by the provider's fraud protection, so retry slowly.

## Example
```ini
[provider]
type=registration
outbound_auth=provider-auth
server_uri=sip:sip.example.net
client_uri=sip:4930123456@sip.example.net
```

## When it does not apply
A registration with `forbidden_retry_interval` and (or `auth_rejection_permanent=no`)
`fatal_retry_interval` set. A registration without any auth is
`registration-missing-outbound-auth`'s.

## Fix
Set `forbidden_retry_interval=600` and `fatal_retry_interval=600` (or
`auth_rejection_permanent=no`), with a `max_retries` that fits your provider.
"#,
    fix: None,
};

impl Rule for RegistrationGivesUp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // The three lines found in one walk over each registration's lines.
        let options = config.options([
            "forbidden_retry_interval",
            "fatal_retry_interval",
            "auth_rejection_permanent",
        ]);
        for registration in config.of_type_warm("registration") {
            let [forbidden, fatal, permanent] = options.last_lines(config, registration);
            let interval = |line: Option<&crate::model::Var>| {
                line.and_then(|var| config.value(var).trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let permanent =
                permanent.is_none_or(|var| crate::schema::schema().is_true_word(config.value(var)));
            let mut gives_up = Vec::new();
            if interval(forbidden) == 0 {
                gives_up.push("a 403");
            }
            if permanent && interval(fatal) == 0 {
                gives_up.push("a 401 after credentials");
            }
            if gives_up.is_empty() {
                continue;
            }
            out.push(META.report(
                config.section(registration.section).name_span,
                format!(
                    "registration '{}' stops for good after {} (retry intervals are 0): it stays \
                     Rejected until a reload",
                    config.object_id(registration),
                    gives_up.join(" or ")
                ),
            ));
        }
    }
}
