//! Addresses: which hosts are private, which transports face the internet, and the host of a
//! SIP URI.

use std::net::IpAddr;

use ipnetwork::IpNetwork;

use crate::model::{Config, Object};

/// The private, loopback, link-local and carrier-grade NAT ranges: addresses a provider on the
/// internet cannot reach, and the `local_net` a NAT fix usually needs.
pub const PRIVATE_NETWORKS: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
];

/// Whether `host` (an IP address or a name) is on a private network. Names count as private only
/// when they are obviously local (`localhost`, `*.local`, `*.lan`, `*.internal`, or a single
/// label without dots).
pub fn is_private_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(ip) => PRIVATE_NETWORKS.iter().any(|net| {
            net.parse::<IpNetwork>()
                .is_ok_and(|network| network.contains(ip))
        }),
        Err(_) => {
            let lower = host.to_ascii_lowercase();
            lower == "localhost"
                || !lower.contains('.')
                || [".local", ".lan", ".internal", ".localdomain", ".home"]
                    .iter()
                    .any(|suffix| lower.ends_with(suffix))
        }
    }
}

/// Whether a transport bound to `bind` can be reached from the internet: bound to the
/// unspecified address (`0.0.0.0`, `::`, every interface) or to a public address.
pub fn bind_is_public(bind: &str) -> bool {
    let host = bind_host(bind);
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_unspecified() || !is_private_host(host),
        // A name: it resolves to whatever it resolves to; assume it faces the internet.
        Err(_) => !host.is_empty(),
    }
}

/// Whether a transport's protocol is a websocket one (`ws`, `wss`): Asterisk's HTTP server
/// (http.conf `bindaddr`/`bindport`, `tlsbindaddr`) accepts those connections, and the
/// transport's own `bind` port, `cert_file`, `priv_key_file`, `tos` and `cos` are ignored
/// (res_pjsip/config_transport.c, transport_apply: "TLS certificate values ignored for websocket
/// transport as they are configured in http.conf").
pub fn is_websocket_protocol(protocol: &str) -> bool {
    matches!(protocol.trim().to_ascii_lowercase().as_str(), "ws" | "wss")
}

/// The protocol of a transport as Asterisk reads it (`udp` when not set).
pub fn transport_protocol<'a>(config: &'a Config, transport: &Object) -> &'a str {
    config
        .option(transport, "protocol")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or("udp")
}

/// The address a transport's own socket listens on, when Asterisk really opens one: the
/// transport loads, its protocol is `udp`, `tcp` or `tls` (websocket transports are served by
/// the HTTP server and `flow` opens nothing), and `bind` is an IP address (a host name or a
/// placeholder makes Asterisk reject the transport, config_transport.c transport_bind_handler).
pub fn listen_address(config: &Config, transport: &Object) -> Option<IpAddr> {
    if transport.kind_name() != "transport" || !transport.usable() {
        return None;
    }
    let protocol = transport_protocol(config, transport).to_ascii_lowercase();
    if !matches!(protocol.as_str(), "udp" | "tcp" | "tls") {
        return None;
    }
    let bind = config.option(transport, "bind")?.trim();
    if bind.is_empty() {
        return None;
    }
    crate::schema::addr::parse_bind(bind).ok()?.0
}

/// Whether a listening address can be reached from the internet: the unspecified address
/// (`0.0.0.0`, `::`: every address of the machine) or a public one.
pub fn address_is_public(ip: IpAddr) -> bool {
    ip.is_unspecified() || !is_private_host(&ip.to_string())
}

/// The loaded transports whose own socket listens on a public or unspecified address, in load
/// order: the sockets the internet can reach. Websocket transports are left out (Asterisk's HTTP
/// server listens for them, on the address http.conf gives, not on their `bind`), and so are
/// `flow` transports and transports Asterisk rejects.
pub fn public_listeners(config: &Config) -> Vec<&Object> {
    config
        .objects
        .of_type("transport")
        .filter(|transport| listen_address(config, transport).is_some_and(address_is_public))
        .collect()
}

/// The loaded websocket transports (`ws`, `wss`): reachable through Asterisk's HTTP server on
/// whatever http.conf says, which pjsiplint does not read. An exposure rule that finds no
/// [`public_listeners`] but some of these cannot say "only the local network can try".
pub fn websocket_transports(config: &Config) -> Vec<&Object> {
    config
        .objects
        .of_type("transport")
        .filter(|transport| transport.usable())
        .filter(|transport| is_websocket_protocol(transport_protocol(config, transport)))
        .collect()
}

/// The addresses of this machine (Linux: the kernel's local routes in /proc/net/fib_trie and
/// /proc/net/if_inet6), read once; `None` where they cannot be read.
pub fn machine_addresses() -> Option<&'static [IpAddr]> {
    static ADDRESSES: std::sync::OnceLock<Option<Vec<IpAddr>>> = std::sync::OnceLock::new();
    ADDRESSES
        .get_or_init(|| {
            let trie = std::fs::read_to_string("/proc/net/fib_trie").ok()?;
            let mut found = Vec::new();
            let mut last: Option<IpAddr> = None;
            for line in trie.lines() {
                let line = line.trim();
                if let Some(address) = line.strip_prefix("|-- ") {
                    last = address.trim().parse().ok();
                } else if line.contains("host LOCAL") {
                    found.extend(last);
                }
            }
            if let Ok(v6) = std::fs::read_to_string("/proc/net/if_inet6") {
                for line in v6.lines() {
                    let Some(hex) = line.split_whitespace().next() else {
                        continue;
                    };
                    if let Ok(bits) = u128::from_str_radix(hex, 16) {
                        found.push(IpAddr::V6(std::net::Ipv6Addr::from(bits)));
                    }
                }
            }
            Some(found)
        })
        .as_deref()
}

