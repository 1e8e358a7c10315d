use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::Transports;

pub struct TrunkWebrtcMedia;

static META: RuleMeta = RuleMeta {
    name: "trunk-webrtc-media",
    category: Category::Call,
    severity: Severity::Warning,
    summary: "WebRTC media (webrtc, DTLS, AVPF) on a provider trunk: the provider's calls get 488",
    doc: r#"# trunk-webrtc-media

## What
A provider trunk's endpoint (see `src/trunks.rs`) with `webrtc=yes`, `media_encryption=dtls` or
`use_avpf=yes`, reached over a transport that is not a websocket.

## Why
A telephone provider offers and expects plain `RTP/AVP` media (sometimes SDES-SRTP), never
DTLS-SRTP with AVPF feedback, which only browsers speak.

- With `use_avpf=yes` or `media_encryption=dtls` (and `media_use_received_transport` off, the
  default), Asterisk checks every incoming offer against the endpoint's media transport
  (res_pjsip_sdp_rtp.c, `negotiate_incoming_sdp_stream` calling
  `check_endpoint_media_transport`): a plain `RTP/AVP` offer is incompatible, the negotiation
  fails, and **every inbound call from the provider is refused with 488 Not Acceptable Here**.
- `webrtc=yes` turns on `use_avpf`, `media_encryption=dtls`, ICE and
  `media_use_received_transport` (pjsip_configuration.c, `sip_endpoint_apply_handler`): Asterisk's
  own offers to the provider are `UDP/TLS/RTP/SAVPF` with DTLS, which the provider refuses (488),
  and no DTLS handshake ever happens for the calls it does take (no audio).

## Example
```ini
[provider]
type=endpoint
aors=provider
outbound_auth=provider-auth
webrtc=yes          ; copied from the browser phones' template
```

## When it does not apply
An endpoint reached over `ws`/`wss` (a browser or a WebRTC gateway, not a telephone provider);
`media_encryption=sdes` (some providers do SDES-SRTP over TLS: `media-encryption-without-tls`
checks its transport). Missing WebRTC options on browser endpoints are `webrtc-incomplete`'s.

## Fix
Remove `webrtc`, `media_encryption=dtls` and `use_avpf` from the trunk (often inherited from a
template meant for browser phones: give the trunk its own template).
"#,
    fix: None,
};

impl Rule for TrunkWebrtcMedia {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let options = config.options([
            "webrtc",
            "media_encryption",
            "use_avpf",
            "media_use_received_transport",
        ]);
        let is_websocket = |transport: &crate::model::Object| {
            config.option(transport, "protocol").is_some_and(|p| {
                let p = p.trim();
                p.eq_ignore_ascii_case("ws") || p.eq_ignore_ascii_case("wss")
            })
        };
        let mut only_websockets: Option<bool> = None;
        for trunk in &cx.trunks().list {
            let endpoint = config.objects.by_id(trunk.endpoint);
            if !endpoint.usable() {
                continue;
            }
            let [webrtc, encryption, avpf, received] = options.last_lines(config, endpoint);
            let webrtc = webrtc.filter(|var| config.is_true(Some(var)));
            let encryption =
                encryption.filter(|var| config.value(var).trim().eq_ignore_ascii_case("dtls"));
            let avpf = avpf.filter(|var| config.is_true(Some(var)));
            let Some(var) = webrtc.or(encryption).or(avpf) else {
                continue;
            };
            // Over websockets the other side is a browser or a WebRTC gateway: the transport
            // the endpoint names, or, naming none, when every transport is one (read once).
            let websocket = match config.transports_of(endpoint) {
                Transports::Named(named) => named.is_some_and(is_websocket),
                Transports::Any(_) => *only_websockets
                    .get_or_insert_with(|| config.objects.of_type("transport").all(is_websocket)),
            };
            if websocket {
                continue;
            }
            let id = config.object_id(endpoint);
            let consequence = if webrtc.is_some() || config.is_true(received) {
                "Asterisk offers the provider DTLS-SRTP with AVPF (UDP/TLS/RTP/SAVPF), which a \
                 telephone provider refuses with 488 Not Acceptable Here, and the calls it takes \
                 never get the DTLS handshake (no audio)"
            } else {
                "every plain RTP/AVP offer from the provider is incompatible, so Asterisk refuses \
                 each inbound call with 488 Not Acceptable Here (and its own RTP/SAVPF offers \
                 are refused the same way)"
            };
            let written = format!("{}={}", config.key(var), config.value(var).trim());
            let mut diagnostic = META.report(
                config.key_span(var),
                format!("trunk endpoint '{id}' has `{written}`: {consequence}"),
            );
            diagnostic = diagnostic.also(super::inherited_label(config, endpoint.section, var));
            out.push(diagnostic.help(
                "remove `webrtc`, `media_encryption=dtls` and `use_avpf` from the trunk; they are \
                 for browser endpoints",
            ));
        }
    }
}
