use super::endpoint_without_codecs::group_endpoints;
use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::Options;
use crate::model::{Config, Object, ObjectId, Var};
use crate::schema::schema;

pub struct WebrtcIncomplete;

static META: RuleMeta = RuleMeta {
    name: "webrtc-incomplete",
    category: Category::Call,
    severity: Severity::Warning,
    summary: "A browser endpoint (ws/wss) without webrtc=yes, or DTLS without a certificate",
    doc: r#"# webrtc-incomplete

## What
Two mistakes that leave a browser phone (WebRTC) without audio:

1. An endpoint used over a websocket transport (its `transport=` names a `ws`/`wss`
   transport, or it names none and every transport is `ws`/`wss`) that does not set
   `webrtc=yes` and lacks one of the media settings browsers insist on: `use_avpf=yes`,
   `media_encryption=dtls`, `ice_support=yes`, `rtcp_mux=yes`. The message lists every
   setting `webrtc=yes` stands for that is missing (also `dtls_verify=fingerprint`,
   `dtls_setup=actpass`, `media_use_received_transport=yes`). On an Asterisk version without
   the `webrtc` option (`--asterisk-version`), only the settings are suggested.
2. An endpoint with `media_encryption=dtls` (without `webrtc=yes`) that has neither
   `dtls_cert_file` nor `dtls_auto_generate_cert=yes`.

## Why
Browsers only accept media as DTLS-SRTP over ICE, with the AVPF profile and RTP/RTCP on one
port. Without these, the browser rejects Asterisk's SDP (`setRemoteDescription` fails, e.g.
Chrome's "Called with SDP without DTLS fingerprint" or "Called with SDP without ice-ufrag and
ice-pwd"), or Asterisk refuses the browser's offer with **488 Not Acceptable Here**; either way
the call never gets audio. `webrtc=yes` sets all of them at once
(res/res_pjsip/pjsip_configuration.c, `sip_endpoint_apply_handler`), and also generates a
certificate when no `dtls_cert_file` is given.

Without `webrtc=yes` nothing generates a certificate: `media_encryption=dtls` without a
certificate fails for every call. res/res_rtp_asterisk.c cannot load a certificate and
res/res_pjsip_sdp_rtp.c logs `Attempted to set an invalid DTLS-SRTP configuration on RTP
instance '0x...'`; the call is rejected with **488 Not Acceptable Here**.

## Example
```ini
[transport-wss]
type=transport
protocol=wss
bind=0.0.0.0

[webrtc-1001]
type=endpoint
transport=transport-wss
context=internal
allow=opus,ulaw
auth=webrtc-1001
aors=webrtc-1001             ; no webrtc=yes
```

## Fix
Add `webrtc=yes` to the endpoint (or its template); keep `dtls_auto_generate_cert=yes` or a
`dtls_cert_file`. On Asterisk versions without `webrtc`, write out `use_avpf=yes`,
`media_encryption=dtls`, `dtls_verify=fingerprint`, `dtls_setup=actpass`, `ice_support=yes`,
`media_use_received_transport=yes`, `rtcp_mux=yes` and `dtls_auto_generate_cert=yes`.

## When it does not apply
Endpoints with `webrtc=yes` (on versions that have it) or all of `use_avpf`, `media_encryption=dtls`,
`ice_support` and `rtcp_mux` written out; endpoints Asterisk rejects; endpoints whose
`transport=` names a transport that does not exist or that Asterisk rejects (that is
`dangling-reference` or the transport's own finding); endpoints naming no transport while some
loaded transport is not ws/wss; provider trunks (a registration or a static contact to a
provider: see `--effective`), which talk to a server, not a browser. Browser codecs are `webrtc-codecs`; a missing DTLS file is
`missing-file`.
"#,
    fix: None,
};

/// What `webrtc=yes` stands for (pjsip_configuration.c, `sip_endpoint_apply_handler`), with the
/// value to write, and whether browsers refuse the call without it.
const WEBRTC_SETTINGS: &[(&str, &str, bool)] = &[
    ("use_avpf", "yes", true),
    ("media_encryption", "dtls", true),
    ("dtls_verify", "fingerprint", false),
    ("dtls_setup", "actpass", false),
    ("ice_support", "yes", true),
    ("media_use_received_transport", "yes", false),
    ("rtcp_mux", "yes", true),
];

/// Why an endpoint counts as used over a websocket.
pub(super) enum Websocket<'a> {
    /// Its `transport=` line names a ws/wss transport.
    Transport {
        line: &'a Var,
        transport: &'a Object,
    },
    /// It names no transport and every transport Asterisk loads is ws/wss.
    OnlyTransports,
}

