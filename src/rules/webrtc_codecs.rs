use super::endpoint_without_codecs::{codec_lines, endpoint_codecs, group_endpoints};
use super::webrtc_incomplete::Websockets;
use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ObjectId;

pub struct WebrtcCodecs;

/// Audio codecs every browser's WebRTC stack offers (RFC 7874: Opus and G.711 are mandatory;
/// Chrome, Firefox and Safari also offer G.722).
const BROWSER_CODECS: &[&str] = &["opus", "ulaw", "alaw", "g722"];

static META: RuleMeta = RuleMeta {
    name: "webrtc-codecs",
    category: Category::Call,
    severity: Severity::Info,
    summary: "A WebRTC endpoint with no codec browsers speak (opus, ulaw, alaw, g722)",
    doc: r#"# webrtc-codecs

## What
An endpoint used by a browser (`webrtc=yes`, or signalling over a `ws`/`wss` transport) whose
codecs, after all its `allow`/`disallow` lines (own and inherited), include none of the audio
codecs browsers offer: `opus`, `ulaw`, `alaw`, `g722`. An endpoint with no codecs at all is
reported by `endpoint-without-codecs` instead.

## Why
RFC 7874 makes Opus and G.711 (ulaw/alaw) the audio codecs every WebRTC browser must support;
browsers also offer G.722, and nothing else that Asterisk speaks (no g729, gsm, ilbc, speex).
With none of these allowed, every call between the browser and Asterisk fails in SDP
negotiation: res/res_pjsip_sdp_rtp.c logs `No joint capabilities for 'audio' media stream
between our configuration((g729|gsm)) and incoming SDP((opus|g722|ulaw|alaw|...))` and the
browser's call gets **488 Not Acceptable Here**; calls to the browser fail the same way on its
side.

## Example
```ini
[webrtc-1001]
type=endpoint
webrtc=yes
context=internal
disallow=all
allow=g729,gsm
```

## Fix
Allow a browser codec: `allow=opus,ulaw` (opus needs Asterisk's `codec_opus` module for
transcoding; ulaw and alaw always work).

## When it does not apply
Endpoints that are neither `webrtc=yes` nor used over a loaded ws/wss transport, provider
trunks without `webrtc=yes` (they talk to a server, not a browser), endpoints
Asterisk rejects, and endpoints with no codec at all (`endpoint-without-codecs` reports those).
Whether `codec_opus` is installed is not checked.
"#,
    fix: None,
};

impl Rule for WebrtcCodecs {
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
        let mut found = Vec::new();
        let websockets = Websockets::new(config);
        for (index, endpoint) in config.objects.list.iter().enumerate() {
            if endpoint.kind_name() != "endpoint" || !endpoint.usable() {
                continue;
            }
            // A provider trunk over a websocket talks to a server, not a browser; `webrtc=yes`
            // on it still says browser.
            let trunk = cx.trunks().of_endpoint(ObjectId(index as u32)).is_some();
            let browser = if trunk {
                config.is_true(websockets.lines(endpoint)[0])
            } else {
                websockets.is_webrtc(endpoint)
            };
            if !browser {
                continue;
            }
            let lines = codec_lines(config, endpoint);
            let codecs = endpoint_codecs(config, &lines);
            if codecs.is_empty() || codecs.iter().any(|c| BROWSER_CODECS.contains(&c.as_str())) {
                continue;
            }
            let last_allow = lines
                .iter()
                .rev()
                .find(|&&(allow, _)| allow)
                .map(|&(_, var)| var);
            found.push((0, endpoint, last_allow));
        }
        for group in group_endpoints(config, found) {
            let codecs = endpoint_codecs(config, &codec_lines(config, group.objects[0]));
            out.push(
                group
                    .report(
                        &META,
                        config,
                        format!(
                            "no codec browsers speak for {}, a browser endpoint allowing only \
                             {}: browsers offer opus, ulaw, alaw or g722, so calls fail with 488",
                            group.phrase(config),
                            codecs.join(", ")
                        ),
                    )
                    .label("no browser codec")
                    .help("add `allow=opus,ulaw` (or alaw, g722)"),
            );
        }
    }
}
