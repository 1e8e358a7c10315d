//! Checking and printing option values the way Asterisk's handlers do.
//!
//! [`check_value`] answers "what does the handler do with this line?" for one value, without
//! looking at the rest of the object (apply-time checks such as "auth needs a username" are
//! the rules' business). It follows these fields of the schema data (upstream
//! `pjsip-options.json`, see `value_kinds` there):
//!
//! | kind / subkind | follows | model |
//! |---|---|---|
//! | `bool` | `accepted_true`, `accepted_false` | `ast_true()`: other words (and empty) silently mean "no" |
//! | `uint` | `range` | `ast_parse_arg(PARSE_UINT32)`: `strtoul` base 0, no `-`, whole string, 32 bits |
//! | `int` | `range` | `ast_parse_arg(PARSE_INT32)`: `strtol` base 0, whole string, 32 bits |
//! | `double` | | `strtod`, whole string |
//! | `enum` | `values`, `case_sensitive`, `also_accepted`, `invalid_ignored` | one word of the list |
//! | `codec_list` | `codec_names`, `codec_op` | `ast_format_cap_update_by_allow_disallow()` |
//! | `char_array` | `nonempty_required`, `max_length` | empty is an error when required; long values are cut |
//! | `string`, `type` | | anything |
//! | custom `acl_rules` | `handler` | `ast_append_ha()` items `[!]IP[/mask]` |
//! | custom `named_acl_list` | | no name twice (`ast_append_acl()`) |
//! | custom `ip_or_host_list` | | identify `match`: IP, IP/mask, IP:port, or a host name (needs DNS: unchecked) |
//! | custom `ip_port` | | transport `bind`: `pj_sockaddr_parse()` |
//! | custom `tos` | | `ast_str2tos()`: a number or a DSCP name |
//! | custom `uint` | | `sscanf("%u")` (dtls_rekey) |
//! | custom `hex_digest`, `digest_spec_list` | | digest lengths per algorithm (auth md5_cred, password_digest) |
//! | custom `algorithm_list`, `enum_list` | `values` | comma-separated words of the list |
//! | custom `sip_uri_list` | | aor `contact`: `ast_sip_validate_uri_length()` |
//! | custom `var_assignment` | | set_var `NAME=VALUE` |
//! | custom `codec_prefs` | | `ast_stream_codec_prefs_parse()` |
//! | custom `bool_or_host` | | global `debug` must not be empty |
//! | handler `from_user_handler` | | SIP user-part characters |
//! | handler `named_groups_handler` | | not only commas and blanks |
//! | custom `group_list`, `callerid`, `ip_or_hostname`, `obsolete`, `string`, `name_list`, `security_mechanism_list` | | never an error |
//! | anything else (paths, ciphers, regexes, internal fields) | | [`ValueCheck::Unchecked`] |
//!
//! The syntax of custom kinds comes from the upstream `syntax`/`notes` prose and Asterisk's
//! sources at the schema's commit; where a case depends on the build, the machine (files,
//! DNS) or behaviour we could not pin down, the answer is `Unchecked`: a false alarm is
//! worse than a miss.
//!
//! [`show_value`] predicts how `pjsip show <type> <id>` prints a written value.

use super::addr::{self, Problem};
use super::{schema, OptionSpec, SchemaStr, ValueKind};

/// What Asterisk's handler does with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueCheck {
    /// Accepted as written.
    Ok,
    /// A bool word not in Asterisk's list: silently read as "no".
    ReadAsFalse,
    /// The handler fails: "Error parsing ..." and the object is not created.
    Rejected {
        /// Why, in words; never contains the value of a secret option.
        reason: String,
    },
    /// A handler (or a case of one) we do not model.
    Unchecked,
}

fn rejected(reason: impl Into<String>) -> ValueCheck {
    ValueCheck::Rejected {
        reason: reason.into(),
    }
}

/// The value as a reason may quote it: `'value'`, or `the value` for secret options.
fn quoted(opt: &OptionSpec, value: &str) -> String {
    if opt.is_secret() {
        "the value".to_string()
    } else {
        format!("'{value}'")
    }
}

/// What Asterisk's handler does with `value` for `opt` (see the module documentation).
pub fn check_value(opt: &OptionSpec, value: &str) -> ValueCheck {
    match opt.kind {
        ValueKind::String | ValueKind::Type => ValueCheck::Ok,
        ValueKind::Bool => check_bool(opt, value),
        ValueKind::Uint => match parse_uint(value, opt.range) {
            Ok(_) => ValueCheck::Ok,
            Err(why) => rejected(format!("{} {why}", quoted(opt, value))),
        },
        ValueKind::Int => match parse_int(value, opt.range) {
            Ok(_) => ValueCheck::Ok,
            Err(why) => rejected(format!("{} {why}", quoted(opt, value))),
        },
        ValueKind::Double => check_double(opt, value),
        ValueKind::CharArray => {
            if opt.nonempty_required && value.is_empty() {
                rejected(format!("{} must not be empty", opt.name))
            } else {
                ValueCheck::Ok
            }
        }
        ValueKind::Enum => check_enum(opt, value),
        ValueKind::CodecList => check_codecs(value, opt.codec_op.as_deref() != Some("disallow")),
        ValueKind::Custom => check_custom(opt, value),
    }
}

/// The stored value of a `char_array` option when Asterisk cuts it (`ast_copy_string` into a
/// `max_length` buffer); `None` when it fits or the option is not a char array.
pub fn truncated_value<'a>(opt: &OptionSpec, value: &'a str) -> Option<&'a str> {
    let max = usize::try_from(opt.max_length?).ok()?.checked_sub(1)?;
    if opt.kind != ValueKind::CharArray || value.len() <= max {
        return None;
    }
    let mut end = max;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    Some(&value[..end])
}

