use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::Transports;
use crate::model::{SectionId, Var};

pub struct NatEndpointOptions;

static META: RuleMeta = RuleMeta {
    name: "nat-endpoint-options",
    category: Category::Nat,
    severity: Severity::Info,
    summary: "An endpoint behind NAT without rtp_symmetric/rewrite_contact, or with direct_media",
    doc: r#"# nat-endpoint-options

## What
An endpoint that can use a transport with external addresses (its `transport=`, or any transport
when it names none) and that keeps `direct_media=yes` (the default), or lacks
`rtp_symmetric=yes` or `rewrite_contact=yes`.

## Why
A transport with external addresses means Asterisk sits behind NAT, and so usually do the
phones or the far end. `rtp_symmetric=yes` sends audio back to where it comes from instead of
the (private) address in the SDP; `rewrite_contact=yes` keeps the phone's registered contact
at the address the REGISTER came from; `direct_media=no` keeps the audio flowing through
Asterisk instead of between two parties that cannot reach each other. Without them: one-way
audio, calls that drop after 30 seconds, phones that register but cannot be called.

## Example
```ini
[6001]
type=endpoint
transport=transport-udp-nat
; direct_media defaults to yes; rtp_symmetric and rewrite_contact default to no
```

## Fix
Add `direct_media=no`, `rtp_symmetric=yes`, `rewrite_contact=yes` (and `force_rport=yes`, the
default) to the endpoint or its template.
"#,
    fix: None,
};

impl Rule for NatEndpointOptions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // A template shared by many endpoints is reported once, at the first of them.
        let mut reported = rustc_hash::FxHashSet::default();
        // The transports behind NAT, by section: asked once each, not once per endpoint.
        let behind_nat: rustc_hash::FxHashSet<SectionId> = config
            .objects
            .of_type("transport")
            .filter(|transport| {
                ["external_media_address", "external_signaling_address"]
                    .iter()
                    .any(|key| {
                        config
                            .option(transport, *key)
                            .is_some_and(|v| !v.is_empty())
                    })
            })
            .map(|transport| transport.section)
            .collect();
        if behind_nat.is_empty() {
            return;
        }
        let options = config.options([
            "transport",
            "direct_media",
            "rtp_symmetric",
            "rewrite_contact",
        ]);
        let is_true = |var: Option<&Var>| config.is_true(var);
        for endpoint in config.objects.of_type("endpoint") {
            let [transport, direct_media, rtp_symmetric, rewrite_contact] =
                options.last_lines(config, endpoint);
            let uses_nat = match config.transports_by_line(endpoint, transport) {
                // Every transport, for an endpoint naming none: `behind_nat` holds at least
                // one of them (same list, and it is not empty).
                Transports::Any(_) => true,
                named => named.into_iter().any(|t| behind_nat.contains(&t.section)),
            };
            if !uses_nat {
                continue;
            }
            let mut missing = Vec::new();
            let direct_media = direct_media.map(|var| config.value(var));
            if direct_media.is_none_or(|v| crate::schema::schema().is_true_word(v)) {
                missing.push("`direct_media=no`");
            }
            if !is_true(rtp_symmetric) {
                missing.push("`rtp_symmetric=yes`");
            }
            if !is_true(rewrite_contact) {
                missing.push("`rewrite_contact=yes`");
            }
            if missing.is_empty() {
                continue;
            }
            let section = config.section(endpoint.section);
            let key = (
                config.bases(section).first().and_then(|b| b.resolved()),
                missing.clone(),
            );
            if !config.bases(section).is_empty() && !reported.insert(key) {
                continue;
            }
            out.push(META.report(
                section.name_span,
                format!(
                    "endpoint '{}' uses a transport behind NAT but lacks {}: one-way audio or \
                     unreachable phones",
                    config.object_id(endpoint),
                    missing.join(", ")
                ),
            ));
        }
    }
}
