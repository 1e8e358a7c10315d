//! `websocket-transport-ignored`: options of a ws/wss transport that Asterisk ignores.

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Var;
use crate::network::{is_websocket_protocol, transport_protocol};

pub struct WebsocketTransportIgnored;

static META: RuleMeta = RuleMeta {
    name: "websocket-transport-ignored",
    category: Category::Call,
    severity: Severity::Warning,
    summary: "A ws/wss transport's bind port, certificate or TOS, which Asterisk ignores",
    doc: r#"# websocket-transport-ignored

## What
A transport with `protocol=ws` or `protocol=wss` that sets what only a socket of its own would
use: a `bind` with a port or a specific address (`bind=0.0.0.0:8089`), `cert_file`,
`priv_key_file`, `ca_list_file`, `ca_list_path`, `tos` or `cos`.

## Why
Websocket transports open no socket: Asterisk's HTTP server (http.conf) accepts the websocket
connections, on its `bindaddr`/`bindport` (ws, default 8088) and `tlsbindaddr` with
`tlscertfile`/`tlsprivatekey` (wss, usually 8089). The transport's `bind` is only required to be
present ("could not be started as binding not specified"); its port and address are never
used. res_pjsip/config_transport.c transport_apply logs "TLS certificate values ignored for
websocket transport as they are configured in http.conf" for the certificate options and "TOS
and COS values ignored for websocket transport" for tos/cos, and loads the transport anyway.
So `bind=0.0.0.0:8089` does not make anything listen on 8089, and a certificate here is not
the one browsers see: if http.conf has no TLS, wss connections fail however this file looks.

## Example
```ini
[transport-wss]
type=transport
protocol=wss
bind=0.0.0.0:8443
cert_file=/etc/asterisk/keys/asterisk.crt
priv_key_file=/etc/asterisk/keys/asterisk.key
```

## Fix
Write `bind=0.0.0.0` and remove the certificate lines here; set the port and the certificate
in http.conf (`tlsenable=yes`, `tlsbindaddr=0.0.0.0:8089`, `tlscertfile=`, `tlsprivatekey=`).

## When it does not apply
`bind=0.0.0.0` or `bind=[::]` without a port or with http.conf's usual port (8088 for ws,
8089 for wss): required and harmless. Every udp, tcp or tls transport. A ws/wss transport without `bind` is rejected and is `missing-required-option`'s.
Exposure rules (`acl-missing-on-public-transport`, `weak-password`) never count a websocket
transport as a listening socket.
"#,
    fix: None,
};

/// The options transport_apply ignores (and warns about) on a websocket transport.
const IGNORED: [&str; 6] = [
    "cert_file",
    "priv_key_file",
    "ca_list_file",
    "ca_list_path",
    "tos",
    "cos",
];

impl Rule for WebsocketTransportIgnored {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        for transport in config.objects.of_type("transport").filter(|t| t.usable()) {
            let protocol = transport_protocol(config, transport);
            if !is_websocket_protocol(protocol) {
                continue;
            }
            let mut ignored: Vec<&Var> = Vec::new();
            if let Some(bind) = config.option_var(transport, "bind") {
                let value = config.value(bind).trim();
                // http.conf's default ports (8088 for ws, 8089 for wss, the usual TLS port) are
                // what the admin means anyway: harmless.
                let default_port = if protocol.eq_ignore_ascii_case("ws") {
                    8088
                } else {
                    8089
                };
                let specific =
                    crate::schema::addr::parse_bind(value)
                        .ok()
                        .is_some_and(|(ip, port)| {
                            (port != 0 && port != default_port)
                                || ip.is_some_and(|ip| !ip.is_unspecified())
                        });
                if specific {
                    ignored.push(bind);
                }
            }
            for key in IGNORED {
                if let Some(var) = config
                    .option_var(transport, key)
                    .filter(|var| !config.value(var).trim().is_empty())
                {
                    ignored.push(var);
                }
            }
            let Some(first) = ignored.first() else {
                continue;
            };
            let names: Vec<String> = ignored
                .iter()
                .map(|var| {
                    let key = config.key(var);
                    if key.eq_ignore_ascii_case("bind") {
                        format!("`bind={}`", config.value(var).trim())
                    } else {
                        format!("`{key}`")
                    }
                })
                .collect();
            let mut diagnostic = META
                .report(
                    config.key_span(first),
                    format!(
                        "transport '{}' is {}: Asterisk's HTTP server (http.conf) accepts its \
                         connections, so it ignores {} here",
                        config.object_id(transport),
                        protocol.to_ascii_lowercase(),
                        super::weak_password::join_and(
                            &names.iter().map(String::as_str).collect::<Vec<_>>()
                        ),
                    ),
                )
                .label("ignored")
                .help(
                    "set the port and certificate in http.conf (bindport, or tlsbindaddr, \
                     tlscertfile, tlsprivatekey) and write `bind=0.0.0.0` here",
                );
            for var in &ignored[1..] {
                diagnostic = diagnostic.secondary(config.key_span(var), "ignored too");
            }
            diagnostic = diagnostic.also(super::inherited_label(config, transport.section, first));
            out.push(diagnostic);
        }
    }
}
