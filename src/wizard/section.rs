//! A `type=wizard` section of pjsip_wizard.conf, read the way res_pjsip_config_wizard.c reads it.

use crate::model::{Config, RootKind, Section, SectionId, Var};
use crate::source::Span;

/// The prefixes whose lines go to one object (`get_object_variables`), with that object's type.
pub const PREFIXES: &[(&str, &str)] = &[
    ("endpoint/", "endpoint"),
    ("aor/", "aor"),
    ("inbound_auth/", "auth"),
    ("outbound_auth/", "auth"),
    ("identify/", "identify"),
    ("registration/", "registration"),
    ("phoneprov/", "phoneprov"),
];

/// The wizard's own keys: each `handle_*` function reads them with
/// `ast_variable_find_last_in_list` (names compared without case).
pub const WIZARD_KEYS: &[&str] = &[
    "type",
    "transport",
    "remote_hosts",
    "outbound_proxy",
    "sends_auth",
    "accepts_auth",
    "sends_registrations",
    "accepts_registrations",
    "sends_line_with_registrations",
    "server_uri_pattern",
    "client_uri_pattern",
    "contact_pattern",
    "has_hint",
    "hint_context",
    "hint_exten",
    "hint_application",
    "has_phoneprov",
];

/// The whole keys the wizard reads the last line of, in any case, besides [`WIZARD_KEYS`]:
/// `handle_registrations` reads `outbound_auth/username` that way, `handle_phoneprov`
/// `phoneprov/MAC`.
const OTHER_NAMED: &[&str] = &["outbound_auth/username", "phoneprov/MAC"];

/// The prefixed lines whose last value the wizard reads (the prefix in its case, the name in
/// any case): what decides whether it makes an object, and what it fills in.
const PREFIXED_NAMES: &[(&str, &str)] = &[
    ("aor/", "contact"),
    ("aor/", "max_contacts"),
    ("identify/", "match"),
    ("inbound_auth/", "username"),
    ("outbound_auth/", "username"),
    ("inbound_auth/", "auth_type"),
    ("outbound_auth/", "auth_type"),
];

/// How many lines a wizard finds by name in one pass ([`Wizard::last`]).
const LOOKUPS: usize = WIZARD_KEYS.len() + OTHER_NAMED.len() + PREFIXED_NAMES.len();

/// The first of the bits of a key's [`KeyClasses`] mask (after one bit per lookup) that say the
/// key begins with the prefix of that index in [`PREFIXES`] and is longer than it.
const PREFIX_BITS: usize = LOOKUPS;

/// Bit of a key's mask: the key holds `type` (`does_category_match` compiles `type` as an
/// unanchored regex over every key).
const TYPE_BIT: u64 = 1 << (PREFIX_BITS + PREFIXES.len());

const _: () = assert!(PREFIX_BITS + PREFIXES.len() < 64);

/// What the wizard reads each option name as ([`crate::model::KeyId`] -> a mask of the lookups
/// it answers, the prefix it has, whether it holds `type`), worked out once per name rather than
/// once per line of every wizard.
#[derive(Debug, Default)]
pub struct KeyClasses {
    masks: Vec<u64>,
}

impl KeyClasses {
    /// The classes of every name known to `config` (the names read later are worked out when
    /// asked: [`KeyClasses::of`]).
    pub fn new(config: &Config) -> KeyClasses {
        KeyClasses {
            masks: config.key_names().map(classify).collect(),
        }
    }

    fn of(&self, config: &Config, var: &Var) -> u64 {
        match self.masks.get(var.key.0 as usize) {
            Some(&mask) => mask,
            None => classify(config.key(var)),
        }
    }
}

/// The [`KeyClasses`] mask of an option name.
fn classify(key: &str) -> u64 {
    let mut mask = 0;
    let named = WIZARD_KEYS.iter().chain(OTHER_NAMED);
    for (index, name) in named.enumerate() {
        if key.eq_ignore_ascii_case(name) {
            mask |= 1 << index;
        }
    }
    let first_prefixed = WIZARD_KEYS.len() + OTHER_NAMED.len();
    for (index, (prefix, name)) in PREFIXED_NAMES.iter().enumerate() {
        if key.len() > prefix.len()
            && key.starts_with(prefix)
            && key[prefix.len()..].eq_ignore_ascii_case(name)
        {
            mask |= 1 << (first_prefixed + index);
        }
    }
    for (index, (prefix, _)) in PREFIXES.iter().enumerate() {
        if key.len() > prefix.len() && key.starts_with(prefix) {
            mask |= 1 << (PREFIX_BITS + index);
        }
    }
    if key.contains("type") {
        mask |= TYPE_BIT;
    }
    mask
}