/// "transport 'udp' listens on 0.0.0.0:5060 (every address)", for a transport of
/// [`public_listeners`].
pub fn listens_phrase(config: &Config, transport: &Object) -> String {
    let bind = config.option(transport, "bind").unwrap_or("").trim();
    let what = match listen_address(config, transport) {
        Some(ip) if ip.is_unspecified() => "every address",
        Some(ip) if address_is_public(ip) => "a public address",
        Some(_) => "a private address",
        None => "no socket of its own",
    };
    format!(
        "transport '{}' listens on {bind} ({what})",
        config.object_id(transport)
    )
}

/// The address part of a `bind` value: `0.0.0.0:5060` -> `0.0.0.0`, `[::]:5060` -> `::`.
pub fn bind_host(bind: &str) -> &str {
    let bind = bind.trim();
    if let Some(rest) = bind.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    if bind.parse::<IpAddr>().is_ok() {
        return bind;
    }
    bind.rsplit_once(':').map_or(bind, |(host, _)| host)
}

/// The host of a SIP URI: `sip:user@host:port;params` -> `host` (lower case). Also accepts
/// `<sip:...>` and a bare `host[:port]`.
pub fn uri_host(uri: &str) -> Option<String> {
    // Only the host is lower-cased (a copy of the whole URI was most of this on 25k trunks).
    uri_host_as_written(uri).map(str::to_ascii_lowercase)
}

/// [`uri_host`], borrowed from `uri`: copied only when it has upper-case letters (a host is
/// nearly always written in lower case, and a copy for each of 25k trunks' URIs was an
/// allocation each).
pub fn uri_host_lower(uri: &str) -> Option<std::borrow::Cow<'_, str>> {
    let host = uri_host_as_written(uri)?;
    Some(if host.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(host.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(host)
    })
}

/// The host of a SIP URI as written (see [`uri_host`]).
fn uri_host_as_written(uri: &str) -> Option<&str> {
    // Searches for single bytes: `str::split` with a `char` was most of this on short URIs.
    let uri = uri.trim().trim_start_matches('<');
    let uri = before_byte(uri, b'>');
    let rest = before_parameters(after_sip_scheme(uri).unwrap_or(uri));
    let host_port = memchr::memrchr(b'@', rest.as_bytes()).map_or(rest, |at| &rest[at + 1..]);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => before_byte(v6, b']'),
        None => before_byte(host_port, b':'),
    };
    (!host.is_empty()).then_some(host)
}

/// A URI after its scheme up to its parameters or headers (the first `;` or `?`): its user and
/// host part.
pub fn before_parameters(rest: &str) -> &str {
    rest.bytes()
        .position(|b| b == b';' || b == b'?')
        .map_or(rest, |end| &rest[..end])
}

/// `text` up to the first `byte` (an ASCII delimiter), or all of it.
pub fn before_byte(text: &str, byte: u8) -> &str {
    memchr::memchr(byte, text.as_bytes()).map_or(text, |at| &text[..at])
}

/// What follows a `sip:` or `sips:` scheme (in any case) at the start of `uri`.
pub fn after_sip_scheme(uri: &str) -> Option<&str> {
    ["sip:", "sips:"].into_iter().find_map(|scheme| {
        uri.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|_| &uri[scheme.len()..])
    })
}

/// The user part of a SIP URI: `sip:4930123456@host` -> `4930123456`.
pub fn uri_user(uri: &str) -> Option<&str> {
    let rest = after_sip_scheme(uri.trim().trim_start_matches('<'))?;
    let (user, _) = rest.split_once('@')?;
    let user = user.split(':').next().unwrap_or(user);
    (!user.is_empty()).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_hosts() {
        assert!(is_private_host("192.168.1.10"));
        assert!(is_private_host("10.1.2.3"));
        assert!(is_private_host("[fe80::1]"));
        assert!(is_private_host("pbx.local"));
        assert!(!is_private_host("203.0.113.5"));
        assert!(!is_private_host("sip.example.net"));
    }

    #[test]
    fn binds() {
        assert!(bind_is_public("0.0.0.0:5060"));
        assert!(bind_is_public("[::]:5061"));
        assert!(bind_is_public("203.0.113.5"));
        assert!(!bind_is_public("192.168.1.5:5060"));
        assert!(!bind_is_public("127.0.0.1"));
    }

    #[test]
    fn uris() {
        for (uri, host) in [
            (
                "sip:4930@Sip.Example.net:5060;transport=tcp",
                Some("sip.example.net"),
            ),
            ("sips:[2001:db8::1]:5061", Some("2001:db8::1")),
            ("sip:proxy.example.com;lr", Some("proxy.example.com")),
            (" <SIPS:User@Host.Example?subject=x>", Some("host.example")),
            ("Host.Example:5060", Some("host.example")),
            ("sip:user@", None),
        ] {
            assert_eq!(uri_host(uri).as_deref(), host, "{uri}");
            let lower = uri_host_lower(uri);
            assert_eq!(lower.as_deref(), host, "{uri}");
            // Borrowed unless the URI wrote the host with upper-case letters.
            let copied = uri.contains("Sip.") || uri.contains("Host.");
            assert_eq!(
                matches!(lower, Some(std::borrow::Cow::Owned(_))),
                copied,
                "{uri}"
            );
        }
        assert_eq!(
            uri_user("sip:4930123456@sip.example.net"),
            Some("4930123456")
        );
        assert_eq!(uri_user("sip:sip.example.net"), None);
    }
}
