//! Turning Asterisk's extracted option facts into the checked-in schema data.
//!
//! The upstream file (`../shared/asterisk/pjsip-options.json`) mixes facts with prose for
//! humans (`notes`, `syntax`, `how_to_read`, ...). [`trim_upstream`] keeps the facts and drops
//! the prose; [`to_data_string`] writes the result in a stable, review-friendly layout (one
//! option per line). Both the maintainer example (`cargo run --example refresh_schema`) and the
//! freshness test (`tests/schema_data.rs`) go through [`refresh_data`], so the trimming rules
//! live only here.
//!
//! The trimmer is strict: a key it does not know (on a type, an option or a pattern) is an
//! error, so a richer upstream file forces a decision here instead of being dropped silently.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Option keys copied unchanged when present (apart from dropping `null`s).
const KEPT_OPTION_KEYS: &[&str] = &[
    "kind",
    "opt_type",
    "handler",
    "subkind",
    "default",
    "values",
    "case_sensitive",
    "also_accepted",
    "repeat",
    "refs",
    "replacement",
    "deprecated_values",
    "max_length",
    "via_pattern",
    "codec_op",
];

/// Option keys that are prose, provenance or derivable, and are left out on purpose.
const DROPPED_OPTION_KEYS: &[&str] = &[
    "documented",      // always true
    "since_doc",       // XML <since>; `availability` is the reliable fact
    "registered_at",   // file:line, changes with every upstream commit
    "registration_fn", // which C function registered the option
    "notes",           // prose
    "syntax",          // prose (the checks in values.rs cite it in comments)
    "doc_default",     // what the XML docs claim; `default` is what the code does
    "doc_enums",       // what the XML docs list; `values` is what the code accepts
    "repeatable",      // derivable from `repeat`
];

/// Option keys that are converted rather than copied (see [`trim_option`]).
const CONVERTED_OPTION_KEYS: &[&str] = &[
    "availability",
    "default_effective",
    "range",
    "deprecated",
    "nonempty_required",
    "required",
    "alias_registration",
    "invalid_value",
    "accepted_true",
    "accepted_false",
];

const KEPT_TYPE_KEYS: &[&str] = &["module", "in_pjsip_conf"];
const DROPPED_TYPE_KEYS: &[&str] = &["source", "since_doc", "note", "apply_checks"];
const CONVERTED_TYPE_KEYS: &[&str] =
    &["selection", "options", "option_patterns", "removed_options"];

const KEPT_PATTERN_KEYS: &[&str] = &["regex", "kind", "repeat", "subkind"];
const DROPPED_PATTERN_KEYS: &[&str] = &["notes", "syntax", "registered_at", "repeatable"];

/// Major branches every option's availability must describe.
const MAJORS: std::ops::RangeInclusive<u32> = super::SUPPORTED_MAJORS;

/// Reads the upstream JSON text and returns the text of `src/schema/pjsip-options.data.json`.
pub fn refresh_data(upstream_json: &str) -> Result<String, String> {
    let upstream: Value =
        serde_json::from_str(upstream_json).map_err(|e| format!("upstream JSON: {e}"))?;
    let data = trim_upstream(&upstream)?;
    Ok(to_data_string(&data))
}

/// Keeps the machine-usable facts of the upstream option file and drops its prose.
///
/// The result has `asterisk_commit`, `accepted_true` / `accepted_false` (the bool words shared
/// by most bool options), `codec_names` (in Asterisk's registration order, which `allow=all`
/// follows) and `types`: an array sorted by name whose `options` are sorted by lower-cased
/// name (Asterisk matches option names case-insensitively).
pub fn trim_upstream(upstream: &Value) -> Result<Value, String> {
    let root = upstream.as_object().ok_or("upstream: not a JSON object")?;
    let commit = root
        .get("asterisk_commit")
        .and_then(Value::as_str)
        .ok_or("upstream: no asterisk_commit")?;
    let codecs = root
        .get("codec_names")
        .and_then(|c| c.get("values"))
        .and_then(Value::as_array)
        .ok_or("upstream: no codec_names.values")?;
    let types = root
        .get("types")
        .and_then(Value::as_object)
        .ok_or("upstream: no types object")?;

    let (common_true, common_false) = common_bool_words(types)?;

    let mut out_types = Vec::new();
    for (type_name, ty) in types {
        out_types.push(trim_type(type_name, ty, &common_true, &common_false)?);
    }
    out_types.sort_by(|a, b| name_of(a).cmp(name_of(b)));

    let mut out = Map::new();
    out.insert("asterisk_commit".into(), Value::from(commit));
    out.insert("accepted_true".into(), common_true);
    out.insert("accepted_false".into(), common_false);
    out.insert("codec_names".into(), Value::Array(codecs.clone()));
    out.insert("types".into(), Value::Array(out_types));
    Ok(Value::Object(out))
}

