//! Address parsing the way Asterisk's C helpers do it, for the value checks in `values.rs`.
//!
//! * `inet_aton` (glibc, exact): 1 to 4 dot-separated C integers, so `127.1` and `1717` are
//!   addresses (`0.0.6.181`), `010.1.1.1` is octal;
//! * `ast_sockaddr_split_hostport` / `ast_sockaddr_parse` (main/netsock2.c): numeric hosts only;
//! * `ast_append_ha` (main/acl.c): `[!]address[/mask]` with a CIDR or dotted mask;
//! * `pj_sockaddr_parse` (pjlib): the transport `bind` syntax;
//! * glibc `inet_ntop` for printing IPv6 the way `pjsip show` does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a piece of text could not be turned into an address.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Asterisk rejects it; the text explains why.
    Bad(String),
    /// Depends on things we do not model (DNS, whitespace handling, exotic forms).
    Unsure,
}

/// glibc `inet_aton` as used by `getaddrinfo(AI_NUMERICHOST)` (`__inet_aton_exact`).
pub(crate) fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    // The usual form first: the standard library reads only four decimal parts of at most 255
    // without leading zeros, which inet_aton reads the same (an identify with 24 addresses
    // per `match` spent a fifth of its time in the general reading below).
    if let Ok(address) = s.parse::<Ipv4Addr>() {
        return Some(address);
    }
    inet_aton_parts(s)
}

/// [`inet_aton`] read part by part, any form.
fn inet_aton_parts(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        nums.push(c_unsigned_part(p)?);
    }
    let last = *nums.last()?;
    let head = &nums[..nums.len() - 1];
    if head.iter().any(|&n| n > 255) {
        return None;
    }
    let last_bits = 32 - 8 * head.len() as u32;
    if (last_bits < 32 && last >= 1u64 << last_bits) || last > u64::from(u32::MAX) {
        return None;
    }
    let mut v: u32 = 0;
    for (i, &n) in head.iter().enumerate() {
        v |= (n as u32) << (24 - 8 * i as u32);
    }
    Some(Ipv4Addr::from(v | last as u32))
}

/// One `inet_aton` part: decimal, `0x` hex or leading-`0` octal, no sign, at least one digit.
fn c_unsigned_part(p: &str) -> Option<u64> {
    let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
        (h, 16)
    } else if p.len() > 1 && p.starts_with('0') {
        (&p[1..], 8)
    } else {
        (p, 10)
    };
    if digits.is_empty() && radix != 16 {
        return None;
    }
    if digits.is_empty() {
        // glibc reads "0x" as 0.
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix)
        .ok()
        .filter(|&n| n <= u64::from(u32::MAX))
}

/// A numeric host as `getaddrinfo(AI_NUMERICHOST)` reads it. IPv4-mapped IPv6 addresses stay
/// IPv6 here; callers convert where Asterisk does.
pub(crate) fn numeric_host(host: &str) -> Result<IpAddr, Problem> {
    if host.is_empty() {
        return Err(Problem::Bad("empty address".into()));
    }
    if host.contains('%') || host.chars().any(char::is_whitespace) {
        return Err(Problem::Unsure);
    }
    if host.contains(':') {
        return host
            .parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| Problem::Bad(format!("'{host}' is not an IP address")));
    }
    inet_aton(host)
        .map(IpAddr::V4)
        .ok_or_else(|| Problem::Bad(format!("'{host}' is not an IP address")))
}

/// `ast_sockaddr_split_hostport`: `[v6]:port`, `host:port` (exactly one colon) or `host`.
/// Returns the host and the text after the port colon, if any.
pub(crate) fn split_hostport(s: &str) -> Result<(&str, Option<&str>), Problem> {
    if let Some(rest) = s.strip_prefix('[') {
        let Some(close) = rest.find(']') else {
            return Err(Problem::Unsure);
        };
        let after = &rest[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(Problem::Unsure),
        };
        return Ok((&rest[..close], port));
    }
    match s.matches(':').count() {
        1 => {
            let i = s.find(':').unwrap_or(s.len());
            Ok((&s[..i], Some(&s[i + 1..])))
        }
        _ => Ok((s, None)),
    }
}

