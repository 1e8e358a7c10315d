use rustc_hash::FxHashSet as HashSet;

use super::endpoint_without_codecs::loaded_endpoints;
use super::webrtc_incomplete::{protocol, NamedTransports};
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::OptionName;
use crate::model::{Config, Object, Var};
use crate::source::Span;

pub struct TransportProtocolMismatch;

static META: RuleMeta = RuleMeta {
    name: "transport-protocol-mismatch",
    category: Category::Call,
    severity: Severity::Warning,
    summary: "A URI asks for a transport (;transport=tcp, sips:) that the chosen transport is not",
    doc: r#"# transport-protocol-mismatch

## What
A SIP URI that asks for a transport protocol, with a `;transport=udp|tcp|tls|ws|wss`
parameter or the `sips:` scheme (TLS), sent through a transport of another protocol:

- an aor `contact=` (or the `outbound_proxy` that replaces it as the next hop) of an endpoint
  whose `transport=` names a transport of another protocol, e.g. `;transport=tcp` while the
  endpoint's transport is `udp`;
- a registration's `server_uri` (or its `outbound_proxy`) asking for `sips:` or a
  `;transport=` while the registration's `transport=` is another protocol;
- either of these without a `transport=`, when no transport of the protocol asked for is
  configured at all.

URIs without a transport parameter, and endpoints on websocket transports (their connections
come from the browser), are not checked.

## Why
pjproject picks the kind of connection from the URI (`sips:` means TLS, `;transport=tcp`
means TCP), and when Asterisk hands it a transport of another kind it refuses to send:
`pjsip_tpmgr_acquire_transport2()` in pjsip/src/pjsip/sip_transport.c returns
`PJSIP_ETPNOTSUITABLE` ("Unsuitable transport selected"), or `PJSIP_EUNSUPTRANSPORT`
("Unsupported transport") when no transport of that kind exists. Nothing is logged at load
time. Calls to the contact fail before an INVITE leaves the box (`Dial()` returns
CHANUNAVAIL), qualify never reaches it, and a registration never sends its REGISTER and stays
unregistered.

## Example
```ini
[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0

[provider]
type=aor
contact=sip:sip.example.net\;transport=tcp

[provider]
type=endpoint
transport=transport-udp
aors=provider
```

## Fix
Make the two agree: point `transport=` at a transport of the protocol the URI asks for (create
a `protocol=tcp` or `protocol=tls` transport if needed), or drop the `;transport=` parameter
(use `sip:` instead of `sips:`) if the provider accepts the transport you have.
"#,
    fix: None,
};

/// The transport protocol a URI asks for: its `;transport=` parameter, or TLS for `sips:`.
/// `None` when it asks for nothing in particular (or for something Asterisk has no transport
/// for, like `sctp`).
pub(super) fn requested_protocol(uri: &str) -> Option<&'static str> {
    let uri = uri.trim().trim_start_matches('<');
    // Most URIs (`sip:host`) have no parameter and are no `sips:`: no lower-case copy for them.
    let sips = uri
        .get(..5)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("sips:"));
    if !sips && !uri.contains(';') {
        return None;
    }
    let uri = uri.split('>').next().unwrap_or(uri).to_ascii_lowercase();
    let secure = uri.starts_with("sips:");
    let after_user = uri.rsplit_once('@').map_or(uri.as_str(), |(_, rest)| rest);
    let params = after_user.split('?').next().unwrap_or(after_user);
    let param = params
        .split(';')
        .skip(1)
        .find_map(|p| p.trim().strip_prefix("transport="))
        .map(str::trim);
    match (param, secure) {
        (Some("udp"), false) => Some("udp"),
        (Some("tcp"), false) => Some("tcp"),
        (Some("tcp" | "tls"), true) | (Some("tls"), false) | (None, true) => Some("tls"),
        (Some("ws"), false) => Some("ws"),
        (Some("ws" | "wss"), true) | (Some("wss"), false) => Some("wss"),
        _ => None,
    }
}

