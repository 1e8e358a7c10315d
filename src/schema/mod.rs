//! The option schema of every pjsip.conf object type, as Asterisk's own sources define it.
//!
//! # Where the facts come from
//! Everything here is read from `src/schema/pjsip-options.data.json`, a trimmed copy of
//! `../shared/asterisk/pjsip-options.json` (extracted from Asterisk's sources at the commit
//! recorded in [`Schema::asterisk_commit`]). Per upstream key:
//!
//! | data | upstream |
//! |---|---|
//! | object types, `module`, `in_pjsip_conf` | `types.<name>` |
//! | `single_object`, `explicit_name` | `types.<name>.selection` |
//! | `option_patterns` (`^@` extended fields, `^event_`, phoneprov's `^`) | `types.<name>.option_patterns` |
//! | `removed_options` | `types.<name>.removed_options` |
//! | option `kind`, `opt_type`, `handler`, `subkind`, `default`, `default_effective`, `values`, `case_sensitive`, `also_accepted`, `range`, `repeat`, `refs`, `deprecated`, `replacement`, `deprecated_values`, `max_length`, `nonempty_required`, `required`, `via_pattern`, `codec_op` | the option's key of the same name |
//! | option `availability` (first release per major branch) | `availability` |
//! | option `alias` | `alias_registration` |
//! | option `invalid_ignored` | `invalid_value` (prose saying a bad value is accepted) |
//! | option `secret` | derived: passwords, digests, OAuth secrets, tokens |
//! | `accepted_true` / `accepted_false` | the bool words shared by the bool options |
//! | `codec_names` | `codec_names.values` (registration order, which `allow=all` follows) |
//!
//! Prose (`notes`, `syntax`, `how_to_read`, `general_rules`, ...) is not copied.
//!
//! # Refreshing
//! When the upstream file changes, run
//! `cargo run --example refresh_schema -- ../shared/asterisk/pjsip-options.json`; it rewrites
//! the data file through [`refresh::refresh_data`] (the only place with trimming rules), and
//! `tests/schema_data.rs` fails while the checked-in file is stale.
//!
//! # Runtime
//! The build script (`build.rs`) writes the data out as Rust statics, so [`schema`] costs
//! nothing: no JSON is parsed and nothing is allocated in a run. [`Schema::from_json`] reads
//! other data into the same types at run time (tests, the refresh example). Texts are
//! [`SchemaStr`]s.
//!
//! ```
//! use pjsiplint::schema::{check_value, closest_option, schema, ValueCheck};
//!
//! let endpoint = schema().object_type("endpoint").unwrap();
//! let dtmf = endpoint.option("DTMF_Mode").unwrap(); // option names ignore case
//! assert!(matches!(check_value(dtmf, "bogus"), ValueCheck::Rejected { .. }));
//! assert_eq!(closest_option(endpoint, "outbund_auth", 22)[0], "outbound_auth");
//! assert!(!endpoint.option("rtp_port_start").unwrap().available_in(21));
//! ```

mod data;
pub mod refresh;
pub mod values;

pub(crate) mod addr;

use std::sync::OnceLock;

use data::{cmp_ignore_case, Data};
pub use data::{Repeat, ValueKind};
pub use refresh::{refresh_data, to_data_string, trim_upstream};
pub(crate) use values::codec_item;
pub use values::{check_value, codec_cap, show_codecs, show_value, ValueCheck};

/// The checked-in schema data (see the module documentation).
pub const DATA: &str = include_str!("pjsip-options.data.json");

/// Major Asterisk branches the availability data covers.
pub const SUPPORTED_MAJORS: std::ops::RangeInclusive<u32> = data::MAJORS;

// `static SCHEMA: Schema`, written by build.rs from DATA.
include!(concat!(env!("OUT_DIR"), "/schema_data.rs"));

/// The schema of [`DATA`].
pub fn schema() -> &'static Schema {
    &SCHEMA
}

/// A text of the schema: a `&'static str` (a static's, or leaked by [`Schema::from_json`]) that
/// reads like the `String` it replaces (`as_str`, `Option::as_deref`, comparisons with `str`),
/// so that code reading the schema need not know where it came from.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaStr(&'static str);

