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
172.16.0.0/12 and 192.168.0.0/16, less any range that holds the external address itself;
narrow it to your network).

## When it does not apply
- The external address is itself a private address (a Docker or VM host's LAN address used as
  external address): LAN phones are given a LAN address, nothing breaks.
- The external address is a placeholder (`placeholder-value`'s) or cannot resolve
  (`nat-missing-external-address`'s): Asterisk drops it, so there is no rewriting to limit.
- The transport is rejected.
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
            if !transport.usable() {
                continue;
            }
            let external_value = config.value(external).trim();
            // A placeholder or a value that never resolves is another rule's (Asterisk drops
            // it: there is no rewriting to limit). A private external address (a Docker host's
            // LAN address) gives LAN phones a LAN address: nothing breaks.
            if super::placeholder_value::placeholder(config.key(external), external_value).is_some()
                || super::nat_missing_external_address::unresolvable(external_value).is_some()
            {
                continue;
            }
            let external_ip = crate::schema::addr::bind_host_part(external_value)
                .parse::<std::net::IpAddr>()
                .ok();
            if external_ip.is_some_and(|ip| crate::network::is_private_host(&ip.to_string())) {
                continue;
            }
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
            // The private ranges, less any that holds the external address itself.
            let ranges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
                .into_iter()
                .filter(|range| {
                    external_ip.is_none_or(|ip| {
                        !range
                            .parse::<ipnetwork::IpNetwork>()
                            .is_ok_and(|net| net.contains(ip))
                    })
                })
                .collect::<Vec<_>>()
                .join(",");
            let ranges = ranges.as_str();
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