/// Where `key` is among the lines a wizard finds in one pass, if it is one.
fn named_lookup(key: &str) -> Option<usize> {
    WIZARD_KEYS
        .iter()
        .chain(OTHER_NAMED)
        .position(|name| *name == key)
}

/// Where the last line of `name` behind `prefix` is among the lines a wizard finds in one pass,
/// if it is one.
fn prefixed_lookup(prefix: &str, name: &str) -> Option<usize> {
    PREFIXED_NAMES
        .iter()
        .position(|pair| *pair == (prefix, name))
        .map(|index| WIZARD_KEYS.len() + OTHER_NAMED.len() + index)
}

/// One wizard section: the sections `ast_category_browse_filtered(cfg, NULL, category,
/// "type=^wizard$")` returns (templates are skipped, the value must be exactly `wizard`).
#[derive(Clone, Copy)]
pub struct Wizard<'c> {
    pub config: &'c Config,
    pub section_id: SectionId,
    pub section: &'c Section,
    /// The last line of each lookup (see [`LOOKUPS`]): the wizard asks for the same few keys
    /// many times, and each question would otherwise walk all its lines.
    last: [Option<&'c Var>; LOOKUPS],
}

/// Every wizard section of the configuration's pjsip_wizard.conf, in load order.
pub fn wizards(config: &Config) -> impl Iterator<Item = Wizard<'_>> {
    config
        .root(RootKind::Wizard)
        .into_iter()
        .flat_map(|root| root.section_ids())
        .filter_map(move |id| {
            let section = config.section(id);
            if section.template || section.dropped {
                return None;
            }
            let (wizard, is_wizard) = Wizard::read(config, id);
            is_wizard.then_some(wizard)
        })
}

impl<'c> Wizard<'c> {
    /// The section `id` read as a wizard, and whether the wizard expands it
    /// ([`is_wizard_section`]), in one pass over its lines.
    pub(super) fn read(config: &'c Config, id: SectionId) -> (Wizard<'c>, bool) {
        let section = config.section(id);
        let mut last = [None; LOOKUPS];
        let mut is_wizard = false;
        for run in config.vars(section).runs() {
            for var in run {
                let mut mask = config.wizard_keys.of(config, var);
                if mask & TYPE_BIT != 0 && config.value(var) == "wizard" {
                    is_wizard = true;
                }
                mask &= (1 << LOOKUPS) - 1;
                while mask != 0 {
                    last[mask.trailing_zeros() as usize] = Some(var);
                    mask &= mask - 1;
                }
            }
        }
        let wizard = Wizard {
            config,
            section_id: id,
            section,
            last,
        };
        (wizard, is_wizard)
    }