fn name_of(v: &Value) -> &str {
    v.get("name").and_then(Value::as_str).unwrap_or_default()
}

/// The `accepted_true` / `accepted_false` lists used by most bool options (ties: the smaller
/// JSON text wins, so the choice never depends on map order).
fn common_bool_words(types: &Map<String, Value>) -> Result<(Value, Value), String> {
    let mut counts: BTreeMap<String, (usize, Value, Value)> = BTreeMap::new();
    for ty in types.values() {
        let Some(options) = ty.get("options").and_then(Value::as_object) else {
            continue;
        };
        for opt in options.values() {
            if let (Some(t), Some(f)) = (opt.get("accepted_true"), opt.get("accepted_false")) {
                let key = format!("{t}{f}");
                counts.entry(key).or_insert((0, t.clone(), f.clone())).0 += 1;
            }
        }
    }
    counts
        .into_values()
        .max_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| b.1.to_string().cmp(&a.1.to_string()))
        })
        .map(|(_, t, f)| (t, f))
        .ok_or_else(|| "upstream: no bool option carries accepted_true/accepted_false".into())
}

fn check_keys(what: &str, obj: &Map<String, Value>, known: &[&[&str]]) -> Result<(), String> {
    for key in obj.keys() {
        if !known.iter().any(|list| list.contains(&key.as_str())) {
            return Err(format!(
                "{what}: unknown upstream key '{key}'; decide in src/schema/refresh.rs whether to keep it"
            ));
        }
    }
    Ok(())
}

fn trim_type(
    name: &str,
    ty: &Value,
    common_true: &Value,
    common_false: &Value,
) -> Result<Value, String> {
    let what = format!("type {name}");
    let obj = ty
        .as_object()
        .ok_or_else(|| format!("{what}: not an object"))?;
    check_keys(
        &what,
        obj,
        &[KEPT_TYPE_KEYS, DROPPED_TYPE_KEYS, CONVERTED_TYPE_KEYS],
    )?;

    let mut out = Map::new();
    out.insert("name".into(), Value::from(name));
    for key in KEPT_TYPE_KEYS {
        if let Some(v) = obj.get(*key).filter(|v| !v.is_null()) {
            out.insert((*key).into(), v.clone());
        }
    }
    let selection = obj.get("selection").filter(|v| !v.is_null());
    let single = selection
        .and_then(|s| s.get("single_object"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let explicit = selection
        .and_then(|s| s.get("explicit_name"))
        .cloned()
        .unwrap_or(Value::Null);
    out.insert("single_object".into(), Value::Bool(single));
    out.insert("explicit_name".into(), explicit);

    let mut patterns = Vec::new();
    for (i, p) in obj
        .get("option_patterns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let what = format!("{what} option_patterns[{i}]");
        let pobj = p
            .as_object()
            .ok_or_else(|| format!("{what}: not an object"))?;
        check_keys(&what, pobj, &[KEPT_PATTERN_KEYS, DROPPED_PATTERN_KEYS])?;
        let mut po = Map::new();
        for key in KEPT_PATTERN_KEYS {
            if let Some(v) = pobj.get(*key).filter(|v| !v.is_null()) {
                po.insert((*key).into(), v.clone());
            }
        }
        if !po.contains_key("regex") {
            return Err(format!("{what}: no regex"));
        }
        patterns.push(Value::Object(po));
    }
    out.insert("option_patterns".into(), Value::Array(patterns));

    if let Some(removed) = obj.get("removed_options").and_then(Value::as_object) {
        let mut list = Vec::new();
        for (opt_name, r) in removed {
            let present = r
                .get("present_only_in")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    format!("{what}: removed option {opt_name} has no present_only_in")
                })?;
            let mut ro = Map::new();
            ro.insert("name".into(), Value::from(opt_name.as_str()));
            ro.insert("present_only_in".into(), Value::Array(present.clone()));
            list.push(Value::Object(ro));
        }
        out.insert("removed_options".into(), Value::Array(list));
    }

    let options = obj
        .get("options")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{what}: no options object"))?;
    let mut out_opts = Vec::new();
    for (opt_name, opt) in options {
        out_opts.push(trim_option(name, opt_name, opt, common_true, common_false)?);
    }
    out_opts.sort_by(|a, b| {
        let (a, b) = (name_of(a), name_of(b));
        a.to_ascii_lowercase()
            .cmp(&b.to_ascii_lowercase())
            .then_with(|| a.cmp(b))
    });
    out.insert("options".into(), Value::Array(out_opts));
    Ok(Value::Object(out))
}

