use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Config, Object, Var};
use crate::validate::ProblemKind;

pub struct IdentifyMatchHostname;

static META: RuleMeta = RuleMeta {
    name: "identify-match-hostname",
    category: Category::Nat,
    severity: Severity::Info,
    summary: "A host name in identify match= is resolved once, when Asterisk loads",
    doc: r#"# identify-match-hostname

## What
An identify `match=` with a host name instead of an IP address or network, or with a bare
number that Asterisk reads as an odd IPv4 address.

## Why
Asterisk resolves the name when it loads the object (res_pjsip_endpoint_identifier_ip.c), not
when a call arrives. If DNS fails at that moment, real Asterisk rejects the identify ("Identify
'x' failed when adding resolution results"), and the provider's calls then get "No matching
endpoint found" and 401 until the next reload. If the provider's addresses change, the identify
keeps matching the old ones until a reload. pjsiplint does not resolve names, so it cannot say
whether this object loads.

## Example
```ini
[provider]
type=identify
endpoint=provider
match=sip.example.net
```

## Fix
Match the provider's published IP ranges (`match=198.51.100.0/24`), or make sure DNS works at
boot and reload after the provider's addresses change.

## Numbers are not names
A `match` item that is a bare number or an incomplete dotted address (`match=1717`, often an
extension number) is not looked up in DNS: Asterisk reads it the way inet_aton does
(ast_sockaddr_parse in res_pjsip_endpoint_identifier_ip.c ip_identify_match_handler), so
`1717` becomes the IPv4 address 0.0.6.181 and `10.1` becomes 10.0.0.1. No request comes from
0.0.6.181: the identify loads and matches nothing. That is reported as a warning.

## IPv4 matches on an IPv6-only PBX
When every udp/tcp/tls transport is bound to an IPv6 address (`bind=[::]`), no request comes
from an IPv4 address: pjlib opens IPv6 sockets with IPV6_V6ONLY (pjlib/src/pj/sock_bsd.c), so
`[::]` does not also take IPv4. An IPv4 address or network in `match` then matches nothing; that
is reported as a warning. Not when a websocket transport exists (the HTTP server may listen on
IPv4) or any transport binds an IPv4 address.

## When it does not apply
IP addresses and networks (`203.0.113.5`, `198.51.100.0/24`) need no DNS. A placeholder
(`match=<provider ip>`, `match=${IP}`) is `placeholder-value`'s; text no resolver can look up
(`match=not_an_ip!`) makes Asterisk reject the identify and is `invalid-value`'s. A transport
`bind` to a host name is `invalid-value`'s (Asterisk rejects the transport).
"#,
    fix: None,
};

impl Rule for IdentifyMatchHostname {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for group in problem_groups(cx, |kind| matches!(kind, ProblemKind::NeedsDns { .. })) {
            let ProblemKind::NeedsDns { host } = &group.first.kind else {
                continue;
            };
            // A placeholder is placeholder-value's: one value, one finding.
            if group.var(config).is_some_and(|var| {
                super::placeholder_value::placeholder(config.key(var), config.value(var)).is_some()
            }) {
                continue;
            }
            out.push(report_group(
                &META,
                config,
                &group,
                format!(
                    "`{host}` in {} is resolved only when Asterisk loads it: if DNS fails then, \
                     Asterisk rejects the object",
                    group.objects_phrase(config)
                ),
            ));
        }
        numeric_matches(cx, out);
        ipv4_matches_on_ipv6_only(cx, out);
    }
}