/// Why a value that [`check_value`] accepts nevertheless has no effect: an enum word the
/// handler does not know but ignores (`invalid_ignored`, e.g. `dtls_setup`), or call/pickup
/// group pieces that are skipped. `None` when the whole value takes effect (or we cannot say).
pub fn silently_ignored(opt: &OptionSpec, value: &str) -> Option<String> {
    if opt.kind == ValueKind::Enum
        && opt.invalid_ignored
        && !value.is_empty()
        && enum_word(opt, value).is_none()
    {
        return Some(format!(
            "{} is not one of: {}; Asterisk ignores it without a word",
            quoted(opt, value),
            opt.values.join(", ")
        ));
    }
    if opt.subkind.as_deref() == Some("group_list") {
        // ast_get_group(): "N" or "N-M" pieces, groups 0..63; others are skipped.
        for piece in value.split(',') {
            let ok = match piece
                .split_once('-')
                .map(|(a, b)| (addr::sscanf_int(a), addr::sscanf_int(b)))
            {
                Some((Some(a), Some(b))) => (0..=63).contains(&a) && (0..=63).contains(&b),
                _ => match addr::sscanf_int(piece) {
                    Some(n) => (0..=63).contains(&n),
                    None => piece.trim().is_empty(),
                },
            };
            if !ok {
                return Some(format!(
                    "group '{piece}' is skipped (groups are numbers or ranges in 0..63)"
                ));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// bool

/// `ast_true()`: `accepted_true` words (the option's own list if it has one).
fn is_true(opt: &OptionSpec, value: &str) -> bool {
    match &opt.accepted_true {
        Some(words) => words.iter().any(|w| w.eq_ignore_ascii_case(value)),
        None => schema().is_true_word(value),
    }
}

/// `ast_false()`: `accepted_false` words.
fn is_false(opt: &OptionSpec, value: &str) -> bool {
    match &opt.accepted_false {
        Some(words) => words.iter().any(|w| w.eq_ignore_ascii_case(value)),
        None => schema().is_false_word(value),
    }
}

fn check_bool(opt: &OptionSpec, value: &str) -> ValueCheck {
    // An empty value is read as "no": nothing changes when "no" is the default anyway
    // (`allow_reload=` on a transport).
    let default_is_false = opt
        .default
        .as_deref()
        .is_none_or(|default| !is_true(opt, default.trim()));
    if value.trim().is_empty() && default_is_false {
        return ValueCheck::Ok;
    }
    if is_true(opt, value) || is_false(opt, value) {
        ValueCheck::Ok
    } else {
        ValueCheck::ReadAsFalse
    }
}

// ---------------------------------------------------------------------------------------------
// numbers

/// C `isspace` in the C locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `strtoul`/`strtol` with base 0 that must consume the whole text: sign and magnitude,
/// `None` for the magnitude when it overflows 64 bits (ERANGE).
fn c_integer(s: &str) -> Option<(bool, Option<u64>)> {
    let t = s.trim_start_matches(is_c_space);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (digits, radix) = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) if h.starts_with(|c: char| c.is_ascii_hexdigit()) => (h, 16),
        _ if t.starts_with('0') => (t, 8),
        _ => (t, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some((neg, u64::from_str_radix(digits, radix).ok()))
}

/// `ast_parse_arg(PARSE_UINT32 [| PARSE_IN_RANGE])`. The error completes "'value' ...".
fn parse_uint(value: &str, range: Option<(i64, i64)>) -> Result<u32, String> {
    if value.is_empty() || value.starts_with('-') {
        return Err("is not an unsigned number".into());
    }
    let (neg, mag) = c_integer(value).ok_or("is not an unsigned number")?;
    let mag = mag.ok_or("does not fit in 32 bits")?;
    // strtoul negates a leading '-' after blanks in unsigned arithmetic.
    let x = if neg { mag.wrapping_neg() } else { mag };
    let x = u32::try_from(x).map_err(|_| {
        if neg {
            "is not an unsigned number"
        } else {
            "does not fit in 32 bits"
        }
    })?;
    in_range(i64::from(x), range)?;
    Ok(x)
}

/// `ast_parse_arg(PARSE_INT32 [| PARSE_IN_RANGE])`.
fn parse_int(value: &str, range: Option<(i64, i64)>) -> Result<i32, String> {
    let (neg, mag) = c_integer(value).ok_or("is not a number")?;
    let mag = mag
        .filter(|&m| m <= i64::MAX as u64)
        .ok_or("does not fit in 32 bits")?;
    let x = if neg { -(mag as i64) } else { mag as i64 };
    let x = i32::try_from(x).map_err(|_| "does not fit in 32 bits")?;
    in_range(i64::from(x), range)?;
    Ok(x)
}

fn in_range(x: i64, range: Option<(i64, i64)>) -> Result<(), String> {
    match range {
        Some((lo, hi)) if x < lo || x > hi => Err(format!("is out of range {lo}..{hi}")),
        _ => Ok(()),
    }
}

enum Double {
    Value(f64),
    Bad,
    Unsure,
}

/// `strtod` consuming the whole text.
fn parse_double(value: &str) -> Double {
    let t = value.trim_start_matches(is_c_space);
    if t.is_empty() {
        return Double::Bad;
    }
    let unsigned = t.trim_start_matches(['+', '-']);
    if unsigned.starts_with("0x") || unsigned.starts_with("0X") || t.contains('(') {
        return Double::Unsure; // hex floats, nan(...)
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_infinite() && !unsigned.to_ascii_lowercase().starts_with("inf") => {
            Double::Bad
        } // ERANGE
        Ok(x)
            if x == 0.0
                && t.split(['e', 'E'])
                    .next()
                    .is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b))) =>
        {
            Double::Unsure // underflow: glibc may set ERANGE
        }
        Ok(x) => Double::Value(x),
        Err(_) => Double::Bad,
    }
}

fn check_double(opt: &OptionSpec, value: &str) -> ValueCheck {
    match parse_double(value) {
        Double::Value(_) => ValueCheck::Ok,
        Double::Bad => rejected(format!("{} is not a number", quoted(opt, value))),
        Double::Unsure => ValueCheck::Unchecked,
    }
}

// ---------------------------------------------------------------------------------------------
// enum

/// The `values` entry `value` names (honouring `case_sensitive`).
fn enum_word<'a>(opt: &'a OptionSpec, value: &str) -> Option<&'a str> {
    opt.values
        .iter()
        .find(|v| {
            if opt.case_sensitive {
                v.as_str() == value
            } else {
                v.eq_ignore_ascii_case(value)
            }
        })
        .map(SchemaStr::as_str)
}

/// `also_accepted`: words (case-insensitive) or `<integer> (sscanf %d)`.
fn also_accepted(opt: &OptionSpec, value: &str) -> bool {
    opt.also_accepted.iter().any(|a| {
        if a.starts_with("<integer>") {
            addr::sscanf_int(value).is_some()
        } else {
            a.eq_ignore_ascii_case(value)
        }
    })
}

fn check_enum(opt: &OptionSpec, value: &str) -> ValueCheck {
    if value.is_empty() {
        // Handlers differ on empty values (transport method: the default; dtmf_mode: an
        // error) and the data does not say which.
        return ValueCheck::Unchecked;
    }
    if enum_word(opt, value).is_some() || also_accepted(opt, value) || opt.invalid_ignored {
        return ValueCheck::Ok;
    }
    let case_note =
        if opt.case_sensitive && opt.values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
            " (the words are case-sensitive)"
        } else {
            ""
        };
    rejected(format!(
        "{} is not one of: {}{case_note}",
        quoted(opt, value),
        opt.values.join(", ")
    ))
}

// ---------------------------------------------------------------------------------------------
// codecs

/// One `allow`/`disallow` item: `[!]name[:ms]`. Returns the negation flag and the name.
pub(crate) fn codec_item(item: &str) -> Result<(bool, &str), ValueCheck> {
    let (negated, rest) = match item.strip_prefix('!') {
        Some(r) => (true, r),
        None => (false, item),
    };
    if rest.starts_with(char::is_whitespace) {
        return Err(ValueCheck::Unchecked);
    }
    // A codec name is a few bytes: a byte search from the end (a `rsplit_once` set up a
    // searcher for each of a 16-codec list's items).
    let last_colon = rest.bytes().rposition(|b| b == b':');
    let name = match last_colon.map(|at| (&rest[..at], &rest[at + 1..])) {
        Some((name, ms)) => {
            // sscanf("%30d") == 0 or a negative number: "Bad packetization value".
            let blank = ms.trim_start_matches(is_c_space).is_empty();
            if !blank && !matches!(addr::sscanf_int(ms), Some(n) if n >= 0) {
                return Err(rejected(format!(
                    "'{ms}' is not a packetization time in ms ('{item}')"
                )));
            }
            name
        }
        None => rest,
    };
    Ok((negated, name))
}

fn check_codecs(value: &str, allowing: bool) -> ValueCheck {
    if value.is_empty() {
        return if allowing {
            rejected(
                "an empty allow= names no codec (Asterisk: \"Cannot allow unknown format ''\")",
            )
        } else {
            ValueCheck::Ok
        };
    }
    let mut result = ValueCheck::Ok;
    for raw in value.split([',', '|']) {
        let item = raw.trim();
        if item.is_empty() {
            return rejected("empty codec name (a stray ',' or '|')");
        }
        match codec_item(item) {
            Ok((_, name)) if is_codec(name) => {}
            Ok((_, name)) => return rejected(format!("'{name}' is not a known codec")),
            Err(ValueCheck::Unchecked) => result = ValueCheck::Unchecked,
            Err(other) => return other,
        }
    }
    result
}

