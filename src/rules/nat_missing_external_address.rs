//! `nat-missing-external-address`: a transport whose external addresses Asterisk ends up
//! without (only one of the two, or one that cannot resolve).

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Config, Object, Var};

pub struct NatMissingExternalAddress;

static META: RuleMeta = RuleMeta {
    name: "nat-missing-external-address",
    category: Category::Nat,
    severity: Severity::Warning,
    summary: "Only one of the two external addresses, or one Asterisk cannot resolve",
    doc: r#"# nat-missing-external-address

## What
A transport behind NAT whose external addresses Asterisk will not have:
- only one of `external_signaling_address` and `external_media_address` is set; or
- one of them is no address or host name at all (`stun:stun.example.org`, text with blanks or
  characters no host name has).

## Why
The two are independent. res_pjsip_nat.c rewrites Contact and Via with
`external_signaling_address` only; res_pjsip_sdp_rtp.c rewrites the SDP with
`external_media_address` only; neither falls back to the other. With only the media address,
the Contact and Via Asterisk sends carry its private address: answers and in-dialog requests
from outside the NAT go nowhere ("No Response" in `pjsip show registrations`). With only the
signaling address, the SDP carries the private address: one-way or no audio.

An external address is resolved once when the transport loads
(res_pjsip/config_transport.c transport_apply); pjsip has no STUN here. A value that does not
resolve is dropped: Asterisk logs only a lookup warning (`Unable to lookup '...'`, from
`ast_dnsmgr_lookup`) and loads the transport with no external address: the same one-way audio,
from a transport that loaded.

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
Set both `external_signaling_address` and `external_media_address` to the public address (a
fixed IP, or a DNS name that resolves when Asterisk starts).

## When it does not apply
- `local_net` without any external address: that is a LAN-only or VPN PBX (or one with a public
  address of its own), and `local_net` simply has nothing to do; an empty `local_net=` means no
  networks. Nothing breaks, nothing is reported.
- Both addresses set to IPs or host names: pjsiplint does not resolve names.
- A placeholder (`<YOUR_IP>`, `${PUBLIC_IP}`, `[YOUR PUBLIC IP]`) is `placeholder-value`'s.
- An external address without `local_net` is `nat-missing-local-net`'s.
"#,
    fix: None,
};

const SIGNALING: &str = "external_signaling_address";
const MEDIA: &str = "external_media_address";

/// The line of `key` when it has a value.
fn set<'a>(config: &'a Config, transport: &Object, key: &str) -> Option<&'a Var> {
    config
        .option_var(transport, key)
        .filter(|var| !config.value(var).trim().is_empty())
}

/// Why an external address value cannot resolve, if it cannot: `stun:` URIs, blanks, and
/// characters no host name or address has. `host:port` and `[v6]` are fine.
pub(super) fn unresolvable(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.to_ascii_lowercase().starts_with("stun:") {
        return Some("a STUN server, which Asterisk does not query here");
    }
    let host = crate::schema::addr::bind_host_part(value);
    if host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let plausible = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!plausible).then_some("no address or host name")
}

impl Rule for NatMissingExternalAddress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for transport in config.objects.of_type("transport").filter(|t| t.usable()) {
            let name = config.object_id(transport);
            let signaling = set(config, transport, SIGNALING)
                .or_else(|| set(config, transport, "external_signaling_hostname"));
            let media = set(config, transport, MEDIA);
            // A value that cannot resolve: dropped at load with only a lookup warning.
            let mut dropped = false;
            for var in [signaling, media].into_iter().flatten() {
                let value = config.value(var);
                if super::placeholder_value::placeholder(config.key(var), value).is_some() {
                    dropped = true; // placeholder-value's
                    continue;
                }
                if let Some(why) = unresolvable(value) {
                    dropped = true;
                    let what = if config.key(var).eq_ignore_ascii_case(MEDIA) {
                        "the SDP carries the private address (one-way or no audio)"
                    } else {
                        "Contact and Via carry the private address (answers from outside are \
                         lost)"
                    };
                    out.push(
                        META.report(
                            config.value_span(var),
                            format!(
                                "`{}` of transport '{name}' is {why}: Asterisk cannot resolve \
                                 it, logs only a lookup warning and loads the transport without \
                                 it, so {what}",
                                config.key(var)
                            ),
                        )
                        .label("never resolves")
                        .help("write the public IP address or a DNS name that resolves to it")
                        .also(super::inherited_label(
                            config,
                            transport.section,
                            var,
                        )),
                    );
                }
            }
            if dropped {
                continue;
            }
            let (present, missing, effect) = match (signaling, media) {
                (Some(_), Some(_)) | (None, None) => continue,
                (None, Some(media)) => (
                    media,
                    SIGNALING,
                    "Contact and Via carry the private address, so answers and requests from \
                     outside the NAT are lost (\"No Response\")",
                ),
                (Some(signaling), None) => (
                    signaling,
                    MEDIA,
                    "the SDP carries the private address (one-way or no audio)",
                ),
            };
            out.push(
                META.report(
                    config.section(transport.section).name_span,
                    format!(
                        "transport '{name}' sets `{}` but not `{missing}`: Asterisk does not \
                         use one for the other, so {effect}",
                        config.key(present)
                    ),
                )
                .secondary(config.key_span(present), "only this one is set")
                .help(format!("set `{missing}` to the public address too")),
            );
        }
    }
}