fn trim_option(
    type_name: &str,
    name: &str,
    opt: &Value,
    common_true: &Value,
    common_false: &Value,
) -> Result<Value, String> {
    let what = format!("option {type_name}/{name}");
    let obj = opt
        .as_object()
        .ok_or_else(|| format!("{what}: not an object"))?;
    check_keys(
        &what,
        obj,
        &[KEPT_OPTION_KEYS, DROPPED_OPTION_KEYS, CONVERTED_OPTION_KEYS],
    )?;
    for required in ["kind", "repeat"] {
        if !obj.get(required).is_some_and(Value::is_string) {
            return Err(format!("{what}: no string '{required}'"));
        }
    }

    let mut out = Map::new();
    out.insert("name".into(), Value::from(name));
    for key in KEPT_OPTION_KEYS {
        if let Some(v) = obj.get(*key).filter(|v| !v.is_null()) {
            out.insert((*key).into(), v.clone());
        }
    }

    // `default_effective` sometimes ends in a parenthesised remark for humans
    // ("userpass (doc says digest; equivalent)"): keep the value only.
    if let Some(de) = obj.get("default_effective").and_then(Value::as_str) {
        let value = match de.find(" (") {
            Some(i) if de.ends_with(')') => &de[..i],
            _ => de,
        };
        out.insert("default_effective".into(), Value::from(value));
    }

    // Bool word lists: only kept on the option when they differ from the common ones.
    for (key, common) in [
        ("accepted_true", common_true),
        ("accepted_false", common_false),
    ] {
        if let Some(words) = obj.get(key).filter(|w| *w != common) {
            out.insert(key.into(), words.clone());
        }
    }

    if let Some(range) = obj.get("range").filter(|v| !v.is_null()) {
        let bounds = range
            .as_array()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| format!("{what}: range is not [low, high]"))?;
        let mut nums = Vec::new();
        for b in bounds {
            nums.push(Value::from(
                range_bound(b).ok_or_else(|| format!("{what}: bad range bound {b}"))?,
            ));
        }
        out.insert("range".into(), Value::Array(nums));
    }

    // Flags: kept only when true, so the file stays short.
    for (from, to) in [
        ("deprecated", "deprecated"),
        ("nonempty_required", "nonempty_required"),
        ("required", "required"),
        ("alias_registration", "alias"),
    ] {
        if obj.get(from).and_then(Value::as_bool) == Some(true) {
            out.insert(to.into(), Value::Bool(true));
        }
    }

    // `invalid_value` is prose saying what the handler does with a value it does not
    // understand. Every instance so far says it is accepted without an error (ignored or
    // dropped); that is the one fact the value checks need.
    if let Some(text) = obj.get("invalid_value").and_then(Value::as_str) {
        let t = text.to_ascii_lowercase();
        if ["never an error", "silently", "ignored", "dropped"]
            .iter()
            .any(|w| t.contains(w))
        {
            out.insert("invalid_ignored".into(), Value::Bool(true));
        }
    }

    let (availability, candidates) = trim_availability(&what, obj.get("availability"))?;
    out.insert("availability".into(), availability);
    if let Some(c) = candidates {
        out.insert("release_candidates".into(), c);
    }

    let subkind = obj.get("subkind").and_then(Value::as_str);
    if is_secret(name, subkind) {
        out.insert("secret".into(), Value::Bool(true));
    }
    Ok(Value::Object(out))
}