/// The protocol of a transport (`udp` when not written), lower case.
pub(super) fn protocol(config: &Config, transport: &Object) -> String {
    config
        .option(transport, "protocol")
        .unwrap_or("udp")
        .trim()
        .to_ascii_lowercase()
}

fn is_websocket(protocol: &str) -> bool {
    protocol == "ws" || protocol == "wss"
}

/// The transport an endpoint's `transport=` names, with that line, if it exists.
pub(super) fn endpoint_transport<'a>(
    config: &'a Config,
    endpoint: &Object,
) -> Option<(&'a Var, &'a Object)> {
    let line = config.option_var(endpoint, "transport")?;
    Some((line, transport_named(config, line)?))
}

/// The transport a `transport=` line names, if it exists.
fn transport_named<'a>(config: &'a Config, line: &Var) -> Option<&'a Object> {
    config.object("transport", config.value(line).trim())
}

/// The transport each name finds ([`Config::object`]) with its protocol, worked out once per
/// transport: every phone of a large configuration names one of the same few.
pub(super) struct NamedTransports<'a> {
    by_name: rustc_hash::FxHashMap<&'a str, (&'a Object, String)>,
}

impl<'a> NamedTransports<'a> {
    pub fn new(config: &'a Config) -> Self {
        let mut by_name = rustc_hash::FxHashMap::default();
        for transport in config.objects.of_type("transport") {
            let name = config.object_id(transport);
            if by_name.contains_key(name) {
                continue;
            }
            if let Some(found) = config.object("transport", name) {
                by_name.insert(name, (found, protocol(config, found)));
            }
        }
        NamedTransports { by_name }
    }

    /// The transport a `transport=` line names, if it exists, with its protocol
    /// ([`protocol`]).
    pub fn named(&self, config: &Config, line: &Var) -> Option<(&'a Object, &str)> {
        let (transport, protocol) = self.by_name.get(config.value(line).trim())?;
        Some((transport, protocol))
    }
}

/// Which endpoints signal over websockets or talk to browsers. What that takes of the
/// transports is worked out once, not by a scan of every transport per endpoint.
pub(super) struct Websockets<'a> {
    /// `webrtc` and `transport`, found in one pass over an endpoint's lines.
    options: Options<2>,
    /// At least one transport loads and each one that does is ws/wss: an endpoint naming none
    /// signals over a websocket.
    only_websockets: bool,
    transports: NamedTransports<'a>,
    config: &'a Config,
}

impl<'a> Websockets<'a> {
    pub fn new(config: &'a Config) -> Self {
        let mut transports = config
            .objects
            .of_type("transport")
            .filter(|t| t.usable())
            .peekable();
        let only_websockets =
            transports.peek().is_some() && transports.all(|t| is_websocket(&protocol(config, t)));
        Websockets {
            options: config.options(["webrtc", "transport"]),
            only_websockets,
            transports: NamedTransports::new(config),
            config,
        }
    }

    /// The endpoint's `webrtc` and `transport` lines.
    pub fn lines(&self, endpoint: &Object) -> [Option<&'a Var>; 2] {
        self.options.last_lines(self.config, endpoint)
    }

