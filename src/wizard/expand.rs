//! Each wizard section's objects, as `wizard_apply_handler` makes them for each object type.

use super::section::{pattern_pieces, wizards, PatternPiece, Wizard};
use super::{Expansion, Source, AT_HEADER};
use crate::model::{Config, Root, Var};
use crate::source::Span;

/// The objects every wizard section of `root` (a pjsip_wizard.conf read into `config`) makes, as
/// pjsip.conf text, and where each of its lines came from.
pub fn expand(config: &Config, root: &Root) -> (String, Expansion) {
    let wizard_bytes = root
        .files
        .clone()
        .map(|file| config.file(crate::source::FileId(file)).bytes.len())
        .sum();
    let mut out = Writer::with_room_for(wizard_bytes);
    for wizard in wizards(config).filter(|w| root.sections.contains(&w.section_id.0)) {
        expand_one(&wizard, &mut out);
    }
    (out.text, out.expansion)
}

fn expand_one(wizard: &Wizard<'_>, out: &mut Writer) {
    let id = wizard.id();
    let header = wizard.header();
    let hosts = wizard.remote_hosts();
    let at_line = |key: &str| wizard.last(key).map(|var| wizard.config.var_span(var));
    let sends_auth = wizard.is_true("sends_auth");
    let accepts_auth = wizard.is_true("accepts_auth");

    // handle_auths: the outbound auth first; when it fails (no username), the inbound one is
    // not made either.
    let outbound_made = auth(wizard, "outbound_auth/", "-oauth", sends_auth, out);
    if outbound_made {
        auth(wizard, "inbound_auth/", "-iauth", accepts_auth, out);
    }

    // handle_aor: always made; one contact per remote host from contact_pattern unless
    // aor/contact is given.
    out.section(wizard, "", "aor");
    out.copy_prefixed(wizard, "aor/");
    copy_wizard_value(wizard, "outbound_proxy", out);
    if wizard.prefixed_value("aor/", "contact").is_none() {
        let pattern = wizard
            .value("contact_pattern")
            .unwrap_or("sip:${REMOTE_HOST}");
        if !pattern.is_empty() {
            for (host, span) in &hosts {
                let (contact, known) = substitute(pattern, &[("REMOTE_HOST", host)]);
                out.substituted("contact", &contact, *span, known);
            }
        }
    }

    // handle_endpoint.
    out.section(wizard, "", "endpoint");
    out.copy_prefixed(wizard, "endpoint/");
    out.made("aors", &[id], header);
    copy_wizard_value(wizard, "outbound_proxy", out);
    copy_wizard_value(wizard, "transport", out);
    if sends_auth {
        let line = at_line("sends_auth").unwrap_or(header);
        out.made("outbound_auth", &[id, "-oauth"], line);
    }
    if accepts_auth {
        let line = at_line("accepts_auth").unwrap_or(header);
        out.made("auth", &[id, "-iauth"], line);
    }

    // handle_identify: none when accepting registrations or sending them with line; an error
    // (no identify) without remote_hosts.
    let no_identify =
        wizard.is_true("accepts_registrations") || wizard.is_true("sends_line_with_registrations");
    if !no_identify && !hosts.is_empty() {
        out.section(wizard, "-identify", "identify");
        out.copy_prefixed(wizard, "identify/");
        out.made("endpoint", &[id], header);
        if wizard.prefixed_value("identify/", "match").is_none() {
            for (host, span) in &hosts {
                let exact = wizard.config.file(span.file).bytes.str(span.range()) == Some(host);
                out.line("match", host, Source::made(*span, exact));
            }
        }
    }

    // handle_registrations: one per remote host; USERNAME is outbound_auth/username when
    // sending auth (none: no registration), else the wizard's id.
    if wizard.is_true("sends_registrations") && !hosts.is_empty() {
        let username = if sends_auth {
            wizard.registration_username()
        } else {
            Some(id)
        };
        if let Some(username) = username {
            registrations(wizard, &hosts, username, out);
        }
    }

    // handle_phoneprov: only with has_phoneprov, and an error without phoneprov/MAC.
    if wizard.is_true("has_phoneprov") && wizard.value("phoneprov/MAC").is_some() {
        out.section(wizard, "-phoneprov", "phoneprov");
        out.copy_prefixed(wizard, "phoneprov/");
        out.made("endpoint", &[id], header);
    }
}

