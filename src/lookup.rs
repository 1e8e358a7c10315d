//! Reading an object's options the way Asterisk ends up with them: the last line of a
//! single-valued option wins, list options keep every line (inherited lines first).

use crate::model::{Config, Object, Var};
use crate::schema::schema;

impl Config {
    /// Every line of `key` in the object (names compared without case), in order.
    pub fn option_vars<'a>(
        &'a self,
        object: &Object,
        key: &str,
    ) -> impl DoubleEndedIterator<Item = &'a Var> + 'a {
        let ids = self.key_ids(key);
        self.section(object.section)
            .vars
            .iter()
            .filter(move |var| ids.contains(&var.key))
    }

    /// The line that sets a single-valued option: the last one.
    pub fn option_var<'a>(&'a self, object: &Object, key: &str) -> Option<&'a Var> {
        self.option_vars(object, key).next_back()
    }

    /// The value of a single-valued option, if written.
    pub fn option<'a>(&'a self, object: &Object, key: &str) -> Option<&'a str> {
        self.option_var(object, key).map(|var| self.value(var))
    }

    /// Whether a yes/no option is written as yes (Asterisk's `ast_true` words).
    pub fn option_is_true(&self, object: &Object, key: &str) -> bool {
        self.option(object, key)
            .is_some_and(|value| schema().is_true_word(value))
    }

    /// The items of a list option over all its lines: split at commas, trimmed, empty ones left
    /// out (`aors=a,b` plus `aors=c`; `match=` lines accumulate).
    pub fn option_items<'a>(
        &'a self,
        object: &Object,
        key: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.option_vars(object, key)
            .flat_map(move |var| self.value(var).split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
    }

    /// The objects of type `kind` named by a list option (`aors`, `auth`, `outbound_auth`, ...),
    /// those that exist.
    pub fn referenced<'a>(
        &'a self,
        object: &Object,
        key: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.option_items(object, key)
            .filter_map(move |name| self.objects.get(kind, name))
    }

    /// The transports an endpoint (or registration) can use: the one its `transport=` names,
    /// or, when it names none, every transport (pjsip picks one by the destination).
    pub fn transports_of<'a>(&'a self, object: &Object) -> Vec<&'a Object> {
        match self
            .option(object, "transport")
            .filter(|name| !name.is_empty())
        {
            Some(name) => self.objects.get("transport", name).into_iter().collect(),
            None => self.objects.of_type("transport").collect(),
        }
    }
}
