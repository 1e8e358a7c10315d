//! What each written option name means in each object type, looked up once per (type, key id).

use super::{Config, KeyId, Var};
use crate::schema::{ObjectType, OptionSpec};

/// What a key means in an object type: looked up once per (type, key id), since thousands of
/// objects repeat the same few keys and a schema lookup compares names (a binary search of
/// case-insensitive string comparisons, once per line and per rule before this table).
#[derive(Debug, Default)]
pub struct KeyMeanings {
    /// Per type index, per key id.
    by_type: Vec<Vec<Option<KeyMeaning>>>,
}

#[derive(Debug, Clone, Copy)]
pub struct KeyMeaning {
    pub spec: Option<&'static OptionSpec>,
    /// `type` itself, or a key one of the type's patterns accepts: no option handler checks it.
    pub unchecked: bool,
}

impl KeyMeanings {
    pub fn known(&self, ty: &ObjectType, key: KeyId) -> Option<KeyMeaning> {
        *self.by_type.get(ty.index)?.get(key.0 as usize)?
    }

    /// Adds what `other` looked up and this did not.
    pub fn merge(&mut self, other: KeyMeanings) {
        if self.by_type.len() < other.by_type.len() {
            self.by_type.resize_with(other.by_type.len(), Vec::new);
        }
        for (keys, other_keys) in self.by_type.iter_mut().zip(other.by_type) {
            if keys.len() < other_keys.len() {
                keys.resize(other_keys.len(), None);
            }
            for (meaning, other_meaning) in keys.iter_mut().zip(other_keys) {
                *meaning = meaning.or(other_meaning);
            }
        }
    }

    pub fn resolve(&mut self, config: &Config, ty: &'static ObjectType, var: &Var) -> KeyMeaning {
        if let Some(meaning) = self.known(ty, var.key) {
            return meaning;
        }
        let meaning = meaning_of(config, ty, var);
        if self.by_type.len() <= ty.index {
            self.by_type.resize_with(ty.index + 1, Vec::new);
        }
        let keys = &mut self.by_type[ty.index];
        if keys.len() <= var.key.0 as usize {
            keys.resize(var.key.0 as usize + 1, None);
        }
        keys[var.key.0 as usize] = Some(meaning);
        meaning
    }
}

fn meaning_of(config: &Config, ty: &'static ObjectType, var: &Var) -> KeyMeaning {
    let key = config.key(var);
    KeyMeaning {
        spec: ty.option(key),
        unchecked: key.eq_ignore_ascii_case("type") || ty.matches_pattern(key),
    }
}

impl Config {
    /// The option `var` sets in an object of type `ty` (names compared without case), whatever
    /// the version; `None` for a key the type does not know. From the table validation fills
    /// (every line of every object), else looked up.
    pub fn option_spec(&self, ty: &'static ObjectType, var: &Var) -> Option<&'static OptionSpec> {
        match self.key_meanings.known(ty, var.key) {
            Some(meaning) => meaning.spec,
            None => ty.option(self.key(var)),
        }
    }
}