/// What `pjsip show endpoint` prints as `allow` after these `allow` (`true`) and `disallow`
/// (`false`) lines, in file order: `(ulaw|alaw)`, or `(nothing)`. Items Asterisk rejects are
/// skipped (the endpoint would not load anyway).
pub fn show_codecs(ops: &[(bool, &str)]) -> String {
    let cap = codec_cap(ops);
    if cap.is_empty() {
        "(nothing)".to_string()
    } else {
        format!("({})", cap.join("|"))
    }
}

/// The codecs an endpoint ends up with after these `allow` (`true`) and `disallow` (`false`)
/// lines, in the order `pjsip show endpoint` prints them (names as the schema spells them).
pub fn codec_cap(ops: &[(bool, &str)]) -> Vec<&'static str> {
    let names = codec_names_indexed();
    let all = &names.in_order;
    // Membership by codec index: an endpoint's list is looked up per item, not scanned.
    let mut member = vec![false; all.len()];
    let mut cap: Vec<usize> = Vec::new();
    for &(allowing, list) in ops {
        if !allowing && list.is_empty() {
            continue;
        }
        for raw in list.split([',', '|']) {
            let Ok((negated, name)) = codec_item(raw.trim()) else {
                continue;
            };
            let allow = allowing != negated;
            if name.eq_ignore_ascii_case("all") {
                if allow {
                    // ast_format_cap_append_by_type(): every codec in registration order,
                    // except the "none" format.
                    for (index, codec) in all.iter().enumerate() {
                        if *codec != "all" && *codec != "none" && !member[index] {
                            member[index] = true;
                            cap.push(index);
                        }
                    }
                } else {
                    cap.clear();
                    member.fill(false);
                }
                continue;
            }
            let Some(index) = names.index_of(name) else {
                continue;
            };
            if allow {
                if !member[index] {
                    member[index] = true;
                    cap.push(index);
                }
            } else if member[index] {
                member[index] = false;
                cap.retain(|&x| x != index);
            }
        }
    }
    cap.into_iter().map(|index| all[index]).collect()
}

/// The schema's codec names, and their positions by length (names are compared without case).
struct CodecNames {
    in_order: Vec<&'static str>,
    /// Per name length, the positions of the names of that length, in order.
    by_length: Vec<Vec<usize>>,
}

impl CodecNames {
    /// The position of the first codec named `name` (any case), as a search in registration
    /// order finds it.
    fn index_of(&self, name: &str) -> Option<usize> {
        self.by_length
            .get(name.len())?
            .iter()
            .copied()
            .find(|&index| self.in_order[index].eq_ignore_ascii_case(name))
    }
}

fn codec_names_indexed() -> &'static CodecNames {
    static NAMES: std::sync::OnceLock<CodecNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let in_order: Vec<&'static str> = schema().codec_names().collect();
        let longest = in_order.iter().map(|name| name.len()).max().unwrap_or(0);
        let mut by_length = vec![Vec::new(); longest + 1];
        for (index, name) in in_order.iter().enumerate() {
            by_length[name.len()].push(index);
        }
        CodecNames {
            in_order,
            by_length,
        }
    })
}

/// Whether `name` is a codec `allow=`/`disallow=` accept (case-insensitive, `all` included):
/// [`super::Schema::is_codec`] without a scan of every name.
fn is_codec(name: &str) -> bool {
    codec_names_indexed().index_of(name).is_some()
}

// ---------------------------------------------------------------------------------------------
// custom handlers

/// DSCP names `ast_str2tos()` knows (main/acl.c `dscp_pool1`; upstream `tos_audio` syntax).
const DSCP: &[(&str, u32)] = &[
    ("CS0", 0x00),
    ("CS1", 0x08),
    ("CS2", 0x10),
    ("CS3", 0x18),
    ("CS4", 0x20),
    ("CS5", 0x28),
    ("CS6", 0x30),
    ("CS7", 0x38),
    ("AF11", 0x0A),
    ("AF12", 0x0C),
    ("AF13", 0x0E),
    ("AF21", 0x12),
    ("AF22", 0x14),
    ("AF23", 0x16),
    ("AF31", 0x1A),
    ("AF32", 0x1C),
    ("AF33", 0x1E),
    ("AF41", 0x22),
    ("AF42", 0x24),
    ("AF43", 0x26),
    ("EF", 0x2E),
];

/// Digest algorithms and their hex lengths (upstream `password_digest` syntax).
const DIGESTS: &[(&str, usize)] = &[("MD5", 32), ("SHA-256", 64), ("SHA-512-256", 64)];

/// codec_prefs parameters and their words (upstream `codec_prefs_*` syntax; case-sensitive).
const CODEC_PREFS: &[(&str, &[&str])] = &[
    ("prefer", &["pending", "configured"]),
    (
        "operation",
        &["intersect", "union", "only_preferred", "only_nonpreferred"],
    ),
    ("keep", &["all", "first"]),
    ("transcode", &["allow", "prevent"]),
];

/// Characters `from_user` accepts besides ASCII letters and digits (upstream syntax).
const SIP_USER_EXTRA: &str = "-._~%!$&'()*+,;=:";

fn check_custom(opt: &OptionSpec, value: &str) -> ValueCheck {
    let subkind = opt.subkind.as_deref().unwrap_or("");
    match (subkind, opt.handler.as_deref().unwrap_or("")) {
        (_, "from_user_handler") => check_sip_user(opt, value),
        (_, "named_groups_handler") => {
            if !value.is_empty() && value.chars().all(|c| c == ',' || is_c_space(c)) {
                rejected("a group list of only commas and blanks is an error")
            } else {
                ValueCheck::Ok
            }
        }
        // endpoint and transport handlers skip an empty value; type=acl's we do not know.
        ("acl_rules", handler) => check_acl_rules(value, handler != "acl_handler"),
        ("named_acl_list", _) => check_named_acls(value),
        ("ip_or_host_list", _) => check_identify_match(value),
        ("ip_port", _) => check_bind(value),
        ("tos", _) => check_tos(value),
        ("uint", _) => {
            // dtls_rekey: sscanf("%30u") must convert something; the rest is ignored.
            if addr::sscanf_int(value).is_some() {
                ValueCheck::Ok
            } else {
                rejected(format!("{} is not a number", quoted(opt, value)))
            }
        }
        ("hex_digest", _) => check_md5_cred(opt, value),
        ("digest_spec_list", _) => check_password_digest(opt, value),
        ("algorithm_list", _) => {
            if value.is_empty() {
                ValueCheck::Ok // empty: the global default list
            } else {
                check_word_list(opt, value)
            }
        }
        ("enum_list", _) => {
            if value.is_empty() {
                ValueCheck::Unchecked
            } else {
                check_word_list(opt, value)
            }
        }
        ("sip_uri_list", _) => check_contact_uris(value),
        ("var_assignment", _) => check_set_var(value),
        ("codec_prefs", _) => check_codec_prefs(opt, value).map_or_else(|c| c, |_| ValueCheck::Ok),
        ("bool_or_host", _) => {
            if value.is_empty() {
                rejected(format!("global option '{}' can't be empty", opt.name))
            } else {
                ValueCheck::Ok
            }
        }
        (
            "group_list"
            | "callerid"
            | "ip_or_hostname"
            | "obsolete"
            | "string"
            | "name_list"
            | "security_mechanism_list",
            _,
        ) => ValueCheck::Ok,
        _ => ValueCheck::Unchecked,
    }
}

fn check_sip_user(opt: &OptionSpec, value: &str) -> ValueCheck {
    match value
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || SIP_USER_EXTRA.contains(c)))
    {
        Some(c) => rejected(format!(
            "{} contains '{c}', which a SIP user part cannot contain",
            quoted(opt, value)
        )),
        None => ValueCheck::Ok,
    }
}

