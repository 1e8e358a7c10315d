use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::insert_option;
use crate::fix::{Applicability, Fix};

pub struct OutboundProxyMismatch;

static META: RuleMeta = RuleMeta {
    name: "outbound-proxy-mismatch",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "REGISTER goes through an outbound proxy, the trunk's INVITEs do not",
    doc: r#"# outbound-proxy-mismatch

## What
A registration with `outbound_proxy=` whose trunk endpoint (and the endpoint's aors) has no
`outbound_proxy`, or a different one.

## Why
Each object sends its own requests: the registration's REGISTER goes through its proxy, the
endpoint's INVITEs go wherever the endpoint's own `outbound_proxy` (or the aor contact) says.
Registration works, but calls bypass the proxy: the provider rejects them (403) or they never
arrive ("No response", 408).

## Example
```ini
[provider]
type=registration
outbound_proxy=sip:proxy.example.net\;lr
...

[provider]
type=endpoint
aors=provider
; no outbound_proxy
```

## Fix
Set the same `outbound_proxy` on the endpoint (pjsiplint's unsafe fix copies it).
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for OutboundProxyMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let outbound_proxy = config.option_name("outbound_proxy");
        for trunk in &cx.trunks().list {
            let Some(registration) = trunk.registration else {
                continue;
            };
            let registration = config.objects.by_id(registration);
            let endpoint = config.objects.by_id(trunk.endpoint);
            let Some(var) = config.option_var(registration, outbound_proxy) else {
                continue;
            };
            let proxy = config.value(var);
            if proxy.is_empty() {
                continue;
            }
            let endpoint_proxy = config
                .option(endpoint, outbound_proxy)
                .filter(|v| !v.is_empty())
                .or_else(|| {
                    config
                        .referenced(endpoint, "aors")
                        .find_map(|aor| config.option(aor, outbound_proxy))
                        .filter(|v| !v.is_empty())
                });
            let diagnostic = match endpoint_proxy {
                Some(same) if same == proxy => continue,
                Some(other) => META.report(
                    config.value_span(var),
                    format!(
                        "registration '{}' uses the proxy `{proxy}` but its trunk endpoint '{}' \
                         uses `{other}`: REGISTER and INVITE take different paths",
                        config.object_id(registration),
                        config.object_id(endpoint)
                    ),
                ),
                None => {
                    let mut diagnostic = META.report(
                        config.value_span(var),
                        format!(
                            "registration '{}' goes through the proxy `{proxy}`, its trunk \
                             endpoint '{}' does not: calls bypass the proxy",
                            config.object_id(registration),
                            config.object_id(endpoint)
                        ),
                    );
                    if let Some(edit) =
                        insert_option(config, endpoint.section, "outbound_proxy", proxy)
                    {
                        diagnostic = diagnostic.fix(Fix {
                            title: format!(
                                "set `outbound_proxy` on endpoint '{}'",
                                config.object_id(endpoint)
                            ),
                            applicability: Applicability::Unsafe,
                            edits: vec![edit],
                        });
                    }
                    diagnostic
                }
            };
            out.push(diagnostic.secondary(
                config.section(endpoint.section).name_span,
                "the trunk endpoint",
            ));
        }
    }
}
