use super::{Category, Context, Rule, RuleMeta, Shared};
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
A phone endpoint (one whose aor takes registrations: `max_contacts` above 0 and no fixed
`contact`) that can use a transport behind NAT (its `transport=`, or any transport when it
names none; websocket transports excluded) and lacks `rtp_symmetric=yes` or
`rewrite_contact=yes`, or sets `direct_media=yes`. A transport is behind NAT when it loads and
has a public external address Asterisk really uses (not private, not a placeholder, not text
that never resolves).

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
aors=6001
; rtp_symmetric and rewrite_contact default to no

[6001]
type=aor
max_contacts=1
```

## When it does not apply
- Trunks: endpoints an identify matches by address, and endpoints whose aors have a fixed
  `contact` or take no registrations (`max_contacts` 0, the default): the far end does not
  register, so `rewrite_contact` changes nothing for it.
- Endpoints Asterisk rejects, and transports it rejects.
- Transports whose external address is a placeholder, cannot resolve, or is private: Asterisk
  rewrites nothing (`placeholder-value`, `nat-missing-external-address` say why).
- The endpoint named `anonymous`, and WebRTC endpoints (`webrtc=yes`).
- `direct_media` left at its default: LAN phones talking directly is a site's choice.

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

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Identifies]
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // A template shared by many endpoints is reported once, at the first of them.
        let mut reported = rustc_hash::FxHashSet::default();
        // The transports behind NAT, by section: asked once each, not once per endpoint. Only
        // loaded transports whose external address Asterisk really uses (not a placeholder, not
        // text that never resolves, not a private address) and that know their LAN.
        let behind_nat: rustc_hash::FxHashSet<SectionId> = config
            .objects
            .of_type("transport")
            .filter(|transport| transport.usable())
            .filter(|transport| {
                !crate::network::is_websocket_protocol(crate::network::transport_protocol(
                    config, transport,
                ))
            })
            .filter(|transport| {
                ["external_media_address", "external_signaling_address"]
                    .iter()
                    .any(|key| {
                        config.option(transport, *key).is_some_and(|v| {
                            let v = v.trim();
                            !v.is_empty()
                                && super::placeholder_value::placeholder(key, v).is_none()
                                && super::nat_missing_external_address::unresolvable(v).is_none()
                                && !crate::network::is_private_host(
                                    crate::schema::addr::bind_host_part(v),
                                )
                        })
                    })
            })
            .map(|transport| transport.section)
            .collect();
        if behind_nat.is_empty() {
            return;
        }
        // Endpoints a usable identify matches by address: trunks, whose far end is on the
        // internet and does not register.
        let identifies = cx.identifies();
        let aors_name = config.option_name("aors");
        let webrtc = config.option_name("webrtc");
        let aor_options = config.options(["contact", "max_contacts"]);
        let options = config.options([
            "transport",
            "direct_media",
            "rtp_symmetric",
            "rewrite_contact",
        ]);
        let is_true = |var: Option<&Var>| config.is_true(var);
        for endpoint in config.of_type_warm("endpoint").filter(|e| e.usable()) {
            // What it lacks first: one walk over its lines, and most endpoints behind NAT lack
            // nothing, so the reads below (its id, its aors) are skipped.
            let [transport, direct_media, rtp_symmetric, rewrite_contact] =
                options.last_lines(config, endpoint);
            let mut missing = Vec::new();
            // direct_media is reported only when written as yes: its default is a choice of the
            // site (LAN phones talking directly is fine), not a mistake.
            if direct_media.is_some_and(|var| is_true(Some(var))) {
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
            // Trunks matched by address; `anonymous` (callers nobody identified, it registers
            // nothing); WebRTC endpoints (ICE finds the media path, the websocket carries the
            // signaling back).
            let id = config.object_id(endpoint);
            if identifies.usable_one_names_id(id)
                || id.eq_ignore_ascii_case("anonymous")
                || config.option_is_true(endpoint, webrtc)
            {
                continue;
            }
            // Phones that register: an aor that takes contacts and has no fixed one.
            let registers = config
                .last_line_targets(endpoint, aors_name)
                .flatten()
                .any(|aor| {
                    let [contact, max_contacts] = aor_options.last_lines(config, aor);
                    aor.usable()
                        && contact.is_none_or(|c| config.value(c).trim().is_empty())
                        && max_contacts
                            .and_then(|m| config.value(m).trim().parse::<u32>().ok())
                            .is_some_and(|m| m > 0)
                });
            if !registers {
                continue;
            }
            let uses_nat = match config.transports_by_line(endpoint, transport) {
                // Every transport, for an endpoint naming none: `behind_nat` holds at least
                // one of them (same list, and it is not empty).
                Transports::Any(_) => true,
                named => named.into_iter().any(|t| behind_nat.contains(&t.section)),
            };
            if !uses_nat {
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
