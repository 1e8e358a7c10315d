use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::ProblemKind;

pub struct MissingFile;

static META: RuleMeta = RuleMeta {
    name: "missing-file",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "A certificate or key file option naming a file that is not there",
    doc: r#"# missing-file

## What
`cert_file`, `priv_key_file`, `ca_list_file`, `ca_list_path` (transports) or `dtls_cert_file`,
`dtls_private_key`, `dtls_ca_file`, `dtls_ca_path` (endpoints) naming a file that does not
exist or cannot be read. Relative names are looked up in the config directory.

## Why
Asterisk opens these files when it loads the object: "Transport: tls: cert_file
/etc/asterisk/keys/asterisk.pem is either missing or not readable", "dtlscertfile file ... does
not exist or is not readable", and **the object is rejected**: no TLS transport, or a WebRTC
endpoint that does not exist.

This check is only meaningful on the PBX itself, so it runs when the linted file is under
/etc/asterisk (or when the `check-files` setting says so); elsewhere `--effective` says which
objects depend on such files.

## Example
```ini
[transport-tls]
type=transport
protocol=tls
bind=0.0.0.0:5061
cert_file=/etc/asterisk/keys/asterisk.pem
```

## Fix
Create the certificate (or correct the path) and make it readable by the user Asterisk runs as.

## When it does not apply
Away from the PBX (a file not under /etc/asterisk, unless `check-files` is set), since the files
are not there to look at. Only existence and readability are checked: a certificate that is
there but expired, or does not match its key, is not found here.
"#,
    fix: None,
};

impl Rule for MissingFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let wanted = |kind: &ProblemKind| matches!(kind, ProblemKind::MissingFile { .. });
        for group in problem_groups(cx, wanted) {
            let ProblemKind::MissingFile { path } = &group.first.kind else {
                continue;
            };
            out.push(report_group(
                &META,
                config,
                &group,
                format!(
                    "Asterisk rejects {}: {path} does not exist or is not readable",
                    group.objects_phrase(config)
                ),
            ));
        }
    }
}