impl SchemaStr {
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

impl std::ops::Deref for SchemaStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl std::borrow::Borrow<str> for SchemaStr {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl std::fmt::Debug for SchemaStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for SchemaStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq<str> for SchemaStr {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SchemaStr {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for SchemaStr {
    fn eq(&self, other: &String) -> bool {
        self.0 == other
    }
}

/// Every object type with its options, plus the codec names.
#[derive(Debug)]
pub struct Schema {
    /// The Asterisk commit the facts were extracted from.
    pub asterisk_commit: SchemaStr,
    /// Words `ast_true()` accepts (case-insensitive): the value is "yes".
    pub accepted_true: &'static [SchemaStr],
    /// Words `ast_false()` accepts (case-insensitive): the value is "no".
    pub accepted_false: &'static [SchemaStr],
    /// Codec (format) names in Asterisk's registration order, including `all`.
    codec_names: &'static [SchemaStr],
    /// Sorted by name.
    types: &'static [ObjectType],
    /// The names of the options (of any type) that name other objects, lower-cased and sorted.
    reference_names: &'static [SchemaStr],
}

impl Schema {
    /// Reads schema data in the layout [`refresh::to_data_string`] writes. The result lives as
    /// long as the program, like [`schema`]'s: its text is leaked.
    pub fn from_json(text: &str) -> Result<Schema, serde_json::Error> {
        Ok(Schema::leak(Data::from_json(text)?))
    }

    fn leak(data: Data) -> Schema {
        let types = data.types.into_iter().enumerate().map(|(index, ty)| {
            let options = ty
                .options
                .into_iter()
                .enumerate()
                .map(|(index, o)| OptionSpec {
                    name: leak(o.name),
                    kind: o.kind,
                    opt_type: o.opt_type.map(leak),
                    handler: o.handler.map(leak),
                    subkind: o.subkind.map(leak),
                    default: o.default.map(leak),
                    default_effective: o.default_effective.map(leak),
                    values: leak_all(o.values),
                    case_sensitive: o.case_sensitive,
                    also_accepted: leak_all(o.also_accepted),
                    accepted_true: o.accepted_true.map(leak_all),
                    accepted_false: o.accepted_false.map(leak_all),
                    range: o.range,
                    repeat: o.repeat,
                    refs: o.refs.map(leak),
                    deprecated: o.deprecated,
                    replacement: o.replacement.map(leak),
                    deprecated_values: Box::leak(
                        (o.deprecated_values.into_iter())
                            .map(|(word, instead)| (leak(word), leak(instead)))
                            .collect(),
                    ),
                    availability: o.availability.map(|a| Availability {
                        firsts: leak(a.firsts),
                        branches: a.branches,
                        gaps: Box::leak(a.gaps.into_iter().map(|(m, g)| (m, leak(g))).collect()),
                    }),
                    release_candidates: leak_all(o.release_candidates),
                    max_length: o.max_length,
                    nonempty_required: o.nonempty_required,
                    required: o.required,
                    invalid_ignored: o.invalid_ignored,
                    via_pattern: o.via_pattern.map(leak),
                    codec_op: o.codec_op.map(leak),
                    alias: o.alias,
                    secret: o.secret,
                    index,
                });
            let patterns = ty.option_patterns.into_iter().map(|p| OptionPattern {
                regex: leak(p.regex),
                kind: p.kind,
                repeat: p.repeat,
                subkind: p.subkind.map(leak),
                matcher: OnceLock::new(),
            });
            let removed = ty.removed_options.into_iter().map(|r| RemovedOption {
                name: leak(r.name),
                present_only_in: leak_all(r.present_only_in),
            });
            ObjectType {
                name: leak(ty.name),
                module: leak(ty.module),
                in_pjsip_conf: ty.in_pjsip_conf,
                single_object: ty.single_object,
                explicit_name: ty.explicit_name.map(leak),
                option_patterns: Box::leak(patterns.collect()),
                removed_options: Box::leak(removed.collect()),
                options: Box::leak(options.collect()),
                index,
            }
        });
        Schema {
            asterisk_commit: leak(data.asterisk_commit),
            accepted_true: leak_all(data.accepted_true),
            accepted_false: leak_all(data.accepted_false),
            codec_names: leak_all(data.codec_names),
            types: Box::leak(types.collect()),
            reference_names: leak_all(data.reference_names),
        }
    }

