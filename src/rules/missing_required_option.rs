use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::ProblemKind;

pub struct MissingRequiredOption;

static META: RuleMeta = RuleMeta {
    name: "missing-required-option",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "An object without an option Asterisk requires: the object is rejected",
    doc: r#"# missing-required-option

## What
An object that lacks what its type needs when Asterisk applies it:

- a registration without `server_uri` or `client_uri` (or with `line=yes` and no `endpoint`);
- an auth without `username`, or without `password` (or `md5_cred` / `password_digest`);
  before Asterisk 20.12 / 21.7 / 22.2, an `auth_type=md5` without `md5_cred`;
- a transport without `bind` (any protocol but `flow`);
- an identify without `endpoint`, or without any `match`, `match_header` or `match_request_uri`;
- an outbound-publish without `server_uri` or `event`;
- a registration while no transport at all loads.

## Why
Asterisk logs the reason ("No server URI specified on outbound registration 'trunk'", "dcs-auth:
No authentication username", "Transport 'udp' could not be started as binding not specified")
and **rejects the object**. An endpoint whose `auth=` names a rejected auth still loads, with no
warning: its phone then fails every registration with 401.

## Example
```ini
[trunk-auth]
type=auth
auth_type=userpass
password=s3cret-Pw-2024
```

## Fix
Add the option (`username=...`).
"#,
    fix: None,
};

impl Rule for MissingRequiredOption {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let wanted = |kind: &ProblemKind| {
            matches!(
                kind,
                ProblemKind::MissingRequired { .. } | ProblemKind::NoTransport
            )
        };
        for group in problem_groups(cx, wanted) {
            let reason = match &group.first.kind {
                ProblemKind::MissingRequired { reason } => reason.clone(),
                _ => "no transport loads, so Asterisk cannot create the registration".to_owned(),
            };
            out.push(report_group(
                &META,
                config,
                &group,
                format!(
                    "Asterisk rejects {}: {reason}",
                    group.objects_phrase(config)
                ),
            ));
        }
    }
}