    /// Whether the signalling of an endpoint with this `transport=` line (the last one, if
    /// any) goes over a ws/wss transport.
    pub fn used_by(&self, transport_line: Option<&'a Var>) -> Option<Websocket<'a>> {
        let Some(line) = transport_line else {
            return self.only_websockets.then_some(Websocket::OnlyTransports);
        };
        // A transport Asterisk rejects carries nothing: that is the transport's finding.
        let (transport, protocol) = self
            .transports
            .named(self.config, line)
            .filter(|(t, _)| t.usable())?;
        is_websocket(protocol).then_some(Websocket::Transport { line, transport })
    }

    /// Whether the endpoint talks to a browser: `webrtc=yes`, or signalling over a websocket.
    pub fn is_webrtc(&self, endpoint: &Object) -> bool {
        let [webrtc, transport] = self.lines(endpoint);
        self.config.is_true(webrtc) || self.used_by(transport).is_some()
    }
}

/// Whether the endpoint's own lines set `option` the way `webrtc=yes` would.
fn has_setting(config: &Config, endpoint: &Object, option: &str, wanted: &str) -> bool {
    let Some(value) = config.option(endpoint, option) else {
        return false;
    };
    let value = value.trim();
    match wanted {
        "yes" => schema().is_true_word(value),
        // Any explicit choice of setup role or verification works with browsers.
        _ if option == "dtls_setup" || option == "dtls_verify" => !value.is_empty(),
        _ => value.eq_ignore_ascii_case(wanted),
    }
}

impl Rule for WebrtcIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let has_webrtc_option = schema()
            .object_type("endpoint")
            .and_then(|ty| ty.option("webrtc"))
            .is_some_and(|spec| spec.available_in(cx.asterisk_version));
        let mut settings = Vec::new();
        let mut certificates = Vec::new();
        let websockets = Websockets::new(config);
        let media_encryption = config.option_name("media_encryption");
        for (index, endpoint) in config.objects.list.iter().enumerate() {
            if endpoint.kind_name() != "endpoint" || !endpoint.usable() {
                continue;
            }
            let [webrtc, transport] = websockets.lines(endpoint);
            let webrtc = has_webrtc_option && config.is_true(webrtc);
            // A provider trunk talks to the provider's server, not to a browser (and Asterisk
            // does not open websocket connections itself, res_pjsip_transport_websocket.c only
            // accepts them): its media settings are the provider's business.
            let trunk = cx.trunks().of_endpoint(ObjectId(index as u32)).is_some();
            if !webrtc && !trunk {
                if let Some(via) = websockets.used_by(transport) {
                    let mut missing = 0u32;
                    let mut essential = false;
                    for (bit, &(option, value, needed)) in WEBRTC_SETTINGS.iter().enumerate() {
                        if !has_setting(config, endpoint, option, value) {
                            missing |= 1 << bit;
                            essential |= needed;
                        }
                    }
                    if essential {
                        let line = match via {
                            Websocket::Transport { line, .. } => Some(line),
                            Websocket::OnlyTransports => None,
                        };
                        settings.push((missing, endpoint, line));
                    }
                }
            }
            // With webrtc=yes, Asterisk generates a certificate when none is named.
            let dtls = config
                .option(endpoint, media_encryption)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("dtls"));
            if dtls
                && !webrtc
                && config
                    .option(endpoint, "dtls_cert_file")
                    .is_none_or(|v| v.trim().is_empty())
                && !config.option_is_true(endpoint, "dtls_auto_generate_cert")
            {
                certificates.push((0, endpoint, config.option_var(endpoint, "media_encryption")));
            }
        }
        for group in group_endpoints(config, settings) {
            let first = group.objects[0];
            let missing: Vec<String> = WEBRTC_SETTINGS
                .iter()
                .filter(|&&(option, value, _)| !has_setting(config, first, option, value))
                .map(|&(option, value, _)| format!("{option}={value}"))
                .collect();
            let via = match websockets.used_by(websockets.lines(first)[1]) {
                Some(Websocket::Transport { transport, .. }) => format!(
                    "on websocket transport '{}' ({})",
                    config.object_id(transport),
                    protocol(config, transport)
                ),
                _ => "reached over websockets only (every transport is ws/wss)".to_owned(),
            };
            let message = if has_webrtc_option {
                format!(
                    "no `webrtc=yes` for {} {via}: {} not set, so browsers get no audio",
                    group.phrase(config),
                    missing.join(", ")
                )
            } else {
                format!(
                    "browser settings missing for {} {via}: {} not set (Asterisk {} has no \
                     `webrtc` option), so browsers get no audio",
                    group.phrase(config),
                    missing.join(", "),
                    cx.asterisk_version
                )
            };
            let help = if has_webrtc_option {
                "add `webrtc=yes` to the endpoint or its template".to_owned()
            } else {
                format!("add {}", missing.join(", "))
            };
            out.push(
                group
                    .report(&META, config, message)
                    .label("a browser endpoint")
                    .help(help),
            );
        }
        for group in group_endpoints(config, certificates) {
            out.push(
                group
                    .report(
                        &META,
                        config,
                        format!(
                            "`media_encryption=dtls` without a certificate for {} (no \
                             `dtls_cert_file`, no `dtls_auto_generate_cert=yes`): every call \
                             fails with 488 (\"Attempted to set an invalid DTLS-SRTP \
                             configuration\")",
                            group.phrase(config)
                        ),
                    )
                    .label("DTLS without a certificate")
                    .help("add `dtls_auto_generate_cert=yes` (or `webrtc=yes` for a browser)"),
            );
        }
    }
}