    /// Whether an option of that name (compared without case) names other objects in some
    /// type: a quick no for almost every line before the per-type lookup.
    pub fn may_name_objects(&self, key: &str) -> bool {
        self.reference_names
            .binary_search_by(|name| cmp_ignore_case(name, key))
            .is_ok()
    }

    /// The object type selected by `type=<name>`: exact and case-sensitive, as Asterisk
    /// compares the value with `strcmp`.
    pub fn object_type(&self, name: &str) -> Option<&ObjectType> {
        // A scan comparing lengths first: a score of types, asked once per section, and a
        // binary search's string comparisons each called memcmp.
        self.types
            .iter()
            .find(|t| t.name.len() == name.len() && t.name.as_bytes() == name.as_bytes())
    }

    /// The object type whose [`ObjectType::index`] is `index`.
    pub fn type_at(&self, index: usize) -> &ObjectType {
        &self.types[index]
    }

    /// All object types, sorted by name (including `contact` and `subscription_persistence`,
    /// which are not configured in pjsip.conf: see [`ObjectType::in_pjsip_conf`]).
    pub fn object_types(&self) -> impl Iterator<Item = &ObjectType> {
        self.types.iter()
    }

    /// Whether `name` is a codec `allow=`/`disallow=` accept: case-insensitive, `all` included.
    pub fn is_codec(&self, name: &str) -> bool {
        self.codec_names
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }

    /// Codec names in Asterisk's registration order (the order `allow=all` adds them in).
    pub fn codec_names(&self) -> impl Iterator<Item = &str> {
        self.codec_names.iter().map(|name| name.as_str())
    }

    /// Whether `value` is one of the `ast_true()` words.
    pub fn is_true_word(&self, value: &str) -> bool {
        self.accepted_true
            .iter()
            .any(|w| w.eq_ignore_ascii_case(value))
    }

    /// Whether `value` is one of the `ast_false()` words.
    pub fn is_false_word(&self, value: &str) -> bool {
        self.accepted_false
            .iter()
            .any(|w| w.eq_ignore_ascii_case(value))
    }
}

fn leak(text: String) -> SchemaStr {
    SchemaStr(Box::leak(text.into_boxed_str()))
}

fn leak_all(texts: Vec<String>) -> &'static [SchemaStr] {
    Box::leak(texts.into_iter().map(leak).collect())
}

/// One sorcery object type (`type=endpoint`, `type=aor`, ...).
#[derive(Debug)]
pub struct ObjectType {
    /// The `type=` value.
    pub name: SchemaStr,
    /// The Asterisk module that registers the type (e.g. `res_pjsip`).
    pub module: SchemaStr,
    /// False for types that exist in sorcery but are not read from pjsip.conf by default
    /// (`contact`, `subscription_persistence`).
    pub in_pjsip_conf: bool,
    /// At most one object of this type may exist (`global`, `system`).
    pub single_object: bool,
    /// A section with exactly this name is taken as the object even without `type=`.
    pub explicit_name: Option<SchemaStr>,
    /// Key patterns accepted besides the named options.
    pub option_patterns: &'static [OptionPattern],
    /// Options that existed only in a few releases.
    pub removed_options: &'static [RemovedOption],
    /// Sorted by lower-cased name.
    options: &'static [OptionSpec],
    /// Its position in [`Schema::object_types`]: tables kept per type index by it.
    pub index: usize,
}

impl ObjectType {
    /// The option named `key`, compared case-insensitively (`strcasecmp`, as Asterisk does),
    /// whatever the version. Use [`OptionSpec::available_in`] for a given branch.
    pub fn option(&self, key: &str) -> Option<&OptionSpec> {
        self.options
            .binary_search_by(|o| cmp_ignore_case(&o.name, key))
            .ok()
            .map(|i| &self.options[i])
    }

    /// Whether `key` is accepted through one of the type's key patterns (e.g. `@anything`).
    pub fn matches_pattern(&self, key: &str) -> bool {
        self.pattern_for(key).is_some()
    }

    /// The first key pattern accepting `key`.
    pub fn pattern_for(&self, key: &str) -> Option<&OptionPattern> {
        self.option_patterns.iter().find(|p| p.matches(key))
    }

    /// All named options, sorted by lower-cased name.
    pub fn options(&self) -> impl Iterator<Item = &OptionSpec> {
        self.options.iter()
    }

