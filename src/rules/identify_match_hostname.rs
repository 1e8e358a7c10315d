use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::ProblemKind;

pub struct IdentifyMatchHostname;

static META: RuleMeta = RuleMeta {
    name: "identify-match-hostname",
    category: Category::Nat,
    severity: Severity::Info,
    summary: "A host name in identify match= is resolved once, when Asterisk loads",
    doc: r#"# identify-match-hostname

## What
An identify `match=` (or a transport `bind=`) with a host name instead of an IP address or
network.

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
    }
}