/// `handle_auth` for one direction (the lines of `prefix` make the auth `ID` + `suffix`):
/// whether it went on (false: the username is missing).
fn auth(wizard: &Wizard<'_>, prefix: &str, suffix: &str, wanted: bool, out: &mut Writer) -> bool {
    if !wanted {
        return true;
    }
    if wizard.prefixed_value(prefix, "username").is_none() {
        return false;
    }
    out.section(wizard, suffix, "auth");
    out.copy_prefixed(wizard, prefix);
    if wizard.prefixed_value(prefix, "auth_type").is_none() {
        out.made("auth_type", &["userpass"], wizard.header());
    }
    true
}

fn registrations(wizard: &Wizard<'_>, hosts: &[(String, Span)], username: &str, out: &mut Writer) {
    let id = wizard.id();
    let header = wizard.header();
    let server = wizard
        .value("server_uri_pattern")
        .unwrap_or("sip:${REMOTE_HOST}");
    let client = wizard
        .value("client_uri_pattern")
        .unwrap_or("sip:${USERNAME}@${REMOTE_HOST}");
    let at = |key: &str, host: Span| {
        wizard
            .last(key)
            .map_or(host, |var| wizard.config.var_span(var))
    };
    for (index, (host, span)) in hosts.iter().enumerate() {
        out.section(wizard, &format!("-reg-{index}"), "registration");
        out.copy_prefixed(wizard, "registration/");
        let names = [("REMOTE_HOST", host.as_str()), ("USERNAME", username)];
        if !server.is_empty() {
            let (uri, known) = substitute(server, &names);
            out.substituted("server_uri", &uri, at("server_uri_pattern", *span), known);
        }
        if !client.is_empty() {
            let (uri, known) = substitute(client, &names);
            out.substituted("client_uri", &uri, at("client_uri_pattern", *span), known);
        }
        if wizard.is_true("sends_auth") {
            let line = wizard
                .last("sends_auth")
                .map_or(header, |var| wizard.config.var_span(var));
            out.made("outbound_auth", &[id, "-oauth"], line);
        }
        copy_wizard_value(wizard, "transport", out);
        copy_wizard_value(wizard, "outbound_proxy", out);
        if wizard.is_true("sends_line_with_registrations") {
            let line = wizard
                .last("sends_line_with_registrations")
                .map_or(header, |var| wizard.config.var_span(var));
            out.made("line", &["yes"], line);
            out.made("endpoint", &[id], line);
        }
    }
}

/// A wizard key the object gets under its own name (`transport`, `outbound_proxy`), when set.
fn copy_wizard_value(wizard: &Wizard<'_>, key: &str, out: &mut Writer) {
    if let Some(var) = wizard
        .last(key)
        .filter(|var| !wizard.config.value(var).is_empty())
    {
        out.copy(wizard.config, key, var, 0, false);
    }
}

/// `ast_str_substitute_variables_varshead` with only the given variables: `${NAME}` and the
/// substrings `${NAME:offset}` / `${NAME:offset:length}` become their text. Whether the whole
/// pattern could be read is the second value: a function (`${CUT(REMOTE_HOST,:,1)}`), an
/// expression (`$[...]`) or another name depends on what Asterisk has at load time, so the
/// line is kept (as near as can be told) but no finding is made about its value.
fn substitute(pattern: &str, names: &[(&str, &str)]) -> (String, bool) {
    let mut out = String::with_capacity(pattern.len());
    let mut known = true;
    for piece in pattern_pieces(pattern) {
        match piece {
            PatternPiece::Text(text) | PatternPiece::Unclosed(text) => out.push_str(text),
            PatternPiece::Variable(inner) => match variable(inner, names) {
                Some(text) => out.push_str(&text),
                None => {
                    // Near enough for the lines that follow: the variable it works on.
                    if let Some((_, value)) = names.iter().find(|(name, _)| inner.contains(name)) {
                        out.push_str(value);
                    }
                    known = false;
                }
            },
            PatternPiece::Expression => known = false,
        }
    }
    (out, known)
}