    /// The option named `key` if it existed only in a few releases (case-insensitive).
    pub fn removed_option(&self, key: &str) -> Option<&RemovedOption> {
        self.removed_options
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(key))
    }
}

/// A key pattern registered with `ACO_REGEX` (POSIX extended, case-sensitive).
pub struct OptionPattern {
    /// The regular expression as Asterisk registers it (e.g. `^@`).
    pub regex: SchemaStr,
    /// Value kind of the keys it accepts.
    pub kind: ValueKind,
    /// What repeating such a key does.
    pub repeat: Repeat,
    /// Intended content, when known.
    pub subkind: Option<SchemaStr>,
    matcher: OnceLock<Matcher>,
}

/// The data only: whether the matcher was made yet is no part of the schema.
impl std::fmt::Debug for OptionPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OptionPattern")
            .field("regex", &self.regex)
            .field("kind", &self.kind)
            .field("repeat", &self.repeat)
            .field("subkind", &self.subkind)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
enum Matcher {
    /// `^` followed by literal characters: a prefix test, no regex engine needed.
    Prefix(&'static str),
    Regex(regex::Regex),
    /// A pattern the regex crate cannot compile: matches nothing (never seen in the data).
    Never,
}

impl OptionPattern {
    /// Whether `key` matches the pattern.
    pub fn matches(&self, key: &str) -> bool {
        let matcher = self.matcher.get_or_init(|| {
            let literal = (self.regex.as_str())
                .strip_prefix('^')
                .filter(|rest| !rest.chars().any(|c| "\\.^$|?*+()[]{}".contains(c)));
            match literal {
                Some(prefix) => Matcher::Prefix(prefix),
                None => regex::Regex::new(&self.regex).map_or(Matcher::Never, Matcher::Regex),
            }
        });
        match matcher {
            Matcher::Prefix(p) => key.starts_with(p),
            Matcher::Regex(re) => re.is_match(key),
            Matcher::Never => false,
        }
    }
}

/// An option that existed only in some releases.
#[derive(Debug)]
pub struct RemovedOption {
    pub name: SchemaStr,
    /// The only releases that registered it.
    pub present_only_in: &'static [SchemaStr],
}

/// Everything known about one option.
#[derive(Debug)]
pub struct OptionSpec {
    /// The name as Asterisk registers it.
    pub name: SchemaStr,
    pub kind: ValueKind,
    /// The `aco_option_type` (`OPT_BOOL_T`, `OPT_YESNO_T`, `OPT_CUSTOM_T`, ...); `None` for
    /// options that exist only through a pattern.
    pub opt_type: Option<SchemaStr>,
    /// The C handler of a custom option (e.g. `dtls_handler`).
    pub handler: Option<SchemaStr>,
    /// Intended content (e.g. `sip_uri`, `acl_rules`, `name_list`).
    pub subkind: Option<SchemaStr>,
    /// The value the code applies before the section's own lines; `None` = empty/NULL.
    pub default: Option<SchemaStr>,
    /// What the running system uses when the option is absent, when it differs from `default`.
    pub default_effective: Option<SchemaStr>,
    /// Accepted words of an enum (or of a list's items).
    pub values: &'static [SchemaStr],
    /// Whether `values` are compared case-sensitively.
    pub case_sensitive: bool,
    /// Further accepted values (e.g. the `ast_true`/`ast_false` words, `<integer> (sscanf %d)`).
    pub also_accepted: &'static [SchemaStr],
    /// Bool words for "yes", when they differ from [`Schema::accepted_true`].
    pub accepted_true: Option<&'static [SchemaStr]>,
    /// Bool words for "no", when they differ from [`Schema::accepted_false`].
    pub accepted_false: Option<&'static [SchemaStr]>,
    /// Inclusive bounds checked by the parser.
    pub range: Option<(i64, i64)>,
    pub repeat: Repeat,
    /// The section type (or foreign object) the value names.
    pub refs: Option<SchemaStr>,
    pub deprecated: bool,
    pub replacement: Option<SchemaStr>,
    /// Deprecated words of an enum and their replacements, sorted by the deprecated word.
    pub deprecated_values: &'static [(SchemaStr, SchemaStr)],
    /// First release per major branch; `None` for options that exist only through a pattern.
    pub availability: Option<Availability>,
    /// Release candidates of an option that is not in any final release yet.
    pub release_candidates: &'static [SchemaStr],
    /// Buffer size of a `char_array` option (values are cut to `max_length - 1` bytes).
    pub max_length: Option<u32>,
    /// An empty value is an error.
    pub nonempty_required: bool,
    /// The object is incomplete without it.
    pub required: bool,
    /// Values the handler does not understand are accepted without an error.
    pub invalid_ignored: bool,
    /// The option exists through this key pattern rather than its own registration.
    pub via_pattern: Option<SchemaStr>,
    /// `allow` or `disallow` for codec lists.
    pub codec_op: Option<SchemaStr>,
    /// Registered as an alias: not shown by `pjsip show`.
    pub alias: bool,
    secret: bool,
    /// Its position in [`ObjectType::options`]: tables kept per option index by it.
    pub index: usize,
}

/// The first release of each major branch that registers an option.
#[derive(Debug)]
pub struct Availability {
    /// One entry per branch of [`SUPPORTED_MAJORS`], separated by spaces; `-` = none.
    firsts: SchemaStr,
    /// Bit `major - 16` is set when branch `major` has a first release: validation asks this
    /// for every line, so it must not split `firsts`.
    branches: u32,
    /// Upstream `{"first", "gaps"}` entries: the option disappeared again for some releases
    /// of that branch. The gaps are kept as upstream writes them (JSON text).
    pub gaps: &'static [(u32, SchemaStr)],
}

impl Availability {
    /// Whether some release of branch `major` registers the option.
    pub fn in_branch(&self, major: u32) -> bool {
        major
            .checked_sub(*SUPPORTED_MAJORS.start())
            .and_then(|i| 1u32.checked_shl(i))
            .is_some_and(|bit| self.branches & bit != 0)
    }