/// A decimal port as `getaddrinfo(AI_NUMERICSERV)` takes it.
fn port_number(p: &str) -> Result<u16, Problem> {
    if p.is_empty() {
        return Err(Problem::Unsure);
    }
    if !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::Bad(format!("'{p}' is not a port number")));
    }
    p.parse::<u16>().map_err(|_| Problem::Unsure)
}

/// One host-access rule as `ast_append_ha` builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ha {
    /// `!` prefix: the rule's sense is inverted.
    pub negated: bool,
    /// The network address, already masked.
    pub addr: IpAddr,
    pub port: Option<u16>,
    pub mask: IpAddr,
}

impl Ha {
    /// `[!]addr[:port]/mask` as `pjsip show` prints local_net and identify match entries.
    pub fn show(&self) -> String {
        format!(
            "{}{}/{}",
            if self.negated { "!" } else { "" },
            show_addr(self.addr, self.port),
            show_ip(self.mask)
        )
    }
}

/// `ast_append_ha` for one comma-separated item (no stripping: Asterisk does not strip either,
/// so items with blanks are `Unsure`). `port_allowed` is the identify `match` variant
/// (`ast_append_ha_with_port`).
pub(crate) fn parse_ha(item: &str, port_allowed: bool) -> Result<Ha, Problem> {
    if item.trim().is_empty() {
        return Err(Problem::Unsure);
    }
    let (address, mask) = match item.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (item, None),
    };
    let (negated, address) = match address.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, address),
    };
    // Blanks around a piece: the release we read passes them to getaddrinfo (an error), newer
    // code may strip them; so a piece that is fine once stripped is `Unsure`. Blanks inside
    // are an error either way.
    let mut padded = false;
    let address = unpad(address, &mut padded)?;
    let (host, port) = split_hostport(address)?;
    let port = match port {
        Some(_) if !port_allowed => {
            return Err(Problem::Bad(format!(
                "'{address}': a port is not allowed here"
            )))
        }
        Some(p) => Some(port_number(p)?),
        None => None,
    };
    let addr = unmap(numeric_host(host)?);
    let mask = match mask {
        None => full_mask(addr),
        Some(m) if m.contains(':') || m.contains('.') => {
            let m = unpad(m, &mut padded)?;
            let (mhost, mport) = split_hostport(m)?;
            if mport.is_some() {
                return Err(Problem::Bad(format!("'{m}' is not a netmask")));
            }
            let mask = unmap(numeric_host(mhost).map_err(|e| match e {
                Problem::Bad(_) => Problem::Bad(format!("'{m}' is not a netmask")),
                other => other,
            })?);
            if mask.is_ipv4() != addr.is_ipv4() {
                return Err(Problem::Bad(format!(
                    "'{}': address and mask are not the same address family",
                    item.trim()
                )));
            }
            mask
        }
        // sscanf("%d") skips leading blanks and ignores what follows the number.
        Some(m) => cidr_mask(addr, m)?,
    };
    if padded {
        return Err(Problem::Unsure);
    }
    Ok(Ha {
        negated,
        addr: apply_mask(addr, mask),
        port,
        mask,
    })
}

/// A piece of an ACL item without its blanks around it (`padded` notes that it had some); blanks
/// inside are an error.
fn unpad<'a>(piece: &'a str, padded: &mut bool) -> Result<&'a str, Problem> {
    let t = piece.trim();
    *padded |= t.len() != piece.len();
    if t.chars().any(char::is_whitespace) {
        return Err(Problem::Bad(format!("'{t}' is not an IP address")));
    }
    Ok(t)
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4, as `ast_sockaddr_ipv4_mapped` does.
fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn full_mask(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(u32::MAX)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(u128::MAX)),
    }
}