/// The option names [`next_hops`] reads, resolved once for every endpoint.
struct HopNames<'a> {
    outbound_proxy: OptionName<'a>,
    aors: OptionName<'a>,
    contact: OptionName<'a>,
}

impl<'a> HopNames<'a> {
    fn new(config: &'a Config) -> Self {
        HopNames {
            outbound_proxy: config.option_name("outbound_proxy"),
            aors: config.option_name("aors"),
            contact: config.option_name("contact"),
        }
    }
}

/// Where a URI was written: the option and its object, named in a message only when one is made
/// (most URIs ask for no transport).
#[derive(Clone, Copy)]
struct HopSource<'a> {
    option: &'static str,
    owner: &'a Object,
}

impl HopSource<'_> {
    /// `outbound_proxy of aor 'x'`.
    fn describe(&self, config: &Config) -> String {
        format!(
            "{} of {} '{}'",
            self.option,
            self.owner.kind_name(),
            config.object_id(self.owner)
        )
    }
}

/// The URIs a request to the endpoint is first sent to: its `outbound_proxy`, else for each
/// aor the aor's `outbound_proxy`, else the aor's contacts. Each with its line.
fn next_hops<'a>(
    config: &'a Config,
    names: &HopNames<'a>,
    endpoint: &'a Object,
) -> Vec<(&'a Var, &'a str, HopSource<'a>)> {
    if let Some(proxy) = config.option_var(endpoint, names.outbound_proxy) {
        let value = config.value(proxy);
        if !value.trim().is_empty() {
            let source = HopSource {
                option: "outbound_proxy",
                owner: endpoint,
            };
            return vec![(proxy, value, source)];
        }
    }
    let mut hops = Vec::new();
    for aor in config.referenced(endpoint, names.aors) {
        if let Some(proxy) = config.option_var(aor, names.outbound_proxy) {
            let value = config.value(proxy);
            if !value.trim().is_empty() {
                let source = HopSource {
                    option: "outbound_proxy",
                    owner: aor,
                };
                hops.push((proxy, value, source));
                continue;
            }
        }
        for line in config.option_vars(aor, names.contact) {
            for item in config
                .value(line)
                .split(',')
                .filter(|i| !i.trim().is_empty())
            {
                let source = HopSource {
                    option: "contact",
                    owner: aor,
                };
                hops.push((line, item, source));
            }
        }
    }
    hops
}