    /// The wizard's id: its section's name.
    pub fn id(&self) -> &'c str {
        self.config.section_name(self.section)
    }

    /// The section's lines, inherited ones first.
    pub fn vars(&self) -> impl Iterator<Item = &'c Var> {
        self.config.vars(self.section).iter()
    }

    /// The last line of `key` (any case): `ast_variable_find_last_in_list`.
    pub fn last(&self, key: &str) -> Option<&'c Var> {
        match named_lookup(key) {
            Some(index) => self.last[index],
            None => self
                .vars()
                .filter(|var| self.config.key(var).eq_ignore_ascii_case(key))
                .last(),
        }
    }

    /// The value of the last line of `key`.
    pub fn value(&self, key: &str) -> Option<&'c str> {
        self.last(key).map(|var| self.config.value(var))
    }

    /// `is_variable_true`: `ast_true` of the last value.
    pub fn is_true(&self, key: &str) -> bool {
        self.value(key).is_some_and(ast_true)
    }

    /// The lines `get_object_variables` passes to the object of `prefix`: names beginning with
    /// the prefix exactly (case-sensitive, `ast_begins_with`) and longer than it.
    pub fn prefixed<'p>(&self, prefix: &'p str) -> impl Iterator<Item = &'c Var> + 'p
    where
        'c: 'p,
    {
        let config = self.config;
        let bit = PREFIXES
            .iter()
            .position(|(known, _)| *known == prefix)
            .map(|index| 1 << (PREFIX_BITS + index));
        self.vars().filter(move |var| match bit {
            Some(bit) => config.wizard_keys.of(config, var) & bit != 0,
            None => {
                let key = config.key(var);
                key.len() > prefix.len() && key.starts_with(prefix)
            }
        })
    }

    /// The username `handle_registrations` fills in for `${USERNAME}` when sending auth: the
    /// last line named `outbound_auth/username` in any case (`ast_variable_find_last_in_list`
    /// on the wizard's lines, not the auth's own prefixed lines).
    pub fn registration_username(&self) -> Option<&'c str> {
        self.value("outbound_auth/username")
    }

    /// Whether the wizard passes `var` (one of its lines) to one of its objects: its key begins
    /// with one of [`PREFIXES`], in that case, and is longer.
    pub fn passes_on(&self, var: &Var) -> bool {
        let prefixes = ((1 << PREFIXES.len()) - 1) << PREFIX_BITS;
        self.config.wizard_keys.of(self.config, var) & prefixes != 0
    }

    /// The last value of `name` among the lines of `prefix` (the prefix stripped).
    pub fn prefixed_value(&self, prefix: &str, name: &str) -> Option<&'c str> {
        let config = self.config;
        let var = match prefixed_lookup(prefix, name) {
            Some(index) => self.last[index],
            None => self
                .prefixed(prefix)
                .filter(|var| config.key(var)[prefix.len()..].eq_ignore_ascii_case(name))
                .last(),
        };
        var.map(|var| config.value(var))
    }

    /// The hosts of the last `remote_hosts` (split at commas, each trimmed: `ast_strsep` with
    /// `AST_STRSEP_TRIM`), each with the bytes it was written at when they can be told (else the
    /// whole line).
    pub fn remote_hosts(&self) -> Vec<(String, Span)> {
        let Some(var) = self.last("remote_hosts") else {
            return Vec::new();
        };
        let config = self.config;
        let value = config.value(var);
        if value.is_empty() {
            return Vec::new();
        }
        let value_span = config.value_span(var);
        let raw = config
            .file(value_span.file)
            .bytes
            .str(value_span.range())
            .filter(|raw| *raw == value && !var.is_appended());
        strsep_trimmed(value, b',')
            .into_iter()
            .map(|range| {
                let span = match raw {
                    Some(_) => Span::new(
                        value_span.file,
                        value_span.start + range.start as u32..value_span.start + range.end as u32,
                    ),
                    None => config.var_span(var),
                };
                (value[range].to_owned(), span)
            })
            .collect()
    }

    /// Whether the wizard has a line for the endpoint's `option` that it ignores: the option
    /// without a prefix, or behind a prefix in another case (`Endpoint/context`).
    pub fn has_ignored(&self, option: &str) -> bool {
        self.vars().any(|var| {
            let key = self.config.key(var);
            let (prefix, name) = key.rsplit_once('/').unwrap_or(("", key));
            name.eq_ignore_ascii_case(option)
                && !key.starts_with("endpoint/")
                && (prefix.is_empty() || prefix.eq_ignore_ascii_case("endpoint"))
        })
    }

    /// The span of the section's name in its header.
    pub fn header(&self) -> Span {
        self.section.name_span
    }
}

/// Whether the wizard expands `section`: main/config.c `does_category_match` with the filter
/// `type=^wizard$` compiles `type` as an unanchored, case-sensitive regex over every line's
/// name (inherited lines too), and any one line whose value is exactly `wizard` is enough.
pub fn is_wizard_section(config: &Config, section: &Section) -> bool {
    config.vars(section).iter().any(|var| {
        config.wizard_keys.of(config, var) & TYPE_BIT != 0 && config.value(var) == "wizard"
    })
}