/// `NAME`, `NAME:offset` or `NAME:offset:length` of a known variable (`ast_str_substring`).
fn variable(inner: &str, names: &[(&str, &str)]) -> Option<String> {
    let mut parts = inner.splitn(3, ':');
    let name = parts.next()?;
    let value = names.iter().find(|(known, _)| *known == name)?.1;
    let chars: Vec<char> = value.chars().collect();
    let len = chars.len() as i64;
    let offset = match parts.next() {
        Some(text) => text.trim().parse::<i64>().ok()?,
        None => return Some(value.to_owned()),
    };
    let length = match parts.next() {
        Some(text) => Some(text.trim().parse::<i64>().ok()?),
        None => None,
    };
    let start = if offset < 0 {
        (len + offset).max(0)
    } else {
        offset.min(len)
    };
    let end = match length {
        None => len,
        Some(length) if length >= 0 => (start + length).min(len),
        Some(length) => (len + length).max(start),
    };
    Some(chars[start as usize..end as usize].iter().collect())
}

/// `value` as pjsip.conf text that reads back as it: `;` escaped.
fn push_escaped(text: &mut String, value: &str) {
    if value.contains(';') {
        text.push_str(&value.replace(';', "\\;"));
    } else {
        text.push_str(value);
    }
}

impl Source {
    fn made(at: Span, value_copied: bool) -> Source {
        Source::Made {
            at,
            value_copied,
            unknown: false,
        }
    }
}

/// Builds the text and its line map.
struct Writer {
    text: String,
    expansion: Expansion,
    /// The header of the wizard being written.
    header: Option<Span>,
    /// Sources that lines of many wizards may share (a wizard template's lines, the lines the
    /// wizard makes of them) with their place in `expansion.sources`, in a slot their line
    /// picks. A cache, not a map: the lines of a template recur in every wizard on it, and a
    /// source it misses is only kept twice.
    shared: Vec<Option<(Source, u32)>>,
}

/// Slots of [`Writer::shared`].
const SHARED_SLOTS: usize = 1024;

impl Writer {
    /// A writer with room for what wizard files of `wizard_bytes` usually make: the text of the
    /// objects is 3 to 4 times the wizard lines' (the generated wizard shape: 13 MB made 42 MB
    /// in 2.2M lines). Grown by doubling, the text and its line table touched twice the memory
    /// they kept, and the first touch of memory costs more than anything else done with it
    /// (README, Benchmark); room never written is never touched. A larger expansion (templates
    /// with many lines) grows from there.
    fn with_room_for(wizard_bytes: usize) -> Writer {
        let text_bytes = wizard_bytes.saturating_mul(4);
        let text = String::with_capacity(text_bytes);
        let lines = Vec::with_capacity(text_bytes / 16);
        // A source for each line of a wizard's own (most share their template's): 300k for the
        // 13 MB of the generated wizard shape.
        let sources = Vec::with_capacity(wizard_bytes / 32);
        crate::allocator::prefer_huge_pages(&text);
        crate::allocator::prefer_huge_pages(&lines);
        crate::allocator::prefer_huge_pages(&sources);
        Writer {
            text,
            expansion: Expansion {
                lines,
                sources,
                ..Expansion::default()
            },
            header: None,
            shared: vec![None; SHARED_SLOTS],
        }
    }

    /// The header of the object `ID` + `suffix` of type `kind`, and its type.
    fn section(&mut self, wizard: &Wizard<'_>, suffix: &str, kind: &str) {
        self.header = Some(wizard.header());
        let start = self.text.len() as u32;
        self.expansion.sections.push((start, wizard.section_id));
        self.text.push('[');
        self.text.push_str(wizard.id());
        self.text.push_str(suffix);
        self.text.push_str("]\n");
        self.expansion.lines.push(AT_HEADER);
        self.write("type", &[kind], true, None);
    }

