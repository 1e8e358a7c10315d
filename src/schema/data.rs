//! The layout of `pjsip-options.data.json`, read into owned values and put in lookup order.
//!
//! Compiled twice: in the library (for [`super::Schema::from_json`]) and in `build.rs`, which
//! writes the checked-in data out as the Rust statics the binary uses, so that no run parses
//! JSON. It therefore uses nothing but std, serde and serde_json.

use serde::Deserialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The whole file, with types sorted by name and each type's options by lower-cased name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    pub asterisk_commit: String,
    pub accepted_true: Vec<String>,
    pub accepted_false: Vec<String>,
    pub codec_names: Vec<String>,
    pub types: Vec<TypeData>,
    /// The lower-cased names of the options (of any type) that name other objects, sorted.
    #[serde(skip)]
    pub reference_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeData {
    pub name: String,
    pub module: String,
    pub in_pjsip_conf: bool,
    pub single_object: bool,
    pub explicit_name: Option<String>,
    pub option_patterns: Vec<PatternData>,
    #[serde(default)]
    pub removed_options: Vec<RemovedData>,
    pub options: Vec<OptionData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternData {
    pub regex: String,
    pub kind: ValueKind,
    pub repeat: Repeat,
    pub subkind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovedData {
    pub name: String,
    pub present_only_in: Vec<String>,
}

/// One option; the fields are documented on [`super::OptionSpec`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionData {
    pub name: String,
    pub kind: ValueKind,
    pub opt_type: Option<String>,
    pub handler: Option<String>,
    pub subkind: Option<String>,
    pub default: Option<String>,
    pub default_effective: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    #[serde(default)]
    pub also_accepted: Vec<String>,
    pub accepted_true: Option<Vec<String>>,
    pub accepted_false: Option<Vec<String>>,
    pub range: Option<(i64, i64)>,
    pub repeat: Repeat,
    pub refs: Option<String>,
    #[serde(default)]
    pub deprecated: bool,
    pub replacement: Option<String>,
    /// Sorted by the deprecated word.
    #[serde(default)]
    pub deprecated_values: BTreeMap<String, String>,
    pub availability: Option<AvailabilityData>,
    #[serde(default)]
    pub release_candidates: Vec<String>,
    pub max_length: Option<u32>,
    #[serde(default)]
    pub nonempty_required: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub invalid_ignored: bool,
    pub via_pattern: Option<String>,
    pub codec_op: Option<String>,
    #[serde(default)]
    pub alias: bool,
    #[serde(default)]
    pub secret: bool,
}

/// An option's first release per major branch, in the form [`super::Availability`] keeps.
#[derive(Debug, Default)]
pub struct AvailabilityData {
    /// One entry per branch of [`MAJORS`], separated by spaces; `-` = none.
    pub firsts: String,
    /// Bit `major - 16` is set when branch `major` has a first release.
    pub branches: u32,
    /// Upstream `{"first", "gaps"}` entries: the branch and its gaps as JSON text.
    pub gaps: Vec<(u32, String)>,
}

/// Major Asterisk branches the availability data covers.
pub const MAJORS: std::ops::RangeInclusive<u32> = 16..=23;

/// How a value is parsed (upstream `kind`; see `value_kinds` in the upstream file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// `ast_true()`: unknown words silently mean "no".
    Bool,
    /// `strtoul` base 0, 32 bits.
    Uint,
    /// `strtol` base 0, 32 bits.
    Int,
    /// `strtod`.
    Double,
    /// Any text.
    String,
    /// Text cut to `max_length - 1` bytes.
    CharArray,
    /// One word of `values`.
    Enum,
    /// `allow` / `disallow`.
    CodecList,
    /// A handler of its own.
    Custom,
    /// The `type=` key itself.
    Type,
}

/// What repeating a key in one section does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Repeat {
    /// A later line replaces an earlier one (template lines come first).
    LastWins,
    /// Every line adds to a list.
    Accumulate,
    /// Lines add, but a line with the same sub-key replaces the earlier one.
    AccumulatePerKey,
}

impl Data {
    /// Reads schema data in the layout `refresh::to_data_string` writes, in lookup order.
    pub fn from_json(text: &str) -> Result<Data, serde_json::Error> {
        let mut data: Data = serde_json::from_str(text)?;
        data.types.sort_by(|a, b| a.name.cmp(&b.name));
        for ty in &mut data.types {
            ty.options.sort_by(|a, b| cmp_ignore_case(&a.name, &b.name));
        }
        let mut names: Vec<String> = data
            .types
            .iter()
            .flat_map(|ty| &ty.options)
            .filter(|option| option.refs.is_some())
            .map(|option| option.name.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        data.reference_names = names;
        Ok(data)
    }
}

/// ASCII case-insensitive ordering (`strcasecmp` in the C locale).
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// One value of the upstream-shaped `availability` map.
enum BranchEntry {
    None,
    First(String),
    Gaps(String, serde_json::Value),
}

impl<'de> Deserialize<'de> for BranchEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = BranchEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("null, a release string or {\"first\", \"gaps\"}")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(BranchEntry::None)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(BranchEntry::None)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BranchEntry::First(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let (mut first, mut gaps) = (None, serde_json::Value::Null);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "first" => first = Some(map.next_value::<String>()?),
                        "gaps" => gaps = map.next_value()?,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let first = first.ok_or_else(|| serde::de::Error::missing_field("first"))?;
                Ok(BranchEntry::Gaps(first, gaps))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads `{"16": ..., ..., "23": ...}` (the data file keeps upstream's per-branch map).
impl<'de> Deserialize<'de> for AvailabilityData {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AvailabilityData;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map from major branch to first release")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AvailabilityData, A::Error> {
                use serde::de::Error;
                const N: usize = (*MAJORS.end() - *MAJORS.start() + 1) as usize;
                let mut firsts: [Option<String>; N] = Default::default();
                let mut gaps = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let major: u32 = key
                        .parse()
                        .map_err(|_| A::Error::custom(format!("bad branch '{key}'")))?;
                    let i = major
                        .checked_sub(*MAJORS.start())
                        .map(|i| i as usize)
                        .filter(|&i| i < N)
                        .ok_or_else(|| A::Error::custom(format!("unsupported branch {major}")))?;
                    firsts[i] = match map.next_value::<BranchEntry>()? {
                        BranchEntry::None => None,
                        BranchEntry::First(first) => Some(first),
                        BranchEntry::Gaps(first, g) => {
                            gaps.push((major, g.to_string()));
                            Some(first)
                        }
                    };
                }
                let mut joined = String::with_capacity(N * 8);
                const { assert!(N <= 32, "one bit per branch") };
                let mut branches = 0u32;
                for (i, f) in firsts.iter().enumerate() {
                    if i > 0 {
                        joined.push(' ');
                    }
                    let first = f.as_deref().filter(|f| !f.is_empty() && !f.contains(' '));
                    if first.is_some_and(|f| f != "-") {
                        branches |= 1 << i;
                    }
                    joined.push_str(first.unwrap_or("-"));
                }
                Ok(AvailabilityData {
                    firsts: joined,
                    branches,
                    gaps,
                })
            }
        }
        d.deserialize_map(V)
    }
}