/// Options whose values must never be echoed: passwords, digests, OAuth secrets and tokens.
fn is_secret(name: &str, subkind: Option<&str>) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(subkind, Some("secret" | "hex_digest" | "digest_spec_list"))
        || n.contains("password")
        || n.contains("secret")
        || n.ends_with("token")
        || n.ends_with("_cred")
}

fn range_bound(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => match s.as_str() {
            "INT_MAX" => Some(i64::from(i32::MAX)),
            "INT_MIN" => Some(i64::from(i32::MIN)),
            "UINT_MAX" | "UINT32_MAX" => Some(i64::from(u32::MAX)),
            _ => s.parse().ok(),
        },
        _ => None,
    }
}

/// Normalises `availability` to `{"16": first-release-or-null, ..., "23": ...}`.
///
/// Upstream forms: the per-branch map itself (values `null`, `"x.y.z"` or
/// `{"first": ..., "gaps": ...}`, kept as they are); `{"released": map-or-null, "master": true,
/// "release_candidates": [...]}` for options only on master (every branch `null`, the
/// candidates kept beside); `null` for options that exist only through a pattern (phoneprov's
/// catch-all), kept as `null`.
fn trim_availability(what: &str, av: Option<&Value>) -> Result<(Value, Option<Value>), String> {
    let Some(av) = av.filter(|v| !v.is_null()) else {
        return Ok((Value::Null, None));
    };
    let obj = av
        .as_object()
        .ok_or_else(|| format!("{what}: availability is not an object"))?;
    let (branches, candidates) = if obj.contains_key("released") || obj.contains_key("master") {
        let released = obj.get("released").and_then(Value::as_object);
        let candidates = obj
            .get("release_candidates")
            .cloned()
            .filter(|c| !c.is_null());
        (released.cloned().unwrap_or_default(), candidates)
    } else {
        (obj.clone(), None)
    };
    let mut out = Map::new();
    for major in MAJORS {
        let key = major.to_string();
        let v = branches.get(&key).cloned().unwrap_or(Value::Null);
        let ok = match &v {
            Value::Null | Value::String(_) => true,
            Value::Object(o) => o.get("first").is_some_and(Value::is_string),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "{what}: availability[{key}] has an unknown form: {v}"
            ));
        }
        out.insert(key, v);
    }
    for key in branches.keys() {
        if !key.parse::<u32>().is_ok_and(|m| MAJORS.contains(&m)) {
            return Err(format!(
                "{what}: availability has an unexpected key '{key}'"
            ));
        }
    }
    Ok((Value::Object(out), candidates))
}

/// Writes trimmed data in the checked-in layout: top-level keys one per line, each type's
/// scalar fields one per line, one option per line, every object's keys sorted with `name`
/// first. The output does not depend on serde_json's map ordering.
pub fn to_data_string(data: &Value) -> String {
    let mut s = String::new();
    write_block(&mut s, data, 0);
    s.push('\n');
    s
}

/// Objects at depth 0 (root) and 2 (a type) and the arrays `types` / `options` are laid out
/// over several lines; everything else is written compactly on one line.
fn write_block(s: &mut String, v: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(map) => {
            s.push_str("{\n");
            let keys = ordered_keys(map);
            for (i, key) in keys.iter().enumerate() {
                let _ = write!(s, "{pad}  {}: ", json_str(key));
                let child = &map[*key];
                if matches!(*key, "types" | "options") && child.is_array() {
                    write_block(s, child, depth + 1);
                } else {
                    write_compact(s, child);
                }
                s.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            let _ = write!(s, "{pad}}}");
        }
        Value::Array(items) if !items.is_empty() => {
            s.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                let _ = write!(s, "{pad}  ");
                if item.get("options").is_some() {
                    write_block(s, item, depth + 1);
                } else {
                    write_compact(s, item);
                }
                s.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            let _ = write!(s, "{pad}]");
        }
        other => write_compact(s, other),
    }
}

