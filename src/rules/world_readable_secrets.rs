use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::secrets::is_secret_key;
use crate::source::{SourceFile, Span};
use crate::syntax::LineKind;

pub struct WorldReadableSecrets;

static META: RuleMeta = RuleMeta {
    name: "world-readable-secrets",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A file holding passwords that other users may read, or group/others may write",
    doc: r#"# world-readable-secrets

## What
A file pjsiplint read (the root file and every included one; not stdin) that holds a secret
(`password`, `md5_cred`, `password_digest`, `oauth_secret`, `refresh_token`, or a pasted
`secret`) in a line Asterisk reads, and whose permission bits let every user of the machine
read it (`o+r`), or let the group or everyone write it (`g+w`, `o+w`). Group read is fine:
that is how the `asterisk` group reads its files. Checked on Unix only.

## Why
Asterisk reads pjsip.conf as its own user and needs nothing more. A file that is readable by
every account on the machine hands every SIP password to any local user, web application or
compromised service (a PHP admin panel running as `www-data` is the classic): with them an
attacker registers as a phone and calls at the owner's expense, from anywhere. A file others
may *write* is worse: anyone can add an endpoint with no `auth=` and wait for the next reload.
Nothing in Asterisk warns about either.

The check runs only where the modes mean something: on the PBX itself, that is when the linted
file is under /etc/asterisk or the `check-files` setting (`--check-files yes`) is on. A
repository checkout or a CI copy has the modes git gave it (0644), not those of the PBX.

## Example
```sh
$ ls -l /etc/asterisk/pjsip.conf
-rw-r--r-- 1 asterisk asterisk 4210 Mar  3 10:12 /etc/asterisk/pjsip.conf
```

## When it does not apply
Off the PBX (a checkout, CI) unless `check-files` is on; files without secrets; group read.
How weak the passwords are is `weak-password`'s.

## Fix
```sh
chown asterisk:asterisk /etc/asterisk/pjsip*.conf
chmod 640 /etc/asterisk/pjsip*.conf
```
"#,
    fix: None,
};

/// The first line of the file Asterisk reads that assigns a non-empty secret, by its key span.
fn first_secret(file: &SourceFile, file_index: u32) -> Option<(Span, String)> {
    file.syntax.lines().find_map(|line| match line.kind {
        LineKind::Assignment(assignment)
            if is_secret_key(file.text(&assignment.key))
                && !file.text(&assignment.value).trim().is_empty() =>
        {
            Some((
                Span::new(
                    crate::source::FileId(file_index),
                    assignment.key.span.clone(),
                ),
                file.text(&assignment.key).to_ascii_lowercase(),
            ))
        }
        _ => None,
    })
}

/// What is wrong with a file's permission bits, if anything. The words do not depend on the
/// exact mode, so that `0644` and `0664` (a umask of 022 or 002) read the same.
fn permission_problem(mode: u32) -> Option<&'static str> {
    if mode & 0o004 != 0 {
        Some("its permissions let every user of the machine read it")
    } else if mode & 0o022 != 0 {
        Some("its permissions let users other than its owner change it")
    } else {
        None
    }
}

impl Rule for WorldReadableSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // A checkout (git keeps only 0644/0755) says nothing about the modes on the PBX.
        if !cx.check_files {
            return;
        }
        for (index, file) in cx.config.written_files() {
            if file.path.as_os_str() == "-" {
                continue;
            }
            let Some((span, key)) = first_secret(file, index as u32) else {
                continue;
            };
            // The mode of the file Asterisk would open (symbolic links followed).
            let Some(mode) = permission_bits(&file.path) else {
                continue;
            };
            let Some(problem) = permission_problem(mode) else {
                continue;
            };
            out.push(
                META.report(
                    span,
                    format!("{} holds `{key}` values, but {problem}", file.name),
                )
                // No exact mode in the text: a checkout made with umask 022 or 002 reads the same.
                .label("secrets here")
                .help(format!(
                    "chmod 640 {} and chown it to the user Asterisk runs as",
                    file.path.display()
                )),
            );
        }
    }
}

/// The permission bits of the file at `path` (symbolic links followed); `None` where it cannot be
/// read or the platform has none (the WebAssembly playground).
#[cfg(unix)]
fn permission_bits(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::metadata(path).ok()?.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn permission_bits(_path: &std::path::Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::permission_problem;

    #[test]
    fn modes() {
        assert!(permission_problem(0o600).is_none());
        assert!(permission_problem(0o640).is_none());
        assert!(permission_problem(0o644).is_some());
        assert!(permission_problem(0o660).is_some());
        assert!(permission_problem(0o602).is_some());
    }
}