/// Every socket listens on IPv6 only (`bind=[::]`: pjlib opens IPv6 sockets with IPV6_V6ONLY,
/// pjlib/src/pj/sock_bsd.c pj_sock_socket), so no request arrives from an IPv4 address and an
/// IPv4 item in `match` matches nothing. Websocket transports (the HTTP server may listen on
/// IPv4) make the question open: then nothing is said.
fn ipv4_matches_on_ipv6_only(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let config = cx.config;
    if !crate::network::websocket_transports(config).is_empty() {
        return;
    }
    let mut listeners = config
        .objects
        .of_type("transport")
        .filter_map(|transport| {
            crate::network::listen_address(config, transport).map(|ip| (transport, ip))
        })
        .peekable();
    let Some(&(first, _)) = listeners.peek() else {
        return;
    };
    if !listeners.all(|(_, ip)| ip.is_ipv6()) {
        return;
    }
    let bind = config.option(first, "bind").unwrap_or("").trim().to_owned();
    for (identify, var) in match_lines(config) {
        let Some(item) = config
            .value(var)
            .split(',')
            .map(str::trim)
            .find(|item| item_host(item).parse::<std::net::Ipv4Addr>().is_ok())
        else {
            continue;
        };
        let mut diagnostic = META
            .report(
                config.value_span(var),
                format!(
                    "`{item}` in identify '{}' is an IPv4 address, but every transport \
                         listens on IPv6 only (transport '{}', `bind={bind}`; pjlib opens IPv6 \
                         sockets IPv6-only): no request arrives from it, so this match never \
                         matches",
                    config.object_id(identify),
                    config.object_id(first)
                ),
            )
            .label("IPv4")
            .secondary(
                crate::rules::weak_password::bind_span(config, first),
                "IPv6 only",
            )
            .help("add a transport bound to 0.0.0.0 (IPv4) beside the IPv6 one");
        diagnostic.severity = Severity::Warning;
        diagnostic = diagnostic.also(super::inherited_label(config, identify.section, var));
        out.push(diagnostic);
    }
}

/// `match=1717`: a number inet_aton reads as an IPv4 address (0.0.6.181). Once per line, also
/// when a template gives it to many identifies.
fn numeric_matches(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let config = cx.config;
    for (identify, var) in match_lines(config) {
        let value = config.value(var);
        let Some((item, ip)) = value.split(',').map(str::trim).find_map(|item| {
            let host = item_host(item);
            let dotted_quad = memchr::memchr_iter(b'.', host.as_bytes()).count() == 3;
            (!host.is_empty() && host.len() < 16 && !dotted_quad)
                .then(|| crate::schema::addr::inet_aton(host))
                .flatten()
                .map(|ip| (item, ip))
        }) else {
            continue;
        };
        let mut diagnostic = META
            .report(
                config.value_span(var),
                format!(
                    "`{item}` in identify '{}' is not a host name: Asterisk reads it as the \
                         IPv4 address {ip}, which no request comes from, so the identify matches \
                         nothing",
                    config.object_id(identify)
                ),
            )
            .label(format!("read as {ip}"))
            .help("write the IP address or network the requests come from");
        diagnostic.severity = Severity::Warning;
        diagnostic = diagnostic.also(super::inherited_label(config, identify.section, var));
        out.push(diagnostic);
    }
}

/// Each `match` line of the usable identifies, once per line that wrote it (a template's line
/// given to many identifies is one), with the first identify that has it.
fn match_lines(config: &Config) -> impl Iterator<Item = (&Object, &Var)> {
    let matches = config.option_name("match");
    // Only an inherited line can be another identify's too: a section's own lines are its alone
    // (and a section makes one object), so only those are remembered.
    let mut seen = rustc_hash::FxHashSet::default();
    config
        .objects
        .of_type("identify")
        .filter(|identify| identify.usable())
        .flat_map(move |identify| {
            config
                .option_vars(identify, matches)
                .map(move |var| (identify, var))
        })
        .filter(move |(_, var)| !var.is_inherited() || seen.insert(var.origin))
}

/// The host of a `match` item without its mask and port (`10.0.0.1/24`, `10.0.0.1:5060`).
fn item_host(item: &str) -> &str {
    let host = crate::network::before_byte(item, b'/');
    memchr::memrchr(b':', host.as_bytes()).map_or(host, |at| &host[..at])
}