impl Rule for TransportProtocolMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let transports: Vec<(&Object, String)> = config
            .objects
            .of_type("transport")
            .filter(|t| t.usable())
            .map(|t| (t, protocol(config, t)))
            .collect();
        let configured = |wanted: &str| transports.iter().any(|(_, p)| p == wanted);
        let mut reported: HashSet<(Span, Option<Span>)> = HashSet::default();
        let mut check = |uri_line: &Var,
                         uri: &str,
                         source: HopSource<'_>,
                         owner: &Object,
                         transport: Option<(&Var, &Object)>,
                         out: &mut Vec<Diagnostic>| {
            let Some(wanted) = requested_protocol(uri) else {
                return;
            };
            let what = source.describe(config);
            let asked = if uri.trim().to_ascii_lowercase().starts_with("sips:")
                && !uri.to_ascii_lowercase().contains("transport=")
            {
                "`sips:` (TLS)".to_owned()
            } else {
                format!("`transport={wanted}`")
            };
            let diagnostic = match transport {
                Some((line, transport)) => {
                    let have = protocol(config, transport);
                    if have == wanted || have == "flow" {
                        return;
                    }
                    if !reported
                        .insert((config.value_span(uri_line), Some(config.value_span(line))))
                    {
                        return;
                    }
                    META.report(
                        config.value_span(uri_line),
                        format!(
                            "the {what} asks for {asked}, but {} '{}' sends over transport \
                             '{}' ({have}): pjproject refuses to send (\"Unsuitable transport \
                             selected\")",
                            owner.kind_name(),
                            config.object_id(owner),
                            config.object_id(transport)
                        ),
                    )
                    .label(format!("asks for {wanted}"))
                    .secondary(
                        config.value_span(line),
                        format!(
                            "{} '{}' uses this {have} transport",
                            owner.kind_name(),
                            config.object_id(owner)
                        ),
                    )
                    .help(format!(
                        "use a transport with `protocol={wanted}`, or drop the transport request \
                         from the URI"
                    ))
                }
                None => {
                    // Websocket connections are opened by the other side; an empty list of
                    // transports means they are defined in a file not linted here.
                    if wanted == "ws" || wanted == "wss" || transports.is_empty() {
                        return;
                    }
                    if configured(wanted) {
                        return;
                    }
                    if !reported.insert((config.value_span(uri_line), None)) {
                        return;
                    }
                    META.report(
                        config.value_span(uri_line),
                        format!(
                            "the {what} asks for {asked}, but no {wanted} transport is \
                             configured: pjproject cannot send (\"Unsupported transport\")"
                        ),
                    )
                    .label(format!("asks for {wanted}"))
                    .help(format!("add a transport with `protocol={wanted}`"))
                }
            };
            out.push(diagnostic);
        };

        let hop_names = HopNames::new(config);
        let transport_name = config.option_name("transport");
        let named = NamedTransports::new(config);
        for endpoint in loaded_endpoints(config) {
            // The next hops first: most endpoints (phones) have none, and then their transport
            // is not looked up.
            let hops = next_hops(config, &hop_names, endpoint);
            if hops.is_empty() {
                continue;
            }
            let transport = match config.option_var(endpoint, transport_name) {
                Some(line) => {
                    // A transport= naming nothing is dangling-reference's finding.
                    let Some((transport, protocol)) = named.named(config, line) else {
                        continue;
                    };
                    if matches!(protocol, "ws" | "wss") {
                        continue;
                    }
                    Some((line, transport))
                }
                None => None,
            };
            for (line, uri, what) in hops {
                check(line, uri, what, endpoint, transport, out);
            }
        }
        // The three options of a registration in one pass over its lines.
        let registration_options = config.options(["outbound_proxy", "server_uri", "transport"]);
        for registration in config
            .objects
            .of_type("registration")
            .filter(|r| r.usable())
        {
            let [outbound_proxy, server_uri, transport] =
                registration_options.last_lines(config, registration);
            let hop = [
                ("outbound_proxy", outbound_proxy),
                ("server_uri", server_uri),
            ]
            .into_iter()
            .find_map(|(key, line)| {
                let line = line?;
                let value = config.value(line);
                let source = HopSource {
                    option: key,
                    owner: registration,
                };
                (!value.trim().is_empty()).then_some((line, value, source))
            });
            let Some((line, uri, what)) = hop else {
                continue;
            };
            let transport = match transport {
                Some(transport_line) => {
                    let name = config.value(transport_line).trim();
                    match config.object("transport", name) {
                        Some(transport) => Some((transport_line, transport)),
                        None => continue,
                    }
                }
                None => None,
            };
            check(line, uri, what, registration, transport, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::requested_protocol;

    #[test]
    fn requested_protocols() {
        assert_eq!(
            requested_protocol("sip:a.example;transport=TCP"),
            Some("tcp")
        );
        assert_eq!(requested_protocol("sips:a.example"), Some("tls"));
        assert_eq!(requested_protocol(" <SIPS:a.example>"), Some("tls"));
        assert_eq!(
            requested_protocol("sips:a.example;transport=tcp"),
            Some("tls")
        );
        assert_eq!(
            requested_protocol("<sip:u@a.example:5080;transport=tls;lr>"),
            Some("tls")
        );
        assert_eq!(requested_protocol("sip:u;x=y@a.example"), None);
        assert_eq!(requested_protocol("sip:a.example"), None);
        assert_eq!(requested_protocol("sip:a.example;transport=sctp"), None);
        assert_eq!(requested_protocol("sip:a.example;transport=ws"), Some("ws"));
    }
}