/// Folds per-item results: any rejection wins, then any uncertainty.
fn fold_items<I: IntoIterator<Item = Result<(), Problem>>>(items: I) -> ValueCheck {
    let mut unsure = false;
    for r in items {
        match r {
            Ok(()) => {}
            Err(Problem::Bad(reason)) => return rejected(reason),
            Err(Problem::Unsure) => unsure = true,
        }
    }
    if unsure {
        ValueCheck::Unchecked
    } else {
        ValueCheck::Ok
    }
}

fn check_acl_rules(value: &str, empty_ok: bool) -> ValueCheck {
    if value.is_empty() {
        return if empty_ok {
            ValueCheck::Ok
        } else {
            ValueCheck::Unchecked
        };
    }
    fold_items(
        value
            .split(',')
            .map(|item| addr::parse_ha(item, false).map(|_| ())),
    )
}

fn check_named_acls(value: &str) -> ValueCheck {
    if value.is_empty() {
        return ValueCheck::Unchecked;
    }
    // ast_append_acl(): leading blanks skipped, names compared with strcasecmp.
    let names: Vec<&str> = value
        .split(',')
        .map(|n| n.trim_start_matches(is_c_space))
        .collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].iter().any(|m| m.eq_ignore_ascii_case(n)) {
            return rejected(format!("ACL '{n}' is named twice"));
        }
    }
    ValueCheck::Ok
}

/// identify `match` (ip_identify_match_handler): items stripped, empty items skipped; an item
/// with a '/' or that parses as an IP goes to `ast_append_ha_with_port`, anything else is a
/// host name resolved at load time.
fn check_identify_match(value: &str) -> ValueCheck {
    fold_items(
        value
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(identify_item),
    )
}

fn identify_item(item: &str) -> Result<(), Problem> {
    if item.contains('/') || identify_ip(item) {
        return addr::parse_ha(item, true).map(|_| ());
    }
    let (host, port) = addr::split_hostport(item)?;
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Problem::Unsure);
    }
    if addr::plausible_hostname(host) {
        Err(Problem::Unsure) // needs DNS
    } else {
        Err(Problem::Bad(format!(
            "'{item}' is neither an IP address, a network nor a host name"
        )))
    }
}

/// `ast_sockaddr_parse(item, 0)`: a numeric host, any port text ignored.
fn identify_ip(item: &str) -> bool {
    addr::split_hostport(item).is_ok_and(|(host, _)| addr::numeric_host(host).is_ok())
}

fn check_bind(value: &str) -> ValueCheck {
    if value.is_empty() {
        return ValueCheck::Unchecked;
    }
    match addr::parse_bind(value) {
        Ok((Some(_), _)) => ValueCheck::Ok,
        // A host name: pj_sockaddr_parse resolves it once, when the transport loads, and the
        // socket binds only if it names an address of this machine. Real Asterisk 22 rejected
        // `bind=x.x.x.x:5060` ("Error parsing bind"); `localhost` is in every /etc/hosts.
        Ok((None, _)) if !addr::bind_host_is_localhost(value) => rejected(format!(
            "'{}' is a host name, not an IP address: Asterisk resolves it when the transport \
             loads and rejects the transport unless it resolves then to an address of this \
             machine",
            addr::bind_host_part(value)
        )),
        Ok((None, _)) | Err(Problem::Unsure) => ValueCheck::Unchecked,
        Err(Problem::Bad(reason)) => rejected(reason),
    }
}

/// `sscanf("%30i")` of a TOS value, or `None` when no number starts the text.
fn sscanf_i(value: &str) -> Option<i64> {
    let t = value.trim_start_matches(is_c_space);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (digits, radix) = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => (h, 16),
        None if t.starts_with('0') => (t, 8),
        None => (t, 10),
    };
    let len = digits.chars().take_while(|c| c.is_digit(radix)).count();
    if len == 0 {
        return None;
    }
    let v = i64::from_str_radix(&digits[..len], radix).ok()?;
    Some(if neg { -v } else { v })
}

fn check_tos(value: &str) -> ValueCheck {
    let t = value
        .trim_start_matches(is_c_space)
        .trim_start_matches(['+', '-']);
    if t.starts_with(|c: char| c.is_ascii_digit()) {
        // "0x" without a hex digit: glibc's scanf edge case.
        return if sscanf_i(value).is_some() {
            ValueCheck::Ok
        } else {
            ValueCheck::Unchecked
        };
    }
    if DSCP.iter().any(|(n, _)| n.eq_ignore_ascii_case(value)) {
        ValueCheck::Ok
    } else {
        rejected(format!(
            "'{value}' is neither a number nor a DSCP name (CS0-CS7, AF11-AF43, EF)"
        ))
    }
}

fn check_md5_cred(opt: &OptionSpec, value: &str) -> ValueCheck {
    match value.len() {
        0 => ValueCheck::Unchecked,
        32 => ValueCheck::Ok,
        n => rejected(format!(
            "{} must be 32 characters long (an MD5 digest), not {n}",
            opt.name
        )),
    }
}

fn check_password_digest(opt: &OptionSpec, value: &str) -> ValueCheck {
    if value.is_empty() {
        return ValueCheck::Unchecked;
    }
    fold_items(value.split(',').map(|raw| {
        let item = raw.trim();
        if item.is_empty() || item.len() != raw.len() {
            return Err(Problem::Unsure);
        }
        let (alg, digest) = item.split_once(':').unwrap_or(("MD5", item));
        let Some((name, len)) = DIGESTS.iter().find(|(n, _)| n.eq_ignore_ascii_case(alg)) else {
            return Err(Problem::Bad(format!(
                "unknown {} algorithm '{alg}' (MD5, SHA-256, SHA-512-256)",
                opt.name
            )));
        };
        if digest.len() != *len {
            return Err(Problem::Bad(format!(
                "the {name} digest in {} must be {len} characters long, not {}",
                opt.name,
                digest.len()
            )));
        }
        Ok(())
    }))
}

/// Comma-separated words of `values` (items stripped).
fn check_word_list(opt: &OptionSpec, value: &str) -> ValueCheck {
    fold_items(value.split(',').map(|raw| {
        let item = raw.trim();
        if item.is_empty() {
            Err(Problem::Unsure)
        } else if enum_word(opt, item).is_some() {
            Ok(())
        } else {
            Err(Problem::Bad(format!(
                "'{item}' is not one of: {}",
                opt.values.join(", ")
            )))
        }
    }))
}

/// `ast_strip_quoted()`: blanks stripped, then one pair of the given quotes.
fn strip_quoted(s: &str, open: char, close: char) -> &str {
    let s = s.trim_matches(is_c_space);
    match s.strip_prefix(open) {
        Some(rest) => rest.strip_suffix(close).unwrap_or(s),
        None => s,
    }
}

/// aor `contact` (permanent_uri_handler + ast_sip_validate_uri_length).
fn check_contact_uris(value: &str) -> ValueCheck {
    fold_items(
        value
            .split(',')
            .map(|i| i.trim_matches(is_c_space))
            .filter(|i| !i.is_empty())
            .map(|item| {
                // The length limits depend on how pjproject was built (256/128 by default, larger in
                // Asterisk's bundled copy): long values are not judged.
                if item.len() > 255 {
                    return Err(Problem::Unsure);
                }
                let contact = strip_quoted(item, '<', '>');
                let lower = contact.to_ascii_lowercase();
                let host = if lower.starts_with("sip:") {
                    &contact[4..]
                } else if lower.starts_with("sips:") {
                    &contact[5..]
                } else {
                    return Err(Problem::Bad(format!("'{item}' is not a sip: or sips: URI")));
                };
                let host = match contact.find('@') {
                    Some(at) => &contact[at + 1..],
                    None => host,
                };
                let (host, port) = if host.starts_with('[') {
                    let Some(close) = host.find(']') else {
                        return Err(Problem::Bad(format!("'{item}': '[' without ']'")));
                    };
                    (&host[..=close], host[close + 1..].starts_with(':'))
                } else {
                    let host = host.split([';', '?']).next().unwrap_or_default();
                    match host.split_once(':') {
                        Some((h, _)) => (h, true),
                        None => (host, false),
                    }
                };
                let max = if port { 127 } else { 117 };
                if host.len() > max {
                    return Err(Problem::Unsure);
                }
                Ok(())
            }),
    )
}

