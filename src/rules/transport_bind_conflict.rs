use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::ProblemKind;

pub struct TransportBindConflict;

static META: RuleMeta = RuleMeta {
    name: "transport-bind-conflict",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "Two transports on the same address, port and socket type: the second cannot start",
    doc: r#"# transport-bind-conflict

## What
Two transports whose `bind` is the same address and port for the same kind of socket (UDP, or
TCP for `tcp` and `tls`). A missing port is 5060 (5061 for TLS). `udp` and `tcp` on the same
port are fine; websocket transports use Asterisk's HTTP server and bind nothing themselves.

## Why
Asterisk does not check this in the configuration: the operating system refuses the second
socket and Asterisk logs "Transport 't2' could not be started: Address already in use". That
transport is rejected, and endpoints whose `transport=` names it fail at call time with "Unable
to retrieve PJSIP transport".

## Example
```ini
[udp]
type=transport
protocol=udp
bind=0.0.0.0

[udp-nat]
type=transport
protocol=udp
bind=0.0.0.0:5060
```

## Fix
Give the second transport another port (or address), or merge the two.
"#,
    fix: None,
};

impl Rule for TransportBindConflict {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let wanted = |kind: &ProblemKind| matches!(kind, ProblemKind::BindConflict { .. });
        for group in problem_groups(cx, wanted) {
            let ProblemKind::BindConflict { earlier } = &group.first.kind else {
                continue;
            };
            let earlier = config.objects.by_id(*earlier);
            out.push(
                report_group(
                    &META,
                    config,
                    &group,
                    format!(
                        "transport '{}' binds the same address and port as transport '{}': \
                         Asterisk cannot start it (\"Address already in use\")",
                        config.object_id(group.objects[0]),
                        config.object_id(earlier)
                    ),
                )
                .secondary(
                    config.section(earlier.section).name_span,
                    format!("transport '{}' binds it first", config.object_id(earlier)),
                ),
            );
        }
    }
}
