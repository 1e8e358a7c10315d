use super::weak_password::bind_span;
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::Options;
use crate::model::{Config, Object};
use crate::network::listens_phrase;

pub struct AclMissingOnPublicTransport;

static META: RuleMeta = RuleMeta {
    name: "acl-missing-on-public-transport",
    category: Category::Security,
    severity: Severity::Info,
    summary: "Password endpoints on a public transport and no permit/deny/acl anywhere",
    doc: r#"# acl-missing-on-public-transport

## What
The configuration has a transport bound to a public or unspecified address, endpoints that
accept callers by password (an `auth=` naming an auth with a `password`, `md5_cred` or
`password_digest`), and no address restriction at all: no endpoint sets `permit`, `deny`,
`acl`, `contact_permit`, `contact_deny` or `contact_acl`, and there is no `type=acl` section.
One finding per configuration, at the first public transport.

How pjsiplint decides that the endpoints are reachable: a loaded `udp`, `tcp` or `tls`
transport whose own socket listens on a **public address**, or on every address (`0.0.0.0`,
`::`) when the configuration itself publishes the PBX on the internet (a public
`external_signaling_address` or `external_media_address`: the router forwards SIP to it). Such
a socket exposes **every** endpoint, whatever the endpoint's own `transport=` says, because
Asterisk identifies incoming requests by From user, Authorization username or source address
and never by the transport they arrived on.

## Why
Then the only thing between the internet and a phone's account is its password, and SIP
scanners try passwords at thousands per minute, around the clock. Asterisk logs each failure
as a NOTICE (`Failed to authenticate`) and goes on answering. When most phones sit in a few
known networks (the office, a VPN), a `permit` list makes every guess from elsewhere fail
before the password is even checked ("Not match Endpoint ACL"), and a leaked password alone
is no longer enough.

This is information, not a mistake: remote workers and mobile clients are a good reason to
have no address restriction; then fail2ban (or a firewall rate limit) on Asterisk's security
log is the usual protection.

## Example
```ini
[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0

[office-phone](!)
type=endpoint
auth=...
; no deny=/permit= here
```

## When it does not apply
- Every transport is bound to a private address (`192.168.1.5`, `10.0.0.2`, `127.0.0.1`).
- Transports bound to every address with no public external address: a LAN-only or VPN PBX
  (pjsiplint cannot see the network; on a public server behind no NAT, add `permit` anyway).
- Websocket (`ws`, `wss`) transports: Asterisk's HTTP server (http.conf) listens for them and
  their `bind` is ignored (`websocket-transport-ignored` reports that); `flow` transports and
  transports Asterisk rejects (a placeholder or host name in `bind`) open no socket.
- Some endpoint already restricts by address, or an acl section exists.
- A weak password on an exposed endpoint is `weak-password`'s; an endpoint with no `auth` at all
  is `unauthenticated-endpoint`'s.

## Fix
Add to the endpoints (or their template), for the networks they are really in:
```ini
deny=0.0.0.0/0.0.0.0
permit=192.168.1.0/255.255.255.0
permit=203.0.113.0/24
```
or a `type=acl` section, or `acl=` naming an acl.conf section. Otherwise run fail2ban.
"#,
    fix: None,
};

/// Options that restrict by address on an endpoint.
const ACL_OPTIONS: [&str; 6] = [
    "permit",
    "deny",
    "acl",
    "contact_permit",
    "contact_deny",
    "contact_acl",
];

/// Options that hold a password of some kind.
const PASSWORD_OPTIONS: [&str; 3] = ["password", "md5_cred", "password_digest"];

/// Whether an auth holds a password of some kind (`passwords`: the [`PASSWORD_OPTIONS`]).
fn has_password(config: &Config, auth: &Object, passwords: &Options<3>) -> bool {
    config
        .vars(config.section(auth.section))
        .iter()
        .any(|var| passwords.index_of(var).is_some())
}

/// The transport whose own socket the internet reaches, and why pjsiplint believes it: bound to
/// a public address; or bound to every address (`0.0.0.0`, `::`) on a PBX the configuration
/// itself publishes on the internet (a transport with a public external address: the router
/// forwards SIP to it). A PBX bound to every address with no such sign may be a LAN-only or VPN
/// box: nothing is said. Websocket transports do not count (Asterisk's HTTP server listens for
/// them, see [`crate::network::public_listeners`]).
fn exposed_listener(config: &Config) -> Option<(&Object, String)> {
    let listeners = crate::network::public_listeners(config);
    let specific = listeners.iter().find(|transport| {
        crate::network::listen_address(config, transport).is_some_and(|ip| !ip.is_unspecified())
    });
    if let Some(transport) = specific {
        return Some((transport, String::new()));
    }
    let first = listeners.first()?;
    let published = config
        .objects
        .of_type("transport")
        .filter(|transport| transport.usable())
        .find_map(|transport| {
            ["external_signaling_address", "external_media_address"]
                .into_iter()
                .find_map(|key| {
                    let value = config.option(transport, key)?.trim();
                    let ip = value.parse::<std::net::IpAddr>().ok()?;
                    (!crate::network::is_private_host(value) && !ip.is_unspecified())
                        .then(|| format!("{key}={value}"))
                })
        })?;
    Some((
        first,
        format!(" and the PBX is published on the internet ({published})"),
    ))
}

impl Rule for AclMissingOnPublicTransport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let Some((transport, evidence)) = exposed_listener(config) else {
            return;
        };
        if config.objects.of_type("acl").any(|acl| acl.usable()) {
            return;
        }
        let acl_options = config.options(ACL_OPTIONS);
        let passwords = config.options(PASSWORD_OPTIONS);
        let auth = config.option_name("auth");
        // One pass over the endpoints: any restriction anywhere ends the rule; otherwise the
        // endpoints that take callers by password are counted (the first is named).
        let mut first_with_password: Option<&Object> = None;
        let mut with_password = 0;
        for endpoint in config.objects.of_type("endpoint").filter(|e| e.usable()) {
            let restricted = config
                .vars(config.section(endpoint.section))
                .iter()
                .any(|var| {
                    acl_options.index_of(var).is_some() && !config.value(var).trim().is_empty()
                });
            if restricted {
                return;
            }
            // The auths the last `auth=` line names, as the references found them.
            let by_password = config
                .last_line_targets(endpoint, auth)
                .flatten()
                .any(|auth| auth.usable() && has_password(config, auth, &passwords));
            if by_password {
                first_with_password.get_or_insert(endpoint);
                with_password += 1;
            }
        }
        let Some(first) = first_with_password else {
            return;
        };
        let who = match with_password {
            1 => format!(
                "endpoint '{}' accepts callers by password",
                config.object_id(first)
            ),
            n => format!(
                "{n} endpoints accept callers by password (e.g. '{}')",
                config.object_id(first)
            ),
        };
        out.push(
            META.report(
                bind_span(config, transport),
                format!(
                    "{}{evidence} and {who}, but no permit/deny/acl limits who may try: anyone \
                     on the internet can guess the passwords",
                    listens_phrase(config, transport)
                ),
            )
            .label("open to the internet")
            .secondary(
                config.section(first.section).name_span,
                "no permit/deny/acl on this endpoint",
            )
            .help(
                "add `deny=0.0.0.0/0.0.0.0` and `permit=` lines for the networks the phones are \
                 in (or a `type=acl` section); with remote users, run fail2ban instead",
            ),
        );
    }
}
