use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Config, Object};
use crate::network::{is_private_host, uri_host};
use crate::source::Span;

pub struct TlsVerificationOff;

static META: RuleMeta = RuleMeta {
    name: "tls-verification-off",
    category: Category::Security,
    severity: Severity::Warning,
    summary:
        "TLS that does not protect: the provider's certificate not checked, or an obsolete protocol",
    doc: r#"# tls-verification-off

## What
Two ways TLS is configured but does not protect the calls:

1. A `protocol=tls` transport without `verify_server=yes` (the default is `no`) that Asterisk
   uses to talk to a public host: a trunk endpoint (see below) or a registration whose
   `transport=` names it, or that names no transport while its URI asks for TLS (`sips:` or
   `;transport=tls`, so pjproject picks a TLS transport).
2. A `protocol=tls` transport whose `method=` names an obsolete protocol: `sslv2`, `sslv3`,
   `tlsv1` (TLS 1.0) or `tlsv1_1`.

A trunk endpoint is one pjsiplint pairs with a provider: a registration names it with
`line=yes`, or one of its aors has a static `contact=` on the registration's server or on a
public host. "Public host": an address outside the private, loopback, link-local and CGNAT
ranges, or a host name that is not obviously local.

Not reported: `verify_client=no`. Phones authenticate with their digest password; a TLS
server that does not ask for client certificates is how almost every phone is deployed, and it
does not let anyone read the calls. `media_encryption=sdes` over signalling that is not TLS
(the SRTP keys in clear) is `media-encryption-without-tls`'s finding.

## Why
1. With `verify_server=no` Asterisk accepts any certificate from the provider. Anyone on the
   path (a hostile Wi-Fi, a compromised router, DNS spoofing) presents their own certificate,
   reads and changes the signalling, the digest exchange and the SRTP keys in the SDP, and
   listens to the calls. Nothing is logged: the calls work.
2. SSL 2/3 and TLS 1.0/1.1 are broken or deprecated (RFC 8996). pjproject turns `method=`
   into that single protocol version (pjsip/src/pjsip/sip_transport_tls.c, `ssl_get_proto`),
   so either modern peers and OpenSSL builds refuse the handshake (TLS registrations and calls
   fail) or the session runs on a protocol with known attacks.

## Example
```ini
[transport-tls]
type=transport
protocol=tls
bind=0.0.0.0:5061
method=tlsv1
cert_file=/etc/asterisk/keys/asterisk.crt
priv_key_file=/etc/asterisk/keys/asterisk.key

[provider]
type=registration
transport=transport-tls
server_uri=sips:sip.example.net
client_uri=sips:4930123456@sip.example.net
```

## Fix
Set `verify_server=yes` (and `ca_list_file=` or `ca_list_path=` if the provider's CA is not in
the system store), and `method=tlsv1_2` or `tlsv1_3` (or leave `method` unset).
"#,
    fix: None,
};

const OBSOLETE_METHODS: &[&str] = &["sslv2", "sslv3", "tlsv1", "tlsv1_1"];

fn protocol(config: &Config, transport: &Object) -> String {
    config
        .option(transport, "protocol")
        .unwrap_or("udp")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a SIP URI makes pjproject pick a TLS transport.
fn uri_wants_tls(uri: &str) -> bool {
    let lower = uri.trim().trim_start_matches('<').to_ascii_lowercase();
    lower.starts_with("sips:") || lower.contains(";transport=tls")
}

/// Who uses a TLS transport to reach a public host: (span to point at, description).
struct PublicUser {
    span: Span,
    what: String,
}

impl Rule for TlsVerificationOff {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let tls: Vec<&Object> = config
            .objects
            .of_type("transport")
            .filter(|t| t.usable() && protocol(config, t) == "tls")
            .collect();

        // 1 and 2: the TLS transports.
        for transport in &tls {
            if let Some(var) = config.option_var(transport, "method") {
                let method = config.value(var).trim().to_ascii_lowercase();
                if OBSOLETE_METHODS.contains(&method.as_str()) {
                    out.push(
                        META.report(
                            config.value_span(var),
                            format!(
                                "transport '{}' uses `method={method}`, an obsolete protocol \
                                 (RFC 8996): modern peers refuse it, and what connects runs on \
                                 a protocol with known attacks",
                                config.object_id(transport)
                            ),
                        )
                        .label("obsolete TLS version")
                        .help("use `method=tlsv1_2` (or `tlsv1_3`), or leave `method` unset"),
                    );
                }
            }
            if config.option_is_true(transport, "verify_server") {
                continue;
            }
            let Some(user) = public_user(cx, transport, tls.len()) else {
                continue;
            };
            let (span, how) = match config.option_var(transport, "verify_server") {
                Some(var) => (config.value_span(var), "has `verify_server` off"),
                None => (
                    config.section(transport.section).name_span,
                    "does not set `verify_server` (the default is no)",
                ),
            };
            out.push(
                META.report(
                    span,
                    format!(
                        "TLS transport '{}' {how}, and {}: Asterisk accepts any certificate, \
                         so anyone on the path can read the calls and the credentials",
                        config.object_id(transport), user.what
                    ),
                )
                .label("server certificate not checked")
                .secondary(user.span, "talks to a public host over this transport")
                .help("set `verify_server=yes` (with `ca_list_file=` if the CA is not in the system store)"),
            );
        }
    }
}

/// The first trunk endpoint or registration that reaches a public host through `transport`.
fn public_user(cx: &Context<'_>, transport: &Object, tls_count: usize) -> Option<PublicUser> {
    let config = cx.config;
    // Whether an object with this `transport=` value (and this URI) goes through `transport`.
    let goes_through =
        |named: Option<&str>, uri_tls: bool| match named.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => name == config.object_id(transport),
            None => uri_tls && tls_count > 0,
        };
    for trunk in &cx.trunks().list {
        let endpoint = config.objects.by_id(trunk.endpoint);
        let Some(host) = trunk.host.as_deref().filter(|h| !is_private_host(h)) else {
            continue;
        };
        if !endpoint.usable() {
            continue;
        }
        let uri_tls = config
            .referenced(endpoint, "aors")
            .flat_map(|aor| config.option_items(aor, "contact"))
            .any(uri_wants_tls);
        if goes_through(config.option(endpoint, "transport"), uri_tls) {
            return Some(PublicUser {
                span: config.section(endpoint.section).name_span,
                what: format!(
                    "trunk endpoint '{}' uses it to reach {host}",
                    config.object_id(endpoint)
                ),
            });
        }
    }
    for registration in config.of_type_warm("registration") {
        if !registration.usable() {
            continue;
        }
        let Some(server) = config.option(registration, "server_uri") else {
            continue;
        };
        let Some(host) = uri_host(server).filter(|h| !is_private_host(h)) else {
            continue;
        };
        if goes_through(
            config.option(registration, "transport"),
            uri_wants_tls(server),
        ) {
            return Some(PublicUser {
                span: config.section(registration.section).name_span,
                what: format!(
                    "registration '{}' uses it to reach {host}",
                    config.object_id(registration)
                ),
            });
        }
    }
    None
}
