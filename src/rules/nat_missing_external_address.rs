use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct NatMissingExternalAddress;

static META: RuleMeta = RuleMeta {
    name: "nat-missing-external-address",
    category: Category::Nat,
    severity: Severity::Warning,
    summary: "local_net without external addresses, or only one of the two",
    doc: r#"# nat-missing-external-address

## What
A transport with `local_net` but no `external_signaling_address` / `external_media_address`,
or with only one of the two.

## Why
`local_net` only says which addresses need no rewriting; what to rewrite **to** are the external
addresses. Without `external_signaling_address`, the Contact and Via Asterisk sends to a provider
carry its private address: the provider's answers go nowhere and the REGISTER looks unanswered
("No Response" in `pjsip show registrations`), inbound INVITEs never arrive. Without
`external_media_address`, the SDP carries the private address: one-way or no audio.

## Example
```ini
[transport-udp]
type=transport
bind=0.0.0.0
local_net=192.168.1.0/24
external_media_address=203.0.113.10
; external_signaling_address missing
```

## Fix
Set both `external_signaling_address` and `external_media_address` to the public address (or
`external_signaling_hostname` for a dynamic address).
"#,
    fix: None,
};

impl Rule for NatMissingExternalAddress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for transport in config.objects.of_type("transport") {
            let Some(local_net) = config.option_var(transport, "local_net") else {
                continue;
            };
            let set = |key: &str| config.option(transport, key).is_some_and(|v| !v.is_empty());
            let signaling = set("external_signaling_address") || set("external_signaling_hostname");
            let media = set("external_media_address");
            let missing = match (signaling, media) {
                (true, true) => continue,
                (false, false) => "no external address, so `local_net` does nothing: behind NAT, \
                                   Contact, Via and SDP carry the private address (\"No \
                                   Response\", no audio)",
                (false, true) => "no `external_signaling_address`: Contact and Via carry the \
                                  private address, the provider's answers are lost (\"No Response\")",
                (true, false) => "no `external_media_address`: the SDP carries the private \
                                  address (one-way or no audio)",
            };
            out.push(
                META.report(
                    config.section(transport.section).name_span,
                    format!(
                        "transport '{}' has `local_net` but {missing}",
                        config.object_id(transport)
                    ),
                )
                .secondary(config.key_span(local_net), "local_net set here"),
            );
        }
    }
}