fn check_set_var(value: &str) -> ValueCheck {
    if value.is_empty() {
        return ValueCheck::Ok;
    }
    match value.split_once('=') {
        None => rejected(format!("'{value}' has no '=': set_var needs NAME=VALUE")),
        Some((name, _)) if name.trim().is_empty() => ValueCheck::Unchecked,
        Some(_) => ValueCheck::Ok,
    }
}

/// `ast_stream_codec_prefs_parse()`: items split on ',', each tokenised on ':' and ' ' into a
/// name and a value. Unknown names are ignored. Returns the four words when `prefer`,
/// `operation` and `keep` are given.
fn check_codec_prefs(
    opt: &OptionSpec,
    value: &str,
) -> Result<Option<[&'static str; 4]>, ValueCheck> {
    if value.trim().is_empty() {
        return Err(ValueCheck::Unchecked);
    }
    let mut chosen: [Option<&'static str>; 4] = [None; 4];
    for item in value.split(',').filter(|i| !i.is_empty()) {
        let mut tokens = item.split([':', ' ']).filter(|t| !t.is_empty());
        let (Some(name), Some(word)) = (tokens.next(), tokens.next()) else {
            if item.chars().all(|c| c == ' ' || c == ':') {
                continue; // strtok finds no token at all
            }
            return Err(rejected(format!("codec preference '{item}' has no value")));
        };
        let Some(i) = CODEC_PREFS.iter().position(|(n, _)| *n == name) else {
            continue;
        };
        let (param, words) = CODEC_PREFS[i];
        let Some(w) = words.iter().find(|w| **w == word) else {
            return Err(rejected(format!(
                "'{word}' is not a {param} value ({})",
                words.join(", ")
            )));
        };
        if param == "operation" && *w == "union" && opt.name == "codec_prefs_incoming_offer" {
            return Err(rejected(
                "operation 'union' is not allowed for codec_prefs_incoming_offer",
            ));
        }
        chosen[i] = Some(w);
    }
    // An unspecified transcode is printed as "allow" (observed for the registered defaults,
    // which do not name it); other unspecified parameters are not predicted.
    Ok(match chosen {
        [Some(a), Some(b), Some(c), d] => Some([a, b, c, d.unwrap_or("allow")]),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------------
// show

/// How `pjsip show <type> <id>` prints `value` written for `opt`, as far as it can be
/// predicted from the value alone; otherwise `value` unchanged. Normalised:
///
/// * bools: `true`/`false` (`OPT_BOOL_T`), `yes`/`no` (`OPT_YESNO_T`), `Yes`/`No` (the DTLS and
///   TLS custom bools);
/// * uint / int: decimal (`0x1F` → `31`, `010` → `8`); double: `%f` (`3` → `3.000000`);
/// * enums: the canonical word (`wsS` → `wss`), `ast_true`/`ast_false` words as `yes`/`no`
///   (100rel, timers), `forced` → `always` (timers), transport `method` `default`/empty →
///   `tlsv1`, `dtls_verify` → `No`/`Yes`/`Fingerprint`/`Certificate`;
/// * codec lists: as [`show_codecs`] for this one line;
/// * char arrays: cut to `max_length - 1` bytes;
/// * tos: decimal (`ef` → `184`; the transport's is rounded down to a multiple of 4);
/// * transport `bind`: `addr:port` with the default port 5060 (see [`show_bind`] for TLS);
/// * transport `local_net`, identify `match`: `[!]addr[:port]/dotted-mask` entries joined by
///   `,` (`pjsip show` prints one line per entry); values with host names stay unchanged;
/// * `callerid`: `"Name" <number>`, `number`, `Name` or `<unknown>`;
/// * `codec_prefs_*` naming prefer, operation and keep: `prefer:X, operation:Y, keep:Z,
///   transcode:W` (transcode `allow` when not given);
/// * `identify_by`: canonical words joined by `,`; `dtls_rekey`: decimal.
///
/// Not normalised (returned as written): strings, `auth_type` (whether `md5`/`digest` print
/// as written is unknown), algorithm lists, group lists, `set_var` (printed as one line per
/// variable), secrets (`pjsip show` output in the corpus leaves them out).
pub fn show_value(opt: &OptionSpec, value: &str) -> String {
    let shown = match opt.kind {
        ValueKind::Bool => show_bool(opt, value),
        ValueKind::Uint => parse_uint(value, opt.range).ok().map(|x| x.to_string()),
        ValueKind::Int => parse_int(value, opt.range).ok().map(|x| x.to_string()),
        ValueKind::Double => match parse_double(value) {
            Double::Value(x) if x.is_finite() => Some(format!("{x:.6}")),
            _ => None,
        },
        ValueKind::Enum => show_enum(opt, value),
        ValueKind::CodecList => Some(show_codecs(&[(
            opt.codec_op.as_deref() != Some("disallow"),
            value,
        )])),
        ValueKind::CharArray => truncated_value(opt, value).map(str::to_string),
        ValueKind::Custom => show_custom(opt, value),
        ValueKind::String | ValueKind::Type => None,
    };
    shown.unwrap_or_else(|| value.to_string())
}

fn show_bool(opt: &OptionSpec, value: &str) -> Option<String> {
    let yes = is_true(opt, value);
    let (t, f) = match (opt.opt_type.as_deref(), opt.handler.as_deref()) {
        (_, Some("dtls_handler" | "transport_tls_bool_handler")) => ("Yes", "No"),
        (Some("OPT_YESNO_T"), _) => ("yes", "no"),
        (Some("OPT_BOOL_T"), _) => ("true", "false"),
        _ => return None,
    };
    Some(if yes { t } else { f }.to_string())
}

fn show_enum(opt: &OptionSpec, value: &str) -> Option<String> {
    match (opt.handler.as_deref(), opt.name.as_str()) {
        (Some("auth_type_handler"), _) => return None,
        (Some("transport_tls_method_handler"), _)
            if value.is_empty() || value.eq_ignore_ascii_case("default") =>
        {
            // PJSIP_SSL_DEFAULT_METHOD is TLSv1 (observed with pjproject 2.17).
            return Some("tlsv1".into());
        }
        (Some("dtls_handler"), "dtls_verify") => {
            let word = enum_word(opt, value)?;
            let shown = match word {
                "no" => "No",
                "yes" => "Yes",
                "fingerprint" => "Fingerprint",
                "certificate" => "Certificate",
                _ => return None,
            };
            return Some(shown.into());
        }
        (Some("timers_handler"), _) if value.eq_ignore_ascii_case("forced") => {
            return Some("always".into())
        }
        _ => {}
    }
    if let Some(word) = enum_word(opt, value) {
        return Some(word.to_string());
    }
    let bool_words = opt.also_accepted.iter().any(|a| schema().is_true_word(a));
    if bool_words && is_true(opt, value) {
        Some("yes".into())
    } else if bool_words && is_false(opt, value) {
        Some("no".into())
    } else {
        None
    }
}

fn show_custom(opt: &OptionSpec, value: &str) -> Option<String> {
    let handler = opt.handler.as_deref().unwrap_or("");
    match (opt.subkind.as_deref().unwrap_or(""), handler) {
        ("tos", _) => {
            let mut tos = match DSCP.iter().find(|(n, _)| n.eq_ignore_ascii_case(value)) {
                Some((_, code)) if sscanf_i(value).is_none() => code << 2,
                _ => (i32::try_from(sscanf_i(value)?).ok()? & 0xFF) as u32,
            };
            if handler == "transport_tos_handler" {
                tos &= !3;
            }
            Some(tos.to_string())
        }
        ("ip_port", _) => Some(show_bind(value, "udp")),
        ("acl_rules", "transport_localnet_handler") => {
            let mut shown = Vec::new();
            for item in value.split(',').filter(|_| !value.is_empty()) {
                shown.push(addr::parse_ha(item, false).ok()?.show());
            }
            Some(shown.join(","))
        }
        ("ip_or_host_list", _) => {
            let mut shown = Vec::new();
            for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                if !(item.contains('/') || identify_ip(item)) {
                    return None; // a host name: printed as what it resolves to
                }
                shown.push(addr::parse_ha(item, true).ok()?.show());
            }
            Some(shown.join(","))
        }
        ("callerid", _) => show_callerid(value),
        ("codec_prefs", _) => {
            let [p, o, k, t] = check_codec_prefs(opt, value).ok()??;
            Some(format!(
                "prefer:{p}, operation:{o}, keep:{k}, transcode:{t}"
            ))
        }
        ("enum_list", "ident_handler") => {
            let mut words = Vec::new();
            for item in value.split(',') {
                words.push(enum_word(opt, item.trim())?);
            }
            Some(words.join(","))
        }
        ("uint", _) => u32::try_from(addr::sscanf_int(value)?)
            .ok()
            .map(|n| n.to_string()),
        _ => None,
    }
}

/// The transport `bind` as `pjsip show transport` prints it (`pj_sockaddr_print` with port
/// and brackets). A missing port is 5061 for `protocol=tls` and 5060 otherwise; host names and
/// values Asterisk rejects are returned unchanged.
pub fn show_bind(value: &str, protocol: &str) -> String {
    match addr::parse_bind(value) {
        Ok((Some(ip), port)) => {
            let port = if port != 0 {
                port
            } else if protocol.eq_ignore_ascii_case("tls") {
                5061
            } else {
                5060
            };
            addr::show_addr(ip, Some(port))
        }
        _ => value.to_string(),
    }
}

/// `ast_shrink_phone_number()`: drops `(`, `)`, blanks, `-` outside `[...]` and `.` unless last.
fn shrink_phone_number(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    let mut out = String::new();
    let mut bracketed = 0i32;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '[' => {
                bracketed += 1;
                out.push(c);
            }
            ']' => {
                bracketed -= 1;
                out.push(c);
            }
            '-' if bracketed != 0 => out.push(c),
            '-' => {}
            '.' if i + 1 == chars.len() => out.push(c),
            '.' => {}
            '(' | ' ' | ')' => {}
            _ => out.push(c),
        }
    }
    out
}

/// `ast_callerid_split()` then `ast_callerid_merge()` (caller_id_handler / caller_id_to_str).
fn show_callerid(value: &str) -> Option<String> {
    let input = value.trim_matches(is_c_space);
    let instr = strip_quoted(input, '"', '"');
    let quotes_stripped = instr.len() != input.len();
    let (name, number) = match instr.rfind('<') {
        Some(ls) => {
            let after = &instr[ls + 1..];
            let location = after.rfind('>').map_or(after, |le| &after[..le]);
            (Some(strip_quoted(&instr[..ls], '"', '"')), Some(location))
        }
        None => {
            let shrunk = shrink_phone_number(instr);
            let phone = !shrunk.is_empty() && shrunk.chars().all(|c| "0123456789*#+".contains(c));
            if !quotes_stripped && phone {
                return Some(shrunk);
            }
            (Some(strip_quoted(instr, '"', '"')), None)
        }
    };
    let name = name.map(unescape_quoted).unwrap_or_default();
    let number = number.map(shrink_phone_number).unwrap_or_default();
    // 80-byte buffers in caller_id_handler: long values would be cut; do not guess.
    if name.len() >= 80 || number.len() >= 80 {
        return None;
    }
    Some(match (name.is_empty(), number.is_empty()) {
        (false, false) => format!("\"{}\" <{number}>", escape_quoted(&name)),
        (false, true) => name,
        (true, false) => number,
        (true, true) => "<unknown>".into(),
    })
}

fn unescape_quoted(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next) => out.push(next),
                None => break,
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape_quoted(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(ty: &str, name: &str) -> &'static OptionSpec {
        schema().object_type(ty).unwrap().option(name).unwrap()
    }

    fn is_rejected(c: &ValueCheck) -> bool {
        matches!(c, ValueCheck::Rejected { .. })
    }

    fn reason(c: ValueCheck) -> String {
        match c {
            ValueCheck::Rejected { reason } => reason,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn bools() {
        let o = opt("endpoint", "direct_media");
        for v in [
            "yes", "YES", "true", "y", "t", "1", "on", "no", "off", "0", "F",
        ] {
            assert_eq!(check_value(o, v), ValueCheck::Ok, "{v}");
        }
        for v in ["maybe", "", "yess", "2", "enabled"] {
            assert_eq!(check_value(o, v), ValueCheck::ReadAsFalse, "{v}");
        }
        assert_eq!(show_value(o, "On"), "true");
        assert_eq!(show_value(o, "perhaps"), "false");
        assert_eq!(show_value(opt("endpoint", "webrtc"), "1"), "yes");
        assert_eq!(
            show_value(opt("endpoint", "dtls_auto_generate_cert"), "yes"),
            "Yes"
        );
        assert_eq!(show_value(opt("transport", "verify_server"), "nope"), "No");
    }

    #[test]
    fn uints() {
        let o = opt("aor", "max_contacts");
        for (v, shown) in [
            ("5", "5"),
            ("0x1F", "31"),
            ("010", "8"),
            ("+7", "7"),
            ("4294967295", "4294967295"),
        ] {
            assert_eq!(check_value(o, v), ValueCheck::Ok, "{v}");
            assert_eq!(show_value(o, v), shown);
        }
        assert_eq!(
            reason(check_value(o, "abc")),
            "'abc' is not an unsigned number"
        );
        assert_eq!(
            reason(check_value(o, "-1")),
            "'-1' is not an unsigned number"
        );
        assert_eq!(
            reason(check_value(o, "4294967296")),
            "'4294967296' does not fit in 32 bits"
        );
        for v in ["", "08", "0x", "5 ", "1.5", "1e3", " -1"] {
            assert!(is_rejected(&check_value(o, v)), "{v:?}");
        }
        let qf = opt("aor", "qualify_frequency");
        assert_eq!(check_value(qf, "86400"), ValueCheck::Ok);
        assert_eq!(
            reason(check_value(qf, "86401")),
            "'86401' is out of range 0..86400"
        );
        assert_eq!(show_value(o, "abc"), "abc");
    }

    #[test]
    fn ints_and_doubles() {
        let o = opt("global", "mwi_tps_queue_low");
        assert_eq!(check_value(o, "-1"), ValueCheck::Ok);
        assert_eq!(check_value(o, "-0x10"), ValueCheck::Ok);
        assert_eq!(show_value(o, "-0x10"), "-16");
        assert!(is_rejected(&check_value(o, "2147483648")));
        assert!(is_rejected(&check_value(o, "")));
        let w = opt("transport", "websocket_write_timeout");
        assert_eq!(
            reason(check_value(w, "0")),
            "'0' is out of range 1..2147483647"
        );
        let d = opt("aor", "qualify_timeout");
        for v in ["3", "3.5", ".5", "1e1", "+2.0"] {
            assert_eq!(check_value(d, v), ValueCheck::Ok, "{v}");
        }
        assert!(is_rejected(&check_value(d, "fast")));
        assert!(is_rejected(&check_value(d, "")));
        assert!(is_rejected(&check_value(d, "1e999")));
        assert_eq!(show_value(d, "3"), "3.000000");
        assert_eq!(show_value(d, "5.0"), "5.000000");
    }

    #[test]
    fn enums() {
        let o = opt("endpoint", "dtmf_mode");
        assert_eq!(check_value(o, "RFC4733"), ValueCheck::Ok);
        assert_eq!(
            reason(check_value(o, "bogus")),
            "'bogus' is not one of: rfc4733, inband, info, none, auto, auto_info"
        );
        assert_eq!(show_value(o, "Auto_Info"), "auto_info");
        let ec = opt("endpoint", "t38_udptl_ec");
        assert!(reason(check_value(ec, "FEC")).contains("case-sensitive"));
        assert_eq!(check_value(ec, "fec"), ValueCheck::Ok);
        let rel = opt("endpoint", "100rel");
        assert_eq!(check_value(rel, "on"), ValueCheck::Ok);
        assert_eq!(show_value(rel, "on"), "yes");
        assert_eq!(show_value(rel, "0"), "no");
        assert!(is_rejected(&check_value(rel, "maybe")));
        let timers = opt("endpoint", "timers");
        assert_eq!(show_value(timers, "forced"), "always");
        assert_eq!(show_value(timers, "false"), "no");
        let cp = opt("endpoint", "callerid_privacy");
        assert_eq!(check_value(cp, "3"), ValueCheck::Ok);
        assert_eq!(show_value(cp, "PROHIB"), "prohib");
        let setup = opt("endpoint", "dtls_setup");
        assert_eq!(check_value(setup, "actpas"), ValueCheck::Ok);
        assert!(silently_ignored(setup, "actpas").is_some());
        assert!(silently_ignored(setup, "actpass").is_none());
        assert_eq!(
            check_value(opt("transport", "protocol"), "sctp"),
            rejected("'sctp' is not one of: udp, tcp, tls, ws, wss, flow")
        );
        assert_eq!(show_value(opt("transport", "protocol"), "wsS"), "wss");
        assert_eq!(
            check_value(opt("transport", "method"), ""),
            ValueCheck::Unchecked
        );
        assert_eq!(show_value(opt("transport", "method"), "default"), "tlsv1");
        assert_eq!(
            show_value(opt("endpoint", "dtls_verify"), "fingerprint"),
            "Fingerprint"
        );
        assert_eq!(show_value(opt("auth", "auth_type"), "MD5"), "MD5");
    }

    #[test]
    fn codec_lists() {
        let allow = opt("endpoint", "allow");
        let disallow = opt("endpoint", "disallow");
        for v in [
            "ulaw",
            "ULAW,alaw",
            "!all, opus,ulaw",
            "ulaw|alaw",
            "all",
            "g729:20",
            "ulaw:",
        ] {
            assert_eq!(check_value(allow, v), ValueCheck::Ok, "{v}");
        }
        assert_eq!(
            reason(check_value(allow, "ulaw,notacodec")),
            "'notacodec' is not a known codec"
        );
        assert!(is_rejected(&check_value(allow, "")));
        assert!(is_rejected(&check_value(allow, "ulaw,")));
        assert!(is_rejected(&check_value(allow, "ulaw:abc")));
        assert!(is_rejected(&check_value(allow, "ulaw:-20")));
        assert_eq!(check_value(disallow, ""), ValueCheck::Ok);
        assert_eq!(check_value(disallow, "all"), ValueCheck::Ok);
        assert_eq!(show_value(allow, "ULAW,alaw"), "(ulaw|alaw)");
        assert_eq!(
            show_codecs(&[(false, "all"), (true, "g722,ulaw")]),
            "(g722|ulaw)"
        );
        assert_eq!(show_codecs(&[(true, "!all,g722,ulaw")]), "(g722|ulaw)");
        assert_eq!(
            show_codecs(&[(true, "ulaw"), (true, "ulaw"), (false, "ulaw")]),
            "(nothing)"
        );
        let all = show_codecs(&[(true, "alaw,ulaw"), (true, "all")]);
        assert!(all.starts_with("(alaw|ulaw|codec2|g723|gsm|"), "{all}");
        assert!(!all.contains("none") && all.ends_with("|silk24)"));
        assert_eq!(show_codecs(&[(true, "ulaw"), (false, "")]), "(ulaw)");
        // Names in any case, packetization times, unknown names skipped, order kept.
        assert_eq!(
            show_codecs(&[(true, "ULAW, Alaw:20,bogus,g729:30"), (false, "ALAW")]),
            "(ulaw|g729)"
        );
        assert!(codec_cap(&[(true, "bogus")]).is_empty());
    }

    #[test]
    fn char_arrays() {
        let ev = opt("resource_list", "event");
        assert!(is_rejected(&check_value(ev, "")));
        assert_eq!(check_value(ev, "presence"), ValueCheck::Ok);
        let sub = opt("endpoint", "subscribe_context");
        assert_eq!(check_value(sub, ""), ValueCheck::Ok);
        let long = "x".repeat(100);
        assert_eq!(truncated_value(sub, &long).map(str::len), Some(79));
        assert_eq!(show_value(sub, &long).len(), 79);
        assert_eq!(truncated_value(sub, "short"), None);
        assert_eq!(truncated_value(opt("endpoint", "context"), &long), None);
    }

    #[test]
    fn acls_and_networks() {
        let permit = opt("endpoint", "permit");
        assert_eq!(
            check_value(permit, "192.168.0.0/16,10.0.0.1"),
            ValueCheck::Ok
        );
        assert_eq!(
            check_value(permit, "192.168.0.0/255.255.0.0"),
            ValueCheck::Ok
        );
        assert_eq!(check_value(permit, "!10.0.0.0/8"), ValueCheck::Ok);
        assert_eq!(check_value(permit, ""), ValueCheck::Ok);
        assert!(is_rejected(&check_value(permit, "192.168.0.0/33")));
        assert!(is_rejected(&check_value(permit, "pbx.example.com")));
        assert!(is_rejected(&check_value(permit, "1.2.3.4:5060")));
        assert_eq!(
            check_value(permit, "10.0.0.0/8, 192.168.0.0/16"),
            ValueCheck::Unchecked
        );
        let acl_permit = opt("acl", "permit");
        assert_eq!(check_value(acl_permit, ""), ValueCheck::Unchecked);
        let ln = opt("transport", "local_net");
        assert_eq!(
            show_value(ln, "192.168.1.7/24"),
            "192.168.1.0/255.255.255.0"
        );
        assert_eq!(
            show_value(ln, "10.0.0.0/8,fc00::/7"),
            "10.0.0.0/255.0.0.0,fc00::/fe00::"
        );
        let named = opt("endpoint", "acl");
        assert_eq!(check_value(named, "office,home"), ValueCheck::Ok);
        assert!(is_rejected(&check_value(named, "office, Office")));
    }

    #[test]
    fn identify_match() {
        let m = opt("identify", "match");
        for v in [
            "10.0.0.1",
            "10.0.0.0/8",
            "10.0.0.1:5060",
            "[2001:db8::1]:5060",
            "2001:db8::/32",
            "1717",
            "",
        ] {
            assert_eq!(check_value(m, v), ValueCheck::Ok, "{v}");
        }
        assert_eq!(check_value(m, "sip.example.com"), ValueCheck::Unchecked);
        assert_eq!(
            check_value(m, "sip.example.com:5060, 10.0.0.1"),
            ValueCheck::Unchecked
        );
        assert!(is_rejected(&check_value(m, "not_an_ip!")));
        assert!(is_rejected(&check_value(m, "10.0.0.0/40")));
        assert_eq!(show_value(m, "10.100.0.54"), "10.100.0.54/255.255.255.255");
        assert_eq!(
            show_value(m, "192.168.3.0:5060/24"),
            "192.168.3.0:5060/255.255.255.0"
        );
        assert_eq!(show_value(m, "1717"), "0.0.6.181/255.255.255.255");
        assert_eq!(show_value(m, "sip.example.com"), "sip.example.com");
    }

    #[test]
    fn bind() {
        let b = opt("transport", "bind");
        for v in [
            "0.0.0.0",
            "0.0.0.0:5060",
            "[::]:5060",
            "::",
            "192.168.1.10:5080",
        ] {
            assert_eq!(check_value(b, v), ValueCheck::Ok, "{v}");
        }
        // A host name binds only if it resolves to this machine: rejected (real Asterisk 22
        // rejected `bind=x.x.x.x:5060`); `localhost` is in every /etc/hosts.
        assert!(is_rejected(&check_value(b, "pbx.example.com:5060")));
        assert_eq!(check_value(b, "localhost:5060"), ValueCheck::Unchecked);
        assert!(is_rejected(&check_value(b, "<YOUR_IP>:5067")));
        assert!(is_rejected(&check_value(b, "0.0.0.0:99999")));
        assert_eq!(show_value(b, "0.0.0.0"), "0.0.0.0:5060");
        assert_eq!(show_value(b, "::"), "[::]:5060");
        assert_eq!(show_value(b, "[::1]"), "[::1]:5060");
        assert_eq!(show_bind("0.0.0.0", "tls"), "0.0.0.0:5061");
        assert_eq!(show_bind("0.0.0.0:5062", "tls"), "0.0.0.0:5062");
    }

    #[test]
    fn tos() {
        let a = opt("endpoint", "tos_audio");
        for (v, shown) in [
            ("ef", "184"),
            ("AF41", "136"),
            ("0xb8", "184"),
            ("46", "46"),
            ("010", "8"),
        ] {
            assert_eq!(check_value(a, v), ValueCheck::Ok, "{v}");
            assert_eq!(show_value(a, v), shown, "{v}");
        }
        assert!(is_rejected(&check_value(a, "expedited")));
        assert!(is_rejected(&check_value(a, "")));
        let t = opt("transport", "tos");
        assert_eq!(show_value(t, "cs3"), "96");
        assert_eq!(show_value(t, "46"), "44");
    }

    #[test]
    fn secrets_are_not_echoed() {
        let md5 = opt("auth", "md5_cred");
        let secret = "0123456789abcdef0123456789abcde";
        let r = reason(check_value(md5, secret));
        assert!(!r.contains(secret) && r.contains("31"), "{r}");
        assert_eq!(
            check_value(md5, "0123456789abcdef0123456789abcdef"),
            ValueCheck::Ok
        );
        let pd = opt("auth", "password_digest");
        let r = reason(check_value(pd, "SHA-256:abcdef"));
        assert!(!r.contains("abcdef") && r.contains("64"), "{r}");
        assert!(reason(check_value(pd, "SHA1:abc")).contains("SHA1"));
        assert_eq!(
            check_value(pd, &format!("sha-256:{}", "a".repeat(64))),
            ValueCheck::Ok
        );
        assert_eq!(check_value(pd, &"a".repeat(32)), ValueCheck::Ok);
        assert_eq!(
            check_value(opt("auth", "password"), "anything"),
            ValueCheck::Ok
        );
    }

    #[test]
    fn word_lists() {
        let uac = opt("auth", "supported_algorithms_uac");
        assert_eq!(check_value(uac, "md5,SHA-256"), ValueCheck::Ok);
        assert_eq!(check_value(uac, ""), ValueCheck::Ok);
        assert!(is_rejected(&check_value(uac, "MD5,SHA1")));
        let ib = opt("endpoint", "identify_by");
        assert_eq!(check_value(ib, "username, ip"), ValueCheck::Ok);
        assert!(is_rejected(&check_value(ib, "username,mac")));
        assert_eq!(show_value(ib, "Username, IP"), "username,ip");
    }

    #[test]
    fn misc_custom() {
        let c = opt("aor", "contact");
        assert_eq!(
            check_value(c, "sip:100@10.0.0.1:5060, <sips:pbx.example.com>"),
            ValueCheck::Ok
        );
        assert_eq!(check_value(c, ""), ValueCheck::Ok);
        assert!(is_rejected(&check_value(c, "SSW5")));
        assert!(is_rejected(&check_value(c, "sip:ok@example.com,10.0.0.1")));
        assert_eq!(
            check_value(c, &format!("sip:{}", "h".repeat(200))),
            ValueCheck::Unchecked
        );
        let sv = opt("endpoint", "set_var");
        assert_eq!(check_value(sv, "CITY=Oslo"), ValueCheck::Ok);
        assert!(is_rejected(&check_value(sv, "CITY")));
        let fu = opt("endpoint", "from_user");
        assert_eq!(check_value(fu, "alice.smith+1;x=y"), ValueCheck::Ok);
        assert!(reason(check_value(fu, "alice smith")).contains("' '"));
        let ncg = opt("endpoint", "named_call_group");
        assert!(is_rejected(&check_value(ncg, " , ,")));
        assert_eq!(check_value(ncg, "sales,support"), ValueCheck::Ok);
        let cg = opt("endpoint", "call_group");
        assert_eq!(check_value(cg, "1,70"), ValueCheck::Ok);
        assert!(silently_ignored(cg, "1,70").is_some());
        assert!(silently_ignored(cg, "1,3-5").is_none());
        let debug = opt("global", "debug");
        assert!(is_rejected(&check_value(debug, "")));
        assert_eq!(check_value(debug, "10.0.0.5"), ValueCheck::Ok);
        assert_eq!(
            check_value(opt("endpoint", "dtls_cert_file"), "/etc/x.pem"),
            ValueCheck::Unchecked
        );
        assert_eq!(
            check_value(opt("endpoint", "dtls_rekey"), "60"),
            ValueCheck::Ok
        );
        assert!(is_rejected(&check_value(
            opt("endpoint", "dtls_rekey"),
            "hourly"
        )));
        assert_eq!(
            check_value(opt("endpoint", "stir_shaken"), "attest"),
            ValueCheck::Ok
        );
    }

    #[test]
    fn codec_prefs() {
        let o = opt("endpoint", "codec_prefs_incoming_offer");
        let v = "prefer:configured,operation:intersect,keep:first,transcode:allow";
        assert_eq!(check_value(o, v), ValueCheck::Ok);
        assert_eq!(
            show_value(o, v),
            "prefer:configured, operation:intersect, keep:first, transcode:allow"
        );
        assert_eq!(check_value(o, "prefer: pending, keep: all"), ValueCheck::Ok);
        assert_eq!(
            show_value(o, "prefer: pending, keep: all"),
            "prefer: pending, keep: all"
        );
        assert!(is_rejected(&check_value(o, "operation: union")));
        assert_eq!(
            check_value(
                opt("endpoint", "codec_prefs_outgoing_offer"),
                "operation: union"
            ),
            ValueCheck::Ok
        );
        assert!(is_rejected(&check_value(o, "prefer")));
        assert!(is_rejected(&check_value(o, "prefer: Pending")));
        assert_eq!(check_value(o, "flavour: vanilla"), ValueCheck::Ok);
    }

    #[test]
    fn callerid() {
        let o = opt("endpoint", "callerid");
        for (v, shown) in [
            ("Richard Casey <1104>", "\"Richard Casey\" <1104>"),
            ("\"User One\" <100>", "\"User One\" <100>"),
            ("Rebrain", "Rebrain"),
            ("<1234>", "1234"),
            ("555-1234", "5551234"),
            ("", "<unknown>"),
            ("\"Say \\\"hi\\\"\" <1>", "\"Say \\\"hi\\\"\" <1>"),
            ("\"100\"", "100"),
        ] {
            assert_eq!(show_value(o, v), shown, "{v}");
        }
        assert_eq!(check_value(o, "whatever"), ValueCheck::Ok);
    }
}
