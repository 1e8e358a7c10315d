use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::edits::insert_option;
use crate::fix::{Applicability, Fix};

pub struct NatMissingLocalNet;

static META: RuleMeta = RuleMeta {
    name: "nat-missing-local-net",
    category: Category::Nat,
    severity: Severity::Warning,
    summary: "External addresses without local_net: LAN traffic gets the public address too",
    doc: r#"# nat-missing-local-net

## What
A transport with `external_media_address` or `external_signaling_address` and no `local_net`.

## Why
Asterisk writes the external address into the Contact, Via and SDP of every message **except**
those to addresses inside `local_net`. Without `local_net`, phones on the LAN are also told to
send to the public address: their audio goes out to the router and often never comes back
(one-way or no audio), and their REGISTER replies carry the wrong Contact.

## Example
```ini
[transport-udp]
type=transport
bind=0.0.0.0
external_media_address=203.0.113.10
external_signaling_address=203.0.113.10
```

## Fix
Add `local_net` for the LAN (pjsiplint's unsafe fix adds the private ranges 10.0.0.0/8,
172.16.0.0/12 and 192.168.0.0/16; narrow it to your network).
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for NatMissingLocalNet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for transport in config.objects.of_type("transport") {
            let external = ["external_media_address", "external_signaling_address"]
                .into_iter()
                .find_map(|key| {
                    config
                        .option_var(transport, key)
                        .filter(|v| !config.value(v).is_empty())
                });
            let Some(external) = external else {
                continue;
            };
            if config.option_items(transport, "local_net").next().is_some() {
                continue;
            }
            let mut diagnostic = META
                .report(
                    config.section(transport.section).name_span,
                    format!(
                        "transport '{}' has an external address but no `local_net`: Asterisk \
                         gives LAN phones the public address too (one-way audio)",
                        config.object_id(transport)
                    ),
                )
                .secondary(config.key_span(external), "external address set here");
            let ranges = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";
            if let Some(edit) = insert_option(config, transport.section, "local_net", ranges) {
                diagnostic = diagnostic.fix(Fix {
                    title: format!("add `local_net={ranges}`"),
                    applicability: Applicability::Unsafe,
                    edits: vec![edit],
                });
            }
            out.push(diagnostic);
        }
    }
}
