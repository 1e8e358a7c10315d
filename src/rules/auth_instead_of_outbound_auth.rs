use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::rename_key;
use crate::fix::{Applicability, Fix};

pub struct AuthInsteadOfOutboundAuth;

static META: RuleMeta = RuleMeta {
    name: "auth-instead-of-outbound-auth",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A trunk endpoint with auth= but no outbound_auth=: Asterisk challenges the provider",
    doc: r#"# auth-instead-of-outbound-auth

## What
A provider trunk's endpoint with `auth=` and no `outbound_auth=`.

## Why
`auth=` is for requests **to** Asterisk: Asterisk challenges the sender with 401 and checks the
answer against that auth. `outbound_auth=` is for requests **from** Asterisk: it answers the
other side's 401/407. On a trunk the provider is the one that challenges: with `auth=` Asterisk
sends the provider's INVITEs a 401 the provider will never answer (inbound calls fail), and
answers nothing when the provider challenges Asterisk's calls (outbound calls fail with 407).

## Example
```ini
[provider]
type=endpoint
auth=provider-auth
aors=provider
```

## Fix
Rename the key to `outbound_auth` (pjsiplint's unsafe fix), and identify the provider by address
with a `type=identify` section.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for AuthInsteadOfOutboundAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut reported = rustc_hash::FxHashSet::default();
        for trunk in &cx.trunks.list {
            let endpoint = config.objects.by_id(trunk.endpoint);
            if config
                .option(endpoint, "outbound_auth")
                .is_some_and(|v| !v.is_empty())
            {
                continue;
            }
            let Some(var) = config.option_var(endpoint, "auth") else {
                continue;
            };
            if config.value(var).is_empty() || !reported.insert(var.origin) {
                continue;
            }
            let mut diagnostic = META.report(
                config.key_span(var),
                format!(
                    "trunk endpoint '{}' uses `auth=`, which makes Asterisk challenge the \
                     provider; a trunk answers the provider's challenge with `outbound_auth=`",
                    config.object_id(endpoint)
                ),
            );
            // A line inherited from a template is shared with other endpoints (phones, whose
            // `auth=` is right): renaming it there would open them up. Only the trunk's own line
            // is renamed.
            if var.is_inherited() {
                diagnostic = diagnostic.also(super::inherited_label(config, endpoint.section, var));
            } else {
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
