use super::endpoint_without_codecs::{group_endpoints, loaded_endpoints};
use super::webrtc_incomplete::{endpoint_transport, protocol};
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub struct MediaEncryptionWithoutTls;

static META: RuleMeta = RuleMeta {
    name: "media-encryption-without-tls",
    category: Category::Call,
    severity: Severity::Warning,
    summary:
        "media_encryption=sdes over signalling that is not TLS: the SRTP keys travel in clear text",
    doc: r#"# media-encryption-without-tls

## What
An endpoint with `media_encryption=sdes` (own or inherited, and not overridden by
`webrtc=yes`, which forces DTLS) whose SIP signalling is not encrypted: its `transport=` names
a `udp`, `tcp` or `ws` transport, or it names none and no `tls`/`wss` transport is configured.

## Why
SDES (RFC 4568) puts the SRTP master key in the SDP itself, as
`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<key>` (res/res_pjsip_sdp_rtp.c adds it to every
offer and answer). Over UDP or TCP the SDP is clear text, so anyone who can capture the SIP
packets (the same path the RTP takes) reads the key and decrypts the call: the audio looks
encrypted but is not protected. The calls work, so nothing shows the problem: Asterisk neither
refuses nor warns.

## Example
```ini
[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0

[6001]
type=endpoint
transport=transport-udp
media_encryption=sdes
allow=ulaw
```

## Fix
Carry the signalling over TLS: a `protocol=tls` transport with a certificate, `transport=` on
the endpoint naming it, and the phone registering with `sips:`/TLS. Or use
`media_encryption=dtls`, whose keys are negotiated in the media path and never appear in the
SDP.
"#,
    fix: None,
};

fn secure(protocol: &str) -> bool {
    protocol == "tls" || protocol == "wss"
}

impl Rule for MediaEncryptionWithoutTls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let media_encryption = config.option_name("media_encryption");
        if !media_encryption.is_written() {
            return;
        }
        let protocols: Vec<String> = config
            .objects
            .of_type("transport")
            .filter(|t| t.usable())
            .map(|t| protocol(config, t))
            .collect();
        let mut found = Vec::new();
        for endpoint in loaded_endpoints(config) {
            let Some(line) = config.option_var(endpoint, media_encryption) else {
                continue;
            };
            if !config.value(line).trim().eq_ignore_ascii_case("sdes")
                || config.option_is_true(endpoint, "webrtc")
            {
                continue;
            }
            let plain = if config.option_var(endpoint, "transport").is_some() {
                match endpoint_transport(config, endpoint) {
                    Some((_, transport)) => {
                        let p = protocol(config, transport);
                        !secure(&p) && p != "flow"
                    }
                    None => false,
                }
            } else {
                // Transports defined in a file not linted here: nothing to say.
                !protocols.is_empty() && !protocols.iter().any(|p| secure(p))
            };
            if plain {
                found.push((0, endpoint, Some(line)));
            }
        }
        for group in group_endpoints(config, found) {
            let first = group.objects[0];
            let transport = endpoint_transport(config, first);
            let over = match transport {
                Some((_, t)) => format!(
                    "transport '{}' ({})",
                    config.object_id(t),
                    protocol(config, t)
                ),
                None => "no TLS transport (none is configured)".to_owned(),
            };
            let mut diagnostic = group
                .report(
                    &META,
                    config,
                    format!(
                        "`media_encryption=sdes` for {} while the signalling goes over {over}: \
                         the SRTP keys travel in clear text in the SDP",
                        group.phrase(config)
                    ),
                )
                .label("keys sent in the SDP")
                .help(
                    "send the signalling over a `protocol=tls` transport, or use \
                     `media_encryption=dtls`",
                );
            if let Some((line, t)) = transport {
                diagnostic = diagnostic.secondary(
                    config.value_span(line),
                    format!("not encrypted: protocol {}", protocol(config, t)),
                );
            }
            out.push(diagnostic);
        }
    }
}
