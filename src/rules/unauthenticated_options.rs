use rustc_hash::FxHashMap as HashMap;

use super::weak_password::has_inbound_auth;
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{LineRef, Object};

pub struct UnauthenticatedOptions;

static META: RuleMeta = RuleMeta {
    name: "unauthenticated-options",
    category: Category::Security,
    severity: Severity::Info,
    summary:
        "allow_unauthenticated_options=yes: OPTIONS answered without auth, accounts enumerable",
    doc: r#"# unauthenticated-options

## What
An endpoint with `auth=` and `allow_unauthenticated_options=yes` (any of Asterisk's true
words). A template line inherited by many endpoints is one finding.

## Why
Asterisk normally challenges every request from an endpoint with `auth=`, OPTIONS included;
for a name that matches no endpoint, the artificial endpoint answers 401 as well, so a scanner
cannot tell real account names from made-up ones. With `allow_unauthenticated_options=yes`,
Asterisk answers an OPTIONS whose From user is a real endpoint without a challenge (`200 OK`,
or `404` when the Request-URI names no extension; `ast_sip_requires_authentication` in
res_pjsip.c skips OPTIONS for such endpoints), while unknown names still get 401: a scanner (sipvicious `svwar -m OPTIONS`) walks the number
range and gets the list of real extensions, then spends its password guesses only on them.
The option exists for devices that send keep-alive OPTIONS and cannot answer a challenge.

## Example
```ini
[6001]
type=endpoint
auth=6001
aors=6001
allow_unauthenticated_options=yes
```

## When it does not apply
An endpoint without `auth=` (nothing is challenged anyway: `unauthenticated-endpoint`'s), and
`allow_unauthenticated_options=no`.

## Fix
Remove the line (the default is `no`) unless a device really needs it. To keep a NAT mapping
open, let Asterisk send the OPTIONS instead (`qualify_frequency=` on the aor).
"#,
    fix: None,
};

impl Rule for UnauthenticatedOptions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let mut groups: Vec<(LineRef, Vec<&Object>)> = Vec::new();
        let mut by_line: HashMap<LineRef, usize> = HashMap::default();
        let allow = config.option_name("allow_unauthenticated_options");
        if !allow.is_written() {
            return;
        }
        let auth = config.option_name("auth");
        for endpoint in config.of_type_warm("endpoint").filter(|e| e.usable()) {
            // Without `auth=` nothing is challenged anyway: unauthenticated-endpoint's business.
            if !config.option_is_true(endpoint, allow) || !has_inbound_auth(config, endpoint, auth)
            {
                continue;
            }
            let Some(var) = config.option_var(endpoint, allow) else {
                continue;
            };
            match by_line.get(&var.origin) {
                Some(&index) => groups[index].1.push(endpoint),
                None => {
                    by_line.insert(var.origin, groups.len());
                    groups.push((var.origin, vec![endpoint]));
                }
            }
        }
        for (_, endpoints) in groups {
            let first = endpoints[0];
            let var = config
                .option_var(first, "allow_unauthenticated_options")
                .expect("grouped by this line");
            let whose = match endpoints.len() {
                1 => format!("endpoint '{}'", config.object_id(first)),
                n => format!(
                    "endpoint '{}' (and {} other endpoints using this line)",
                    config.object_id(first),
                    n - 1
                ),
            };
            let mut diagnostic = META
                .report(
                    config.key_span(var),
                    format!(
                        "{whose} answers OPTIONS without authentication: a scanner tells real \
                         account names (answered) from unknown ones (challenged with 401) and then guesses only \
                         their passwords"
                    ),
                )
                .label("OPTIONS not challenged");
            diagnostic = diagnostic.also(super::inherited_label(config, first.section, var));
            out.push(diagnostic.help("remove the line unless a device needs it (default: no)"));
        }
    }
}