    /// A line the wizard makes itself (its value, these pieces, is no copy of the wizard file's
    /// bytes).
    fn made(&mut self, key: &str, value: &[&str], at: Span) {
        self.write(key, value, true, self.made_source(at, true));
    }

    /// The source of a line the wizard makes, pointing at `at`: none for its wizard's header.
    fn made_source(&self, at: Span, known: bool) -> Option<Source> {
        (Some(at) != self.header || !known).then_some(Source::Made {
            at,
            value_copied: false,
            unknown: !known,
        })
    }

    /// A line the wizard makes of a URI pattern: pjsiplint cannot tell its value unless it is
    /// `known` (see [`substitute`]).
    fn substituted(&mut self, key: &str, value: &str, at: Span, known: bool) {
        self.write(key, &[value], true, self.made_source(at, known));
    }

    /// Every line of `prefix`, the prefix stripped, in order.
    fn copy_prefixed(&mut self, wizard: &Wizard<'_>, prefix: &str) {
        let config = wizard.config;
        for var in wizard.prefixed(prefix) {
            self.copy(
                config,
                &config.key(var)[prefix.len()..],
                var,
                prefix.len(),
                true,
            );
        }
    }

    /// The wizard line `var` under the name `key`: its key copied when `key` is its bytes after
    /// `strip` bytes (`copy_key`), its value as written when one line wrote it (no `+=`).
    fn copy(&mut self, config: &Config, key: &str, var: &Var, strip: usize, copy_key: bool) {
        let assignment = config.assignment(var.origin);
        let raw = if var.is_appended() {
            None
        } else {
            let span = &assignment.value.span;
            config
                .file(var.origin.file)
                .bytes
                .str(span.start as usize..span.end as usize)
        };
        let key_span = &assignment.key.span;
        let source = Source::Copy {
            line: var.origin,
            strip: strip as u8,
            key_copied: copy_key && key_span.end - key_span.start == config.key(var).len() as u32,
            value_copied: raw.is_some(),
            inherited: var.is_inherited(),
        };
        match raw {
            Some(raw) => self.write(key, &[raw], false, Some(source)),
            None => self.write(key, &[config.value(var)], true, Some(source)),
        }
    }

    /// A line of `key` and `value` (`;` escaped).
    fn line(&mut self, key: &str, value: &str, source: Source) {
        self.write(key, &[value], true, Some(source));
    }

    /// A line of `key` and the value written in these pieces, from `source` (none: the line
    /// points at its wizard's header).
    fn write(&mut self, key: &str, value: &[&str], escape: bool, source: Option<Source>) {
        let text = &mut self.text;
        text.push_str(key);
        // Blanks around `=`: a value starting with `>` must not make `=>`.
        text.push_str(" = ");
        for piece in value {
            if escape {
                push_escaped(text, piece);
            } else {
                text.push_str(piece);
            }
        }
        text.push('\n');
        let index = match source {
            Some(source) => self.source_index(source),
            None => AT_HEADER,
        };
        self.expansion.lines.push(index);
    }

    /// Where `source` is in `expansion.sources`, added unless it was just seen. A wizard's own
    /// lines are not looked for: each is passed to one object (or one of each type).
    fn source_index(&mut self, source: Source) -> u32 {
        let slot = match source {
            Source::Copy {
                inherited: false, ..
            } => None,
            Source::Copy { line, .. } => Some(line.line as usize % SHARED_SLOTS),
            Source::Made { at, .. } => Some(at.start as usize % SHARED_SLOTS),
        };
        if let Some(Some((seen, index))) = slot.map(|slot| self.shared[slot]) {
            if seen == source {
                return index;
            }
        }
        let sources = &mut self.expansion.sources;
        sources.push(source);
        let index = sources.len() as u32 - 1;
        if let Some(slot) = slot {
            self.shared[slot] = Some((source, index));
        }
        index
    }
}