/// `parse_cidr_mask`: `sscanf("%30d")` (leading blanks, a sign, digits, anything after).
fn cidr_mask(addr: IpAddr, m: &str) -> Result<IpAddr, Problem> {
    let bits = sscanf_int(m).ok_or_else(|| Problem::Bad(format!("'{m}' is not a netmask")))?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    if !(0..=max).contains(&bits) {
        return Err(Problem::Bad(format!("'/{m}' is not a valid CIDR netmask")));
    }
    Ok(match addr {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(
            u32::MAX.checked_shl(32 - bits as u32).unwrap_or(0),
        )),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(
            u128::MAX.checked_shl(128 - bits as u32).unwrap_or(0),
        )),
    })
}

fn apply_mask(addr: IpAddr, mask: IpAddr) -> IpAddr {
    match (addr, mask) {
        (IpAddr::V4(a), IpAddr::V4(m)) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & u32::from(m))),
        (IpAddr::V6(a), IpAddr::V6(m)) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & u128::from(m))),
        (a, _) => a,
    }
}

/// `sscanf(s, "%d")` with a 64-bit result: `None` when no integer starts the text.
pub(crate) fn sscanf_int(s: &str) -> Option<i64> {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits: &str = &t[..t.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    let v = digits.parse::<i64>().unwrap_or(i64::MAX);
    Some(if neg { -v } else { v })
}

/// An address with an optional port as `ast_sockaddr_stringify` prints it.
pub(crate) fn show_addr(ip: IpAddr, port: Option<u16>) -> String {
    match (ip, port) {
        (IpAddr::V4(v4), Some(p)) => format!("{v4}:{p}"),
        (IpAddr::V6(v6), Some(p)) => format!("[{}]:{p}", ntop6(v6)),
        (ip, None) => show_ip(ip),
    }
}

/// An address without port (`ast_sockaddr_stringify_addr`).
pub(crate) fn show_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => ntop6(v6),
    }
}

type Run = Option<(usize, usize)>;

/// glibc `inet_ntop(AF_INET6)`: the longest run (at least two) of zero groups becomes `::`,
/// and `::a.b.c.d` / `::ffff:a.b.c.d` keep the dotted quad.
pub(crate) fn ntop6(ip: Ipv6Addr) -> String {
    let w = ip.segments();
    // (start, length) of runs of zero groups.
    let (mut best, mut cur): (Run, Run) = (None, None);
    for (i, &word) in w.iter().enumerate() {
        if word == 0 {
            cur = Some(cur.map_or((i, 1), |(b, l)| (b, l + 1)));
        } else if let Some(c) = cur.take() {
            if !matches!(best, Some(b) if b.1 >= c.1) {
                best = Some(c);
            }
        }
    }
    if let Some(c) = cur {
        if !matches!(best, Some(b) if b.1 >= c.1) {
            best = Some(c);
        }
    }
    let best = best.filter(|b| b.1 >= 2);
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if let Some((base, len)) = best {
            if i >= base && i < base + len {
                if i == base {
                    out.push(':');
                }
                i += 1;
                continue;
            }
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6
            && best
                .is_some_and(|(base, len)| base == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)))
        {
            let o = ip.octets();
            out.push_str(&Ipv4Addr::new(o[12], o[13], o[14], o[15]).to_string());
            return out;
        }
        out.push_str(&format!("{:x}", w[i]));
        i += 1;
    }
    if best.is_some_and(|(base, len)| base + len == 8) {
        out.push(':');
    }
    out
}