/// The items `ast_strsep(.., sep, AST_STRSEP_TRIM)` returns one by one (main/utils.c), as byte
/// ranges of `value`: a separator inside quotes (`'` and `"`, nested up to 7 deep) or after a
/// backslash does not split; each item is trimmed of blanks; an empty rest ends the list (so
/// `a,` is one item, `a,,b` three); more than 7 open quotes ends it too.
pub fn strsep_trimmed(value: &str, sep: u8) -> Vec<std::ops::Range<usize>> {
    let bytes = value.as_bytes();
    let mut items = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut quotes: Vec<u8> = Vec::new();
        let mut at = start;
        let mut end = None;
        while at < bytes.len() {
            if bytes[at] == b'\\' {
                at += 2;
                if at >= bytes.len() {
                    break;
                }
            }
            let c = bytes[at];
            if c == b'\'' || c == b'"' {
                if quotes.last() == Some(&c) {
                    quotes.pop();
                } else if quotes.len() >= 7 {
                    return items;
                } else {
                    quotes.push(c);
                }
            }
            if c == sep && quotes.is_empty() {
                end = Some(at);
                break;
            }
            at += 1;
        }
        let stop = end.unwrap_or(bytes.len());
        let item = &value[start..stop];
        let lead = item.len() - item.trim_start_matches(is_space).len();
        let trimmed = item.trim_matches(is_space);
        items.push(start + lead..start + lead + trimmed.len());
        match end {
            Some(at) => start = at + 1,
            None => break,
        }
    }
    items
}

/// `isspace` in the C locale, as `ast_strip` uses it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Asterisk's `ast_true`: yes, true, y, t, 1, on (any case).
pub fn ast_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|word| value.eq_ignore_ascii_case(word))
}

/// The option a key names, trimmed: `callerid` for a wizard's `endpoint/callerid` (the wizard
/// passes a line of any `type/` prefix on to that object without it), any other key as it is.
pub fn option_of_key(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key).trim()
}

/// The keys whose `${REMOTE_HOST}` and `${USERNAME}` the wizard fills in
/// (`handle_aor`, `handle_registrations`).
pub fn is_uri_pattern(key: &str) -> bool {
    [
        "server_uri_pattern",
        "client_uri_pattern",
        "contact_pattern",
    ]
    .iter()
    .any(|pattern| key.eq_ignore_ascii_case(pattern))
}

/// A pattern without what the wizard expands: every `${...}` (variables, functions, substrings;
/// braces nested) and `$[...]` expression (`ast_str_substitute_variables_full2`).
pub fn without_pattern_variables(value: &str) -> String {
    pattern_pieces(value)
        .into_iter()
        .filter_map(|piece| match piece {
            PatternPiece::Text(text) => Some(text),
            _ => None,
        })
        .collect()
}

/// A URI pattern cut where `ast_str_substitute_variables_full2` expands it.
pub(super) enum PatternPiece<'a> {
    Text(&'a str),
    /// The inside of `${...}`.
    Variable(&'a str),
    /// A `$[...]` expression.
    Expression,
    /// From a `${` or `$[` that is never closed to the end.
    Unclosed(&'a str),
}

pub(super) fn pattern_pieces(pattern: &str) -> Vec<PatternPiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        let (open, close) = match after.chars().next() {
            Some('{') => ('{', '}'),
            Some('[') => ('[', ']'),
            _ => {
                pieces.push(PatternPiece::Text(&rest[..start + 1]));
                rest = after;
                continue;
            }
        };
        pieces.push(PatternPiece::Text(&rest[..start]));
        let Some(end) = closing(after, open, close) else {
            pieces.push(PatternPiece::Unclosed(&rest[start..]));
            return pieces;
        };
        pieces.push(match open {
            '{' => PatternPiece::Variable(&after[1..end]),
            _ => PatternPiece::Expression,
        });
        rest = &after[end + 1..];
    }
    pieces.push(PatternPiece::Text(rest));
    pieces
}

/// The byte index of the bracket closing the one `text` starts with, nesting counted.
fn closing(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (index, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(index);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::strsep_trimmed;

    fn items(value: &str) -> Vec<&str> {
        strsep_trimmed(value, b',')
            .into_iter()
            .map(|range| &value[range])
            .collect()
    }

    #[test]
    fn remote_hosts_split_as_ast_strsep_does() {
        assert_eq!(items("a, b:5060 ,c"), ["a", "b:5060", "c"]);
        assert_eq!(items("a,"), ["a"]);
        assert_eq!(items("a,,b"), ["a", "", "b"]);
        assert_eq!(items("a, "), ["a", ""]);
        assert_eq!(items("\"x,y\", z"), ["\"x,y\"", "z"]);
        assert_eq!(items("p\\,q,r"), ["p\\,q", "r"]);
        assert_eq!(items("trailing\\"), ["trailing\\"]);
        assert!(items("").is_empty());
    }
}