    /// The first release of branch `major`.
    pub fn first(&self, major: u32) -> Option<&str> {
        let i = major.checked_sub(*SUPPORTED_MAJORS.start())?;
        self.firsts
            .split(' ')
            .nth(usize::try_from(i).ok()?)
            .filter(|f| *f != "-")
    }
}

impl OptionSpec {
    /// Whether any release of major branch `major` (16..=23) registers the option.
    /// Options that exist only through a pattern are available wherever their type is.
    pub fn available_in(&self, major: u32) -> bool {
        match &self.availability {
            None => SUPPORTED_MAJORS.contains(&major),
            Some(availability) => availability.in_branch(major),
        }
    }

    /// The first release of branch `major` that registers the option.
    pub fn first_release(&self, major: u32) -> Option<&str> {
        self.availability.as_ref()?.first(major)
    }

    /// Whether the value must never be echoed (passwords, digests, OAuth secrets, tokens).
    pub fn is_secret(&self) -> bool {
        self.secret
    }
}

/// Did-you-mean: options of `ty` available in branch `major` whose names are within a small
/// edit distance of `key` (case-insensitive; a swap of two neighbours counts as one edit),
/// best first. The allowed distance grows with the key's length: 1 up to 7 characters, then
/// one more per 4 characters, at most 4.
pub fn closest_option<'a>(ty: &'a ObjectType, key: &str, major: u32) -> Vec<&'a str> {
    let key = key.to_ascii_lowercase();
    let length = key.chars().count();
    let limit = (length / 4).clamp(1, 4);
    let mut found: Vec<(usize, &str)> = ty
        .options()
        .filter(|o| o.available_in(major))
        // Too long or too short to be within the limit (checked before any allocation).
        .filter(|o| o.name.chars().count().abs_diff(length) <= limit)
        .filter_map(|o| {
            let d = edit_distance(&key, &o.name.to_ascii_lowercase(), limit)?;
            Some((d, o.name.as_str()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, name)| name).collect()
}

/// Optimal-string-alignment distance, or `None` when it exceeds `limit`.
pub(crate) fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Three rolling rows: two back (for transpositions), previous, current.
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_type_lookup_is_exact_and_case_sensitive() {
        let s = schema();
        assert!(s.object_type("endpoint").is_some());
        assert!(s.object_type("Endpoint").is_none());
        assert!(s.object_type("endpoints").is_none());
        assert!(s.object_type("inbound-publication").is_some());
        assert_eq!(s.object_types().count(), 17);
        let global = s.object_type("global").unwrap();
        assert!(global.single_object);
        assert_eq!(global.explicit_name.as_deref(), Some("global"));
        let contact = s.object_type("contact").unwrap();
        assert!(!contact.in_pjsip_conf);
    }

    #[test]
    fn option_lookup_is_case_insensitive() {
        let ep = schema().object_type("endpoint").unwrap();
        let ctx = ep.option("Context").unwrap();
        assert_eq!(ctx.name, "context");
        assert_eq!(ctx.kind, ValueKind::String);
        assert_eq!(ctx.default.as_deref(), Some("default"));
        assert!(ep.option("CONTEXT").is_some());
        assert!(ep.option("contexts").is_none());
        assert!(ep.option("100rel").is_some());
        assert_eq!(ep.options().count(), 146);
        let pp = schema().object_type("phoneprov").unwrap();
        assert_eq!(pp.option("mac").unwrap().name, "MAC");
    }

    #[test]
    fn option_facts() {
        let ep = schema().object_type("endpoint").unwrap();
        let aors = ep.option("aors").unwrap();
        assert_eq!(aors.refs.as_deref(), Some("aor"));
        assert_eq!(aors.repeat, Repeat::LastWins);
        assert_eq!(ep.option("allow").unwrap().repeat, Repeat::Accumulate);
        assert_eq!(
            ep.option("set_var").unwrap().repeat,
            Repeat::AccumulatePerKey
        );
        let pco = ep.option("preferred_codec_only").unwrap();
        assert!(pco.deprecated);
        assert_eq!(pco.replacement.as_deref(), Some("incoming_call_offer_pref"));
        let dtmf = ep.option("dtmf_mode").unwrap();
        assert_eq!(dtmf.kind, ValueKind::Enum);
        assert!(dtmf.values.iter().any(|v| v == "auto_info"));
        let sub = ep.option("subscribe_context").unwrap();
        assert_eq!(sub.kind, ValueKind::CharArray);
        assert_eq!(sub.max_length, Some(80));
        let port = ep.option("rtp_port_start").unwrap();
        assert_eq!(port.range, Some((0, 65535)));
        let wwt = schema()
            .object_type("transport")
            .unwrap()
            .option("websocket_write_timeout")
            .unwrap();
        assert_eq!(wwt.range, Some((1, i64::from(i32::MAX))));
        let auth_type = schema()
            .object_type("auth")
            .unwrap()
            .option("auth_type")
            .unwrap();
        let instead = |word: &str| {
            (auth_type.deprecated_values.iter())
                .find(|(deprecated, _)| deprecated == word)
                .map(|(_, instead)| instead.as_str())
        };
        assert_eq!(instead("md5"), Some("digest"));
    }

    #[test]
    fn availability_per_branch() {
        let auth = schema().object_type("auth").unwrap();
        let pd = auth.option("password_digest").unwrap();
        assert!(!pd.available_in(19));
        assert!(pd.available_in(20));
        assert_eq!(pd.first_release(20), Some("20.12.0"));
        assert_eq!(pd.first_release(21), Some("21.7.0"));
        assert_eq!(pd.first_release(16), None);
        assert!(!pd.available_in(24));
        let oauth = auth.option("oauth_secret").unwrap();
        assert!(!oauth.available_in(16) && oauth.available_in(17));
        let tr = schema().object_type("transport").unwrap();
        let esh = tr.option("external_signaling_hostname").unwrap();
        assert!(SUPPORTED_MAJORS.into_iter().all(|m| !esh.available_in(m)));
        assert!(!esh.release_candidates.is_empty());
        let pp = schema().object_type("phoneprov").unwrap();
        assert!(pp.option("PROFILE").unwrap().available_in(16));
        assert!(pp.option("PROFILE").unwrap().required);
        let ident = schema().object_type("identify").unwrap();
        assert!(ident.option("transport").is_none());
        assert_eq!(
            ident
                .removed_option("Transport")
                .unwrap()
                .present_only_in
                .len(),
            3
        );
    }

    #[test]
    fn availability_gaps_form() {
        let text = r#"{"asterisk_commit":"x","accepted_true":["yes"],"accepted_false":["no"],
            "codec_names":["ulaw","all"],"types":[{"name":"t","explicit_name":null,
            "in_pjsip_conf":true,"module":"m","option_patterns":[],"single_object":false,
            "options":[{"name":"o","kind":"string","repeat":"last_wins","availability":
            {"16":null,"17":"17.1.0","18":{"first":"18.2.0","gaps":["18.3.0"]},"19":null,
            "20":null,"21":null,"22":null,"23":"23.0.0"}}]}]}"#;
        let s = Schema::from_json(text).unwrap();
        let o = s.object_type("t").unwrap().option("O").unwrap();
        assert_eq!(o.first_release(16), None);
        assert_eq!(o.first_release(17), Some("17.1.0"));
        assert_eq!(o.first_release(18), Some("18.2.0"));
        assert_eq!(o.first_release(23), Some("23.0.0"));
        assert_eq!(o.availability.as_ref().unwrap().gaps.len(), 1);
        assert!(Schema::from_json(&text.replace(r#""23":"#, r#""24":"#)).is_err());
    }

    /// The statics build.rs writes and the run-time reading of the same data agree.
    #[test]
    fn built_schema_is_the_data() {
        let parsed = Schema::from_json(DATA).unwrap();
        assert_eq!(format!("{parsed:#?}"), format!("{:#?}", schema()));
    }

    #[test]
    fn secrets() {
        let s = schema();
        let auth = s.object_type("auth").unwrap();
        for name in [
            "password",
            "md5_cred",
            "password_digest",
            "oauth_secret",
            "refresh_token",
        ] {
            assert!(auth.option(name).unwrap().is_secret(), "{name}");
        }
        assert!(!auth.option("username").unwrap().is_secret());
        assert!(!auth.option("oauth_clientid").unwrap().is_secret());
        assert!(s
            .object_type("transport")
            .unwrap()
            .option("password")
            .unwrap()
            .is_secret());
        let secret_count: usize = s
            .object_types()
            .map(|t| t.options().filter(|o| o.is_secret()).count())
            .sum();
        assert_eq!(secret_count, 6);
    }

    #[test]
    fn patterns() {
        let s = schema();
        let ep = s.object_type("endpoint").unwrap();
        assert!(ep.matches_pattern("@pjsip_wizard"));
        assert!(!ep.matches_pattern("x-custom"));
        assert!(!ep.matches_pattern("context"));
        let ib = s.object_type("inbound-publication").unwrap();
        assert!(ib.matches_pattern("event_asterisk-devicestate"));
        assert!(
            !ib.matches_pattern("Event_x"),
            "regex patterns are case-sensitive"
        );
        assert_eq!(ib.pattern_for("event_x").unwrap().kind, ValueKind::Custom);
        let pp = s.object_type("phoneprov").unwrap();
        assert!(pp.matches_pattern("ANYTHING"));
    }

    #[test]
    fn codecs() {
        let s = schema();
        assert!(s.is_codec("ulaw"));
        assert!(s.is_codec("ULAW"));
        assert!(s.is_codec("all"));
        assert!(s.is_codec("G722"));
        assert!(!s.is_codec("notacodec"));
        assert!(!s.is_codec(""));
        assert_eq!(s.codec_names().next(), Some("codec2"));
        assert!(s.is_true_word("On") && s.is_false_word("OFF") && !s.is_true_word("maybe"));
    }

    #[test]
    fn did_you_mean() {
        let ep = schema().object_type("endpoint").unwrap();
        assert_eq!(closest_option(ep, "outbund_auth", 22)[0], "outbound_auth");
        assert_eq!(
            closest_option(ep, "rtp_symetric", 22),
            vec!["rtp_symmetric"]
        );
        assert_eq!(
            closest_option(ep, "RTP_SYMMETIRC", 22),
            vec!["rtp_symmetric"]
        );
        assert!(closest_option(ep, "completely_unrelated_words", 22).is_empty());
        let tr = schema().object_type("transport").unwrap();
        assert_eq!(
            closest_option(tr, "external_signal_address", 22)[0],
            "external_signaling_address"
        );
        assert_eq!(closest_option(tr, "local_netx", 22)[0], "local_net");
        // Not suggested where the branch lacks the option.
        let sys = schema().object_type("system").unwrap();
        assert!(closest_option(sys, "taskpool_max_siz", 21).is_empty());
        assert_eq!(
            closest_option(sys, "taskpool_max_siz", 22),
            vec!["taskpool_max_size"]
        );
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("abc", "abc", 2), Some(0));
        assert_eq!(edit_distance("abc", "acb", 2), Some(1));
        assert_eq!(edit_distance("abc", "abcd", 2), Some(1));
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("", "ab", 2), Some(2));
    }
}