/// Text that may name a host in DNS (letters, digits, `-`, `_`, `.`), as opposed to text no
/// resolver can look up (`not_an_ip!`, `<YOUR_IP>`).
pub(crate) fn plausible_hostname(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !h.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// The host of a `bind` value (`host:port` -> `host`, `[v6]:port` -> `v6`).
pub(crate) fn bind_host_part(s: &str) -> &str {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    if s.matches(':').count() > 1 {
        return s;
    }
    s.rsplit_once(':').map_or(s, |(host, _)| host)
}

/// Whether a `bind` names `localhost`, which every resolver answers from /etc/hosts.
pub(crate) fn bind_host_is_localhost(s: &str) -> bool {
    bind_host_part(s).eq_ignore_ascii_case("localhost")
}

/// `pj_sockaddr_parse(AF_UNSPEC)` of a transport `bind` value: the address (`None` for a host
/// name, which needs DNS) and the port (0 = not given).
pub(crate) fn parse_bind(s: &str) -> Result<(Option<IpAddr>, u16), Problem> {
    if let Some((head, _)) = s.split_once(char::is_whitespace) {
        // glibc inet_aton (used by pjlib) stops at a blank, so "a.b.c.d junk" may pass;
        // no host name contains a blank.
        return if inet_aton(head.rsplit_once(':').map_or(head, |(h, _)| h)).is_some() {
            Err(Problem::Unsure)
        } else {
            Err(Problem::Bad(format!(
                "'{s}' is neither an IP address nor a host name"
            )))
        };
    }
    let v6 = s.starts_with('[') || s.matches(':').count() > 1;
    let (host, port) = if v6 {
        match s.strip_prefix('[') {
            Some(rest) => {
                let close = rest
                    .find(']')
                    .ok_or_else(|| Problem::Bad(format!("'{s}' has no closing ']'")))?;
                let after = &rest[close + 1..];
                let port = match after.strip_prefix(':') {
                    Some(p) => Some(p),
                    None if after.is_empty() => None,
                    None => {
                        return Err(Problem::Bad(format!(
                            "'{s}': text after ']' is not ':port'"
                        )))
                    }
                };
                (&rest[..close], port)
            }
            None => (s, None),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let port = match port {
        None | Some("") => 0,
        Some(p) if !p.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(Problem::Bad(format!("'{p}' is not a port number")))
        }
        Some(p) => match p.parse::<u32>() {
            Ok(n) if n <= 65535 => n as u16,
            _ => return Err(Problem::Bad(format!("port {p} is out of range 0..65535"))),
        },
    };
    if host.is_empty() {
        return Ok((
            Some(if v6 {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            }),
            port,
        ));
    }
    if v6 {
        if host.contains('%') {
            return Err(Problem::Unsure);
        }
        return match host.parse::<Ipv6Addr>() {
            Ok(ip) => Ok((Some(IpAddr::V6(ip)), port)),
            // pjlib would try DNS for AAAA records, then "addr:port" without brackets.
            Err(_)
                if host
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') =>
            {
                Err(Problem::Unsure)
            }
            Err(_) => Err(Problem::Bad(format!("'{host}' is not an IPv6 address"))),
        };
    }
    if host.len() < 16 {
        if let Some(ip) = inet_aton(host) {
            return Ok((Some(IpAddr::V4(ip)), port));
        }
    }
    if plausible_hostname(host) {
        Ok((None, port))
    } else {
        Err(Problem::Bad(format!(
            "'{host}' is neither an IP address nor a host name"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// What the standard library reads as an IPv4 address, inet_aton reads as the same one.
        #[test]
        fn the_usual_form_reads_as_inet_aton_reads_it(text in "[0-9]{1,4}(\\.[0-9]{1,4}){0,4}") {
            if let Ok(address) = text.parse::<Ipv4Addr>() {
                proptest::prop_assert_eq!(inet_aton_parts(&text), Some(address));
            }
        }
    }

    #[test]
    fn inet_aton_forms() {
        assert_eq!(inet_aton("1.2.3.4"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(inet_aton("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("1717"), Some(Ipv4Addr::new(0, 0, 6, 181)));
        assert_eq!(inet_aton("010.0.0.1"), Some(Ipv4Addr::new(8, 0, 0, 1)));
        assert_eq!(inet_aton("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("1.2.3.256"), None);
        assert_eq!(inet_aton("1.2.3.4.5"), None);
        assert_eq!(inet_aton("1.2.3."), None);
        assert_eq!(inet_aton("08.1.1.1"), None);
        assert_eq!(inet_aton("a.b.c.d"), None);
        assert_eq!(inet_aton(""), None);
    }

    #[test]
    fn ha_items() {
        let ha = parse_ha("192.168.1.5/24", false).unwrap();
        assert_eq!(ha.show(), "192.168.1.0/255.255.255.0");
        assert_eq!(
            parse_ha("10.0.0.0/255.0.0.0", false).unwrap().show(),
            "10.0.0.0/255.0.0.0"
        );
        assert_eq!(
            parse_ha("!10.1.2.3", false).unwrap().show(),
            "!10.1.2.3/255.255.255.255"
        );
        assert_eq!(parse_ha("fc00::/7", false).unwrap().show(), "fc00::/fe00::");
        assert_eq!(
            parse_ha("::ffff:10.0.0.1/8", false).unwrap().show(),
            "10.0.0.0/255.0.0.0"
        );
        assert_eq!(
            parse_ha("192.168.3.0:5060/24", true).unwrap().show(),
            "192.168.3.0:5060/255.255.255.0"
        );
        assert!(matches!(
            parse_ha("192.168.3.0:5060/24", false),
            Err(Problem::Bad(_))
        ));
        assert!(matches!(
            parse_ha("10.0.0.0/33", false),
            Err(Problem::Bad(_))
        ));
        assert!(matches!(
            parse_ha("10.0.0.0/ffff::", false),
            Err(Problem::Bad(_))
        ));
        assert!(matches!(
            parse_ha("example.com", false),
            Err(Problem::Bad(_))
        ));
        assert_eq!(parse_ha(" 10.0.0.1", false), Err(Problem::Unsure));
        assert!(matches!(
            parse_ha("<internal subnet>", false),
            Err(Problem::Bad(_))
        ));
        assert_eq!(
            parse_ha("10.70.0.0/24 // Your localnet", false)
                .unwrap()
                .show(),
            "10.70.0.0/255.255.255.0"
        );
        assert_eq!(parse_ha("", false), Err(Problem::Unsure));
        // sscanf("%d") ignores what follows the number.
        assert_eq!(
            parse_ha("10.0.0.0/8abc", false).unwrap().show(),
            "10.0.0.0/255.0.0.0"
        );
    }

    #[test]
    fn ntop6_like_glibc() {
        let p = |s: &str| ntop6(s.parse().unwrap());
        assert_eq!(p("::"), "::");
        assert_eq!(p("::1"), "::1");
        assert_eq!(p("2001:db8::1"), "2001:db8::1");
        assert_eq!(p("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
        assert_eq!(p("1:0:2:0:3:0:4:0"), "1:0:2:0:3:0:4:0");
        assert_eq!(p("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(p("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(p("fe80::"), "fe80::");
    }

    #[test]
    fn bind_values() {
        assert_eq!(
            parse_bind("0.0.0.0"),
            Ok((Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), 0))
        );
        assert_eq!(parse_bind("0.0.0.0:5061").unwrap().1, 5061);
        assert_eq!(
            parse_bind("[::1]:5060").unwrap(),
            (Some("::1".parse().unwrap()), 5060)
        );
        assert_eq!(parse_bind("::").unwrap(), (Some("::".parse().unwrap()), 0));
        assert_eq!(parse_bind("pbx.example.com:5060").unwrap(), (None, 5060));
        assert!(matches!(parse_bind("0.0.0.0:70000"), Err(Problem::Bad(_))));
        assert!(matches!(parse_bind("0.0.0.0:50x"), Err(Problem::Bad(_))));
        assert!(matches!(parse_bind("<YOUR_IP>:5067"), Err(Problem::Bad(_))));
        assert!(matches!(parse_bind("1.2.3.300"), Err(Problem::Bad(_))));
        assert!(matches!(parse_bind("(IPv4 Address)"), Err(Problem::Bad(_))));
        assert_eq!(parse_bind("0.0.0.0 5060"), Err(Problem::Unsure));
    }
}
