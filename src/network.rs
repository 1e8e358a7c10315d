//! Addresses: which hosts are private, which transports face the internet, and the host of a
//! SIP URI.

use std::net::IpAddr;

use ipnetwork::IpNetwork;

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
    let uri = uri.trim().trim_start_matches('<');
    let uri = uri.split('>').next().unwrap_or(uri);
    let lower = uri.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("sips:")
        .or_else(|| lower.strip_prefix("sip:"))
        .unwrap_or(&lower);
    let rest = rest.split([';', '?']).next().unwrap_or(rest);
    let host_port = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// The user part of a SIP URI: `sip:4930123456@host` -> `4930123456`.
pub fn uri_user(uri: &str) -> Option<&str> {
    let uri = uri.trim().trim_start_matches('<');
    let rest = uri
        .get(..4)
        .filter(|scheme| scheme.eq_ignore_ascii_case("sip:"))
        .map(|_| &uri[4..])
        .or_else(|| {
            uri.get(..5)
                .filter(|scheme| scheme.eq_ignore_ascii_case("sips:"))
                .map(|_| &uri[5..])
        })?;
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
        assert_eq!(
            uri_host("sip:4930@Sip.Example.net:5060;transport=tcp").as_deref(),
            Some("sip.example.net")
        );
        assert_eq!(
            uri_host("sips:[2001:db8::1]:5061").as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(
            uri_host("sip:proxy.example.com;lr").as_deref(),
            Some("proxy.example.com")
        );
        assert_eq!(
            uri_user("sip:4930123456@sip.example.net"),
            Some("4930123456")
        );
        assert_eq!(uri_user("sip:sip.example.net"), None);
    }
}
