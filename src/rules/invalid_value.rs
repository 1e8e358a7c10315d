use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::ProblemKind;

pub struct InvalidValue;

static META: RuleMeta = RuleMeta {
    name: "invalid-value",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "A value Asterisk refuses (the object is rejected) or silently reads as \"no\"",
    doc: r#"# invalid-value

## What
A value that the option's handler in Asterisk refuses: a number out of range or not a number, a
word not in the option's list, an unknown codec in `allow`, an address or network that does not
parse (`local_net`, `match`, `permit`, `bind`), a `server_uri` that is not a SIP URI, or options
the object's apply check refuses together (`timers_min_se` below 90, `dtls_auto_generate_cert`
with `dtls_cert_file`, ...). Also a yes/no option whose value is none of Asterisk's words.

## Why
A refused value logs "Error parsing dtmf_mode=bogus at line 12" and **the whole object is
rejected**: the endpoint, transport or registration does not exist. A yes/no option is never an
error: any word other than yes/true/on/1/y/t (any case) silently means **no**, so
`direct_media=maybe` or `rtp_symmetric=ture` turns the feature off without a word in the log;
that is reported as a warning.

## Example
```ini
[6001]
type=endpoint
dtmf_mode=rfc2833      ; chan_sip's name; pjsip says rfc4733
allow=ulaw,g729a       ; no such codec
rtp_symmetric=ture     ; read as "no"
```

## Fix
Use a value from the option's list (`pjsiplint --explain invalid-value` and the Asterisk wiki
list them), `yes` / `no` for yes/no options.

## Transports and URIs
A transport `bind` must be an IP address (with an optional port): a host name is resolved once
at load and the socket binds only if it names an address of this machine, so Asterisk rejects
`bind=pbx.example.com` on any other (real Asterisk 22: "Error parsing bind"; `localhost` is
accepted). `server_uri`, `client_uri`, `contact` and `outbound_proxy` must be URIs pjsip's parser
accepts (pjsip/src/pjsip/sip_parser.c int_parse_uri_host_port: a host of letters, digits, `-`,
`.`, `_`, `~` and a few more, or an IP in brackets): `#`, blanks or non-ASCII letters in the host
make Asterisk reject the registration ("Invalid server URI") or the aor.

## When it does not apply
A placeholder (`bind=x.x.x.x`, `server_uri=sip:${HOST}`, `local_net=<internal subnet>`) is
reported once, by `placeholder-value`, which says the object is rejected. A host name in an
identify `match` is `identify-match-hostname`'s (it may resolve). An external address that
cannot resolve is `nat-missing-external-address`'s (Asterisk does not reject the transport).

Several refused lines of one option in one object (`match=ip#1`, `match=ip#2`) are one finding
at the first, where Asterisk stops reading the object (config_options.c `aco_process_var`), with
a label at each other line.
"#,
    fix: None,
};

impl Rule for InvalidValue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let wanted = |kind: &ProblemKind| {
            matches!(
                kind,
                ProblemKind::InvalidValue { .. }
                    | ProblemKind::ReadAsFalse
                    | ProblemKind::Conflict { .. }
            )
        };
        let mut found: Vec<Diagnostic> = Vec::new();
        let mut same_option: rustc_hash::FxHashMap<(crate::model::ObjectId, String), usize> =
            Default::default();
        for group in problem_groups(cx, wanted) {
            // A placeholder (`bind=x.x.x.x`, `server_uri=sip:${HOST}`) is placeholder-value's:
            // one value, one finding.
            if group.var(config).is_some_and(|var| {
                super::placeholder_value::placeholder(config.key(var), config.value(var)).is_some()
            }) {
                continue;
            }
            let key = group
                .var(config)
                .map(|var| config.key(var))
                .unwrap_or_default();
            let objects = group.objects_phrase(config);
            let diagnostic = match &group.first.kind {
                ProblemKind::InvalidValue { reason } => report_group(
                    &META,
                    config,
                    &group,
                    format!("Asterisk rejects {objects}: bad value for `{key}`: {reason}"),
                ),
                ProblemKind::Conflict { reason } => report_group(
                    &META,
                    config,
                    &group,
                    format!("Asterisk rejects {objects}: {reason}"),
                ),
                _ => {
                    let mut diagnostic = report_group(
                        &META,
                        config,
                        &group,
                        format!(
                            "`{key}` of {objects} is not a yes/no word: Asterisk silently reads \
                             it as \"no\""
                        ),
                    )
                    .help("write `yes` or `no`");
                    diagnostic.severity = Severity::Warning;
                    diagnostic
                }
            };
            // Several bad lines of one option in one object (`match=ip#1`, `match=ip#2`): one
            // finding at the first, which is where Asterisk stops, with a label at the others.
            if let (ProblemKind::InvalidValue { .. }, [_]) =
                (&group.first.kind, group.objects.as_slice())
            {
                let at = (group.first.object, key.to_ascii_lowercase());
                if let Some(&index) = same_option.get(&at) {
                    found[index].secondary.push(crate::diagnostic::Label {
                        span: diagnostic.primary.span,
                        message: format!("`{key}` refused here too").into(),
                    });
                    continue;
                }
                same_option.insert(at, found.len());
            }
            found.push(diagnostic);
        }
        out.extend(found);
    }
}
