use super::{files, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::source::Span;
use crate::syntax::{LineKind, LineTag};

pub struct UnescapedSemicolon;

static META: RuleMeta = RuleMeta {
    name: "unescaped-semicolon",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A URI parameter such as ;lr cut off as a comment: write \\;",
    doc: r#"# unescaped-semicolon

## What
A `;` glued to the value of a URI option (`outbound_proxy`, `server_uri`, `client_uri`,
`contact`, `from_uri`, `to_uri`) and followed by a URI parameter: `;lr`, `;transport=`,
`;user=`, `;maddr=`, `;hide`, `;ttl=`, `;method=`, `;ob`. A comment set off by a blank
(`sip:proxy.example.com ; our proxy`) is not this mistake.

## Why
`;` starts a comment in Asterisk configs, so `outbound_proxy=sip:proxy.example.com;lr` sets
`sip:proxy.example.com` and drops `;lr` without a word (observed on Asterisk 22: the value is
cut). Without `;lr` the proxy is used as a strict router: requests are rewritten and many
proxies reject them; without `;transport=tcp` the request goes over UDP. Registration or calls
then fail with "No response" or 4xx from the proxy.

## Example
```ini
[provider]
type=registration
outbound_proxy=sip:proxy.example.com;lr
```

## Fix
Escape the semicolon: `outbound_proxy=sip:proxy.example.com\;lr`. pjsiplint's fix inserts the
backslash. It is an unsafe fix: the parameter then takes effect (`;transport=tcp` moves the
traffic to TCP), which changes what the running configuration does.
"#,
    fix: Some(Applicability::Unsafe),
};

const URI_OPTIONS: &[&str] = &[
    "outbound_proxy",
    "server_uri",
    "client_uri",
    "contact",
    "from_uri",
    "to_uri",
];

/// URI parameters people write after a `;` (RFC 3261 and common extensions).
const PARAMETERS: &[&str] = &[
    "lr",
    "transport=",
    "user=",
    "maddr=",
    "ttl=",
    "method=",
    "hide",
    "ob",
    "line=",
    "gr",
];

fn starts_with_parameter(comment: &[u8]) -> bool {
    let text = String::from_utf8_lossy(comment).to_ascii_lowercase();
    PARAMETERS.iter().any(|parameter| {
        text.strip_prefix(parameter).is_some_and(|rest| {
            parameter.ends_with('=')
                || rest.is_empty()
                || rest.starts_with([';', ' ', '\t', '\r', '>', '?'])
        })
    })
}

impl Rule for UnescapedSemicolon {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file_id, file) in files(cx.config) {
            for (_, line) in file.syntax.lines_where(|tag| tag == LineTag::Assignment) {
                let (LineKind::Assignment(assignment), Some(at)) =
                    (&line.kind, line.comment_start())
                else {
                    continue;
                };
                let key = file.text(&assignment.key).to_ascii_lowercase();
                if !URI_OPTIONS.contains(&key.as_str()) || assignment.value.is_empty() {
                    continue;
                }
                let glued = at > 0 && file.bytes[at as usize - 1] > b' ';
                let comment = &file.bytes[at as usize + 1..line.end as usize];
                if !glued || !starts_with_parameter(comment) {
                    continue;
                }
                let parameter_len = comment
                    .iter()
                    .position(|&b| matches!(b, b';' | b' ' | b'\t' | b'\r'))
                    .unwrap_or(comment.len());
                let parameter = String::from_utf8_lossy(&comment[..parameter_len]).into_owned();
                let mut diagnostic = META
                    .report(
                        Span::new(file_id, at..at + 1 + parameter_len as u32),
                        format!(
                            "`;{parameter}` is read as a comment: `{}` is set to `{}` without it",
                            file.text(&assignment.key),
                            file.text(&assignment.value)
                        ),
                    )
                    .label("starts a comment");
                // Once escaped, a `;--` or `--;` later on the line would start or end a block
                // comment: no automatic fix then.
                let has_block_marker = comment.windows(3).any(|w| w == b";--" || w == b"--;");
                if !has_block_marker {
                    diagnostic = diagnostic.fix(Fix {
                        title: format!("escape it: `\\;{parameter}`"),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit::insert(file_id, at, "\\")],
                    });
                }
                out.push(diagnostic);
            }
        }
    }
}