/// `name` first, `options` last, everything else in byte order.
fn ordered_keys(map: &Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let rank = |k: &str| match k {
        "name" => 0,
        "options" => 2,
        _ => 1,
    };
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    keys
}

fn write_compact(s: &mut String, v: &Value) {
    match v {
        Value::Object(map) => {
            s.push('{');
            for (i, key) in ordered_keys(map).into_iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&json_str(key));
                s.push(':');
                write_compact(s, &map[key]);
            }
            s.push('}');
        }
        Value::Array(items) => {
            s.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_compact(s, item);
            }
            s.push(']');
        }
        Value::String(text) => s.push_str(&json_str(text)),
        other => s.push_str(&other.to_string()),
    }
}

fn json_str(text: &str) -> String {
    Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn upstream(option: Value) -> Value {
        json!({
            "asterisk_commit": "abc",
            "codec_names": {"values": ["ulaw", "alaw", "all"], "case_sensitive": false},
            "types": {
                "thing": {
                    "module": "res_thing",
                    "in_pjsip_conf": true,
                    "selection": {"single_object": true, "explicit_name": "thing"},
                    "option_patterns": [{"regex": "^@", "kind": "string", "repeat": "accumulate_per_key", "notes": "x"}],
                    "options": {
                        "flag": {"kind": "bool", "repeat": "last_wins", "accepted_true": ["yes"], "accepted_false": ["no"],
                                 "availability": {"16": "16.0.0", "17": "17.0.0", "18": "18.0.0", "19": "19.0.0",
                                                  "20": "20.0.0", "21": "21.0.0", "22": "22.0.0", "23": "23.0.0"}},
                        "Other": option
                    }
                }
            }
        })
    }

    #[test]
    fn drops_prose_and_converts_fields() {
        let data = trim_upstream(&upstream(json!({
            "kind": "uint", "repeat": "last_wins", "notes": "prose", "syntax": "prose",
            "range": [1, "INT_MAX"], "deprecated": false, "default_effective": "5 (doc says 6)",
            "invalid_value": "silently ignored",
            "availability": {"released": null, "master": true, "release_candidates": ["23.5.0-rc1"]}
        })))
        .unwrap();
        let text = to_data_string(&data);
        assert!(!text.contains("prose"), "{text}");
        let opt = &data["types"][0]["options"][1];
        assert_eq!(opt["name"], "Other");
        assert_eq!(opt["range"], json!([1, 2147483647]));
        assert_eq!(opt["default_effective"], "5");
        assert_eq!(opt["invalid_ignored"], true);
        assert!(opt.get("deprecated").is_none());
        assert_eq!(opt["availability"]["23"], Value::Null);
        assert_eq!(opt["release_candidates"], json!(["23.5.0-rc1"]));
        // Options sorted case-insensitively: "flag" < "Other".
        assert_eq!(data["types"][0]["options"][0]["name"], "flag");
        assert_eq!(data["accepted_true"], json!(["yes"]));
        assert!(data["types"][0]["options"][0]
            .get("accepted_true")
            .is_none());
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = trim_upstream(&upstream(
            json!({"kind": "string", "repeat": "last_wins", "brand_new": 1}),
        ))
        .unwrap_err();
        assert!(err.contains("brand_new"), "{err}");
    }

    #[test]
    fn layout_is_one_option_per_line_and_stable() {
        let data = trim_upstream(&upstream(
            json!({"kind": "string", "repeat": "last_wins", "subkind": "secret"}),
        ))
        .unwrap();
        let text = to_data_string(&data);
        assert_eq!(text, to_data_string(&serde_json::from_str(&text).unwrap()));
        let option_lines: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("{\"name\""))
            .collect();
        assert_eq!(option_lines.len(), 2, "{text}");
        assert!(option_lines[1].contains("\"secret\":true"));
    }
}
